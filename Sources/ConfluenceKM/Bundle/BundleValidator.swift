import Crypto
import Foundation

/// `confluence-km validate`: checks a bundle as an importer would rely on it, and compares two bundles.
public struct BundleValidator {
    public struct Problem: Codable, Sendable, Equatable, CustomStringConvertible {
        public var path: String
        public var message: String
        public var description: String { "\(path): \(message)" }
    }

    public let root: URL

    public init(bundle: String) {
        root = URL(fileURLWithPath: bundle).standardizedFileURL
    }

    /// All problems found: manifest hashes and sizes, missing and unlisted files, metadata against the schema,
    /// links and images that do not resolve, attachments listed but absent, and (with a key) the signature.
    /// Files are hashed in chunks and never followed through a link; memory does not grow with their size.
    public func validate(publicKey: Curve25519.Signing.PublicKey? = nil) throws -> [Problem] {
        var problems: [Problem] = []
        let listing = BundleFiles.list(root: root.path)
        let all = Set(listing.files)
        for other in listing.others { problems.append(Problem(path: other, message: "is a symbolic link or not a regular file (never followed)")) }
        func read(_ path: String, max: Int = 256 << 20) -> Data? { try? BundleFiles.read(root: root.path, path, maxBytes: max) }
        guard all.contains("manifest.json"), let manifestData = read("manifest.json", max: 1 << 30) else {
            return problems + [Problem(path: "manifest.json", message: "missing: this is not a confluence-km bundle")]
        }
        if let publicKey {
            if let sig = read(ManifestSigning.signatureFile, max: 1 << 16) {
                if !ManifestSigning.verify(manifest: manifestData, signature: sig, key: publicKey) {
                    problems.append(Problem(path: ManifestSigning.signatureFile, message: "the signature does not match manifest.json: the manifest was changed after signing, or another key signed it"))
                }
            } else {
                problems.append(Problem(path: ManifestSigning.signatureFile, message: "missing: the bundle is not signed"))
            }
        }
        guard let manifest = try? JSONDecoder().decode(Manifest.self, from: manifestData) else {
            return problems + [Problem(path: "manifest.json", message: "not a valid manifest")]
        }
        if all.contains("delta.json") { return problems + validateDelta(manifest: manifest, manifestData: manifestData, files: all) }
        var listed: Set<String> = []
        for f in manifest.files {
            guard BundlePath.isSafe(f.path) else {
                problems.append(Problem(path: Diagnostic.shown(f.path), message: "listed in the manifest, but leaves the bundle or is not a plain relative path")); continue
            }
            listed.insert(f.path)
            guard all.contains(f.path) else {
                if !listing.others.contains(f.path) { problems.append(Problem(path: f.path, message: "listed in the manifest but missing")) }
                continue
            }
            guard let digest = try? BundleFiles.digest(root: root.path, f.path) else {
                problems.append(Problem(path: f.path, message: "cannot be read")); continue
            }
            if digest.bytes != f.bytes { problems.append(Problem(path: f.path, message: "\(digest.bytes) bytes, the manifest says \(f.bytes)")) }
            if digest.sha256 != f.sha256 { problems.append(Problem(path: f.path, message: "SHA-256 \(digest.sha256) differs from the manifest's \(f.sha256)")) }
        }
        for path in all.sorted() where !listed.contains(path) && path != "manifest.json" && path != ManifestSigning.signatureFile {
            problems.append(Problem(path: path, message: "not listed in the manifest"))
        }
        var schema = try SchemaValidator(json: articleSchemaJSON)
        if all.contains("mapping.json") {
            do {
                let record = try JSONDecoder().decode(FieldMappingRecord.self, from: try BundleFiles.read(root: root.path, "mapping.json", maxBytes: 1 << 20))
                schema = SchemaValidator(schema: try record.schema())
            } catch {
                problems.append(Problem(path: "mapping.json", message: "not a mapping this tool can check against (\(error)); the unmapped schema is used"))
            }
        }
        for path in all.sorted() where path.hasPrefix("articles/") {
            guard let data = read(path) else { problems.append(Problem(path: path, message: "too large or unreadable")); continue }
            if path.hasSuffix(".json") {
                guard let value = try? JSONDecoder().decode(JSONValue.self, from: data) else {
                    problems.append(Problem(path: path, message: "not valid JSON")); continue
                }
                for p in schema.validate(value) { problems.append(Problem(path: path, message: "schema: \(p)")) }
                if case .object(let o) = value {
                    if case .string(let md)? = o["markdown"], !all.contains(md) { problems.append(Problem(path: path, message: "its markdown \(Diagnostic.shown(md)) is missing")) }
                    if case .array(let atts)? = o["attachments"] {
                        for case .object(let a) in atts {
                            if case .string(let p)? = a["path"], !all.contains(p) { problems.append(Problem(path: path, message: "attachment \(Diagnostic.shown(p)) is missing")) }
                        }
                    }
                }
            } else if path.hasSuffix(".md") {
                for link in Self.relativeLinks(String(decoding: data, as: UTF8.self)) {
                    let target = (link.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? link)
                    if target.isEmpty { continue }
                    let decoded = target.removingPercentEncoding ?? target
                    let resolved = URL(fileURLWithPath: path, relativeTo: root).deletingLastPathComponent()
                        .appendingPathComponent(decoded).standardizedFileURL.path
                    guard resolved.hasPrefix(root.path + "/") else {
                        problems.append(Problem(path: path, message: "link \(Diagnostic.shown(link)) leaves the bundle")); continue
                    }
                    if !all.contains(String(resolved.dropFirst(root.path.count + 1))) {
                        problems.append(Problem(path: path, message: "link \(Diagnostic.shown(link)) does not resolve"))
                    }
                }
            }
        }
        return problems
    }

