import Foundation
import Testing

@testable import ConfluenceKM

/// An unzipped export folder is read like its ZIP (libarchive's disk reader, the same rules): the bundle is the
/// same byte for byte; a symbolic link inside is never followed.
@Suite struct FolderInputTests {
    static var folders: [URL] {
        var out = ["acme-site", "twin-csv", "perm-site"].map { Support.fixtures.appendingPathComponent($0) }
        if let refs = try? FileManager.default.contentsOfDirectory(at: Support.referenceExports, includingPropertiesForKeys: [.isDirectoryKey]) {
            out += refs.filter { (try? $0.resourceValues(forKeys: [.isDirectoryKey]).isDirectory) == true }.sorted { $0.path < $1.path }
        }
        return out
    }

    @Test(arguments: folders)
    func aFolderGivesTheBundleItsZipGives(_ folder: URL) throws {
        let zip = Support.tempDir("folder-zip").appendingPathComponent(folder.lastPathComponent + ".zip")
        try Support.zip(folder: folder, to: zip)
        let (_, fromZip) = try Support.convert(zip, name: "z-\(folder.lastPathComponent)")
        let (_, fromFolder) = try Support.convert(folder, name: "f-\(folder.lastPathComponent)")
        #expect(fromZip.keys.sorted() == fromFolder.keys.sorted())
        for (path, data) in fromZip { #expect(fromFolder[path] == data, "\(path) differs") }
        let inspect = try Support.cli(["inspect", folder.path, "--format", "json"])
        #expect(inspect.status == 0)
    }

    /// A folder that is not an export is named as a folder, with what it lacks; `inspect` counts its files' bytes,
    /// not the folder's own inode.
    @Test func aFolderThatIsNotAnExportIsNamedAsAFolder() throws {
        let dir = Support.tempDir()
        let empty = dir.appendingPathComponent("empty")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        let r = try Support.cli(["convert", empty.path, "-o", dir.appendingPathComponent("b1").path])
        #expect(r.status == 1 && r.stderr.contains("\(empty.path): the folder is empty"), "\(r.stderr)")
        let files = dir.appendingPathComponent("attachments-only")
        try FileManager.default.createDirectory(at: files.appendingPathComponent("attachments/1/2"), withIntermediateDirectories: true)
        try Data("x".utf8).write(to: files.appendingPathComponent("attachments/1/2/1"))
        let m = try Support.cli(["inspect", files.path])
        #expect(m.status == 1 && m.stderr.contains("the folder holds neither entities.xml nor Cloud's CSV tables"), "\(m.stderr)")
        #expect(!m.stderr.contains("ZIP") && !m.stderr.contains("archive"))
        let acme = Support.fixtures.appendingPathComponent("acme-site")
        let i = try Support.cli(["inspect", acme.path])
        let total = try FileManager.default.subpathsOfDirectory(atPath: acme.path).reduce(Int64(0)) { sum, p in
            let a = try FileManager.default.attributesOfItem(atPath: acme.appendingPathComponent(p).path)
            return sum + ((a[.type] as? FileAttributeType) == .typeRegular ? (a[.size] as? Int64 ?? 0) : 0)
        }
        #expect(i.stdout.contains("files \(total) bytes"), "\(i.stdout)")
    }

    @Test func aSymbolicLinkInsideTheFolderIsNeverFollowed() throws {
        let dir = Support.tempDir("folder-link").appendingPathComponent("export")
        try FileManager.default.copyItem(at: Support.fixtures.appendingPathComponent("acme-site"), to: dir)
        // The attachment a page shows, replaced by a link to a file outside the export; and a linked folder.
        let target = dir.appendingPathComponent("attachments/2003/5001/1")
        try FileManager.default.removeItem(at: target)
        let secret = Support.tempDir("secret").appendingPathComponent("secret.txt")
        try Data("outside the export".utf8).write(to: secret)
        try FileManager.default.createSymbolicLink(at: target, withDestinationURL: secret)
        try FileManager.default.createSymbolicLink(at: dir.appendingPathComponent("attachments/9999"), withDestinationURL: secret.deletingLastPathComponent())
        let (bundle, files) = try Support.convert(dir, name: "linked")
        #expect(!files.values.contains { String(decoding: $0, as: UTF8.self).contains("outside the export") })
        let report = try Support.json(try #require(files["report.json"]))
        let messages = (report["diagnostics"] as? [[String: Any]] ?? []).compactMap { $0["message"] as? String }
        #expect(messages.contains { $0.contains("attachments/2003/5001/1") && $0.contains("symbolic link") })
        _ = bundle
    }
}

@Suite struct TreeLayoutTests {
    /// `--layout tree`: the folder tree is the page tree; every link still resolves and the bundle validates.
    @Test func theFolderTreeIsThePageTree() throws {
        let (bundle, files) = try Support.convert(try FixtureExportTests.zipped(), extra: ["--layout", "tree"])
        let articles = Set(files.keys.filter { $0.hasPrefix("articles/") && $0.hasSuffix(".md") })
        #expect(articles == [
            "articles/ENG/engineering-home/index.md", "articles/ENG/engineering-home/architecture-guide/index.md",
            "articles/ENG/engineering-home/architecture-guide/release-notes-2-0.md", "articles/ENG/quarterly-update.md",
            "articles/OPS/operations-home/index.md", "articles/OPS/operations-home/runbook-restart-recover.md",
        ])
        let meta = try Support.json(try #require(files["articles/ENG/engineering-home/architecture-guide/index.json"]))
        #expect(meta["markdown"] as? String == "articles/ENG/engineering-home/architecture-guide/index.md")
        Support.expectLinksResolve(bundle: bundle, files: files)
        let v = try Support.cli(["validate", bundle.path])
        #expect(v.status == 0, "\(v.stdout)")
    }

    /// A tree bundle crosses the gap as a delta like a flat one: applied to the previous bundle, it gives the new
    /// bundle byte for byte.
    @Test func aTreeBundleRoundTripsThroughDeltaAndApply() throws {
        let (v1, v2) = try DeltaTests.exportPair()
        let dir = Support.tempDir()
        let previous = dir.appendingPathComponent("previous"), full = dir.appendingPathComponent("full"), delta = dir.appendingPathComponent("delta")
        #expect(try Support.cli(["convert", v1.path, "-o", previous.path, "--layout", "tree"]).status == 0)
        #expect(try Support.cli(["convert", v2.path, "-o", full.path, "--layout", "tree"]).status == 0)
        #expect(try Support.cli(["convert", v2.path, "-o", delta.path, "--layout", "tree", "--since", previous.path]).status == 0)
        #expect(try Support.cli(["validate", delta.path]).status == 0)
        let applied = try Support.cli(["apply", delta.path, "--to", previous.path])
        #expect(applied.status == 0, "\(applied.stderr)")
        #expect(try Support.files(in: previous) == Support.files(in: full))
    }
}

@Suite struct ObsidianFlavorTests {
    /// `--flavor obsidian`: a vault — callouts, front matter with tags and aliases, the vault's settings — that still
    /// validates like any bundle.
    @Test func theBundleIsAnObsidianVault() throws {
        let (bundle, files) = try Support.convert(try FixtureExportTests.zipped(), extra: ["--flavor", "obsidian", "--layout", "tree"])
        let guide = String(decoding: try #require(files["articles/ENG/engineering-home/architecture-guide/index.md"]), as: UTF8.self)
        #expect(guide.hasPrefix("---\n"))
        #expect(guide.contains("tags: [\"architecture\",\"guide\"]"))
        #expect(guide.contains("aliases: [\"Architecture Guide\"]"))
        #expect(guide.contains("> [!info] Heads up"))
        let app = try Support.json(try #require(files[".obsidian/app.json"]))
        #expect(app["attachmentFolderPath"] as? String == "attachments")
        Support.expectLinksResolve(bundle: bundle, files: files)
        #expect(try Support.cli(["validate", bundle.path]).status == 0)
    }
}
