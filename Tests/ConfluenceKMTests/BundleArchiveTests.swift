import Foundation
import Testing

/// `convert -o BUNDLE.zip|.tar|.tar.zst`: the bundle as one deterministic archive that validate, preview, --since and
/// apply read like the folder.
@Suite struct BundleArchiveTests {
    /// Unpacks with the system's tools (unzip, tar), not the tool's own reader.
    static func unpack(_ archive: URL, into dir: URL) throws {
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let name = archive.lastPathComponent
        let r = name.hasSuffix(".zip") ? try Support.run("/usr/bin/unzip", ["-q", archive.path, "-d", dir.path])
            : try Support.run("/usr/bin/tar", (name.hasSuffix(".zst") ? ["--zstd"] : []) + ["-xf", archive.path, "-C", dir.path])
        #expect(r.status == 0, "\(r.stderr)")
    }

    @Test(arguments: ["zip", "tar", "tar.zst"])
    func theArchiveIsTheFolderBundleInOneDeterministicFile(_ format: String) throws {
        let zip = try FixtureExportTests.zipped()
        let dir = Support.tempDir("archive-\(format)")
        let folder = dir.appendingPathComponent("bundle"), archive = dir.appendingPathComponent("bundle.\(format)")
        #expect(try Support.cli(["convert", zip.path, "-o", folder.path]).status == 0)
        let r = try Support.cli(["convert", zip.path, "-o", archive.path])
        #expect(r.status == 0, "\(r.stderr)")
        let first = try Data(contentsOf: archive)
        let unpacked = dir.appendingPathComponent("unpacked")
        try Self.unpack(archive, into: unpacked)
        #expect(try Support.files(in: unpacked) == Support.files(in: folder), "the archive unpacked is the folder bundle, byte for byte")
        // The same input gives the same bytes; --force replaces the archive this tool wrote.
        #expect(try Support.cli(["convert", zip.path, "-o", archive.path]).status == 1, "an existing archive needs --force")
        #expect(try Support.cli(["convert", zip.path, "-o", archive.path, "--force"]).status == 0)
        #expect(try Data(contentsOf: archive) == first)
        let listing = format == "zip" ? try Support.run("/usr/bin/unzip", ["-Z1", archive.path]).stdout
            : try Support.run("/usr/bin/tar", (format == "tar.zst" ? ["--zstd"] : []) + ["-tf", archive.path]).stdout
        #expect(listing.hasPrefix("manifest.json\n"), "the manifest first")
        #expect(try Support.cli(["validate", archive.path]).status == 0)
        let siblings = try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
        #expect(siblings == ["bundle", "bundle.\(format)", "unpacked"], "no temporary file left: \(siblings)")
    }

    @Test func validateCatchesAChangedByteInsideTheArchive() throws {
        let dir = Support.tempDir()
        let archive = dir.appendingPathComponent("bundle.tar")
        #expect(try Support.cli(["convert", try FixtureExportTests.zipped().path, "-o", archive.path]).status == 0)
        var bytes = try Data(contentsOf: archive)
        let needle = Data("Read the runbook first.".utf8)
        let at = try #require(bytes.range(of: needle))
        bytes[at.lowerBound] = UInt8(ascii: "B")
        try bytes.write(to: archive)
        let r = try Support.cli(["validate", archive.path])
        #expect(r.status == 1 && r.stdout.contains("articles/ENG/architecture-guide.md"), "\(r.stdout)\(r.stderr)")
    }

    @Test func anArchiveThisToolDidNotWriteIsNeverReplaced() throws {
        let dir = Support.tempDir()
        let mine = dir.appendingPathComponent("notes.zip")
        try Data("not a bundle".utf8).write(to: mine)
        let r = try Support.cli(["convert", try FixtureExportTests.zipped().path, "-o", mine.path, "--force"])
        #expect(r.status == 1 && r.stderr.contains(mine.path), "\(r.stderr)")
        #expect(try Data(contentsOf: mine) == Data("not a bundle".utf8))
    }

