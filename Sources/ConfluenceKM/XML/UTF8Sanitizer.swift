/// Sits between the archive and libxml2: bytes that are not valid UTF-8 become U+FFFD, so that one damaged body
/// does not make the whole `entities.xml` unreadable. The page whose body held them gets an `invalid-utf8` note.
/// Characters XML forbids become stand-ins (``XMLChars``), repaired and reported per object later.
final class UTF8Sanitizer {
    private let source: (UnsafeMutableRawBufferPointer) throws -> Int
    private var input = [UInt8](repeating: 0, count: 1 << 16)
    private var pending: [UInt8] = []   // sanitized bytes not yet handed out, from pendingStart on
    private var pendingStart = 0
    private var carry: [UInt8] = []     // an incomplete sequence at the end of the last chunk
    private var finished = false
    private(set) var replacements = 0
    /// Characters XML forbids, turned into stand-ins.
    private(set) var forbidden = 0

    init(source: @escaping (UnsafeMutableRawBufferPointer) throws -> Int) {
        self.source = source
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        while pendingStart >= pending.count && !finished {
            pending.removeAll(keepingCapacity: true)
            pendingStart = 0
            try fill()
        }
        let n = min(buffer.count, pending.count - pendingStart)
        if n <= 0 { return 0 }
        pending.withUnsafeBytes { buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[pendingStart..<(pendingStart + n)])) }
        pendingStart += n
        return n
    }

    private func fill() throws {
        let n = try input.withUnsafeMutableBytes { try source($0) }
        if n == 0 {
            finished = true
            if !carry.isEmpty { carry = []; replacements += 1; pending += [0xEF, 0xBF, 0xBD] }
            return
        }
        if carry.isEmpty {
            input.withUnsafeBufferPointer { check(UnsafeBufferPointer(rebasing: $0[0..<n])) }
        } else {
            let bytes = carry + input[0..<n]
            carry = []
            bytes.withUnsafeBufferPointer { check($0) }
        }
    }

    /// Appends `bytes` to `pending`: valid runs are copied whole, each bad byte becomes U+FFFD, and a sequence cut
    /// off at the end is kept in `carry` for the next chunk.
    private func check(_ bytes: UnsafeBufferPointer<UInt8>) {
        let count = bytes.count
        let base = UnsafeRawPointer(bytes.baseAddress!)
        var runStart = 0
        var i = 0
        while i < count {
            // Eight ASCII bytes at a time, none of them a control character (each byte >= 0x20: adding 0x60 sets
            // its high bit; the check also passes tab, LF and CR only one at a time below).
            while i + 8 <= count {
                let w = base.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                if w & 0x8080_8080_8080_8080 != 0 { break }
                // High bit set for each byte below 0x20; those must all be tab, LF or CR to stay on the fast path.
                var low = ~(w &+ 0x6060_6060_6060_6060) & 0x8080_8080_8080_8080
                var allowed = true
                while low != 0 {
                    let shift = UInt64(low.trailingZeroBitCount) - 7
                    let b = UInt8(truncatingIfNeeded: w >> shift)
                    if b != 0x09 && b != 0x0A && b != 0x0D { allowed = false; break }
                    low &= low - 1
                }
                if !allowed { break }
                i += 8
            }
            if i >= count { break }
            let b = bytes[i]
            if b < 0x80 {
                if XMLChars.isForbidden(b) {
                    pending.append(contentsOf: bytes[runStart..<i])
                    pending.append(contentsOf: XMLChars.standIn(b))
                    forbidden += 1
                    runStart = i + 1
                }
                i += 1
                continue
            }
            let length: Int
            var min: UInt32 = 0
            switch b {
            case 0xC2...0xDF: length = 2; min = 0x80
            case 0xE0...0xEF: length = 3; min = 0x800
            case 0xF0...0xF4: length = 4; min = 0x10000
            default: length = 0
            }
            if length != 0 && i + length > count {
                // Possibly a sequence split across chunks: keep it for the next one.
                if bytes[(i + 1)...].allSatisfy({ $0 & 0xC0 == 0x80 }) {
                    pending.append(contentsOf: bytes[runStart..<i])
                    carry = Array(bytes[i...])
                    return
                }
            } else if length != 0 {
                var scalar = UInt32(b) & (0xFF >> (length + 1))
                var ok = true
                for k in 1..<length {
                    let c = bytes[i + k]
                    if c & 0xC0 != 0x80 { ok = false; break }
                    scalar = scalar << 6 | UInt32(c & 0x3F)
                }
                if ok && (scalar == 0xFFFE || scalar == 0xFFFF) {
                    pending.append(contentsOf: bytes[runStart..<i])
                    pending.append(contentsOf: scalar == 0xFFFE ? XMLChars.standInFFFE : XMLChars.standInFFFF)
                    forbidden += 1
                    i += length
                    runStart = i
                    continue
                }
                if ok && scalar >= min && scalar <= 0x10FFFF && !(0xD800...0xDFFF).contains(scalar) {
                    i += length
                    continue
                }
            }
            pending.append(contentsOf: bytes[runStart..<i])
            replace(&pending)
            i += 1
            runStart = i
        }
        pending.append(contentsOf: bytes[runStart..<count])
    }

    private func replace(_ out: inout [UInt8]) {
        replacements += 1
        out += [0xEF, 0xBF, 0xBD]
    }
}