    /// A delta by itself, before it crosses the air gap: its manifest is the one of the bundle it leads to (the
    /// `target` of delta.json), and it holds exactly the added and changed files, with the bytes that manifest lists.
    func validateDelta(manifest: Manifest, manifestData: Data, files: Set<String>) -> [Problem] {
        var problems: [Problem] = []
        guard let data = try? BundleFiles.read(root: root.path, "delta.json", maxBytes: 256 << 20),
              let d = try? JSONDecoder().decode(Delta.Description.self, from: data) else {
            return [Problem(path: "delta.json", message: "not a valid delta description")]
        }
        if SHA256.hash(data: manifestData).hex != d.target {
            problems.append(Problem(path: "manifest.json", message: "is not the manifest delta.json leads to (target \(d.target.prefix(12))…)"))
        }
        var listed: [String: Manifest.File] = [:]
        for f in manifest.files { listed[f.path] = f }
        for path in d.added + d.changed {
            guard BundlePath.isSafe(path) else { problems.append(Problem(path: Diagnostic.shown(path), message: "leaves the bundle or is not a plain relative path")); continue }
            guard let f = listed[path] else { problems.append(Problem(path: path, message: "added or changed, but not in the manifest")); continue }
            guard files.contains(path), let digest = try? BundleFiles.digest(root: root.path, path) else {
                problems.append(Problem(path: path, message: "added or changed, but missing from the delta")); continue
            }
            if digest.sha256 != f.sha256 || digest.bytes != f.bytes { problems.append(Problem(path: path, message: "SHA-256 \(digest.sha256) differs from the manifest's \(f.sha256)")) }
        }
        for path in d.deleted {
            if !BundlePath.isSafe(path) { problems.append(Problem(path: Diagnostic.shown(path), message: "leaves the bundle or is not a plain relative path")) }
            else if listed[path] != nil { problems.append(Problem(path: path, message: "deleted, but the new manifest lists it")) }
        }
        let carried = Set(d.added + d.changed).union(["manifest.json", "delta.json", ManifestSigning.signatureFile])
        for path in files.sorted() where !carried.contains(path) {
            problems.append(Problem(path: path, message: "in the delta folder, but neither added nor changed"))
        }
        return problems
    }