    @Test func previewSinceAndApplyReadTheArchive() throws {
        let (v1, v2) = try DeltaTests.exportPair()
        let dir = Support.tempDir()
        let bundle = dir.appendingPathComponent("v1.zip"), full = dir.appendingPathComponent("v2.zip"), delta = dir.appendingPathComponent("delta.tar.zst")
        #expect(try Support.cli(["convert", v1.path, "-o", bundle.path]).status == 0)
        #expect(try Support.cli(["convert", v2.path, "-o", full.path]).status == 0)
        let d = try Support.cli(["convert", v2.path, "-o", delta.path, "--since", bundle.path])
        #expect(d.status == 0, "\(d.stderr)")
        #expect(try Support.cli(["validate", delta.path]).status == 0, "a delta archive validates by itself")
        let a = try Support.cli(["apply", delta.path, "--to", bundle.path])
        #expect(a.status == 0, "\(a.stderr)")
        #expect(try Data(contentsOf: bundle) == Data(contentsOf: full), "the archive brought up to date is the new archive, byte for byte")
        // preview shows the archive as a bundle: a page, and a site.
        let page = try Support.cli(["preview", full.path, "--page", "Architecture Guide"])
        #expect(page.status == 0 && page.stdout.contains("=== articles/ENG/architecture-guide.md"), "\(page.stderr)")
        let site = dir.appendingPathComponent("site")
        #expect(try Support.cli(["preview", full.path, "--html", site.path]).status == 0)
        #expect(FileManager.default.fileExists(atPath: site.appendingPathComponent("articles/ENG/architecture-guide.html").path))
    }

    /// A crafted bundle archive (a name leaving the bundle, a link, a name twice, a file larger than its manifest says,
    /// no manifest first) is refused; nothing is written outside the temporary folder, and that folder is gone
    /// afterwards. A real bundle whose files compress far past an export's ratio limit is read (the manifest, not
    /// the ratio, bounds it).
    @Test(arguments: ["dotdot", "symlink", "twice", "larger", "notfirst"])
    func aCraftedBundleArchiveIsRefused(_ kind: String) throws {
        let dir = Support.tempDir("crafted-\(kind)")
        let archive = dir.appendingPathComponent("bundle.tar")
        let script = """
            import io, sys, tarfile
            kind, path = sys.argv[1], sys.argv[2]
            with tarfile.open(path, "w") as t:
                def add(name, data=b"x"):
                    i = tarfile.TarInfo(name); i.size = len(data); t.addfile(i, io.BytesIO(data))
                manifest = b'{"formatVersion":1,"tool":{"name":"confluence-km","version":"0"},"export":{"descriptor":{}},"files":[{"path":"report.json","bytes":1,"sha256":"00"}]}'
                if kind == "notfirst": add("report.json")
                add("manifest.json", manifest)
                if kind == "dotdot": add("../escaped-\(kind)")
                if kind == "larger": add("report.json", b"x" * 100000)
                if kind == "symlink":
                    i = tarfile.TarInfo("articles/link"); i.type = tarfile.SYMTYPE; i.linkname = "/etc/passwd"; t.addfile(i)
                if kind == "twice": add("report.json"); add("report.json")
            """
        let made = try Support.run("/usr/bin/env", ["python3", "-c", script, kind, archive.path])
        #expect(made.status == 0, "\(made.stderr)")
        // Its own temporary folder, to see that the unpacked copy is removed.
        let tmp = dir.appendingPathComponent("tmp")
        try FileManager.default.createDirectory(at: tmp, withIntermediateDirectories: true)
        let r = try Support.run("/usr/bin/env", ["TMPDIR=\(tmp.path)", Support.binary, "validate", archive.path])
        #expect(r.status != 0 && r.stderr.contains(archive.path), "\(r.stdout)\(r.stderr)")
        if kind == "twice" { #expect(r.stderr.contains("write the bundle again") && !r.stderr.contains("export the space"), "\(r.stderr)") }
        #expect(!FileManager.default.fileExists(atPath: dir.deletingLastPathComponent().appendingPathComponent("escaped-\(kind)").path))
        #expect(!FileManager.default.fileExists(atPath: tmp.deletingLastPathComponent().appendingPathComponent("escaped-\(kind)").path))
        #expect(try FileManager.default.contentsOfDirectory(atPath: tmp.path).isEmpty, "the unpacked copy is removed")
    }

    @Test func aBundleThatCompressesWellIsReadBack() throws {
        let dir = Support.tempDir()
        let src = dir.appendingPathComponent("export")
        try FileManager.default.copyItem(at: Support.fixtures.appendingPathComponent("acme-site"), to: src)
        try Data(count: 3_000_000).write(to: src.appendingPathComponent("attachments/2003/5001/2"))  // zeros: zstd takes them past 1000:1
        let zip = dir.appendingPathComponent("export.zip")
        try Support.zip(folder: src, to: zip)
        let archive = dir.appendingPathComponent("bundle.tar.zst")
        #expect(try Support.cli(["convert", zip.path, "-o", archive.path, "--max-ratio", "100000"]).status == 0)
        let r = try Support.cli(["validate", archive.path])
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
    }
}
