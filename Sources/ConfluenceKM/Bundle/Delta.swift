import Crypto
import Foundation

/// Incremental conversion: `convert --since PREVIOUS` writes only what changed (plus the new manifest and a
/// `delta.json` with the deletions), and `apply DELTA --to BUNDLE` turns the previous bundle into the new one,
/// atomically. Applying a delta gives the bundle a full conversion would have written, byte for byte.
public enum Delta {
    public struct Description: Codable, Sendable, Equatable {
        /// SHA-256 of the manifest.json the delta applies to.
        public var base: String
        /// SHA-256 of the manifest.json the delta leads to.
        public var target: String
        public var added: [String]
        public var changed: [String]
        public var deleted: [String]
    }

    static func manifestFiles(_ bundle: URL) throws -> [String: String] {
        let data = try Data(contentsOf: bundle.appendingPathComponent("manifest.json"))
        let m = try JSONDecoder().decode(Manifest.self, from: data)
        var out = Dictionary(uniqueKeysWithValues: m.files.map { ($0.path, $0.sha256) })
        out["manifest.json"] = SHA256.hash(data: data).hex
        return out
    }

    /// Turns the full bundle in `staging` into a delta against `previous`: unchanged files are removed from it.
    static func reduce(staging: StagingFolder, previous: URL) throws {
        guard let old = try? manifestFiles(previous) else {
            throw ConversionError.invalidOption("\(previous.path): not a confluence-km bundle (no readable manifest.json) for --since")
        }
        let new = try manifestFiles(staging.root)
        var added: [String] = [], changed: [String] = []
        for (path, sha) in new where path != "manifest.json" {
            if old[path] == nil { added.append(path) } else if old[path] != sha { changed.append(path) }
            else { try FileManager.default.removeItem(at: staging.url(path)) }
        }
        let deleted = old.keys.filter { new[$0] == nil && $0 != ManifestSigning.signatureFile }.sorted()
        // Folders left empty by removing unchanged files go too.
        if let e = FileManager.default.enumerator(at: staging.root, includingPropertiesForKeys: [.isDirectoryKey]) {
            let dirs = e.compactMap { $0 as? URL }.filter { (try? $0.resourceValues(forKeys: [.isDirectoryKey]).isDirectory) == true }
            for d in dirs.sorted(by: { $0.path.count > $1.path.count }) where (try? FileManager.default.contentsOfDirectory(atPath: d.path))?.isEmpty == true {
                try? FileManager.default.removeItem(at: d)
            }
        }
        let description = Description(base: old["manifest.json"]!, target: new["manifest.json"]!, added: added.sorted(),
                                      changed: changed.sorted(), deleted: deleted)
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try staging.write(try e.encode(description) + Data("\n".utf8), to: "delta.json")
    }

    /// Applies `delta` to `bundle` in a copy beside it, checks the result against the new manifest, then swaps it in.
    public static func apply(delta deltaPath: String, to bundlePath: String) throws {
        let delta = URL(fileURLWithPath: deltaPath).standardizedFileURL
        let bundle = URL(fileURLWithPath: bundlePath).standardizedFileURL
        guard let data = try? Data(contentsOf: delta.appendingPathComponent("delta.json")),
              let d = try? JSONDecoder().decode(Description.self, from: data) else {
            throw ConversionError.invalidOption("\(deltaPath): not a delta bundle (no delta.json)")
        }
        guard let current = try? manifestFiles(bundle) else {
            throw ConversionError.invalidOption("\(bundlePath): not a confluence-km bundle (no readable manifest.json)")
        }
        guard current["manifest.json"] == d.base else {
            throw ConversionError.invalidOption("\(bundlePath): the delta was made against another bundle (manifest SHA-256 \(d.base.prefix(12))…, this bundle has \(current["manifest.json"]!.prefix(12))…)")
        }
        let staging = try StagingFolder(destination: bundle, force: true)
        let fm = FileManager.default
        // The copy: every file of the bundle, then the delta's deletions, additions and changes.
        for (path, _) in current where path != "manifest.json" && !d.deleted.contains(path) {
            try fm.createDirectory(at: staging.url(path).deletingLastPathComponent(), withIntermediateDirectories: true)
            try fm.copyItem(at: bundle.appendingPathComponent(path), to: staging.url(path))
        }
        for path in d.added + d.changed + ["manifest.json"] {
            let target = staging.url(path)
            try? fm.removeItem(at: target)
            try fm.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
            try fm.copyItem(at: delta.appendingPathComponent(path), to: target)
        }
        let problems = try BundleValidator(bundle: staging.root.path).validate()
        guard problems.isEmpty, (try manifestFiles(staging.root))["manifest.json"] == d.target else {
            staging.discard()
            throw ConversionError.invalidOption("\(deltaPath): applying the delta does not give the bundle it describes (\(problems.first?.description ?? "manifest differs")); nothing was changed")
        }
        try staging.commit()
    }
}
