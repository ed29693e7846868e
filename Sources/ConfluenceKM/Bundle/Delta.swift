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
        let data = try BundleFiles.read(root: bundle.path, "manifest.json", maxBytes: 1 << 30)
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
            else { try FileManager.default.removeItem(at: try staging.url(path)) }
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
    ///
    /// A delta comes from whoever made the export, so nothing in it is trusted: every path it names must be a plain
    /// relative path (``BundlePath``); every added or changed file must be listed in the delta's manifest with its
    /// SHA-256 and have exactly those bytes; every deleted file must be in the bundle; every other file of the new
    /// manifest must be unchanged in the bundle. Any other delta is refused before anything is touched. Files are
    /// read without following links (``BundleFiles``) and written through a new staging folder.
    public static func apply(delta deltaPath: String, to bundlePath: String) throws {
        // Either may be an archive (`-o BUNDLE.zip`): read from its unpacked copy; a bundle archive is written anew.
        let unpackedDelta = try UnpackedBundle(deltaPath), unpackedBundle = try UnpackedBundle(bundlePath)
        defer { withExtendedLifetime((unpackedDelta, unpackedBundle)) {} }  // their folders stay until the end
        let delta = unpackedDelta.folder.standardizedFileURL
        let bundle = unpackedBundle.folder.standardizedFileURL
        let destination = URL(fileURLWithPath: bundlePath).standardizedFileURL
        guard let data = try? BundleFiles.read(root: delta.path, "delta.json", maxBytes: 256 << 20),
              let d = try? JSONDecoder().decode(Description.self, from: data) else {
            throw ConversionError.invalidOption("\(deltaPath): not a delta bundle (no delta.json)")
        }
        guard let current = try? manifestFiles(bundle) else {
            throw ConversionError.invalidOption("\(bundlePath): not a confluence-km bundle (no readable manifest.json)")
        }
        guard current["manifest.json"] == d.base else {
            throw ConversionError.invalidOption("\(bundlePath): the delta was made against another bundle (manifest SHA-256 \(d.base.prefix(12))…, this bundle has \(current["manifest.json"]!.prefix(12))…)")
        }
        let next = try manifestFiles(delta)
        let plan = try check(d, current: current, next: next, delta: delta.path, bundle: bundle)
        let staging = try StagingFolder(destination: destination, force: true)
        // The new bundle: unchanged files from the bundle, added and changed ones from the delta, its manifest.
        for (path, source) in plan {
            let fd = try BundleFiles.open(root: source.path, path)
            defer { close(fd) }
            let sink = try staging.sink(path)
            try BundleFiles.chunks(fd, path: source.path + "/" + path) { try sink.write($0) }
            try sink.finish()
        }
        try staging.write(try BundleFiles.read(root: delta.path, "manifest.json", maxBytes: 1 << 30), to: "manifest.json")
        if let sig = try? BundleFiles.read(root: delta.path, ManifestSigning.signatureFile, maxBytes: 1 << 16) {
            try staging.write(sig, to: ManifestSigning.signatureFile)
        }
        let problems = try BundleValidator(bundle: staging.root.path).validate()
        guard problems.isEmpty, (try manifestFiles(staging.root))["manifest.json"] == d.target else {
            staging.discard()
            throw ConversionError.invalidOption("\(deltaPath): applying the delta does not give the bundle it describes (\(problems.first?.description ?? "manifest differs")); nothing was changed")
        }
        try staging.commit()
    }

    /// Checks a delta against the bundle it applies to; returns where each file of the new bundle comes from.
    static func check(_ d: Description, current: [String: String], next: [String: String], delta: String, bundle: URL) throws -> [(String, URL)] {
        let origin = delta + "/delta.json"
        func refuse(_ why: String) -> ConversionError {
            .invalidOption("\(origin): \(why); the delta is refused, nothing was changed")
        }
        guard next["manifest.json"] == d.target else { throw refuse("the delta's manifest.json is not the target it names") }
        for path in d.added + d.changed + d.deleted + Array(next.keys) + Array(current.keys) {
            try BundlePath.check(path, origin: origin)
            if path == "manifest.json" || path == "delta.json" || path == ManifestSigning.signatureFile {
                if d.added.contains(path) || d.changed.contains(path) || d.deleted.contains(path) { throw refuse("it names \(path) as a file to change") }
            }
        }
        let added = Set(d.added), changed = Set(d.changed), deleted = Set(d.deleted)
        guard added.count == d.added.count, changed.count == d.changed.count, deleted.count == d.deleted.count,
              added.isDisjoint(with: changed), deleted.isDisjoint(with: added.union(changed)) else {
            throw refuse("a path is listed twice")
        }
        for path in deleted where current[path] == nil || next[path] != nil {
            throw refuse("it deletes '\(Diagnostic.shown(path))', which the bundle does not hold or the new manifest keeps")
        }
        for path in added where current[path] != nil { throw refuse("it adds '\(Diagnostic.shown(path))', which the bundle already holds") }
        for path in changed where current[path] == nil { throw refuse("it changes '\(Diagnostic.shown(path))', which the bundle does not hold") }
        let root = URL(fileURLWithPath: delta)
        var plan: [(String, URL)] = []
        for (path, sha) in next.sorted(by: { $0.key < $1.key }) where path != "manifest.json" {
            if added.contains(path) || changed.contains(path) {
                guard let digest = try? BundleFiles.digest(root: delta, path), digest.sha256 == sha else {
                    throw refuse("'\(Diagnostic.shown(path))' is missing from the delta, is not a regular file, or differs from its manifest")
                }
                plan.append((path, root))
            } else {
                guard current[path] == sha else {
                    throw refuse("the new manifest lists '\(Diagnostic.shown(path))' with other bytes, but the delta neither adds nor changes it")
                }
                plan.append((path, bundle))
            }
        }
        for path in added.union(changed) where next[path] == nil {
            throw refuse("'\(Diagnostic.shown(path))' is not in the delta's manifest")
        }
        return plan
    }
}
