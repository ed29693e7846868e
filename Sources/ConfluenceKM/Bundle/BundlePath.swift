import Crypto
import Foundation

/// The one judge of paths inside a bundle, for everything the tool writes and reads.
///
/// A bundle path is relative, made of components separated by `/`, none of which is empty, `.` or `..`, and none
/// holds a NUL, a backslash or a control character. Paths from the export go through ``Naming`` first; paths read
/// from a bundle (metadata's `markdown`, a manifest, a delta) come from whoever made the bundle and are judged here
/// before anything is opened. Files are then opened component by component with `O_NOFOLLOW` (``BundleFiles``),
/// so a symbolic link inside the bundle never leads out of it.
public enum BundlePath {
    /// At most this many bytes and components: a path deeper or longer than any bundle writes is refused.
    static let maxBytes = 4096
    static let maxComponents = 32

    public static func isSafe(_ path: String) -> Bool {
        let bytes = path.utf8
        guard !bytes.isEmpty, bytes.count <= maxBytes, bytes.first != UInt8(ascii: "/") else { return false }
        var components = 0
        for component in path.split(separator: "/", omittingEmptySubsequences: false) {
            components += 1
            if component.isEmpty || component == "." || component == ".." { return false }
            for b in component.utf8 where b < 0x20 || b == 0x7f || b == UInt8(ascii: "\\") { return false }
        }
        return components <= maxComponents
    }

    /// Throws when `path` is not a safe bundle path; `origin` names where it came from for the message.
    static func check(_ path: String, origin: String) throws {
        guard isSafe(path) else {
            throw ConversionError.unsafePath(path: String(path.prefix(200)), origin: origin)
        }
    }
}

/// Reading files of a bundle (or a delta) without ever leaving it: every component is opened with `openat` and
/// `O_NOFOLLOW`, folders must be folders and the file a regular file.
public enum BundleFiles {
    /// Opens `relative` under `root` for reading; returns the descriptor (the caller closes it).
    public static func open(root: String, _ relative: String) throws -> Int32 {
        try BundlePath.check(relative, origin: root)
        var dir = Foundation.open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard dir >= 0 else { throw ConversionError.outputFailed(path: root, reason: String(cString: strerror(errno))) }
        let parts = relative.split(separator: "/").map(String.init)
        for (i, part) in parts.enumerated() {
            let last = i == parts.count - 1
            let fd = openat(dir, part, (last ? O_RDONLY : O_RDONLY | O_DIRECTORY) | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK)
            let err = errno
            close(dir)
            guard fd >= 0 else {
                let reason = err == ELOOP || err == ENOTDIR ? "a symbolic link or not a folder (never followed)" : String(cString: strerror(err))
                throw ConversionError.outputFailed(path: root + "/" + relative, reason: reason)
            }
            dir = fd
        }
        var st = stat()
        guard fstat(dir, &st) == 0, st.st_mode & S_IFMT == S_IFREG else {
            close(dir)
            throw ConversionError.outputFailed(path: root + "/" + relative, reason: "not a regular file")
        }
        return dir
    }

    /// A whole file, refused past `maxBytes` (never read whole into memory beyond it).
    public static func read(root: String, _ relative: String, maxBytes: Int = 256 << 20) throws -> Data {
        let fd = try open(root: root, relative)
        defer { close(fd) }
        var st = stat()
        fstat(fd, &st)
        if Int64(st.st_size) > Int64(maxBytes) {
            throw ConversionError.outputFailed(path: root + "/" + relative, reason: "\(st.st_size) bytes, over the limit of \(maxBytes) for this file")
        }
        var out = Data()
        try chunks(fd, path: root + "/" + relative) { out.append(contentsOf: $0) }
        return out
    }

    /// Calls `body` with the file's bytes in chunks of 1 MiB: memory stays flat whatever the file's size.
    static func chunks(_ fd: Int32, path: String, _ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = buffer.withUnsafeMutableBytes { Foundation.read(fd, $0.baseAddress!, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw ConversionError.outputFailed(path: path, reason: String(cString: strerror(errno)))
            }
            if n == 0 { return }
            try buffer.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
        }
    }

    /// Size and SHA-256 of a file of the bundle, hashed in chunks.
    static func digest(root: String, _ relative: String) throws -> (bytes: Int64, sha256: String) {
        let fd = try open(root: root, relative)
        defer { close(fd) }
        var hasher = SHA256()
        var bytes: Int64 = 0
        try chunks(fd, path: root + "/" + relative) { hasher.update(bufferPointer: $0); bytes += Int64($0.count) }
        return (bytes, hasher.finalize().hex)
    }

    /// Every regular file under `root` (relative paths, sorted); symbolic links and other kinds are listed in
    /// `others`, never followed.
    public static func list(root: String) -> (files: [String], others: [String]) {
        var files: [String] = [], others: [String] = []
        func walk(_ rel: String) {
            let dirPath = rel.isEmpty ? root : root + "/" + rel
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: dirPath) else { return }
            for name in names.sorted() {
                let r = rel.isEmpty ? name : rel + "/" + name
                var st = stat()
                guard lstat(root + "/" + r, &st) == 0 else { continue }
                switch st.st_mode & S_IFMT {
                case S_IFDIR: walk(r)
                case S_IFREG: files.append(r)
                default: others.append(r)
                }
            }
        }
        walk("")
        return (files, others)
    }
}
