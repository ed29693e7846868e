import CArchive
import Foundation

/// Decompresses a byte stream with libarchive's filters (gzip, zstd, …) in its "raw" format: what comes in plain
/// passes through unchanged, so a `.csv.gz` that is really plain CSV reads the same.
///
/// The source is pulled through a C callback; the libarchive handle is freed in `deinit`.
final class FilteredStream {
    typealias Source = (UnsafeMutableRawBufferPointer) throws -> Int

    private final class Context {
        let source: Source
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 16, alignment: 16)
        var error: Error?
        init(source: @escaping Source) { self.source = source }
        deinit { buffer.deallocate() }
    }

    private let handle: OpaquePointer
    private let context: Context
    private let name: String

    init(name: String, source: @escaping Source) throws {
        guard let a = archive_read_new() else { throw ConversionError.corruptArchive(path: name, entry: nil, reason: "no memory") }
        handle = a
        self.name = name
        context = Context(source: source)
        archive_read_support_filter_all(a)
        archive_read_support_format_raw(a)
        let status = archive_read_open(a, Unmanaged.passUnretained(context).toOpaque(), nil, { _, client, out in
            guard let client, let out else { return -1 }
            let c = Unmanaged<Context>.fromOpaque(client).takeUnretainedValue()
            do {
                let n = try c.source(c.buffer)
                out.pointee = UnsafeRawPointer(c.buffer.baseAddress)
                return n
            } catch {
                c.error = error
                return -1
            }
        }, nil)
        if status != ARCHIVE_OK { throw fail() }
        var entry: OpaquePointer?
        let h = archive_read_next_header(a, &entry)
        if h == ARCHIVE_EOF { return }  // empty input
        if h < ARCHIVE_WARN { throw fail() }
    }

    deinit { archive_read_free(handle) }

    private func fail() -> Error {
        if let e = context.error { return e }
        let reason = archive_error_string(handle).map { String(cString: $0) } ?? "cannot decompress"
        return ConversionError.corruptArchive(path: name, entry: nil, reason: reason)
    }

    /// Reads decompressed bytes; 0 at the end.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let n = archive_read_data(handle, buffer.baseAddress, buffer.count)
        if n < 0 { throw fail() }
        return n
    }

    /// Decompresses a whole in-memory buffer (a zstd body), capped at `limit` bytes.
    static func decompress(_ data: Data, name: String, limit: Int) throws -> Data {
        var offset = 0
        let stream = try FilteredStream(name: name) { buffer in
            let n = min(buffer.count, data.count - offset)
            if n > 0 {
                data.withUnsafeBytes { src in buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: src[offset..<(offset + n)])) }
                offset += n
            }
            return n
        }
        var out = Data()
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = try chunk.withUnsafeMutableBytes { try stream.read(into: $0) }
            if n == 0 { break }
            out.append(contentsOf: chunk[0..<n])
            if out.count > limit { throw ConversionError.corruptArchive(path: name, entry: nil, reason: "decompresses to more than \(limit) bytes") }
        }
        return out
    }
}
