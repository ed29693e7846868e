import Crypto
import Foundation

/// The bundle being written: a temporary folder beside the destination, renamed into place at the end.
///
/// Every file goes through ``write(_:to:)`` or ``FileSink``, which record its size and SHA-256 for the manifest.
final class StagingFolder: @unchecked Sendable {
    let destination: URL
    let root: URL
    /// `root.path`, kept as a string: file paths are built by concatenation on the hot path, not through URL.
    private let rootPath: String
    private let lock = NSLock()
    private var files: [String: (bytes: Int64, sha256: String)] = [:]
    /// Folders already created in this bundle (relative paths), so that each is created once.
    private var createdFolders: Set<String> = []
    private var committed = false

    static let tempMarker = ".ckm-tmp-"

    init(destination: URL, force: Bool) throws {
        self.destination = destination.standardizedFileURL
        let fm = FileManager.default
        var isDir: ObjCBool = false
        if fm.fileExists(atPath: self.destination.path, isDirectory: &isDir) {
            let empty = isDir.boolValue && ((try? fm.contentsOfDirectory(atPath: self.destination.path))?.isEmpty ?? false)
            if !empty && !force { throw ConversionError.outputExists(path: self.destination.path) }
        }
        let parent = self.destination.deletingLastPathComponent()
        do {
            try fm.createDirectory(at: parent, withIntermediateDirectories: true)
        } catch {
            throw ConversionError.outputFailed(path: parent.path, reason: "cannot create the parent folder")
        }
        Self.removeStale(in: parent, name: self.destination.lastPathComponent)
        root = parent.appendingPathComponent(
            "." + self.destination.lastPathComponent + Self.tempMarker + String(getpid()) + "-" + String(UInt32.random(in: 0...UInt32.max), radix: 16))
        do {
            try fm.createDirectory(at: root, withIntermediateDirectories: false)
        } catch {
            throw ConversionError.outputFailed(path: root.path, reason: "cannot create the temporary folder")
        }
        rootPath = root.path
    }

    deinit {
        if !committed { try? FileManager.default.removeItem(at: root) }
    }

    /// Removes the temporary folder now (a failed conversion).
    func discard() {
        if !committed { try? FileManager.default.removeItem(at: root) }
    }

    /// Temporary folders left by a run that was killed (its process is gone) are removed.
    static func removeStale(in parent: URL, name: String) {
        let prefix = "." + name + tempMarker
        guard let items = try? FileManager.default.contentsOfDirectory(atPath: parent.path) else { return }
        for item in items where item.hasPrefix(prefix) {
            let rest = item.dropFirst(prefix.count)
            if let pid = rest.split(separator: "-").first.flatMap({ Int32($0) }), pid != getpid(), kill(pid, 0) == 0 {
                continue  // another live run
            }
            try? FileManager.default.removeItem(at: parent.appendingPathComponent(item))
        }
    }

    func url(_ path: String) -> URL { root.appendingPathComponent(path) }

    /// Refuses to start writing when the destination's filesystem cannot hold the bundle.
    func checkFreeSpace(needed: Int64) throws {
        var st = statvfs()
        guard statvfs(root.path, &st) == 0 else { return }
        let available = Int64(st.f_bavail) * Int64(st.f_frsize)
        if available < needed { throw ConversionError.notEnoughDisk(path: destination.path, needed: needed, available: available) }
    }

    private func fullPath(_ path: String) -> String { rootPath + "/" + path }

    /// Creates the folders above `path` (relative to the bundle root), each once per bundle.
    private func ensureParent(_ path: String) throws {
        guard let slash = path.utf8.lastIndex(of: UInt8(ascii: "/")) else { return }
        let dir = String(path[..<slash])
        lock.lock()
        let known = createdFolders.contains(dir)
        lock.unlock()
        if known { return }
        try ensureParent(dir)
        if mkdir(fullPath(dir), 0o755) != 0 && errno != EEXIST {
            throw ConversionError.outputFailed(path: fullPath(dir), reason: String(cString: strerror(errno)))
        }
        var st = stat()
        guard lstat(fullPath(dir), &st) == 0, st.st_mode & S_IFMT == S_IFDIR else {
            throw ConversionError.outputFailed(path: fullPath(dir), reason: "not a folder")
        }
        lock.lock()
        createdFolders.insert(dir)
        lock.unlock()
    }

