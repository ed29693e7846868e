/// Sits between the archive and libxml2: bytes that are not valid UTF-8 become U+FFFD, so that one damaged body
/// does not make the whole `entities.xml` unreadable. The page whose body held them gets an `invalid-utf8` note.
final class UTF8Sanitizer {
    private let source: (UnsafeMutableRawBufferPointer) throws -> Int
    private var input = [UInt8](repeating: 0, count: 1 << 16)
    private var pending: [UInt8] = []   // sanitized bytes not yet handed out, from pendingStart on
    private var pendingStart = 0
    private var carry: [UInt8] = []     // an incomplete sequence at the end of the last chunk
    private var finished = false
    private(set) var replacements = 0

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
        var bytes = carry
        carry = []
        if n == 0 {
            finished = true
            if !bytes.isEmpty { replacements += 1; pending += [0xEF, 0xBF, 0xBD] }
            return
        }
        bytes += input[0..<n]
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            if b < 0x80 {
                // Copy the whole ASCII run at once.
                var j = i + 1
                while j < bytes.count && bytes[j] < 0x80 { j += 1 }
                out += bytes[i..<j]
                i = j
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
            if length == 0 { replace(&out); i += 1; continue }
            if i + length > bytes.count {
                // Possibly a sequence split across chunks: keep it for the next one.
                let tail = bytes[i...]
                if tail.dropFirst().allSatisfy({ $0 & 0xC0 == 0x80 }) { carry = Array(tail); break }
                replace(&out); i += 1; continue
            }
            var scalar = UInt32(b) & (0xFF >> (length + 1))
            var ok = true
            for k in 1..<length {
                let c = bytes[i + k]
                if c & 0xC0 != 0x80 { ok = false; break }
                scalar = scalar << 6 | UInt32(c & 0x3F)
            }
            if ok && scalar >= min && scalar <= 0x10FFFF && !(0xD800...0xDFFF).contains(scalar) {
                out += bytes[i..<(i + length)]
                i += length
            } else {
                replace(&out)
                i += 1
            }
        }
        pending += out
    }

    private func replace(_ out: inout [UInt8]) {
        replacements += 1
        out += [0xEF, 0xBF, 0xBD]
    }
}
