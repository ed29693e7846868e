import Foundation

/// Bodies set aside during the index pass, so that the content pass reads back only the current ones instead of
/// decompressing and parsing `entities.xml` a second time. A file of mode 0600 inside the bundle's temporary folder
/// that is unlinked as soon as it is opened: it has no name while bodies are in it, so no signal, crash or kill
/// can leave raw storage XHTML (historical bodies included) on disk. Memory holds only each body's offset and length.
final class BodySpool: @unchecked Sendable {
    let path: String
    private var fd: Int32
    private var offset: Int64 = 0
    private var start: Int64 = 0
    private var buffer: [UInt8] = []
    /// Bodies in the order written; hashed by ``keep(_:)`` once the index knows which are wanted.
    private var written: [Written] = []
    private(set) var ranges: [String: (offset: Int64, length: Int)] = [:]
    private let lock = NSLock()
    private var repairs: [String: [UInt32]] = [:]

    /// Bytes of one body kept at most: `maxBodyBytes + 1`, so that an oversized body is known as such when read back
    /// without ever being held whole (the rest of it streams past, unwritten).
    private let keepBytes: Int
    private var current = 0

    init(path: String, maxBodyBytes: Int = ArchiveLimits().maxBodyBytes) throws {
        self.path = path
        keepBytes = maxBodyBytes == .max ? .max : maxBodyBytes + 1
        fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        if fd < 0 { throw ConversionError.outputFailed(path: path, reason: String(cString: strerror(errno))) }
        unlink(path)  // read and written through the descriptor only
        buffer.reserveCapacity(1 << 20)
    }

    deinit {
        if fd >= 0 { close(fd) }
    }


    func begin() {
        start = offset + Int64(buffer.count)
        current = 0
    }

    func append(_ bytes: UnsafeBufferPointer<UInt8>) throws {
        let room = keepBytes - current
        if room <= 0 { return }
        let take = min(room, bytes.count)
        current += take
        buffer.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[0..<take]))
        if buffer.count >= 1 << 20 { try flush() }
    }

    func append(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBufferPointer { try append($0) }
    }

    func end(id: String) {
        written.append((id, start, Int(offset + Int64(buffer.count) - start)))
    }

    typealias Written = (id: String, offset: Int64, length: Int)

    /// Makes the bodies `wanted` accepts readable (a body written twice: the later one) and forgets the rest (their
    /// bytes stay in the file, unread).
    func keep(_ wanted: (String) -> Bool) {
        keep(takeWritten(), wanted)
    }

    /// The bodies written since the last call (one export's, when several are indexed into one spool).
    func takeWritten() -> [Written] {
        defer { written = [] }
        return written
    }

    /// Makes the bodies of `list` that `wanted` accepts readable.
    func keep(_ list: [Written], _ wanted: (String) -> Bool) {
        for w in list where wanted(w.id) { ranges[w.id] = (w.offset, w.length) }
    }

    private func flush() throws {
        try buffer.withUnsafeBytes { try writeAll(fd, $0, path) }
        offset += Int64(buffer.count)
        buffer.removeAll(keepingCapacity: true)
    }

    /// Ends writing; bodies can be read from now on.
    func finishWriting() throws { try flush() }

    func body(_ id: String) throws -> String? {
        guard let r = ranges[id] else { return nil }
        var bytes = [UInt8](repeating: 0, count: r.length)
        var done = 0
        while done < r.length {
            let n = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + done, r.length - done, off_t(r.offset) + off_t(done)) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { throw ConversionError.outputFailed(path: path, reason: "cannot read back a spooled body") }
            done += n
        }
        let (text, points) = XMLChars.repair(String(decoding: bytes, as: UTF8.self))
        if !points.isEmpty {
            lock.lock()
            repairs[id] = points
            lock.unlock()
        }
        return text
    }

    /// Code points XML forbids that ``body(_:)`` replaced in a body (for its `invalid-xml-char` diagnostic).
    func repairedCharacters(_ id: String) -> [UInt32] {
        lock.lock()
        defer { lock.unlock() }
        return repairs[id] ?? []
    }
}
