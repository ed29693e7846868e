import CArchive
import Foundation

/// A bundle as one file (`-o BUNDLE.zip`, `.tar`, `.tar.zst`): bundles cross air gaps and are scanned and signed as
/// one thing. Written with libarchive, deterministically — `manifest.json` first, then every file in path order,
/// each with the same time (1980-01-01, the ZIP epoch), mode 0644, owner 0 and no user names — so the same bundle
/// gives the same bytes. Read back by unpacking into a temporary folder with the rules every input follows: only
/// regular files, names judged by ``BundlePath``, no name twice, the size limits.
public enum BundleArchive {
    public enum Format: String, Sendable, CaseIterable {
        case zip, tar
        case tarZstd = "tar.zst"

        var suffix: String { "." + rawValue }
    }

    /// The archive format a path asks for by its suffix, or nil for a folder.
    public static func format(of path: String) -> Format? {
        let lower = path.lowercased()
        return Format.allCases.sorted { $0.suffix.count > $1.suffix.count }.first { lower.hasSuffix($0.suffix) }
    }

    /// The fixed time of every entry: 1980-01-01T00:00:00Z.
    static let epoch: time_t = 315_532_800

    /// Writes the regular files under `folder` into `file` (which must not exist): `manifest.json` first.
    static func pack(folder: URL, into file: String, format: Format) throws {
        let files = BundleFiles.list(root: folder.path).files.sorted { a, b in
            a == "manifest.json" ? b != "manifest.json" : (b == "manifest.json" ? false : a < b)
        }
        try ArchiveLocale.utf8 { try write(files, from: folder, into: file, format: format) }
    }

