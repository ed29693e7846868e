import Foundation

/// An unrecoverable problem: the conversion stops, nothing is left at the destination.
///
/// `description` is one lower-case line naming the file, what is wrong and how to fix it.
public enum ConversionError: Error, CustomStringConvertible, Equatable, Sendable {
    public static func == (a: ConversionError, b: ConversionError) -> Bool { a.description == b.description }

    case cannotOpen(path: String, reason: String)
    case notAnArchive(path: String, reason: String)
    case corruptArchive(path: String, entry: String?, reason: String)
    case missingEntities(path: String)
    /// An export folder (an unzipped export) that holds nothing, or a file of it that cannot be read.
    case emptyFolder(path: String)
    case unreadableFolder(path: String, entry: String?, reason: String)
    case malformedEntities(path: String, line: Int, column: Int, reason: String)
    case outputExists(path: String)
    case outputFailed(path: String, reason: String)
    case invalidOption(String)
    /// Several exports that cannot make one bundle: a space in two of them, ids that collide, different zones.
    case exportsConflict(String)
    case macroFailed(macro: String, contentId: String, title: String)
    case unmappedGroups([String])
    case strictWarnings(count: Int, report: ConversionReport)
    case limitExceeded(path: String, what: String, flag: String)
    case duplicateEntry(path: String, entry: String, inBundle: Bool = false)
    case encryptedEntry(path: String, entry: String)
    case notEnoughDisk(path: String, needed: Int64, available: Int64)
    case missingTable(path: String, table: String)
    case missingColumn(path: String, table: String, column: String)
    /// A path read from a bundle, a delta or an id that would leave the bundle.
    case unsafePath(path: String, origin: String)
    /// `--force` asked to replace something that is not a bundle this tool wrote.
    case notABundle(path: String)
    /// The run is being stopped by a signal: nothing more is written.
    case interrupted
    /// entities.xml declares entities (real exports never do): refused before any is expanded.
    case entityDeclarations(path: String, name: String)
    /// A filter or role mapping that matches nothing in the export.
    case unmatched(String, more: Int)
    /// `--strict-permissions` and a permission the tool does not fully understand.
    case permissionsNotUnderstood(count: Int, first: String)

    public var description: String {
        switch self {
        case .cannotOpen(let path, let reason):
            return "\(path): cannot open the export: \(reason); check the path and its permissions"
        case .notAnArchive(let path, let reason):
            let lower = path.lowercased()
            if lower.hasSuffix(".tar") || lower.hasSuffix(".tar.zst") || lower.hasSuffix(".tzst") {
                return "\(path): not a tar archive this tool can read (\(reason)); pass a bundle archive written by convert -o NAME.tar or NAME.tar.zst"
            }
            return "\(path): not a ZIP archive (\(reason)); pass the .zip file that Confluence's space or site export wrote"
        case .corruptArchive(let path, let entry, let reason):
            let at = entry.map { " at entry '\($0)'" } ?? ""
            return "\(path): the ZIP archive is truncated or corrupt\(at) (\(reason)); export the space again or copy the file anew"
        case .missingEntities(let path):
            if Self.isFolder(path) {
                // Something is there under the name, but not a file the tool reads (never followed or opened).
                var st = stat()
                if lstat(path + "/entities.xml", &st) == 0 {
                    let kind: String
                    switch st.st_mode & S_IFMT {
                    case S_IFLNK: kind = "a symbolic link"
                    case S_IFIFO: kind = "a named pipe"
                    case S_IFDIR: kind = "a folder"
                    case S_IFREG: kind = "a file the export's walk could not reach"
                    default: kind = "a device or socket"
                    }
                    return "\(path): its entities.xml is \(kind), not a regular file; links, pipes and devices are never followed or read — copy the real entities.xml into the folder"
                }
                return "\(path): the folder holds neither entities.xml nor Cloud's CSV tables; pass the folder an export was unzipped into (or its .zip)"
            }
            if BundleArchive.format(of: path) == .tar || BundleArchive.format(of: path) == .tarZstd {
                return "\(path): neither a bundle archive written by convert (its first entry is manifest.json) nor a Confluence export (no entities.xml)"
            }
            return "\(path): no entities.xml in the archive; this is not a Confluence XML export (export the space as XML, not HTML or PDF)"
        case .emptyFolder(let path):
            return "\(path): the folder is empty; pass the folder a Confluence export was unzipped into (entities.xml, attachments/) or its .zip"
        case .unreadableFolder(let path, let entry, let reason):
            return "\(path): cannot read \(entry.map { "'\($0)' in " } ?? "")the export folder (\(reason)); check the folder's permissions"
        case .malformedEntities(let path, let line, let column, let reason):
            return "\(path): entities.xml is malformed at line \(line), column \(column): \(reason); the export is damaged, export the space again"
        case .outputExists(let path):
            return "\(path): the output folder exists and is not empty; choose another --output or pass --force to replace it"
        case .outputFailed(let path, let reason):
            return "\(path): cannot write the bundle: \(reason)"
        case .invalidOption(let message), .exportsConflict(let message):
            return message
        case .limitExceeded(let path, let what, let flag):
            return "\(path): \(what); the export is refused as a safety measure (raise \(flag) if it is genuine)"
        case .duplicateEntry(let path, let entry, let inBundle):
            if inBundle {
                return "\(path): the bundle archive holds '\(entry)' more than once, which convert never writes; it was altered after convert wrote it, write the bundle again"
            }
            return "\(path): the archive holds '\(entry)' more than once; it is ambiguous which one to read, export the space again"
        case .encryptedEntry(let path, let entry):
            return "\(path): '\(entry)' is encrypted; export the space again without a password"
        case .notEnoughDisk(let path, let needed, let available):
            return "\(path): not enough free disk: about \(needed) bytes are needed, \(available) are free; free space or choose another --output"
        case .strictWarnings(let count, _):
            return "\(count) warnings with --strict; no bundle written (see them with --verbose, or drop --strict)"
        case .unmappedGroups(let groups):
            return "groups grant access but have no KM role: \(groups.joined(separator: ", ")); map them (--role GROUP=ROLE or permissions.roles) or drop --strict-permissions"
        case .missingTable(let path, let table):
            return "\(path): the CSV export has no \(table).csv table; the export is incomplete, export the space again"
        case .missingColumn(let path, let table, let column):
            return "\(path): \(table).csv has no '\(column)' column; this CSV export format is not supported, or the table is damaged"
        case .unsafePath(let path, let origin):
            return "\(origin): the path '\(path)' leaves the bundle or is not a plain relative path; refused, nothing was changed"
        case .interrupted:
            return "interrupted; temporary files removed"
        case .notABundle(let path):
            return "\(path): exists and is not a confluence-km bundle (no manifest.json) nor empty; it is never replaced, choose another --output"
        case .entityDeclarations(let path, let name):
            return "\(path): entities.xml declares the entity '\(name)'; Confluence exports declare none, so the file is refused (entity expansion is a known attack)"
        case .unmatched(let message, let more):
            return message + (more > 0 ? " (and \(more) more)" : "") + "; nothing was converted: fix the value, or pass --allow-unmatched to convert anyway"
        case .permissionsNotUnderstood(let count, let first):
            return "\(count) permissions are not understood (first: \(first)); the affected pages are restricted — drop --strict-permissions to convert them so"
        case .macroFailed(let macro, let contentId, let title):
            return "page \(contentId) '\(title)': macro '\(macro)' is set to fail by --macro \(macro)=fail"
        }
    }

    /// Whether the export named is a folder (an unzipped export), for the wording of its errors.
    static func isFolder(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
    }
}