    /// Writes a whole file; returns its SHA-256.
    @discardableResult
    func write(_ data: Data, to path: String) throws -> String {
        try ensureParent(path)
        let fd = try create(path)
        defer { close(fd) }
        try data.withUnsafeBytes { try writeAll(fd, $0, path) }
        let digest = SHA256.hash(data: data).hex
        record(path, bytes: Int64(data.count), sha256: digest)
        return digest
    }

    func record(_ path: String, bytes: Int64, sha256: String) {
        lock.lock()
        files[path] = (bytes, sha256)
        lock.unlock()
    }

    var recordedFiles: [(path: String, bytes: Int64, sha256: String)] {
        lock.lock()
        defer { lock.unlock() }
        return files.map { ($0.key, $0.value.bytes, $0.value.sha256) }.sorted { $0.path < $1.path }
    }

    /// Opens a file for streaming writes; the hash is computed as bytes go through.
    func sink(_ path: String) throws -> FileSink {
        try ensureParent(path)
        return FileSink(path: path, fd: try create(path), folder: self)
    }

    /// Creates a new file; never replaces one (`O_EXCL`), never follows a link (`O_NOFOLLOW`).
    private func create(_ path: String) throws -> Int32 {
        let fd = open(fullPath(path), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
        if fd < 0 {
            throw ConversionError.outputFailed(path: fullPath(path), reason: String(cString: strerror(errno)))
        }
        return fd
    }

    /// Renames the finished bundle into place. An existing destination (with `--force`) is moved aside first and
    /// removed only after the new bundle is in place.
    func commit() throws {
        let fm = FileManager.default
        var aside: URL?
        if fm.fileExists(atPath: destination.path) {
            let a = destination.deletingLastPathComponent().appendingPathComponent(
                "." + destination.lastPathComponent + Self.tempMarker + String(getpid()) + "-old")
            try? fm.removeItem(at: a)
            if rename(destination.path, a.path) != 0 {
                throw ConversionError.outputFailed(path: destination.path, reason: String(cString: strerror(errno)))
            }
            aside = a
        }
        if rename(root.path, destination.path) != 0 {
            let reason = String(cString: strerror(errno))
            if let aside { _ = rename(aside.path, destination.path) }
            throw ConversionError.outputFailed(path: destination.path, reason: reason)
        }
        committed = true
        if let aside { try? fm.removeItem(at: aside) }
    }
}

/// A file being streamed into the staging folder.
final class FileSink {
    let path: String
    private var fd: Int32
    private unowned let folder: StagingFolder
    private var hasher = SHA256()
    private(set) var bytes: Int64 = 0

    init(path: String, fd: Int32, folder: StagingFolder) {
        self.path = path
        self.fd = fd
        self.folder = folder
    }

    deinit { if fd >= 0 { close(fd) } }

    func write(_ chunk: UnsafeRawBufferPointer) throws {
        hasher.update(bufferPointer: chunk)
        bytes += Int64(chunk.count)
        try writeAll(fd, chunk, path)
    }

    /// Closes the file and records it; returns its SHA-256.
    @discardableResult
    func finish() throws -> String {
        close(fd)
        fd = -1
        let digest = hasher.finalize().hex
        folder.record(path, bytes: bytes, sha256: digest)
        return digest
    }
}

/// Writes every byte, retrying short writes; a full disk becomes a clear error.
func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, _ path: String) throws {
    var offset = 0
    while offset < bytes.count {
        let n = Foundation.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
        if n < 0 {
            if errno == EINTR { continue }
            throw ConversionError.outputFailed(path: path, reason: String(cString: strerror(errno)))
        }
        offset += n
    }
}

extension Digest {
    var hex: String {
        let digits: StaticString = "0123456789abcdef"
        return withUnsafeBytes { bytes in
            String(unsafeUninitializedCapacity: bytes.count * 2) { out in
                digits.withUTF8Buffer { d in
                    for (i, b) in bytes.enumerated() {
                        out[2 * i] = d[Int(b >> 4)]
                        out[2 * i + 1] = d[Int(b & 0xf)]
                    }
                }
                return bytes.count * 2
            }
        }
    }
}