    /// Relative link and image destinations of Markdown, outside code and comments: those of links and images
    /// (libcmark-gfm's parse, linear in the input), and `src=`/`href=` of raw HTML.
    static func relativeLinks(_ markdown: String) -> [String] {
        MarkdownLinks.destinations(markdown).filter { dest in
            !(dest.contains("://") || dest.hasPrefix("//") || dest.hasPrefix("mailto:") || dest.hasPrefix("tel:") || dest.hasPrefix("#"))
        }
    }

    /// A readable per-article comparison with an expected bundle: files only in one, metadata fields that differ,
    /// and Markdown lines removed (-) and added (+). Empty when the bundles are the same.
    public func diff(against expected: String) throws -> [String] {
        let other = BundleValidator(bundle: expected)
        let mine = Set(BundleFiles.list(root: root.path).files), theirs = Set(BundleFiles.list(root: other.root.path).files)
        var out: [String] = []
        for p in mine.union(theirs).sorted() where p != "manifest.json" && p != ManifestSigning.signatureFile {
            guard mine.contains(p) else { out.append("- \(p): only in the expected bundle"); continue }
            guard theirs.contains(p) else { out.append("+ \(p): only in this bundle"); continue }
            let da = (try? BundleFiles.read(root: root.path, p)) ?? Data(), db = (try? BundleFiles.read(root: other.root.path, p)) ?? Data()
            if da == db { continue }
            if p.hasSuffix(".json"), case .object(let oa)? = try? JSONDecoder().decode(JSONValue.self, from: da),
               case .object(let ob)? = try? JSONDecoder().decode(JSONValue.self, from: db) {
                out.append("~ \(p):")
                let enc = JSONEncoder()
                enc.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
                for k in Set(oa.keys).union(ob.keys).sorted() where oa[k] != ob[k] {
                    let va = oa[k].flatMap { try? String(decoding: enc.encode($0), as: UTF8.self) } ?? "(absent)"
                    let vb = ob[k].flatMap { try? String(decoding: enc.encode($0), as: UTF8.self) } ?? "(absent)"
                    out.append("    \(k): expected \(vb), got \(va)")
                }
            } else if p.hasSuffix(".md") {
                out.append("~ \(p):")
                out += Self.lineDiff(String(decoding: db, as: UTF8.self), String(decoding: da, as: UTF8.self)).map { "    " + $0 }
            } else {
                out.append("~ \(p): contents differ (\(db.count) bytes expected, \(da.count) bytes)")
            }
        }
        return out
    }

    /// Lines removed (-) and added (+), from a longest-common-subsequence alignment (bounded for huge files).
    static func lineDiff(_ old: String, _ new: String) -> [String] {
        let a = old.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let b = new.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if a.count * b.count > 4_000_000 { return ["(files too large for a line diff: \(a.count) and \(b.count) lines)"] }
        var lcs = Array(repeating: Array(repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in stride(from: a.count - 1, through: 0, by: -1) {
            for j in stride(from: b.count - 1, through: 0, by: -1) {
                lcs[i][j] = a[i] == b[j] ? lcs[i + 1][j + 1] + 1 : max(lcs[i + 1][j], lcs[i][j + 1])
            }
        }
        var out: [String] = []
        var i = 0, j = 0
        while i < a.count || j < b.count {
            if i < a.count, j < b.count, a[i] == b[j] { i += 1; j += 1 }
            else if j < b.count, i == a.count || lcs[i][j + 1] >= lcs[i + 1][j] { out.append("+ " + b[j]); j += 1 }
            else { out.append("- " + a[i]); i += 1 }
        }
        return out
    }
}
