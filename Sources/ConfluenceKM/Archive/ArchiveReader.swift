import CArchive
import Foundation

/// One entry of the export ZIP as libarchive reports it.
public struct ArchiveEntry: Sendable {
    public enum Kind: Sendable { case file, directory, symlink, hardlink, other }
    /// The path inside the archive, decoded as UTF-8 (invalid bytes replaced).
    public var path: String
    public var kind: Kind
    /// The uncompressed size, when the archive states it.
    public var size: Int64?
    public var isEncrypted: Bool

    /// Why a name must never be used as a path: absolute, `..`, backslashes, NUL, invalid UTF-8, empty.
    public var unsafeNameReason: String? {
        if path.isEmpty { return "an empty name" }
        if path.hasPrefix("/") { return "an absolute path" }
        if path.contains("\\") { return "a backslash" }
        if path.unicodeScalars.contains("\u{0}") { return "a NUL byte" }
        if path.unicodeScalars.contains("\u{FFFD}") { return "bytes that are not UTF-8" }
        if path.split(separator: "/", omittingEmptySubsequences: false).contains("..") { return "a '..' component" }
        return nil
    }
}

/// Streams a ZIP archive with libarchive, entry by entry, without unpacking it to disk — or an unzipped export
/// folder, through libarchive's disk reader, with the same rules: names relative to the folder and judged the same
/// way, symbolic links reported as such and never followed, mount points not crossed, the same size limits.
///
/// Owns the `struct archive *` and frees it in `deinit`; libarchive errors become ``ConversionError`` here.
public final class ArchiveReader {
    private let handle: OpaquePointer
    public let path: String
    public let limits: ArchiveLimits
    private var entriesRead = 0
    private var currentEntry: String?
    private var entryBytes: Int64 = 0
    private var totalBytes: Int64 = 0
    private var entryCompressedStart: Int64 = 0
    /// The folder's own path (with a trailing `/`) when reading an unzipped export folder.
    private let folderPrefix: String?
    /// The entry the disk reader fills (it has no entry of its own), freed in deinit.
    private var diskEntry: OpaquePointer?

    /// A bundle archive: its sizes are bounded by its manifest (``BundleArchive/unpack(_:into:limits:)``), not by
    /// the compression ratio, which zstd legitimately takes far past an export ZIP's.
    private var isBundle = false