    private static func write(_ files: [String], from folder: URL, into file: String, format: Format) throws {
        guard let a = archive_write_new() else { throw ConversionError.outputFailed(path: file, reason: "libarchive could not allocate a writer") }
        defer { archive_write_free(a) }
        func check(_ status: Int32) throws {
            if status < ARCHIVE_WARN { throw ConversionError.outputFailed(path: file, reason: archive_error_string(a).map { String(cString: $0) } ?? "libarchive error") }
        }
        switch format {
        case .zip:
            try check(archive_write_set_format_zip(a))
            try check(archive_write_set_options(a, "zip:compression=deflate"))
        case .tar:
            try check(archive_write_set_format_pax_restricted(a))
        case .tarZstd:
            try check(archive_write_set_format_pax_restricted(a))
            try check(archive_write_add_filter_zstd(a))
        }
        let fd = open(file, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
        if fd < 0 { throw ConversionError.outputFailed(path: file, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        try check(archive_write_open_fd(a, fd))
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 16, alignment: 16)
        defer { buffer.deallocate() }
        for path in files {
            let source = open(folder.path + "/" + path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
            if source < 0 { throw ConversionError.outputFailed(path: file, reason: "\(path): \(String(cString: strerror(errno)))") }
            defer { close(source) }
            var st = stat()
            fstat(source, &st)
            guard let entry = archive_entry_new() else { throw ConversionError.outputFailed(path: file, reason: "libarchive could not allocate an entry") }
            defer { archive_entry_free(entry) }
            archive_entry_set_pathname_utf8(entry, path)
            archive_entry_set_filetype(entry, 0o100000)  // AE_IFREG
            archive_entry_set_perm(entry, 0o644)
            archive_entry_set_size(entry, la_int64_t(st.st_size))
            archive_entry_set_mtime(entry, epoch, 0)
            archive_entry_set_uid(entry, 0)
            archive_entry_set_gid(entry, 0)
            try check(archive_write_header(a, entry))
            while true {
                let n = read(source, buffer.baseAddress, buffer.count)
                if n < 0 && errno == EINTR { continue }
                if n < 0 { throw ConversionError.outputFailed(path: file, reason: "\(path): \(String(cString: strerror(errno)))") }
                if n == 0 { break }
                if archive_write_data(a, buffer.baseAddress, n) < 0 { try check(ARCHIVE_FATAL) }
            }
        }
        try check(archive_write_close(a))
        if fsync(fd) != 0 { throw ConversionError.outputFailed(path: file, reason: String(cString: strerror(errno))) }
    }

    /// Unpacks a bundle archive into `folder` (created, must not exist). Anything but a plain bundle is refused:
    /// a first entry that is not `manifest.json`, an entry that is not a regular file, a name ``BundlePath``
    /// refuses, a name given twice, a file larger than the manifest says (a file it does not list: 64 MiB at most,
    /// for `validate` to report), more than the limits, or more bytes than the folder's file system has free.
    /// The manifest, not the compression ratio, bounds what is written: a crafted archive must declare its size.
    public static func unpack(_ archivePath: String, into folder: URL, limits: ArchiveLimits = ArchiveLimits()) throws {
        let reader = try ArchiveReader(path: archivePath, limits: limits, bundle: true)
        if mkdir(folder.path, 0o700) != 0 { throw ConversionError.outputFailed(path: folder.path, reason: String(cString: strerror(errno))) }
        var declared: [String: Int64] = [:]
        var seen: Set<String> = []
        var count = 0
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 16, alignment: 16)
        defer { buffer.deallocate() }
        while let entry = try reader.nextEntry() {
            if entry.kind == .directory { continue }
            guard entry.kind == .file, entry.unsafeNameReason == nil, BundlePath.isSafe(entry.path) else {
                throw ConversionError.unsafePath(path: entry.path, origin: archivePath)
            }
            guard seen.insert(entry.path).inserted else { throw ConversionError.duplicateEntry(path: archivePath, entry: entry.path, inBundle: true) }
            count += 1
            if count > limits.maxEntries {
                throw ConversionError.limitExceeded(path: archivePath, what: "more than \(limits.maxEntries) entries", flag: "--max-entries")
            }
            if count == 1 {
                guard entry.path == "manifest.json" else {
                    throw ConversionError.invalidOption("\(archivePath): its first entry is '\(entry.path)', not manifest.json; it is not a bundle archive written by convert")
                }
            }
            // Every file but the manifest (and its signature) must be one the manifest lists, at most its size: an
            // unlisted file once got 64 MiB outside the free-space check (an 88 KB archive wrote 2.5 GB).
            let limit: Int64
            if count == 1 {
                limit = Self.maxManifestBytes
            } else if entry.path == ManifestSigning.signatureFile {
                limit = 1 << 16
            } else if entry.path == "delta.json" {
                limit = 256 << 20  // a delta's description (what `apply` reads at most), once
            } else if let size = declared[entry.path] {
                limit = size
            } else {
                throw ConversionError.invalidOption("\(archivePath): '\(entry.path)' is not listed in its manifest; the bundle was altered after it was written, write it again")
            }
            let target = folder.path + "/" + entry.path
            try TemporaryPaths.checkNotStopping()
            var parent = ""
            for component in entry.path.split(separator: "/").dropLast() {
                parent += (parent.isEmpty ? "" : "/") + component
                if mkdir(folder.path + "/" + parent, 0o755) != 0 && errno != EEXIST {
                    throw ConversionError.outputFailed(path: target, reason: String(cString: strerror(errno)))
                }
            }
            let fd = open(target, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
            if fd < 0 { throw ConversionError.outputFailed(path: target, reason: String(cString: strerror(errno))) }
            defer { close(fd) }
            var written: Int64 = 0
            while true {
                let n = try reader.read(into: buffer)
                if n == 0 { break }
                written += Int64(n)
                if written > limit {
                    throw ConversionError.invalidOption(count == 1
                        ? "\(archivePath): its manifest.json is over \(Self.maxManifestBytes >> 20) MiB, more than any bundle's; the archive is refused"
                        : "\(archivePath): '\(entry.path)' is larger than its manifest says (\(limit) bytes); the archive is refused")
                }
                try writeAll(fd, UnsafeRawBufferPointer(rebasing: buffer[0..<n]), target)
            }
            if count == 1 {
                // What the rest may take: the sizes the manifest lists, which must fit where they are unpacked.
                guard let m = try? JSONDecoder().decode(Manifest.self, from: Data(contentsOf: URL(fileURLWithPath: target))) else {
                    throw ConversionError.invalidOption("\(archivePath): its manifest.json cannot be read; it is not a bundle archive written by convert")
                }
                for f in m.files { declared[f.path] = max(0, f.bytes) }
                let needed = Checked.sum(declared.values)
                if let available = StagingFolder.freeBytes(at: folder.path), needed > available {
                    throw ConversionError.notEnoughDisk(path: folder.path, needed: needed, available: available)
                }
            }
        }
    }

    /// The largest `manifest.json` read back: about a million files' entries. A 31 KB archive holding 900 MiB of
    /// whitespace as its manifest once took 930 MB of memory.
    public static let maxManifestBytes: Int64 = 128 << 20

    /// Whether `path` is a bundle archive this tool wrote (its first entry a `manifest.json` naming the tool): the
    /// only file `--force` or `apply` may replace, and what `preview` shows as a bundle rather than converts.
    public static func isBundleArchive(_ path: String) -> Bool {
        guard format(of: path) != nil else { return false }
        var st = stat()
        guard lstat(path, &st) == 0, st.st_mode & S_IFMT == S_IFREG,
              let reader = try? ArchiveReader(path: path, bundle: true),
              let first = try? reader.nextEntry(), first.path == "manifest.json",
              let data = try? reader.readAll(limit: Int(maxManifestBytes)),
              let m = try? JSONDecoder().decode(Manifest.self, from: Data(data)) else { return false }
        return m.tool.name == "confluence-km"
    }
}

/// A bundle given as an archive, unpacked into a temporary folder for the commands that read a bundle (validate,
/// preview, `--since`, apply); the folder is removed when this goes, or by the signal handler.
public final class UnpackedBundle {
    /// The folder to read: the archive's unpacked copy, or the folder given.
    public let folder: URL
    private let temporary: URL?

    /// `path` itself when it is a folder; its unpacked copy when it is a bundle archive.
    public init(_ path: String, limits: ArchiveLimits = ArchiveLimits()) throws {
        guard BundleArchive.format(of: path) != nil, FileManager.default.fileExists(atPath: path), !ConversionError.isFolder(path) else {
            folder = URL(fileURLWithPath: path)
            temporary = nil
            return
        }
        let dir = FileManager.default.temporaryDirectory
            .appendingPathComponent("ckm-bundle-\(getpid())-\(String(UInt32.random(in: 0...UInt32.max), radix: 16))")
        TemporaryPaths.register(dir.path)
        do {
            try BundleArchive.unpack(path, into: dir, limits: limits)
        } catch {
            try? FileManager.default.removeItem(at: dir)
            TemporaryPaths.unregister(dir.path)
            throw error
        }
        folder = dir
        temporary = dir
    }

    deinit {
        if let temporary {
            try? FileManager.default.removeItem(at: temporary)
            TemporaryPaths.unregister(temporary.path)
        }
    }
}
