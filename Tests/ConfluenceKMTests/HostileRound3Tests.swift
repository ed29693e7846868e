import Foundation
import Testing

@testable import ConfluenceKM

/// Round 3 of the hostile suite (the issue "Hostile exports, round 3"): each test replays an attack that worked on
/// the main before it, written by `scripts/make-hostile.py`, and checks the mechanism that now stops its class.
extension HostileTests {
    private func json(_ o: Outcome, _ path: String) throws -> [String: Any] {
        try Support.json(try #require(o.files[path], "\(path) in \(o.files.keys.sorted())"))
    }

    // MARK: Identity across exports

    @Test func mergingKeepsEachExportsUsersAndGroupsApart() throws {
        let a = Self.generated.appendingPathComponent("ident-a.zip").path, b = Self.generated.appendingPathComponent("ident-b.zip").path
        let out = Support.tempDir().appendingPathComponent("b")
        let r = try Support.cli(["convert", a, b, "-o", out.path])
        #expect(r.status == 0, "\(r.stderr)")
        let files = try Support.files(in: out)
        func meta(_ p: String) throws -> [String: Any] { try Support.json(try #require(files[p])) }
        // Site B's key k1 is mallory: the page restricted to it never lists site A's alice (whose key is also k1).
        let pb = try meta("articles/B/secret-of-b.json"), pa = try meta("articles/A/secret-of-a.json")
        #expect((pb["access"] as? [String: Any])?["users"] as? [String] == ["mallory@ident-b.zip"], "\(pb)")
        // Site A's page, restricted to A's `team`, never gains B's `team` members.
        #expect((pa["access"] as? [String: Any])?["users"] as? [String] == ["alice@ident-a.zip"], "\(pa)")
        // Authors come from their own export's key.
        #expect(pa["author"] as? String == "alice" && pb["author"] as? String == "mallory")
        let report = try Support.json(try #require(files["report.json"]))
        let note = (report["diagnostics"] as? [[String: Any]] ?? []).first { $0["code"] as? String == "identities-across-exports" }
        #expect((note?["message"] as? String)?.contains("kept apart") == true)
        // The operator's word joins them, and the report says so.
        let joined = Support.tempDir().appendingPathComponent("j")
        #expect(try Support.cli(["convert", a, b, "-o", joined.path, "--shared-directory"]).status == 0)
        let jr = try Support.json(try Data(contentsOf: joined.appendingPathComponent("report.json")))
        #expect((jr["diagnostics"] as? [[String: Any]] ?? []).contains { ($0["message"] as? String)?.contains("--shared-directory says") == true })
    }

    @Test func spaceKeysThatDifferByCaseNeverShareAFolder() throws {
        let o = try convert("spacecase.zip")
        #expect(o.result.status == 0, "\(o.result.stderr)")
        let folders = Set(o.files.keys.filter { $0.hasPrefix("articles/") }.map { $0.split(separator: "/")[1].lowercased() })
        #expect(folders.count == 2, "ENG and eng in two folders that differ ignoring case: \(folders)")
    }

    // MARK: Text never becomes markup, in any flavour

    @Test func hostileTextStaysTextInMkDocs() throws {
        let o = try convert("flavour-text.zip", ["--flavor", "mkdocs"])
        #expect(o.result.status == 0, "\(o.result.stderr)")
        let site = Support.tempDir("site")
        let built = try MkDocsFlavorTests.build(o.bundle, site: site)
        #expect(built.ok, "\(built.log)")
        let page = try #require(try Support.files(in: site).first { $0.key.contains("title") && $0.key.hasSuffix("index.html") })
        let html = String(decoding: page.value, as: UTF8.self)
        // No attribute from attr_list: no on… handler and no autofocus on any element.
        let tags = try NSRegularExpression(pattern: #"<[a-z][^>]*\s(on[a-z]+|autofocus)\b[^>]*>"#, options: .caseInsensitive)
        #expect(tags.firstMatch(in: html, range: NSRange(html.startIndex..., in: html)) == nil, "an attribute came from text")
        #expect(html.contains("{: autofocus onfocus=alert(1) }") || html.contains("{: autofocus onfocus=alert(1) }".replacingOccurrences(of: "=", with: "&#61;")))
        // Only the one real box; `!!! danger` and `??? note` in text are text, `[TOC]` is not a table of contents.
        #expect(!html.contains("admonition danger") && !html.contains("<details"), "text became a box")
        #expect((html.contains("!!! danger") || html.contains("&#33;!! danger")) && html.contains("[TOC]"))
        // The C1 control in the title left the front matter valid: nothing of it is printed on the page.
        #expect(!html.contains("editRoles") && html.contains("Title \u{80} with C1"))
    }

    @Test func hostileTextStaysTextInObsidian() throws {
        let o = try convert("flavour-text.zip", ["--flavor", "obsidian"])
        #expect(o.result.status == 0, "\(o.result.stderr)")
        let md = String(decoding: try #require(o.files.first { $0.key.hasSuffix("title-with-c1-and.md") || ($0.key.contains("title") && $0.key.hasSuffix(".md")) }?.value), as: UTF8.self)
        let body = String(md.split(separator: "\n---\n", maxSplits: 1).last ?? "")
        // Obsidian's own syntax never stands in the written text (its rules: wikilinks, embeds, comments,
        // highlights, math); each is broken by a character reference that every renderer shows as the character.
        for live in ["[[", "![[", "%%", "==", "$"] { #expect(!body.contains(live), "\(live) stays live in: \(body)") }
        // cmark-gfm (what the KM renders) shows the characters themselves.
        let html = CmarkDocument.renderGFM(body)
        for shown in ["[[Secret page]]", "%%hidden%%", "==marked==", "$x^2$"] { #expect(html.contains(shown), "\(shown) in \(html)") }
        // The front matter parses (PyYAML, as Obsidian's own YAML reader would) to the same title.
        let yaml = String(md.split(separator: "\n---\n", maxSplits: 1).first ?? "").dropFirst(4)
        let parsed = try Support.run("/usr/bin/env", ["python3", "-c", "import sys,yaml,json; print(json.dumps(yaml.safe_load(sys.argv[1])['title']))", String(yaml)])
        #expect(parsed.status == 0, "\(parsed.stderr)")
        #expect(try JSONSerialization.jsonObject(with: Data(parsed.stdout.utf8), options: .fragmentsAllowed) as? String == "Title \u{80} with C1 \u{2028} and \u{85}")
    }

    @Test func oneYAMLEmitterKeepsEveryNameOneValue() throws {
        for name in ["a\nkeep-secrets: true", "x\u{2028}y", "c1\u{80}\u{85}", "q\"uote\\", "bom\u{FEFF}", "#not: a comment", "tab\there"] {
            let quoted = YAMLText.quoted(name)
            #expect(!quoted.contains("\n") && !quoted.unicodeScalars.contains { $0.value == 0x2028 || (0x80...0x9F).contains($0.value) })
            let back = try Support.run("/usr/bin/env", ["python3", "-c", "import sys,yaml,json; print(json.dumps(yaml.safe_load('k: ' + sys.argv[1])['k']))", quoted])
            #expect(back.status == 0, "\(back.stderr)")
            #expect(try JSONSerialization.jsonObject(with: Data(back.stdout.utf8), options: .fragmentsAllowed) as? String == name)
        }
    }

    @Test func theConfigTemplateGrantsNothingWhateverTheNames() throws {
        let zip = Self.generated.appendingPathComponent("template-names.zip").path
        let r = try Support.cli(["inspect", zip, "--config-template"])
        #expect(r.status == 0, "\(r.stderr)")
        let file = Support.tempDir().appendingPathComponent("t.yml")
        try Data(r.stdout.utf8).write(to: file)
        var options = ConvertOptions()
        try ConfigFile.apply(file.path, to: &options)
        #expect(options.permissions.roles.isEmpty && !options.conversion.keepSecrets, "the template used unedited changed \(options.permissions.roles)")
        // Uncommented, a listed name reads back as exactly the name.
        let line = try #require(r.stdout.split(separator: "\n").first { $0.contains(": ROLE") })
        let uncommented = String(line.drop { $0 == " " || $0 == "#" }).replacingOccurrences(of: ": ROLE", with: ": ROLE #")
        let back = try Support.run("/usr/bin/env", ["python3", "-c", "import sys,yaml,json; print(json.dumps(list(yaml.safe_load(sys.argv[1]).keys())[0]))", uncommented])
        #expect(try JSONSerialization.jsonObject(with: Data(back.stdout.utf8), options: .fragmentsAllowed) as? String == "staff\nkeep-secrets: true\u{2028}")
    }

    // MARK: Secrets

    @Test func secretsAreRedactedByParameterEverywhere() throws {
        let o = try convert("secrets.zip", ["--macro", "gadget=keep-raw"])
        #expect(o.result.status == 0, "\(o.result.stderr)")
        let secret = try NSRegularExpression(pattern: "SECRET-[A-Z]+-[0-9]+")
        for (path, data) in o.files {
            let text = String(decoding: data, as: UTF8.self)
            #expect(secret.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) == nil, "a secret in \(path)")
        }
        #expect(try codes(o).filter { $0 == "secret-redacted" }.count >= 3)
        let preview = try Support.cli(["preview", Self.generated.appendingPathComponent("secrets.zip").path, "--all", "--storage"])
        #expect(preview.status == 0)
        #expect(secret.firstMatch(in: preview.stdout, range: NSRange(preview.stdout.startIndex..., in: preview.stdout)) == nil, "preview --storage printed a secret")
        #expect(preview.stdout.contains("Password=[redacted]") && preview.stdout.contains("admin:[redacted]@"))
        // Names that are secret by a word of them, and ones that are not.
        for n in ["pass", "pw", "dbPassword", "private_key", "X-Auth-Cookie", "bearer"] { #expect(Secrets.isSecretName(n), "\(n)") }
        for n in ["title", "compass", "passage", "width", "power", "author"] { #expect(!Secrets.isSecretName(n), "\(n)") }
        for n in ["basic-auth", "authToken", "Authorization"] { #expect(Secrets.isSecretName(n), "\(n)") }
    }

    // MARK: Active content in the preview

    @Test func thePreviewDisarmsPageWideTagsAndServesActiveAttachmentsAsText() throws {
        let (bundle, _) = try Support.convert(try FixtureExportTests.zipped())
        let md = bundle.appendingPathComponent("articles/ENG/architecture-guide.md")
        try Data("<meta http-equiv=\"refresh\" content=\"0;url=https://attacker.example/\">\n\n<base href=\"https://attacker.example/\">\n\n[svg](../../attachments/x/evil.svg) ![svg](../../attachments/x/evil.svg)\n".utf8).write(to: md)
        try FileManager.default.createDirectory(at: bundle.appendingPathComponent("attachments/x"), withIntermediateDirectories: true)
        try Data("<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>".utf8).write(to: bundle.appendingPathComponent("attachments/x/evil.svg"))
        let site = Support.tempDir().appendingPathComponent("site")
        let r = try Support.cli(["preview", bundle.path, "--html", site.path])
        #expect(r.status == 0, "\(r.stderr)")
        let html = try String(contentsOf: site.appendingPathComponent("articles/ENG/architecture-guide.html"), encoding: .utf8)
        #expect(!html.contains("<meta http-equiv=\"refresh\"") && html.contains("&lt;meta http-equiv"))
        #expect(!html.contains("<base href"))
        #expect(html.contains("evil.svg.txt\"") && html.contains("src=\"data:image/svg+xml;base64,"), "link to the text copy, image inlined")
        #expect(!FileManager.default.fileExists(atPath: site.appendingPathComponent("attachments/x/evil.svg").path))
        #expect(FileManager.default.fileExists(atPath: site.appendingPathComponent("attachments/x/evil.svg.txt").path))
    }

    // MARK: Permissions

    @Test func permissionsThatCannotBePlacedRestrict() throws {
        // A restriction entry whose set is missing: its page cannot be told, so the export's space closes.
        let o = try convert("perm-set-missing.zip")
        #expect(o.result.status == 0, "\(o.result.stderr)")
        let access = try json(o, "articles/HOST/secret.json")["access"] as? [String: Any]
        #expect(access?["restricted"] as? Bool == true && (access?["users"] as? [String])?.isEmpty == true, "\(String(describing: access))")
        #expect(try codes(o).contains("permission-not-understood"))
        #expect(try convert("perm-set-missing.zip", ["--strict-permissions"]).result.status == 1)
        // An all-users subject this tool does not know grants nothing (an open space before), and is reported.
        let x = try convert("perm-allusers-unknown.zip")
        let xa = try json(x, "articles/HOST/secret.json")["access"] as? [String: Any]
        #expect(xa?["restricted"] as? Bool == true, "\(String(describing: xa))")
        #expect(try codes(x).contains("permission-not-understood"))
        #expect(ExportIndexBuilder.allUsers("all-licensed-users") == .allUsers && ExportIndexBuilder.allUsers("x") == nil)
    }

    // MARK: Signals, temporary files, archives

    /// An export big enough that a signal lands mid-run (written once per test run).
    static let sizeable: URL = {
        let zip = Support.tempDir("sizeable").appendingPathComponent("x1500.zip")
        _ = try? Support.run("/usr/bin/env", ["python3", Support.repoRoot.appendingPathComponent("scripts/gen-export.py").path, zip.path, "--pages", "1500"])
        return zip
    }()

    @Test(arguments: ["convert", "convert-archive", "validate", "preview", "apply"])
    func aSignalLeavesNoTemporaryPath(_ command: String) throws {
        let dir = Support.tempDir("signal-\(command)")
        let tmp = dir.appendingPathComponent("tmp"), work = dir.appendingPathComponent("work")
        for d in [tmp, work] { try FileManager.default.createDirectory(at: d, withIntermediateDirectories: true) }
        let export = Self.sizeable.path
        // What the commands read: a bundle archive for validate and preview, a bundle and a delta for apply.
        let bundleZip = dir.appendingPathComponent("b.zip").path, bundle = dir.appendingPathComponent("b").path
        let delta = dir.appendingPathComponent("delta.zip").path
        if command != "convert" && command != "convert-archive" {
            #expect(try Support.cli(["convert", export, "-o", bundleZip, "-q"]).status == 0)
            #expect(try Support.cli(["convert", export, "-o", bundle, "-q"]).status == 0)
            if command == "apply" { #expect(try Support.cli(["convert", export, "--since", bundle, "-o", delta, "-q"]).status == 0) }
        }
        let args: [String]
        switch command {
        case "convert": args = ["convert", export, "-o", work.appendingPathComponent("out").path, "-q"]
        case "convert-archive": args = ["convert", export, "-o", work.appendingPathComponent("out-signalled.tar.zst").path, "-q"]
        case "validate": args = ["validate", bundleZip]
        case "preview": args = ["preview", bundleZip, "--html", work.appendingPathComponent("site").path]
        default: args = ["apply", delta, "--to", bundle]
        }
        // Only the archive case stages in /dev/shm (the cases run in parallel: each looks at its own leftovers).
        let shmBefore = Set((try? FileManager.default.contentsOfDirectory(atPath: "/dev/shm")) ?? [])
        for (signal, delay) in [(SIGINT, 0.15), (SIGTERM, 0.5), (SIGHUP, 1.0), (SIGINT, 2.0)] {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: Support.binary)
            p.arguments = args
            p.environment = ProcessInfo.processInfo.environment.merging(["TMPDIR": tmp.path]) { _, b in b }
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            try p.run()
            Thread.sleep(forTimeInterval: delay)
            kill(p.processIdentifier, signal)
            p.waitUntilExit()
            let finished = p.terminationStatus == 0 || p.terminationStatus == 1
            #expect(finished || p.terminationStatus == 128 + signal, "\(command): exit \(p.terminationStatus) after signal \(signal)")
            let leftTmp = try FileManager.default.contentsOfDirectory(atPath: tmp.path)
            let leftWork = try FileManager.default.contentsOfDirectory(atPath: work.path).filter { $0.hasPrefix(".") }
            let leftDir = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasPrefix(".") }
            let leftShm = Set((try? FileManager.default.contentsOfDirectory(atPath: "/dev/shm")) ?? []).subtracting(shmBefore).filter { command == "convert-archive" && $0.hasPrefix(".out-signalled.tar.zst.ckm-tmp-") }
            #expect(leftTmp.isEmpty && leftWork.isEmpty && leftDir.isEmpty && leftShm.isEmpty,
                    "\(command) after signal \(signal) at \(delay) s left: \(leftTmp) \(leftWork) \(leftDir) \(leftShm)")
            for name in try FileManager.default.contentsOfDirectory(atPath: work.path) { try? FileManager.default.removeItem(at: work.appendingPathComponent(name)) }
        }
    }

    @Test(arguments: ["tar", "tar.zst", "zip"])
    func archiveOutputsTakeNamesThatAreNotASCII(_ format: String) throws {
        let out = Support.tempDir().appendingPathComponent("b.\(format)")
        let r = try Support.cli(["convert", Self.generated.appendingPathComponent("umlaut.zip").path, "-o", out.path])
        #expect(r.status == 0, "exit \(r.status): \(r.stderr.prefix(300))")
        let v = try Support.cli(["validate", out.path])
        #expect(v.status == 0, "\(v.stdout) \(v.stderr)")
        let list = try Support.run("/usr/bin/env", [format == "zip" ? "zipinfo" : "tar", format == "zip" ? "-1" : "-taf", out.path])
        #expect(list.stdout.contains("articles/HOST/überblick.md"), "\(list.stdout)")
    }

    @Test func aBundleArchiveIsBoundedByWhatItsManifestLists() throws {
        let (bundle, _) = try Support.convert(try FixtureExportTests.zipped())
        let dir = Support.tempDir()
        // A file the manifest does not list, beside the bundle's own files.
        try Data(repeating: 0, count: 1 << 20).write(to: bundle.appendingPathComponent("unlisted.bin"))
        let archive = dir.appendingPathComponent("x.tar.zst").path
        let pack = try Support.run("/usr/bin/env", ["tar", "--zstd", "-cf", archive, "-C", bundle.path, "manifest.json", "report.json", "unlisted.bin"])
        #expect(pack.status == 0, "\(pack.stderr)")
        let r = try Support.cli(["validate", archive])
        #expect(r.status != 0 && r.stderr.contains("not listed in its manifest"), "\(r.stdout) \(r.stderr)")
        // A manifest of whitespace larger than any bundle's: refused before it is read into memory.
        let big = dir.appendingPathComponent("big")
        try FileManager.default.createDirectory(at: big, withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: big.appendingPathComponent("manifest.json").path, contents: nil)
        let h = try FileHandle(forWritingTo: big.appendingPathComponent("manifest.json"))
        let chunk = Data(repeating: 0x20, count: 1 << 20)
        for _ in 0..<(Int(BundleArchive.maxManifestBytes >> 20) + 4) { h.write(chunk) }
        try h.close()
        let bigArchive = dir.appendingPathComponent("big.tar.zst").path
        #expect(try Support.run("/usr/bin/env", ["tar", "--zstd", "-cf", bigArchive, "-C", big.path, "manifest.json"]).status == 0)
        try FileManager.default.removeItem(at: big)
        let (b, kb) = try Self.peakRSS(["validate", bigArchive])
        #expect(b.status != 0)
        #expect(kb > 0 && kb < Self.rssBound(200_000), "peak RSS \(kb) KB")
    }

    @Test func reportsNeverReplaceAFileThatIsNotOne() throws {
        let dir = Support.tempDir()
        let theirs = dir.appendingPathComponent("notes.txt")
        try Data("mine".utf8).write(to: theirs)
        let zip = try FixtureExportTests.zipped().path
        for extra in [[String](), ["--strict"]] {
            let r = try Support.cli(["convert", zip, "-o", dir.appendingPathComponent("b\(extra.count)").path, "--report", theirs.path] + extra)
            #expect(r.status != 0 && r.stderr.contains("not a report"), "\(r.stderr)")
            #expect(try Data(contentsOf: theirs) == Data("mine".utf8))
        }
        // A dry run writes nothing of its own, --strict or not.
        let here = Support.tempDir("dry")
        _ = try Support.run(Support.binary, ["convert", zip, "--dry-run", "--strict"], in: here)
        #expect(try FileManager.default.contentsOfDirectory(atPath: here.path).isEmpty)
    }

    // MARK: Hangs and blow-ups

    @Test func wikiMarkupIsReadInLinearTime() throws {
        // 1 MB bodies of `[`, `{`, `||`, `[a|`, `h1.` lines, unclosed macro lines and `*a `: the old reader took
        // minutes on each, or never ended. A debug build of the new one converts all seven in seconds.
        let out = Support.tempDir().appendingPathComponent("o")
        let r = try Support.run("/usr/bin/timeout", ["60", Support.binary, "convert", Self.generated.appendingPathComponent("wiki-quadratic.zip").path, "-o", out.path, "-q"])
        #expect(r.status == 0, "exit \(r.status) (124: timed out) \(r.stderr)")
        let md = String(decoding: try Data(contentsOf: out.appendingPathComponent("articles/HOST/headings.md")), as: UTF8.self)
        #expect(md.components(separatedBy: "# x\n").count > 100_000, "every heading kept")
        // The reader alone, in process: a body four times longer takes about four times as long, not sixteen.
        let reader = WikiMarkupReader(page: PageContext(id: "1", title: "T", spaceKey: "S", path: "a.md"), log: DiagnosticLog(page: PageContext(id: "1", title: "T", spaceKey: "S", path: "a.md")))
        for unit in ["[", "{{", "[a|", "*a ", "!x "] {
            func time(_ n: Int) -> Double {
                let text = String(repeating: unit, count: n)
                let start = Date()
                _ = reader.read(text)
                return Date().timeIntervalSince(start)
            }
            _ = time(2_000)
            let small = time(25_000), large = time(100_000)
            #expect(large < max(0.5, small * 9), "\(unit): \(small) s → \(large) s for four times the text")
        }
    }

    @Test func includesFanningOutAreBoundedPerPage() throws {
        let out = Support.tempDir().appendingPathComponent("o")
        let r = try Support.run("/usr/bin/timeout", ["120", Support.binary, "convert", Self.generated.appendingPathComponent("include-fanout.zip").path, "-o", out.path, "-q"])
        #expect(r.status == 0, "exit \(r.status) (124: timed out)")
        let report = try Support.json(try Data(contentsOf: out.appendingPathComponent("report.json")))
        let capped = (report["diagnostics"] as? [[String: Any]] ?? []).filter { ($0["message"] as? String)?.contains("the most one page may") == true }
        #expect(capped.count == 100, "each page reports its cap once: \(capped.count)")
        let sizes = try Support.files(in: out).filter { $0.key.hasSuffix(".md") }.map(\.value.count)
        #expect(sizes.count == 100 && sizes.allSatisfy { $0 < 1 << 20 }, "\(sizes.max() ?? 0) bytes at most")
    }

    @Test func wideTablesAreHTMLAndValidateStaysFast() throws {
        let o = try convert("wide-table.zip")
        #expect(o.result.status == 0)
        let md = String(decoding: try #require(o.files["articles/HOST/wide.md"]), as: UTF8.self)
        #expect(md.hasPrefix("<table>") && !md.contains("| --- |"), "a 20,000-column table is written as HTML")
        // A crafted bundle with the same table in GFM: validate reads it without the table extension.
        try Data(("| " + Array(repeating: "h", count: 20_000).joined(separator: " | ") + " |\n| "
                  + Array(repeating: "---", count: 20_000).joined(separator: " | ") + " |\n").utf8).write(to: o.bundle.appendingPathComponent("articles/HOST/wide.md"))
        let r = try Support.run("/usr/bin/timeout", ["20", Support.binary, "validate", o.bundle.path])
        #expect(r.status == 1, "finishes and reports the changed file (124: timed out): \(r.status)")
        #expect(CmarkDocument.hasOverwideLine(String(repeating: "|", count: 200)) && !CmarkDocument.hasOverwideLine("| a | b |\n| c | d |"))
    }

    // MARK: Smaller

    @Test func exportFoldersAreReadAsTheySayAndErrorsNameTheRealProblem() throws {
        let dir = Support.tempDir()
        // entities.xml as a named pipe: named as such (reading it would hang).
        let fifo = dir.appendingPathComponent("fifo")
        try FileManager.default.createDirectory(at: fifo, withIntermediateDirectories: true)
        #expect(mkfifo(fifo.appendingPathComponent("entities.xml").path, 0o644) == 0)
        let r = try Support.run("/usr/bin/timeout", ["10", Support.binary, "inspect", fifo.path])
        #expect(r.status == 1 && r.stderr.contains("is a named pipe"), "\(r.stderr)")
        // A folder that is no export is refused at once, without walking it.
        let start = Date()
        let root = try Support.cli(["inspect", "/usr"])
        #expect(root.status == 1 && root.stderr.contains("neither entities.xml") && Date().timeIntervalSince(start) < 5)
        // A tar that is no bundle is not called "not a ZIP".
        let tar = dir.appendingPathComponent("x.tar")
        #expect(try Support.run("/usr/bin/env", ["tar", "-cf", tar.path, "-C", fifo.path, "."]).status == 0)
        let t = try Support.cli(["preview", tar.path, "--all"])
        #expect(t.status == 1 && !t.stderr.contains("not a ZIP"), "\(t.stderr)")
        // A protocol-relative link is an https link, and the bundle convert wrote validates.
        #expect(URLJudge.judge("//evil.example/x") == "https://evil.example/x" && URLJudge.judge("/\\evil.example") == "https://evil.example")
    }

    @Test func aSameDeviceBindMountInsideAnExportFolderIsNotCrossed() throws {
        let dir = Support.tempDir()
        let export = dir.appendingPathComponent("export"), outside = dir.appendingPathComponent("outside")
        try FileManager.default.copyItem(at: Support.fixtures.appendingPathComponent("acme-site"), to: export)
        try FileManager.default.createDirectory(at: outside, withIntermediateDirectories: true)
        try Data(repeating: 7, count: 5000).write(to: outside.appendingPathComponent("big.bin"))
        let mountPoint = export.appendingPathComponent("attachments/mnt")
        try FileManager.default.createDirectory(at: mountPoint, withIntermediateDirectories: true)
        let before = try Support.json(Data(try Support.cli(["inspect", export.path, "--format", "json"]).stdout.utf8))["sizes"] as? [String: Int]
        guard try Support.run("/bin/mount", ["--bind", outside.path, mountPoint.path]).status == 0 else {
            // Bind mounts need CAP_SYS_ADMIN (CI runs as root); elsewhere the test says so and checks nothing more.
            print("aSameDeviceBindMountInsideAnExportFolderIsNotCrossed: mount --bind is not permitted here; skipped")
            return
        }
        defer { _ = try? Support.run("/bin/umount", [mountPoint.path]) }
        let after = try Support.json(Data(try Support.cli(["inspect", export.path, "--format", "json"]).stdout.utf8))["sizes"] as? [String: Int]
        #expect(before == after, "the mount's files were counted: \(String(describing: before)) → \(String(describing: after))")
    }

    @Test func typosInLabelAndMacroOptionsAreErrorsWithSuggestions() throws {
        let zip = try FixtureExportTests.zipped().path
        let out = Support.tempDir().appendingPathComponent("o").path
        let m = try Support.cli(["convert", zip, "-o", out, "--macro", "infoo=fail"])
        #expect(m.status == 1 && m.stderr.contains("--macro 'infoo' matches nothing") && m.stderr.contains("'info'"), "\(m.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out))
        let r = try Support.cli(["convert", zip, "-o", out, "--rename-label", "architecure=arch"])
        #expect(r.status == 1 && r.stderr.contains("--rename-label 'architecure'"), "\(r.stderr)")
        let g = try Support.cli(["convert", zip, "-o", out, "--merge-labels", "all=nosuchlabel"])
        #expect(g.status == 1 && g.stderr.contains("--merge-labels 'nosuchlabel'"), "\(g.stderr)")
    }
}
