import Foundation
import Testing

@testable import ConfluenceKM

/// Round 2 of the hostile suite: each test reproduces an attack that worked on an earlier main (the issue
/// "Hostile exports, round 2") and checks the mechanism that now makes its whole class impossible.
extension HostileTests {
    func report(_ o: Outcome) throws -> [[String: Any]] {
        try Support.json(try #require(o.files["report.json"]))["diagnostics"] as? [[String: Any]] ?? []
    }

    /// A memory bound in KB; AddressSanitizer's shadow memory and quarantine (make test-asan) take about twice as much.
    static func rssBound(_ kb: Int) -> Int { ProcessInfo.processInfo.environment["CKM_SANITIZED"] != nil ? 2 * kb : kb }

    /// Peak resident memory (KB) of one run, through GNU time (Debian's `time`, installed by make test).
    static func peakRSS(_ args: [String]) throws -> (Support.Result, Int) {
        let out = Support.tempDir("rss").appendingPathComponent("rss")
        let r = try Support.run("/usr/bin/time", ["-f", "%M", "-o", out.path, Support.binary] + args)
        let kb = Int((try String(contentsOf: out, encoding: .utf8)).trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "\n").last ?? "") ?? -1
        return (r, kb)
    }

    // MARK: Writes outside the output

    @Test func idsNeverBecomePaths() throws {
        let o = try convert("ids.zip")
        #expect(o.result.status == 0, "\(o.result.stderr)")
        for path in o.files.keys { #expect(BundlePath.isSafe(path), "\(path)") }
        #expect(o.files.keys.contains { $0.contains("page-id-") }, "the emoji-only title is named from a hash of the id")
        #expect(try codes(o).filter { $0 == "unsafe-id" }.count == 3, "page, clashing page and space ids")
        for dir in [o.bundle.deletingLastPathComponent(), o.bundle.deletingLastPathComponent().deletingLastPathComponent(), URL(fileURLWithPath: "/tmp")] {
            #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("escape-ids").path))
        }
        // The preview of the same export writes inside its folder only.
        let site = o.bundle.deletingLastPathComponent().appendingPathComponent("site")
        #expect(try Support.cli(["preview", Self.generated.appendingPathComponent("ids.zip").path, "--html", site.path]).status == 0)
        for path in try Support.files(in: site).keys { #expect(!path.contains("..")) }
        #expect(!FileManager.default.fileExists(atPath: "/tmp/escape-ids"))
    }

    @Test func staysInsideTheStagingFolderWhateverThePath() throws {
        let dir = Support.tempDir()
        let staging = try StagingFolder(destination: dir.appendingPathComponent("out"), force: false)
        for bad in ["../x", "a/../../x", "/etc/x", "a//b", "a/./b", "a\\b", "", "a/\u{1}b"] {
            #expect(throws: ConversionError.self) { try staging.write(Data("x".utf8), to: bad) }
        }
        try staging.write(Data("ok".utf8), to: "a/b.txt")
        staging.discard()
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
    }

    @Test func aFolderCreatedAtTheOutputDuringARunIsNeverReplaced() throws {
        let dir = Support.tempDir()
        let dest = dir.appendingPathComponent("out")
        let staging = try StagingFolder(destination: dest, force: false)
        try staging.write(Data("bundle".utf8), to: "manifest.json")
        // Someone creates the output while the run is writing.
        try FileManager.default.createDirectory(at: dest, withIntermediateDirectories: false)
        try Data("theirs".utf8).write(to: dest.appendingPathComponent("theirs.txt"))
        #expect(throws: ConversionError.self) { try staging.commit() }
        #expect(try Support.files(in: dest) == ["theirs.txt": Data("theirs".utf8)])
        staging.discard()
    }

    @Test func aBundleMovedAsideIsRestoredNotDeleted() throws {
        let dir = Support.tempDir()
        // What a kill between the two renames of the old swap left: the previous bundle at -old, nothing at -o.
        let aside = dir.appendingPathComponent(".out" + StagingFolder.tempMarker + "999999999-old")
        try FileManager.default.createDirectory(at: aside, withIntermediateDirectories: false)
        try Data("previous".utf8).write(to: aside.appendingPathComponent("manifest.json"))
        StagingFolder.removeStale(in: dir, name: "out")
        #expect(try Support.files(in: dir.appendingPathComponent("out")) == ["manifest.json": Data("previous".utf8)])
    }

    @Test func applyRefusesDeltasThatLeaveTheBundle() throws {
        let (v1, v2) = try DeltaTests.exportPair()
        let dir = Support.tempDir()
        let bundle = dir.appendingPathComponent("b/bundle"), delta = dir.appendingPathComponent("b/delta")
        #expect(try Support.cli(["convert", v1.path, "-o", bundle.path]).status == 0)
        #expect(try Support.cli(["convert", v2.path, "-o", delta.path, "--since", bundle.path]).status == 0)
        let victim = dir.appendingPathComponent("victim")
        try FileManager.default.createDirectory(at: victim, withIntermediateDirectories: true)
        try Data("precious".utf8).write(to: victim.appendingPathComponent("data.txt"))
        let before = try Support.files(in: bundle)
        let original = try Data(contentsOf: delta.appendingPathComponent("delta.json"))
        func tampered(_ change: (inout [String: Any]) -> Void) throws -> Support.Result {
            var d = try Support.json(original)
            change(&d)
            try JSONSerialization.data(withJSONObject: d).write(to: delta.appendingPathComponent("delta.json"))
            return try Support.cli(["apply", delta.path, "--to", bundle.path])
        }
        let attacks: [(String, (inout [String: Any]) -> Void)] = [
            ("changed outside", { $0["changed"] = ($0["changed"] as! [String]) + ["../../victim"] }),
            ("deleted outside", { $0["deleted"] = ($0["deleted"] as! [String]) + ["../../victim/data.txt"] }),
            ("added outside", { $0["added"] = ($0["added"] as! [String]) + ["../evil.sh"] }),
            ("added, not in the manifest", { $0["added"] = ($0["added"] as! [String]) + ["articles/ENG/evil.md"] }),
        ]
        try Data("#!/bin/sh\n".utf8).write(to: delta.appendingPathComponent("articles/ENG/evil.md"))
        for (name, attack) in attacks {
            let r = try tampered(attack)
            #expect(r.status != 0, "\(name): \(r.stderr)")
            #expect(try Support.files(in: bundle) == before, "\(name): the bundle is untouched")
            #expect(try Support.files(in: victim) == ["data.txt": Data("precious".utf8)], "\(name)")
            #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("b/evil.sh").path))
        }
        // A changed file whose bytes are not the ones its manifest lists.
        try original.write(to: delta.appendingPathComponent("delta.json"))
        let d = try Support.json(original)
        let changed = try #require((d["changed"] as? [String])?.first { $0.hasSuffix(".md") })
        try Data("tampered\n".utf8).write(to: delta.appendingPathComponent(changed))
        let r = try Support.cli(["apply", delta.path, "--to", bundle.path])
        #expect(r.status != 0 && r.stderr.contains("differs from its manifest"), "\(r.stderr)")
        #expect(try Support.files(in: bundle) == before)
    }

    /// A bundle folder made by hand: `preview --html` reads it like any other input.
    @Test func previewOfACraftedBundleStaysInsideAndRunsNothing() throws {
        let dir = Support.tempDir()
        let (bundle, _) = try Support.convert(try FixtureExportTests.zipped())
        let secret = dir.appendingPathComponent("secret.txt")
        try Data("SECRET-OUTSIDE".utf8).write(to: secret)
        let articles = bundle.appendingPathComponent("articles/ENG")
        // A Markdown file that is a link to a file outside the bundle.
        let md = articles.appendingPathComponent("architecture-guide.md")
        try FileManager.default.removeItem(at: md)
        try FileManager.default.createSymbolicLink(at: md, withDestinationURL: secret)
        // Metadata whose markdown path leaves the bundle, whose id carries a script, and a tree that loops.
        func article(_ id: String, _ parent: String?, _ markdown: String, _ title: String) -> [String: Any] {
            ["id": id, "type": "page", "title": title, "spaceKey": "ENG", "markdown": markdown, "parentId": parent as Any]
        }
        let crafted: [(String, [String: Any])] = [
            ("escape.json", article("1", nil, "../../../escaped-preview/x.md", "Escape")),
            ("script.json", article("\"><script>document.title='pwned'</script>", nil, "articles/ENG/script.md", "<img src=x onerror=\"document.title='pwned2'\">")),
            ("loop1.json", article("", "", "articles/ENG/loop1.md", "Loop one")),
            ("loop2.json", article("", "", "articles/ENG/loop2.md", "Loop two")),
        ]
        for (name, a) in crafted { try JSONSerialization.data(withJSONObject: a).write(to: articles.appendingPathComponent(name)) }
        try Data("<img src=\"https://example.invalid/beacon.png\"> <script>document.title='pwned3'</script>\n".utf8)
            .write(to: articles.appendingPathComponent("script.md"))
        for n in ["loop1.md", "loop2.md"] { try Data("loop\n".utf8).write(to: articles.appendingPathComponent(n)) }
        let site = dir.appendingPathComponent("site")
        let r = try Support.run("/usr/bin/timeout", ["60", Support.binary, "preview", bundle.path, "--html", site.path])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("escaped-preview").path))
        #expect(!FileManager.default.fileExists(atPath: site.appendingPathComponent("../../../escaped-preview").standardizedFileURL.path))
        #expect(!FileManager.default.fileExists(atPath: bundle.deletingLastPathComponent().appendingPathComponent("escaped-preview").path))
        let files = try Support.files(in: site)
        for (path, data) in files { #expect(!String(decoding: data, as: UTF8.self).contains("SECRET-OUTSIDE"), "\(path)") }
        let index = String(decoding: try #require(files["index.html"]), as: UTF8.self)
        #expect(index.contains("Content-Security-Policy") && index.contains("default-src 'none'"))
        #expect(index.contains("Loop one") && index.contains("Loop two"), "a looping tree is listed once, not walked forever")
        #expect(!index.contains("<img src=x"))
        let scriptPage = String(decoding: try #require(files["articles/ENG/script.html"]), as: UTF8.self)
        #expect(!scriptPage.contains("<script>document.title") && !scriptPage.contains("<img src=x"), "values are escaped")
        let page = site.appendingPathComponent("articles/ENG/script.html")
        let dom = try Support.run("/usr/bin/timeout", ["60", "/usr/bin/chromium", "--headless", "--no-sandbox", "--disable-gpu",
            "--disable-dev-shm-usage", "--virtual-time-budget=3000", "--dump-dom", page.absoluteString]).stdout
        #expect(!dom.contains("<title>pwned"), "no script of the bundle ran")
        let indexDom = try Support.run("/usr/bin/timeout", ["60", "/usr/bin/chromium", "--headless", "--no-sandbox", "--disable-gpu",
            "--disable-dev-shm-usage", "--virtual-time-budget=3000", "--dump-dom", site.appendingPathComponent("index.html").absoluteString]).stdout
        #expect(indexDom.contains("<title>Bundle</title>"), "\(indexDom.prefix(300))")
    }

    @Test func previewNeverEmptiesAFolderItDidNotWrite() throws {
        let dir = Support.tempDir()
        let site = dir.appendingPathComponent("mine")
        try FileManager.default.createDirectory(at: site, withIntermediateDirectories: true)
        try Data("keep".utf8).write(to: site.appendingPathComponent("notes.txt"))
        let zip = try FixtureExportTests.zipped()
        let r = try Support.cli(["preview", zip.path, "--html", site.path])
        #expect(r.status == 1 && r.stderr.contains(site.path), "\(r.stderr)")
        #expect(try Support.files(in: site) == ["notes.txt": Data("keep".utf8)])
        // A site it wrote is replaced by the next preview.
        try FileManager.default.removeItem(at: site.appendingPathComponent("notes.txt"))
        #expect(try Support.cli(["preview", zip.path, "--html", site.path]).status == 0)
        #expect(try Support.cli(["preview", zip.path, "--html", site.path]).status == 0)
        // The bundle itself is never a site folder.
        let (bundle, files) = try Support.convert(zip)
        let same = try Support.cli(["preview", bundle.path, "--html", bundle.path])
        #expect(same.status != 0)
        #expect(try Support.files(in: bundle) == files)
    }

    // MARK: Active content

    @Test func terminalOutputShowsControlCharactersEscaped() throws {
        let zip = Self.generated.appendingPathComponent("terminal.zip").path
        for args in [["inspect", zip], ["preview", zip, "--page", "10"], ["convert", zip, "-o", Support.tempDir().appendingPathComponent("o").path, "--dry-run", "-v"]] {
            let r = try Support.cli(args)
            #expect(r.status == 0, "\(args[0]): \(r.stderr)")
            for text in [r.stdout, r.stderr] {
                #expect(!text.unicodeScalars.contains { $0.value == 0x9b || $0.value == 0x202e || $0.value == 0x1b }, "\(args[0]) printed a raw control character")
            }
            #expect((r.stdout + r.stderr).contains("\\u{9b}"), "\(args[0]) shows it escaped")
        }
    }

    // MARK: Permissions that fail open

    @Test(arguments: ["perm-type-space", "perm-type-newline", "perm-type-read", "perm-edit-reuses-id", "perm-owner-text",
                      "perm-subject-unknown", "perm-entry-without-set"])
    func aRestrictionNotUnderstoodRestricts(_ name: String) throws {
        let o = try convert(name + ".zip")
        #expect(o.result.status == 0, "\(o.result.stderr)")
        let meta = try Support.json(try #require(o.files["articles/HOST/secret.json"]))
        let access = try #require(meta["access"] as? [String: Any])
        #expect(access["restricted"] as? Bool == true, "\(name): \(access)")
        #expect((access["roles"] as? [String])?.isEmpty == true && (access["users"] as? [String]) != ["alice", "bob"])
        #expect(try codes(o).contains("permission-not-understood"), "\(name)")
        let strict = try convert(name + ".zip", ["--strict-permissions"])
        #expect(strict.result.status == 1 && strict.result.stderr.contains("not understood"), "\(name): \(strict.result.stderr)")
    }

    @Test func aSpacePermissionWithAnUnreadSubjectGrantsNothing() throws {
        for extra in [[], ["--space-without-permissions", "open"]] {
            let o = try convert("perm-space-subject-unknown.zip", extra)
            let meta = try Support.json(try #require(o.files["articles/HOST/secret.json"]))
            #expect((meta["access"] as? [String: Any])?["restricted"] as? Bool == true, "\(extra)")
            #expect(try codes(o).contains("permission-not-understood"))
        }
    }

    @Test func aRevokedCSVSpacePermissionGrantsNothing() throws {
        let dir = Support.tempDir()
        let src = dir.appendingPathComponent("csv")
        try FileManager.default.copyItem(at: Support.fixtures.appendingPathComponent("twin-csv"), to: src)
        func run(active: String) throws -> Bool? {
            try Data("permid,spaceid,permtype,permgroupname,externalgroupid,permusername,permalluserssubject,creator,creationdate,lastmodifier,lastmoddate,active\n9001,1001,VIEWSPACE,,,,all-licensed-users,,,,,\(active)\n".utf8)
                .write(to: src.appendingPathComponent("spacepermissions.csv"))
            let zip = dir.appendingPathComponent("csv-\(active).zip")
            try Support.zip(folder: src, to: zip)
            let (_, files) = try Support.convert(zip, name: "csv-\(active)", extra: ["--space-without-permissions", "open"])
            let json = try #require(files.first { $0.key.hasPrefix("articles/") && $0.key.hasSuffix(".json") }?.value)
            return (try Support.json(json)["access"] as? [String: Any])?["restricted"] as? Bool
        }
        #expect(try run(active: "true") == false, "an active grant to all users opens the space")
        #expect(try run(active: "false") == true, "a revoked one does not")
    }

    // MARK: Crashes and hangs

    @Test func numbersFromTheExportNeverTrapOrExplode() throws {
        let o = try convert("numbers.zip", ["--tables", "gfm"])
        #expect(o.result.status == 0, "\(o.result.stderr)")
        #expect(try codes(o).filter { $0 == "value-out-of-range" }.count == 3)
        let md = String(decoding: try #require(o.files["articles/HOST/numbers.md"]), as: UTF8.self)
        #expect(md.utf8.count < 64 << 10)
        let z = try convert("zip64-size.zip")
        #expect(z.result.status == 0, "a declared size of 2^63-1: \(z.result.stderr)")
        #expect(try Support.cli(["inspect", Self.generated.appendingPathComponent("zip64-size.zip").path]).status == 0)
    }

    @Test func billionLaughsInEntitiesIsRefusedAtOnce() throws {
        let o = try convert("laughs.zip")
        expectRefused(o, "declares the entity")
    }

    @Test func validateScansUnclosedCommentsInLinearTime() throws {
        let (bundle, _) = try Support.convert(try FixtureExportTests.zipped())
        try Data(String(repeating: "<!--\n", count: 40_000).utf8).write(to: bundle.appendingPathComponent("articles/ENG/architecture-guide.md"))
        let r = try Support.run("/usr/bin/timeout", ["30", Support.binary, "validate", bundle.path])
        #expect(r.status == 1, "finishes (timeout exits 124) and reports the changed file: \(r.status)")
        #expect(r.stdout.contains("architecture-guide.md"))
    }

    // MARK: Memory bounded by limits

    @Test func anOversizedBodyIsNeverReadWhole() throws {
        let out = Support.tempDir().appendingPathComponent("o")
        let (r, kb) = try Self.peakRSS(["convert", Self.generated.appendingPathComponent("big-body.zip").path, "-o", out.path, "--max-body-bytes", "1048576"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(kb > 0 && kb < Self.rssBound(80_000), "peak RSS \(kb) KB for a 48 MiB body over the limit")
        let codes = (try Support.json(try Data(contentsOf: out.appendingPathComponent("report.json")))["diagnostics"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String }
        #expect(codes.contains("body-too-large"))
    }

    @Test func aHugeTitleIsCutWhileStreaming() throws {
        let out = Support.tempDir().appendingPathComponent("o")
        let (r, kb) = try Self.peakRSS(["convert", Self.generated.appendingPathComponent("big-title.zip").path, "-o", out.path])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(kb > 0 && kb < Self.rssBound(80_000), "peak RSS \(kb) KB")
        for (path, data) in try Support.files(in: out) where path.hasSuffix(".json") && path.hasPrefix("articles/") {
            #expect(((try Support.json(data))["title"] as? String ?? "").count <= 1000)
        }
        let codes = (try Support.json(try Data(contentsOf: out.appendingPathComponent("report.json")))["diagnostics"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String }
        #expect(codes.contains("value-truncated"))
    }

    @Test func aDeepPageChainIsCappedAndLinear() throws {
        let out = Support.tempDir().appendingPathComponent("o")
        let r = try Support.run("/usr/bin/timeout", ["120", Support.binary, "convert", Self.generated.appendingPathComponent("chain.zip").path, "-o", out.path])
        #expect(r.status == 0, "\(r.stderr)")
        var deepest = 0
        for (path, data) in try Support.files(in: out) where path.hasSuffix(".json") && path.hasPrefix("articles/") {
            deepest = max(deepest, ((try Support.json(data))["ancestors"] as? [Any])?.count ?? 0)
        }
        #expect(deepest == Limits.maxTreeDepth - 1)
        let codes = (try Support.json(try Data(contentsOf: out.appendingPathComponent("report.json")))["diagnostics"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String }
        #expect(codes.filter { $0 == "tree-too-deep" }.count == 8000 - Limits.maxTreeDepth)
    }

    /// Every label becomes a tag, once, sorted; the run is bounded by `convert`'s timeout like every hostile case.
    @Test func aPageWithFortyThousandLabelsKeepsThemAll() throws {
        let o = try convert("labels.zip")
        #expect(o.result.status == 0, "\(o.result.stderr)")
        let meta = try Support.json(try #require(o.files["articles/HOST/labelled.json"]))
        let tags = try #require(meta["tags"] as? [String])
        #expect(tags.count == 40000 && tags == tags.sorted() && Set(tags).count == 40000)
        #expect((try Support.json(try #require(o.files["articles/HOST/plain.json"])))["tags"] as? [String] == [])
    }

    @Test func parentsThatLoopAreCutOnceInEitherLayout() throws {
        for layout in ["flat", "tree"] {
            let o = try convert("cycle.zip", ["--layout", layout], function: "cycle-\(layout)")
            #expect(o.result.status == 0, "\(layout): \(o.result.stderr)")
            let cycles = try report(o).filter { $0["code"] as? String == "tree-cycle" }.compactMap { $0["contentId"] as? String }
            #expect(cycles.sorted() == ["3001", "3005"], "\(layout): the lowest id of each loop")
            var parents: [String: String] = [:]
            for (path, data) in o.files where path.hasSuffix(".json") && path.hasPrefix("articles/") {
                let meta = try Support.json(data)
                if let id = meta["id"] as? String { parents[id] = meta["parentId"] as? String ?? "" }
            }
            #expect(parents == ["3001": "", "3002": "3001", "3003": "3002", "3004": "3002", "3005": ""], "\(layout)")
            #expect(try Support.cli(["validate", o.bundle.path]).status == 0)
            if layout == "tree" {
                // The former loop nests as a chain.
                #expect(o.files.keys.contains("articles/HOST/loop-a/loop-b/loop-c.md"), "\(o.files.keys.sorted())")
            }
        }
    }

    @Test func validateHashesAHugeFileInChunks() throws {
        let (bundle, _) = try Support.convert(try FixtureExportTests.zipped())
        let big = bundle.appendingPathComponent("attachments/big.bin")
        #expect(FileManager.default.createFile(atPath: big.path, contents: nil))
        let h = try FileHandle(forWritingTo: big)
        try h.truncate(atOffset: 1 << 30)  // sparse: 1 GiB of zeros
        try h.close()
        // Listed in the manifest (with another hash), so validate must read all of it.
        let manifestURL = bundle.appendingPathComponent("manifest.json")
        var manifest = try Support.json(try Data(contentsOf: manifestURL))
        manifest["files"] = (manifest["files"] as? [Any] ?? []) + [["path": "attachments/big.bin", "bytes": 1 << 30, "sha256": String(repeating: "0", count: 64)]]
        try JSONSerialization.data(withJSONObject: manifest).write(to: manifestURL)
        let (r, kb) = try Self.peakRSS(["validate", bundle.path])
        #expect(r.status == 1 && r.stdout.contains("big.bin: SHA-256"), "\(r.stdout)")
        #expect(kb > 0 && kb < Self.rssBound(100_000), "peak RSS \(kb) KB while hashing a 1 GiB file")
    }
}

/// Characters XML forbids, which real exports contain (issue "Trust": a real export was refused whole).
extension HostileTests {
    @Test func charactersXMLForbidsAreRepairedAndReported() throws {
        let o = try convert("control-chars.zip")
        #expect(o.result.status == 0, "\(o.result.stderr)")
        let diagnostics = try report(o).filter { $0["code"] as? String == "invalid-xml-char" }
        let messages = diagnostics.compactMap { $0["message"] as? String }
        #expect(messages.contains { $0.contains("U+0008") }, "the title's backspace: \(messages)")
        #expect(messages.contains { $0.contains("U+0002") && $0.contains("U+001C") }, "the body's controls")
        #expect(messages.contains { $0.contains("U+FFFF") }, "the label's noncharacter")
        let meta = try Support.json(try #require(o.files.first { $0.key.hasPrefix("articles/HOST/notes") && $0.key.hasSuffix(".json") }?.value))
        #expect(meta["title"] as? String == "Notes from Bob\u{FFFD}s meeting")
        let md = String(decoding: try #require(o.files.first { $0.key.hasPrefix("articles/HOST/notes") && $0.key.hasSuffix(".md") }?.value), as: UTF8.self)
        #expect(md.contains("before\u{FFFD}middle\u{FFFD}after"))
        for (path, data) in o.files {
            #expect(!data.contains(0x08) && !data.contains(0x02), "\(path)")
            #expect(!String(decoding: data, as: UTF8.self).unicodeScalars.contains { $0.value >= 0xF0000 && $0.value <= 0xF00FF }, "no stand-in leaks: \(path)")
        }
        #expect(try codes(o).filter { $0 == "invalid-xml-char" }.count == 3, "one per object")
    }

    @Test func theHistoryReferenceExportWithControlCharactersConverts() throws {
        let history = Support.referenceExports.appendingPathComponent("history")
        guard FileManager.default.fileExists(atPath: history.path) else {
            print("skipped: ../shared/reference-exports is absent"); return
        }
        let dir = Support.tempDir()
        let src = dir.appendingPathComponent("history")
        try FileManager.default.copyItem(at: history, to: src)
        let f = src.appendingPathComponent("entities.xml")
        var xml = try String(contentsOf: f, encoding: .utf8)
        xml = xml.replacingOccurrences(of: "<![CDATA[Pricing Reports", with: "<![CDATA[Pricing\u{8} Reports")
        if let r = xml.range(of: "<property name=\"body\"><![CDATA[") { xml.insert(contentsOf: "\u{2}", at: r.upperBound) }
        try xml.write(to: f, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: src.path)
        let zip = dir.appendingPathComponent("history.zip")
        try Support.zip(folder: src, to: zip)
        let out = dir.appendingPathComponent("out")
        let r = try Support.cli(["convert", zip.path, "-o", out.path])
        #expect(r.status == 0, "\(r.stderr)")
        let codes = (try Support.json(try Data(contentsOf: out.appendingPathComponent("report.json")))["diagnostics"] as? [[String: Any]] ?? []).compactMap { $0["message"] as? String }
        #expect(codes.contains { $0.contains("U+0008") }, "\(codes)")
    }
}

extension HostileTests {
    /// The same id attack through a Cloud CSV export: the plan names files the same way for both formats.
    @Test func csvIdsNeverBecomePaths() throws {
        let dir = Support.tempDir()
        let src = dir.appendingPathComponent("csv")
        try FileManager.default.copyItem(at: Support.fixtures.appendingPathComponent("twin-csv"), to: src)
        let evil = "2002/../../../../escape-csv/pwned"
        for table in ["content.csv", "bodycontent.csv"] {
            let url = src.appendingPathComponent(table)
            var text = try String(contentsOf: url, encoding: .utf8)
            text = text.replacingOccurrences(of: "\n2002,", with: "\n\(evil),").replacingOccurrences(of: ",2002,", with: ",\(evil),")
                .replacingOccurrences(of: "Guide", with: "🎉")
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
        let zip = dir.appendingPathComponent("evil-csv.zip")
        try Support.zip(folder: src, to: zip)
        let out = dir.appendingPathComponent("sandbox/bundle")
        try FileManager.default.createDirectory(at: out.deletingLastPathComponent(), withIntermediateDirectories: true)
        let r = try Support.cli(["convert", zip.path, "-o", out.path])
        #expect(r.status == 0, "\(r.stderr)")
        for path in try Support.files(in: out).keys { #expect(BundlePath.isSafe(path) && !path.contains("escape"), "\(path)") }
        #expect(try FileManager.default.contentsOfDirectory(atPath: out.deletingLastPathComponent().path) == ["bundle"], "nothing beside the bundle")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("escape-csv").path))
        #expect(!FileManager.default.fileExists(atPath: "/tmp/escape-csv"))
        let codes = (try Support.json(try Data(contentsOf: out.appendingPathComponent("report.json")))["diagnostics"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String }
        #expect(codes.contains("unsafe-id"))
    }

    /// Opening the preview fetches nothing: a page with a remote image, served by a local HTTP server that records
    /// every request, opened in headless Chromium.
    @Test func openingThePreviewFetchesNothing() throws {
        let dir = Support.tempDir()
        let log = dir.appendingPathComponent("requests.log")
        let server = Process()
        server.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        server.arguments = ["python3", "-c", """
            import http.server, sys
            class H(http.server.BaseHTTPRequestHandler):
                def do_GET(self):
                    open(sys.argv[1], "a").write(self.path + "\\n"); self.send_response(200); self.end_headers(); self.wfile.write(b"x")
                def log_message(self, *a): pass
            s = http.server.HTTPServer(("127.0.0.1", 0), H)
            print(s.server_address[1], flush=True)
            s.timeout = 0.5
            import time; end = time.time() + 60
            while time.time() < end: s.handle_request()
            """, log.path]
        let out = Pipe()
        server.standardOutput = out
        try server.run()
        defer { server.terminate() }
        let port = String(decoding: out.fileHandleForReading.availableData, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(Int(port) != nil)
        // The server answers (so a missing request below means the page did not ask).
        _ = try Support.run("/usr/bin/env", ["python3", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:\(port)/probe').read()"])
        let (bundle, _) = try Support.convert(try FixtureExportTests.zipped())
        try Data("![beacon](http://127.0.0.1:\(port)/beacon.png)\n\n<img src=\"http://127.0.0.1:\(port)/raw.png\">\n".utf8)
            .write(to: bundle.appendingPathComponent("articles/ENG/architecture-guide.md"))
        let site = dir.appendingPathComponent("site")
        #expect(try Support.cli(["preview", bundle.path, "--html", site.path]).status == 0)
        _ = try Support.run("/usr/bin/timeout", ["60", "/usr/bin/chromium", "--headless", "--no-sandbox", "--disable-gpu",
            "--disable-dev-shm-usage", "--virtual-time-budget=3000", "--dump-dom",
            site.appendingPathComponent("articles/ENG/architecture-guide.html").absoluteString])
        let requests = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        #expect(requests.contains("/probe"), "the server was reachable")
        #expect(!requests.contains("beacon") && !requests.contains("raw.png"), "the preview fetched: \(requests)")
    }
}
