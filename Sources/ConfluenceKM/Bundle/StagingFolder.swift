import CSystem
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

    private let force: Bool
    /// For folders that are not bundles (the preview's site): the file that marks a folder this tool wrote.
    private let marker: String?
    /// The destination was an empty folder when the run started (it may be replaced without --force if it still is).
    private var startedEmpty = false
    /// The bundle is written as one archive at the destination (`-o BUNDLE.zip`): the folder is packed at commit.
    let archive: BundleArchive.Format?

    /// `scratchBytes`: for an archive output, about how much the folder may hold at most; when the memory file
    /// system (/dev/shm) has room for it, the folder is staged there (mode 0700), so that the bundle's many small
    /// files never touch the disk — only the one archive does.
    init(destination: URL, force: Bool, marker: String? = nil, scratchBytes: Int64? = nil) throws {
        self.force = force
        self.marker = marker
        self.destination = destination.standardizedFileURL
        archive = marker == nil ? BundleArchive.format(of: self.destination.path) : nil
        let fm = FileManager.default
        var isDir: ObjCBool = false
        if archive != nil, fm.fileExists(atPath: self.destination.path, isDirectory: &isDir) {
            if isDir.boolValue {
                throw ConversionError.outputFailed(path: self.destination.path, reason: "it is a folder, and the name asks for an archive; choose another output")
            }
            if !force { throw ConversionError.outputFailed(path: self.destination.path, reason: "the file exists; pass --force to replace it") }
            if !BundleArchive.isBundleArchive(self.destination.path) { throw ConversionError.notABundle(path: self.destination.path) }
        } else if fm.fileExists(atPath: self.destination.path, isDirectory: &isDir) {
            if !isDir.boolValue {
                throw ConversionError.outputFailed(path: self.destination.path, reason: "it is a file, not a folder; choose another output")
            }
            let empty = (try? fm.contentsOfDirectory(atPath: self.destination.path))?.isEmpty ?? false
            if !empty && !force { throw ConversionError.outputExists(path: self.destination.path) }
            startedEmpty = empty
            if !empty && !Self.isReplaceable(self.destination.path, marker: marker) { throw ConversionError.notABundle(path: self.destination.path) }
        }
        let parent = self.destination.deletingLastPathComponent()
        var parentIsDir: ObjCBool = false
        if !(fm.fileExists(atPath: parent.path, isDirectory: &parentIsDir) && parentIsDir.boolValue) {
            var current = ""
            for component in parent.path.split(separator: "/") {
                current += "/" + component
                if mkdir(current, 0o755) != 0 && errno != EEXIST {
                    throw ConversionError.outputFailed(path: self.destination.path,
                        reason: "its folder \(current) cannot be created (\(String(cString: strerror(errno))))")
                }
            }
        }
        var scratch = parent
        if archive != nil, let need = scratchBytes, Self.hasRoom(in: "/dev/shm", for: need) { scratch = URL(fileURLWithPath: "/dev/shm") }
        Self.removeStale(in: parent, name: self.destination.lastPathComponent)
        if scratch != parent { Self.removeStale(in: scratch, name: self.destination.lastPathComponent) }
        root = scratch.appendingPathComponent(
            "." + self.destination.lastPathComponent + Self.tempMarker + String(getpid()) + "-" + String(UInt32.random(in: 0...UInt32.max), radix: 16))
        // Registered before it exists: a signal between the two must still find it.
        TemporaryPaths.register(root.path)
        try TemporaryPaths.checkNotStopping()
        if mkdir(root.path, scratch == parent ? 0o755 : 0o700) != 0 {
            TemporaryPaths.unregister(root.path)
            throw ConversionError.outputFailed(path: self.destination.path,
                reason: "nothing can be written in \(parent.path) (\(String(cString: strerror(errno))))")
        }
        rootPath = root.path
    }

    deinit {
        if !committed { try? FileManager.default.removeItem(at: root) }
        TemporaryPaths.unregister(root.path)
    }

    /// Whether `folder` is a writable directory with at least `bytes` free.
    static func hasRoom(in folder: String, for bytes: Int64) -> Bool {
        var st = stat()
        guard lstat(folder, &st) == 0, st.st_mode & S_IFMT == S_IFDIR, access(folder, W_OK) == 0, let free = freeBytes(at: folder) else { return false }
        return free >= bytes
    }

    /// The bytes free for this user on the file system holding `path`; nil when it cannot be told.
    static func freeBytes(at path: String) -> Int64? {
        var fs = statvfs()
        guard statvfs(path, &fs) == 0 else { return nil }
        return Int64(fs.f_bavail) * Int64(fs.f_frsize)
    }

    /// Removes the temporary folder now (a failed conversion).
    func discard() {
        if !committed { try? FileManager.default.removeItem(at: root) }
        TemporaryPaths.unregister(root.path)
    }

    /// Whether `path` may be replaced by `--force` or `apply`: a real folder (not a link) that is empty or holds a
    /// `manifest.json` this tool wrote. Anything else is never deleted.
    static func isReplaceable(_ path: String, marker: String? = nil) -> Bool {
        var st = stat()
        guard lstat(path, &st) == 0, st.st_mode & S_IFMT == S_IFDIR else { return false }
        if (try? FileManager.default.contentsOfDirectory(atPath: path))?.isEmpty == true { return true }
        if let marker { return (try? BundleFiles.open(root: path, marker)).map { close($0); return true } ?? false }
        guard let data = try? BundleFiles.read(root: path, "manifest.json", maxBytes: 1 << 30),
              let m = try? JSONDecoder().decode(Manifest.self, from: data) else { return false }
        return m.tool.name == "confluence-km"
    }

    /// Temporary folders left by a run that was killed (its process is gone) are removed. A previous bundle moved
    /// aside (`-old`) is put back when the destination is missing: a kill between two renames never loses it.
    static func removeStale(in parent: URL, name: String) {
        let prefix = "." + name + tempMarker
        guard let items = try? FileManager.default.contentsOfDirectory(atPath: parent.path) else { return }
        let destination = parent.appendingPathComponent(name).path
        for item in items.sorted() where item.hasPrefix(prefix) {
            let rest = item.dropFirst(prefix.count)
            if let pid = rest.split(separator: "-").first.flatMap({ Int32($0) }), pid != getpid(), kill(pid, 0) == 0 {
                continue  // another live run
            }
            let path = parent.appendingPathComponent(item).path
            if item.hasSuffix("-old"), access(destination, F_OK) != 0, errno == ENOENT {
                if rename(path, destination) == 0 { continue }
            }
            try? FileManager.default.removeItem(atPath: path)
        }
    }

    /// The absolute path of a bundle file; refuses any path that could leave the staging folder.
    func url(_ path: String) throws -> URL {
        try BundlePath.check(path, origin: root.path)
        return root.appendingPathComponent(path)
    }

    /// Refuses to start writing when the destination's filesystem cannot hold the bundle.
    func checkFreeSpace(needed: Int64) throws {
        guard let available = Self.freeBytes(at: root.path) else { return }
        if available < needed { throw ConversionError.notEnoughDisk(path: destination.path, needed: needed, available: available) }
    }

    private func fullPath(_ path: String) -> String { rootPath + "/" + path }

    /// Creates the folders above `path` (relative to the bundle root), each once per bundle. Every folder is made
    /// here and checked to be a real folder, and `path` is a plain relative path (``BundlePath``): the file opened
    /// resolves inside the staging folder.
    private func ensureParent(_ path: String) throws {
        try BundlePath.check(path, origin: destination.path)
        guard let slash = path.utf8.lastIndex(of: UInt8(ascii: "/")) else { return }
        let dir = String(path[..<slash])
        lock.lock()
        let known = createdFolders.contains(dir)
        lock.unlock()
        if known { return }
        try ensureParent(dir)
        try TemporaryPaths.checkNotStopping()
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
        try BundlePath.check(path, origin: destination.path)
        try TemporaryPaths.checkNotStopping()
        let fd = open(fullPath(path), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
        if fd < 0 {
            throw ConversionError.outputFailed(path: fullPath(path), reason: String(cString: strerror(errno)))
        }
        return fd
    }

    /// Renames the finished bundle into place in one atomic step: `renameat2(RENAME_NOREPLACE)` when nothing is
    /// at the destination (a folder that appeared there during the run is an error, never deleted), or
    /// `RENAME_EXCHANGE` with an existing bundle (`--force`, `apply`), which is removed only once the new one is in
    /// place. Where the filesystem has neither, the old bundle is moved aside as `-old` first, and a kill between
    /// the two renames is repaired by the next run (``removeStale(in:name:)`` puts it back).
    func commit() throws {
        if let archive { return try commitArchive(archive) }
        if let marker { try write(Data("written by confluence-km; this folder is replaced by the next run\n".utf8), to: marker) }
        let dest = destination.path
        if ckm_renameat2(AT_FDCWD, root.path, AT_FDCWD, dest, CKM_RENAME_NOREPLACE) == 0 {
            committed = true
            TemporaryPaths.unregister(root.path)
            return
        }
        var err = errno
        if err == EEXIST || err == ENOTEMPTY || err == EINVAL || err == ENOSYS {
            var st = stat()
            let exists = lstat(dest, &st) == 0
            let stillEmpty = exists && (try? FileManager.default.contentsOfDirectory(atPath: dest))?.isEmpty == true
            if exists && !force && !(startedEmpty && stillEmpty) { throw ConversionError.outputExists(path: dest) }
            if exists && !Self.isReplaceable(dest, marker: marker) { throw ConversionError.notABundle(path: dest) }
            if exists {
                if ckm_renameat2(AT_FDCWD, root.path, AT_FDCWD, dest, CKM_RENAME_EXCHANGE) == 0 {
                    committed = true
                    TemporaryPaths.unregister(root.path)
                    try? FileManager.default.removeItem(at: root)  // the previous bundle, now at the temporary name
                    return
                }
                err = errno
                if err == EINVAL || err == ENOSYS { return try commitByTwoRenames() }
            } else if err == EINVAL || err == ENOSYS {
                return try commitByTwoRenames()
            }
        }
        throw ConversionError.outputFailed(path: dest, reason: String(cString: strerror(err)))
    }

    /// Packs the folder into a temporary file beside the destination, then renames it into place (replacing only
    /// a bundle archive this tool wrote, checked again now) and removes the folder.
    private func commitArchive(_ format: BundleArchive.Format) throws {
        let dest = destination.path
        let temporary = destination.deletingLastPathComponent().appendingPathComponent(
            "." + destination.lastPathComponent + Self.tempMarker + String(getpid()) + "-archive").path
        TemporaryPaths.register(temporary)
        defer { TemporaryPaths.unregister(temporary) }
        unlink(temporary)
        do {
            try BundleArchive.pack(folder: root, into: temporary, format: format)
            var st = stat()
            if lstat(dest, &st) == 0 && !(force && BundleArchive.isBundleArchive(dest)) {
                throw force ? ConversionError.notABundle(path: dest)
                    : ConversionError.outputFailed(path: dest, reason: "the file exists; pass --force to replace it")
            }
            if rename(temporary, dest) != 0 { throw ConversionError.outputFailed(path: dest, reason: String(cString: strerror(errno))) }
        } catch {
            unlink(temporary)
            throw error
        }
        try? FileManager.default.removeItem(at: root)
        committed = true
        TemporaryPaths.unregister(root.path)
    }

    private func commitByTwoRenames() throws {
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
        TemporaryPaths.unregister(root.path)
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

/// A folder of output that is not a bundle (the preview's site), written like one: into a temporary folder beside
/// the destination, renamed into place at the end, replacing only an empty folder or one holding `marker`.
public final class OutputFolder: @unchecked Sendable {
    private let staging: StagingFolder

    public init(destination: URL, marker: String) throws {
        staging = try StagingFolder(destination: destination, force: true, marker: marker)
    }

    public func write(_ data: Data, to path: String) throws { try staging.write(data, to: path) }

    /// Copies one file of a bundle (read with ``BundleFiles``: no link followed) to the same path here.
    public func copy(from root: String, _ path: String, to destination: String? = nil) throws {
        let fd = try BundleFiles.open(root: root, path)
        defer { close(fd) }
        let sink = try staging.sink(destination ?? path)
        try BundleFiles.chunks(fd, path: root + "/" + path) { try sink.write($0) }
        try sink.finish()
    }

    public func commit() throws { try staging.commit() }
    public func discard() { staging.discard() }
}