    /// `bundle`: the archive is a bundle written as one file (ZIP, tar or zstd-compressed tar), not an export.
    public init(path: String, limits: ArchiveLimits = ArchiveLimits(), bundle: Bool = false) throws {
        isBundle = bundle
        self.limits = limits
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw ConversionError.cannotOpen(path: path, reason: "no such file")
        }
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw ConversionError.cannotOpen(path: path, reason: "permission denied")
        }
        if isDirectory.boolValue {
            guard let a = archive_read_disk_new() else {
                throw ConversionError.cannotOpen(path: path, reason: "libarchive could not allocate a reader")
            }
            handle = a
            self.path = path
            // The folder the user named, even through a link; nothing inside it is followed.
            let root = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
            folderPrefix = root + "/"
            // An export folder holds its files at the top: a folder with none of them is refused at once, not after
            // a walk of everything below it (`inspect /` walked for half a minute to say the folder was empty).
            if !bundle, let top = try? FileManager.default.contentsOfDirectory(atPath: root),
               !top.contains(where: Self.looksLikeExportEntry) {
                throw top.isEmpty ? ConversionError.emptyFolder(path: path) : ConversionError.missingEntities(path: path)
            }
            mountPoints = Self.mountPoints(under: root)
            diskEntry = archive_entry_new()
            archive_read_disk_set_symlink_physical(a)
            archive_read_disk_set_behavior(a, Int32(ARCHIVE_READDISK_NO_TRAVERSE_MOUNTS | ARCHIVE_READDISK_NO_XATTR
                | ARCHIVE_READDISK_NO_ACL | ARCHIVE_READDISK_NO_FFLAGS | ARCHIVE_READDISK_NO_SPARSE))
            if archive_read_disk_open(a, root) != ARCHIVE_OK {
                throw ConversionError.cannotOpen(path: path, reason: Self.message(a))
            }
            return
        }
        folderPrefix = nil
        guard let a = archive_read_new() else {
            throw ConversionError.cannotOpen(path: path, reason: "libarchive could not allocate a reader")
        }
        handle = a
        self.path = path
        archive_read_support_format_zip(a)
        archive_read_support_filter_none(a)
        if bundle {
            archive_read_support_format_tar(a)
            archive_read_support_filter_zstd(a)
        }
        if archive_read_open_filename(a, path, 1 << 16) != ARCHIVE_OK {
            let reason = Self.message(a)
            // `handle` is set: deinit frees the reader.
            throw ConversionError.notAnArchive(path: path, reason: reason)
        }
    }

    /// Mount points strictly below a folder (`/proc/self/mountinfo`), whatever their device.
    private var mountPoints: Set<String> = []

    static func mountPoints(under root: String) -> Set<String> {
        guard let text = try? String(contentsOfFile: "/proc/self/mountinfo", encoding: .utf8) else { return [] }
        var out: Set<String> = []
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: " ")
            guard fields.count > 4 else { continue }
            // The mount point, with space, tab, newline and backslash written as octal escapes.
            var point = String(fields[4])
            for (code, c) in [("\\040", " "), ("\\011", "\t"), ("\\012", "\n"), ("\\134", "\\")] {
                point = point.replacingOccurrences(of: code, with: c)
            }
            if point.hasPrefix(root + "/") { out.insert(point) }
        }
        return out
    }

    /// A name an export folder holds at its top (XML or CSV export).
    static func looksLikeExportEntry(_ name: String) -> Bool {
        let lower = name.lowercased()
        return lower == "entities.xml" || lower.hasPrefix("exportdescriptor.properties") || lower == "attachments"
            || lower == "data" || lower.hasSuffix(".csv") || lower.hasSuffix(".csv.gz")
    }

    deinit {
        archive_read_free(handle)
        if let diskEntry { archive_entry_free(diskEntry) }
    }

    /// The next header: the archive's own entry, or for a folder the disk reader's (`archive_read_next_header2`).
    private func nextHeader(_ entry: inout OpaquePointer?) -> Int32 {
        guard let diskEntry else { return archive_read_next_header(handle, &entry) }
        archive_entry_clear(diskEntry)
        let status = archive_read_next_header2(handle, diskEntry)
        entry = diskEntry
        return status
    }

    private static func message(_ a: OpaquePointer) -> String {
        if let s = archive_error_string(a) { return String(cString: s) }
        return "unknown libarchive error"
    }

    /// The next entry's header, or nil at the end of the archive.
    public func nextEntry() throws -> ArchiveEntry? {
        try ArchiveLocale.utf8 { try readNextEntry() }
    }

    private func readNextEntry() throws -> ArchiveEntry? {
        var entryPointer: OpaquePointer?
        var status = nextHeader(&entryPointer)
        if let prefix = folderPrefix {
            // The disk reader reports the folder itself first, and descends into each folder only when asked.
            while status == ARCHIVE_OK || status == ARCHIVE_WARN, let e = entryPointer {
                let p = archive_entry_pathname(e).map { String(cString: $0) } ?? ""
                // Never into another mount, a same-device bind mount included (libarchive tells mounts apart by
                // device number only).
                if (archive_entry_filetype(e) & 0o170000) == 0o040000 && !mountPoints.contains(p) { archive_read_disk_descend(handle) }
                if p.hasPrefix(prefix) { break }
                status = nextHeader(&entryPointer)
            }
        }
        if status == ARCHIVE_EOF {
            if entriesRead == 0 {
                if folderPrefix != nil { throw ConversionError.emptyFolder(path: path) }
                throw ConversionError.notAnArchive(path: path, reason: "no entries")
            }
            return nil
        }
        guard status >= ARCHIVE_WARN, let e = entryPointer else {
            let reason = Self.message(handle)
            if folderPrefix != nil { throw ConversionError.unreadableFolder(path: path, entry: currentEntry, reason: reason) }
            if entriesRead == 0 { throw ConversionError.notAnArchive(path: path, reason: reason) }
            throw ConversionError.corruptArchive(path: path, entry: currentEntry, reason: reason)
        }
        entriesRead += 1
        if entriesRead > limits.maxEntries {
            throw ConversionError.limitExceeded(path: path, what: "more than \(limits.maxEntries) entries", flag: "--max-entries")
        }
        entryBytes = 0
        // A folder has no compressed stream (and the disk reader no filter to ask).
        entryCompressedStart = folderPrefix == nil ? archive_filter_bytes(handle, -1) : 0
        let name: String
        if let p = archive_entry_pathname(e) {
            let full = String(decoding: UnsafeRawBufferPointer(start: p, count: strlen(p)), as: UTF8.self)
            name = folderPrefix.map { String(full.dropFirst($0.count)) } ?? full
        } else {
            name = ""
        }
        currentEntry = name
        let type = archive_entry_filetype(e)
        let kind: ArchiveEntry.Kind
        if archive_entry_hardlink(e) != nil {
            kind = .hardlink
        } else {
            // AE_IFREG, AE_IFDIR, AE_IFLNK (cast macros that Swift does not import).
            switch type & 0o170000 {
            case 0o100000: kind = .file
            case 0o040000: kind = .directory
            case 0o120000: kind = .symlink
            default: kind = name.hasSuffix("/") ? .directory : (type == 0 ? .file : .other)
            }
        }
        let size: Int64? = archive_entry_size_is_set(e) != 0 ? Int64(archive_entry_size(e)) : nil
        return ArchiveEntry(path: name, kind: kind, size: size, isEncrypted: archive_entry_is_encrypted(e) != 0)
    }

    /// A read that failed: a truncated or corrupt ZIP, or a file of an export folder that could not be read.
    private func failure(_ reason: String) -> ConversionError {
        folderPrefix != nil ? .unreadableFolder(path: path, entry: currentEntry, reason: reason)
            : .corruptArchive(path: path, entry: currentEntry, reason: reason)
    }

    /// Reads up to `buffer.count` bytes of the current entry; 0 at its end.
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let n = archive_read_data(handle, buffer.baseAddress, buffer.count)
        if n < 0 {
            throw failure(Self.message(handle))
        }
        entryBytes += Int64(n)
        totalBytes += Int64(n)
        if entryBytes > limits.maxEntryBytes {
            throw ConversionError.limitExceeded(path: path, what: "entry '\(currentEntry ?? "")' is larger than \(limits.maxEntryBytes) bytes", flag: "--max-entry-bytes")
        }
        if totalBytes > limits.maxTotalBytes {
            throw ConversionError.limitExceeded(path: path, what: "more than \(limits.maxTotalBytes) uncompressed bytes", flag: "--max-total-bytes")
        }
        if entryBytes > 1 << 20, folderPrefix == nil, !isBundle {
            let compressed = max(1, archive_filter_bytes(handle, -1) - entryCompressedStart)
            if Double(entryBytes) / Double(compressed) > limits.maxRatio {
                throw ConversionError.limitExceeded(
                    path: path, what: "entry '\(currentEntry ?? "")' expands more than \(Int(limits.maxRatio)):1 (a zip bomb?)", flag: "--max-ratio")
            }
        }
        return n
    }

    /// Reads the whole current entry into memory; only for small entries (descriptors), capped by `limit`.
    public func readAll(limit: Int = 16 << 20) throws -> [UInt8] {
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = try chunk.withUnsafeMutableBytes { try read(into: $0) }
            if n == 0 { break }
            out.append(contentsOf: chunk[0..<n])
            if out.count > limit {
                throw failure("entry larger than \(limit) bytes")
            }
        }
        return out
    }

    /// Reads the current entry in chunks, handing each to `body`.
    public func stream(_ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        let size = 1 << 16
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: size, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let n = try read(into: buffer)
            if n == 0 { break }
            try body(UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
        }
    }

    /// Skips the current entry's data (still decompressed for streaming ZIPs, so corruption is found).
    public func skip() throws {
        if archive_read_data_skip(handle) < ARCHIVE_WARN {
            throw failure(Self.message(handle))
        }
    }
}
