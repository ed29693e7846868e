import ConfluenceKM
import Foundation
import Synchronization
import Testing

/// `validate`, `--against` and signed bundles.
@Suite struct ValidateTests {
    func fresh(_ extra: [String] = [], name: String = #function) throws -> URL {
        try Support.convert(try FixtureExportTests.zipped(), name: name, extra: extra).0
    }

    func validate(_ args: [String]) throws -> Support.Result { try Support.cli(["validate"] + args) }

    @Test func aFreshBundleIsValid() throws {
        let b = try fresh()
        let r = try validate([b.path])
        #expect(r.status == 0, "\(r.stdout)")
        #expect(r.stdout.contains("valid:"))
        let json = try validate([b.path, "--format", "json"])
        #expect(try Support.json(Data(json.stdout.utf8))["valid"] as? Bool == true)
    }

    @Test func changedByteMissingFileExtraFileAndBrokenLinkAreCaught() throws {
        let b = try fresh()
        let guide = b.appendingPathComponent("articles/ENG/architecture-guide.md")
        var data = try Data(contentsOf: guide)
        data[0] ^= 0x01
        try data.write(to: guide)
        try FileManager.default.removeItem(at: b.appendingPathComponent("attachments/ENG/3001/notes.txt"))
        try Data("extra".utf8).write(to: b.appendingPathComponent("articles/ENG/extra.txt"))
        let runbook = b.appendingPathComponent("articles/OPS/runbook-restart-recover.md")
        try (String(contentsOf: runbook, encoding: .utf8) + "\n[gone](../ENG/nowhere.md)\n").write(to: runbook, atomically: true, encoding: .utf8)
        let r = try validate([b.path])
        #expect(r.status == 1)
        #expect(r.stdout.contains("articles/ENG/architecture-guide.md: SHA-256"))
        #expect(r.stdout.contains("attachments/ENG/3001/notes.txt: listed in the manifest but missing"))
        #expect(r.stdout.contains("articles/ENG/quarterly-update.json: attachment attachments/ENG/3001/notes.txt is missing"))
        #expect(r.stdout.contains("articles/ENG/extra.txt: not listed in the manifest"))
        #expect(r.stdout.contains("articles/OPS/runbook-restart-recover.md: link ../ENG/nowhere.md does not resolve"))
    }

    @Test func metadataIsCheckedAgainstTheSchema() throws {
        let b = try fresh()
        let f = b.appendingPathComponent("articles/ENG/engineering-home.json")
        let text = try String(contentsOf: f, encoding: .utf8).replacingOccurrences(of: "\"type\" : \"page\"", with: "\"type\" : \"whiteboard\"")
        try text.write(to: f, atomically: true, encoding: .utf8)
        let r = try validate([b.path])
        #expect(r.status == 1)
        #expect(r.stdout.contains("articles/ENG/engineering-home.json: schema: /type"))
    }

    @Test func schemaFileIsTheOneTheToolUses() throws {
        let file = try String(contentsOf: Support.repoRoot.appendingPathComponent("Schemas/article.schema.json"), encoding: .utf8)
        #expect(file.trimmingCharacters(in: .newlines) == articleSchemaJSON.trimmingCharacters(in: .newlines))
        // The schema names exactly the article's fields, every one required but the comments file.
        let schema = try Support.json(Data(articleSchemaJSON.utf8))
        let fields = Set(ArticleMetadata.CodingKeys.allCases.map(\.rawValue))
        #expect(Set((schema["properties"] as? [String: Any] ?? [:]).keys) == fields)
        #expect(Set(schema["required"] as? [String] ?? []) == fields.subtracting(["comments"]))
    }

    @Test func againstPrintsAPerArticleDiff() throws {
        let expected = try fresh(name: "expected")
        let same = try fresh(name: "same")
        #expect(try validate([same.path, "--against", expected.path]).status == 0)
        let other = try fresh(["--timezone", "UTC", "--tables", "html"], name: "other")
        let r = try validate([other.path, "--against", expected.path])
        #expect(r.status == 1)
        #expect(r.stdout.contains("~ articles/ENG/architecture-guide.json:"))
        #expect(r.stdout.contains("created: expected \"2022-01-10T07:30:00Z\", got \"2022-01-10T08:30:00Z\""))
        #expect(r.stdout.contains("~ articles/ENG/architecture-guide.md:"))
        #expect(r.stdout.contains("    - | Component | Owner |"))
        #expect(r.stdout.contains("    + <table><thead><tr><th>Component</th><th>Owner</th></tr>"))
    }

    @Test func signedBundleVerifiesAndTamperingIsRejected() throws {
        let keys = Support.tempDir("keys")
        let priv = keys.appendingPathComponent("key.pem"), pub = keys.appendingPathComponent("pub.pem")
        #expect(try Support.run("/usr/bin/openssl", ["genpkey", "-algorithm", "ed25519", "-out", priv.path]).status == 0)
        #expect(try Support.run("/usr/bin/openssl", ["pkey", "-in", priv.path, "-pubout", "-out", pub.path]).status == 0)
        let b = try fresh(["--sign", priv.path])
        #expect(FileManager.default.fileExists(atPath: b.appendingPathComponent("manifest.json.sig").path))
        #expect(try validate([b.path, "--verify", pub.path]).status == 0)
        // Another key does not verify.
        let other = keys.appendingPathComponent("other.pem"), otherPub = keys.appendingPathComponent("other-pub.pem")
        _ = try Support.run("/usr/bin/openssl", ["genpkey", "-algorithm", "ed25519", "-out", other.path])
        _ = try Support.run("/usr/bin/openssl", ["pkey", "-in", other.path, "-pubout", "-out", otherPub.path])
        let wrong = try validate([b.path, "--verify", otherPub.path])
        #expect(wrong.status == 1 && wrong.stdout.contains("signature does not match"))
        // A changed manifest (even one re-hashed to match a changed file) is rejected.
        let manifest = b.appendingPathComponent("manifest.json")
        let m = try String(contentsOf: manifest, encoding: .utf8).replacingOccurrences(of: "\"formatVersion\" : 1", with: "\"formatVersion\" : 2")
        try m.write(to: manifest, atomically: true, encoding: .utf8)
        let tampered = try validate([b.path, "--verify", pub.path])
        #expect(tampered.status == 1 && tampered.stdout.contains("signature does not match"))
        // A changed file under an intact signature is caught by its hash.
        let b2 = try fresh(["--sign", priv.path], name: "b2")
        try Data("changed".utf8).write(to: b2.appendingPathComponent("attachments/ENG/3001/notes.txt"))
        let changed = try validate([b2.path, "--verify", pub.path])
        #expect(changed.status == 1 && changed.stdout.contains("notes.txt: 7 bytes"))
        #expect(!changed.stdout.contains("signature"))
    }
}

@Suite struct InspectTests {
    @Test func inspectJsonDescribesTheFixture() throws {
        let r = try Support.cli(["inspect", try FixtureExportTests.zipped().path, "--format", "json"])
        #expect(r.status == 0)
        let j = try Support.json(Data(r.stdout.utf8))
        #expect(j["format"] as? String == "xml" && j["source"] as? String == "server" && j["exportType"] as? String == "all")
        let spaces = try #require(j["spaces"] as? [[String: Any]])
        #expect(spaces.map { $0["key"] as? String } == ["ENG", "OPS"])
        let eng = spaces[0]
        #expect(eng["pages"] as? Int == 3 && eng["blogposts"] as? Int == 1 && eng["attachments"] as? Int == 2 && eng["comments"] as? Int == 1)
        let counts = try #require(j["counts"] as? [String: Int])
        #expect(counts["historical-version"] == 2 && counts["draft"] == 1 && counts["trash"] == 1 && counts["archived"] == 1 && counts["draft-object"] == 1)
        let labels = (j["labels"] as? [[String: Any]] ?? []).map { "\($0["name"]!):\($0["count"]!)" }
        #expect(labels == ["architecture:1", "guide:1", "news:1"])
        let macros = (j["macros"] as? [[String: Any]] ?? []).map { "\($0["name"]!):\($0["outcome"]!)" }
        #expect(Set(macros) == ["acme-gadget:kept-raw", "children:converted", "code:converted", "info:converted", "status:converted", "warning:converted"])
        #expect((j["sizes"] as? [String: Int])?["attachments"] == 29 + 37 + 22 + 19 + 25)
    }

    @Test func inspectCSVAndPermissions() throws {
        let csv = try Support.cli(["inspect", try CSVExportTests.zipCSV(CSVExportTests.twinCSV).path, "--format", "json"])
        #expect(try Support.json(Data(csv.stdout.utf8))["format"] as? String == "csv")
        let perm = try Support.json(Data(try Support.cli(["inspect", try PermissionTests.zipped().path, "--format", "json"]).stdout.utf8))
        #expect(perm["groups"] as? Int == 3)
        #expect((perm["restrictions"] as? [String: Int]) == ["view": 6, "edit": 2])
        let text = try Support.cli(["inspect", try PermissionTests.zipped().path])
        #expect(text.stdout.contains("OPEN  'Open Space'") && text.stdout.contains("restrictions: view 6, edit 2"))
    }
}

@Suite struct EverydayBehaviourTests {
    @Test func progressBarOnlyOnATerminal() throws {
        let zip = try FixtureExportTests.zipped()
        let dir = Support.tempDir()
        let log = dir.appendingPathComponent("tty.log")
        // `script` runs the command in a pseudo-terminal.
        let cmd = "\(Support.binary) convert \(zip.path) -o \(dir.appendingPathComponent("b").path)"
        let r = try Support.run("/usr/bin/script", ["-qec", cmd, log.path])
        #expect(r.status == 0)
        let tty = try String(contentsOf: log, encoding: .utf8)
        #expect(tty.contains("converting [") && tty.contains("6/6"), "progress on a terminal: \(tty)")
        let plain = try Support.cli(["convert", zip.path, "-o", dir.appendingPathComponent("c").path])
        #expect(!plain.stderr.contains("converting ["), "no progress when stderr is not a terminal")
        #expect(!plain.stderr.contains("\r"))
    }

    @Test func strictVerboseJsonLogsAndReportPath() throws {
        let zip = try FixtureExportTests.zipped()
        let dir = Support.tempDir()
        let strict = try Support.cli(["convert", zip.path, "-o", dir.appendingPathComponent("s").path, "--strict", "--verbose", "--log-format", "json"])
        #expect(strict.status == 1)
        #expect(strict.stderr.contains("warnings with --strict; no bundle written"))
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("s").path))
        let lines = strict.stderr.split(separator: "\n").filter { $0.hasPrefix("{") }
        #expect(lines.count >= 3)
        for l in lines { #expect((try? JSONSerialization.jsonObject(with: Data(l.utf8))) as? [String: Any] != nil, "\(l)") }
        #expect(lines.contains { $0.contains("\"code\":\"broken-link\"") })
        let report = dir.appendingPathComponent("copy.json")
        let ok = try Support.cli(["convert", zip.path, "-o", dir.appendingPathComponent("r").path, "--report", report.path, "--verbose"])
        #expect(ok.status == 0)
        #expect(ok.stderr.contains("confluence-km: warning: broken-link [2102 'Runbook: Restart & Recover']"))
        #expect(try Data(contentsOf: report) == Data(contentsOf: dir.appendingPathComponent("r/report.json")))
        let quiet = try Support.cli(["convert", zip.path, "-o", dir.appendingPathComponent("q").path, "-q"])
        #expect(quiet.status == 0 && quiet.stderr.isEmpty)
    }
}

@Suite struct PreviewTests {
    @Test func previewPrintsWhatConvertWrites() throws {
        let zip = try FixtureExportTests.zipped()
        let (_, files) = try Support.convert(zip)
        let r = try Support.cli(["preview", zip.path, "--all", "--format", "json"])
        #expect(r.status == 0)
        let pages = r.stdout.split(separator: "\n").map { try? Support.json(Data($0.utf8)) }
        #expect(pages.count == 6)
        for p in pages {
            let path = try #require(p?["markdownPath"] as? String)
            #expect(p?["markdown"] as? String == String(decoding: files[path]!, as: UTF8.self), "\(path)")
        }
        let one = try Support.cli(["preview", zip.path, "--page", "Architecture Guide", "--storage"])
        #expect(one.stdout.contains("=== articles/ENG/architecture-guide.md (2003 'Architecture Guide')"))
        #expect(one.stdout.contains("--- storage\n<h1>Overview</h1>"))
        #expect(one.stdout.contains("```python\ndef main():"))
        let model = try Support.cli(["preview", zip.path, "--page", "Architecture Guide", "--model"])
        #expect(model.stdout.contains("--- model\nHeading level=1\n  Text \"Overview\""))
        // A bundle folder previews its own pages, as written.
        let (bundle, _) = try Support.convert(zip, name: "preview-bundle")
        let fromBundle = try Support.cli(["preview", bundle.path, "--page", "Architecture Guide", "--format", "json"])
        #expect(fromBundle.status == 0)
        let page = try Support.json(Data(fromBundle.stdout.utf8))
        #expect(page["markdown"] as? String == String(decoding: files["articles/ENG/architecture-guide.md"]!, as: UTF8.self))
        let missing = try Support.cli(["preview", zip.path, "--page", "Nope"])
        #expect(missing.status == 64 && missing.stderr.contains("no current page or blog post"))
    }
}

@Suite struct DeltaTests {
    /// acme-site, then a later export of it: a page added, a body changed, a page moved to another space, a page
    /// trashed, an attachment with a new version, an attachment added and one deleted.
    static func exportPair() throws -> (URL, URL) {
        let v1 = try FixtureExportTests.zipped()
        let dir = Support.tempDir("v2")
        let src = dir.appendingPathComponent("export")
        try FileManager.default.copyItem(at: Support.fixtures.appendingPathComponent("acme-site"), to: src)
        let f = src.appendingPathComponent("entities.xml")
        var x = try String(contentsOf: f, encoding: .utf8)
        func edit(_ a: String, _ b: String) { precondition(x.contains(a), a); x = x.replacingOccurrences(of: a, with: b) }
        edit("<p>Operations space.</p>", "<p>Operations space, now with an on-call rota.</p>")                  // changed body
        edit("<property name=\"contentStatus\">current</property>\n<property name=\"position\">1</property>\n<property name=\"parent\" class=\"Page\" package=\"com.atlassian.confluence.pages\"><id name=\"id\">2003</id></property>\n<property name=\"space\" class=\"Space\" package=\"com.atlassian.confluence.spaces\"><id name=\"id\">1001</id></property>",
             "<property name=\"contentStatus\">current</property>\n<property name=\"position\">1</property>\n<property name=\"parent\" class=\"Page\" package=\"com.atlassian.confluence.pages\"><id name=\"id\">2101</id></property>\n<property name=\"space\" class=\"Space\" package=\"com.atlassian.confluence.spaces\"><id name=\"id\">1002</id></property>")  // moved
        edit("<property name=\"title\"><![CDATA[Runbook: Restart & Recover]]></property>\n<property name=\"version\">5</property>\n<property name=\"creatorName\"><![CDATA[bob]]></property>\n<property name=\"creationDate\">2022-01-03 23:30:00.000</property>\n<property name=\"lastModificationDate\">2022-08-15 06:00:00.000</property>\n<property name=\"contentStatus\"><![CDATA[current]]>",
             "<property name=\"title\"><![CDATA[Runbook: Restart & Recover]]></property>\n<property name=\"version\">5</property>\n<property name=\"creatorName\"><![CDATA[bob]]></property>\n<property name=\"creationDate\">2022-01-03 23:30:00.000</property>\n<property name=\"lastModificationDate\">2022-08-15 06:00:00.000</property>\n<property name=\"contentStatus\"><![CDATA[deleted]]>")  // trashed
        edit("<property name=\"title\"><![CDATA[unreferenced.log]]></property>\n<property name=\"version\">1</property>\n<property name=\"contentStatus\"><![CDATA[current]]>",
             "<property name=\"title\"><![CDATA[unreferenced.log]]></property>\n<property name=\"version\">1</property>\n<property name=\"contentStatus\"><![CDATA[deleted]]>")  // attachment deleted
        edit("<property name=\"fileSize\">29</property>\n<property name=\"attachmentVersion\">1</property>", "<property name=\"fileSize\">30</property>\n<property name=\"attachmentVersion\">2</property>")  // new version
        x = x.replacingOccurrences(of: "</hibernate-generic>", with: """
            <object class="Page" package="com.atlassian.confluence.pages"><id name="id">2201</id><property name="title"><![CDATA[On-call]]></property><property name="version">1</property><property name="creatorName"><![CDATA[bob]]></property><property name="creationDate">2022-09-01 10:00:00.000</property><property name="lastModificationDate">2022-09-01 10:00:00.000</property><property name="contentStatus"><![CDATA[current]]></property><property name="parent" class="Page" package="com.atlassian.confluence.pages"><id name="id">2101</id></property><property name="space" class="Space" package="com.atlassian.confluence.spaces"><id name="id">1002</id></property></object>
            <object class="BodyContent" package="com.atlassian.confluence.core"><id name="id">7501</id><property name="body"><![CDATA[<p>Call <ac:link><ri:attachment ri:filename="rota.csv" /></ac:link>.</p>]]></property><property name="bodyType">2</property><property name="content" class="Page" package="com.atlassian.confluence.pages"><id name="id">2201</id></property></object>
            <object class="Attachment" package="com.atlassian.confluence.pages"><id name="id">5201</id><property name="title"><![CDATA[rota.csv]]></property><property name="version">1</property><property name="contentStatus"><![CDATA[current]]></property><property name="containerContent" class="Page" package="com.atlassian.confluence.pages"><id name="id">2201</id></property></object>
            </hibernate-generic>
            """)
        try x.write(to: f, atomically: true, encoding: .utf8)
        let att = src.appendingPathComponent("attachments")
        try FileManager.default.createDirectory(at: att.appendingPathComponent("3001/5003"), withIntermediateDirectories: true)
        try Data("Quarterly notes: revenue up!\n".utf8).write(to: att.appendingPathComponent("3001/5003/2"))
        try FileManager.default.createDirectory(at: att.appendingPathComponent("2201/5201"), withIntermediateDirectories: true)
        try Data("week,person\n1,bob\n".utf8).write(to: att.appendingPathComponent("2201/5201/1"))
        let v2 = dir.appendingPathComponent("v2.zip")
        try Support.zip(folder: src, to: v2)
        return (v1, v2)
    }

    @Test func previousPlusDeltaEqualsAFullConversion() throws {
        let (v1, v2) = try Self.exportPair()
        let dir = Support.tempDir()
        let previous = dir.appendingPathComponent("bundle"), delta = dir.appendingPathComponent("delta"), full = dir.appendingPathComponent("full")
        #expect(try Support.cli(["convert", v1.path, "-o", previous.path]).status == 0)
        #expect(try Support.cli(["convert", v2.path, "-o", full.path]).status == 0)
        let d = try Support.cli(["convert", v2.path, "-o", delta.path, "--since", previous.path])
        #expect(d.status == 0, "\(d.stderr)")
        let description = try Support.json(try Data(contentsOf: delta.appendingPathComponent("delta.json")))
        let added = description["added"] as? [String] ?? [], changed = description["changed"] as? [String] ?? [], deleted = description["deleted"] as? [String] ?? []
        #expect(added.contains("articles/OPS/on-call.md") && added.contains("attachments/OPS/2201/rota.csv"))
        #expect(added.contains("articles/OPS/release-notes-2-0.md"), "moved to another space")
        #expect(deleted.contains("articles/ENG/release-notes-2-0.md") && deleted.contains("articles/OPS/runbook-restart-recover.md"))
        #expect(deleted.contains("attachments/OPS/2101/unreferenced.log"))
        #expect(changed.contains("articles/OPS/operations-home.md") && changed.contains("attachments/ENG/3001/notes.txt"))
        #expect(!FileManager.default.fileExists(atPath: delta.appendingPathComponent("articles/ENG/engineering-home.md").path), "unchanged files are not in the delta")
        let a = try Support.cli(["apply", delta.path, "--to", previous.path])
        #expect(a.status == 0, "\(a.stderr)")
        #expect(try Support.files(in: previous) == Support.files(in: full), "previous + delta is byte-identical to a full conversion")
        // The same delta does not apply twice: the bundle is no longer its base.
        let again = try Support.cli(["apply", delta.path, "--to", previous.path])
        #expect(again.status == 64 && again.stderr.contains("made against another bundle"))
        #expect(try Support.files(in: previous) == Support.files(in: full))
    }
}

/// The static site of `preview --html`, opened in headless Chromium (Debian `chromium`, installed by make test).
@Suite struct HTMLPreviewTests {
    @Test func siteRendersInChromium() throws {
        // acme-site with a real PNG as the diagram, so that the browser can load it.
        let dir = Support.tempDir("site")
        let src = dir.appendingPathComponent("export")
        try FileManager.default.copyItem(at: Support.fixtures.appendingPathComponent("acme-site"), to: src)
        let png = Data(base64Encoded: "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==")!
        try png.write(to: src.appendingPathComponent("attachments/2003/5001/2"))
        let zip = dir.appendingPathComponent("acme.zip")
        try Support.zip(folder: src, to: zip)
        let site = dir.appendingPathComponent("site")
        let r = try Support.cli(["preview", zip.path, "--html", site.path])
        #expect(r.status == 0, "\(r.stderr)")
        let page = site.appendingPathComponent("articles/ENG/architecture-guide.html")
        let dom = try Support.run("/usr/bin/chromium", ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                                                        "--virtual-time-budget=5000", "--dump-dom", page.absoluteString]).stdout
        #expect(dom.contains("<table>") && dom.contains("<th>Component</th>"), "a table")
        #expect(dom.contains("class=\"hljs python\"") && dom.contains("hljs-keyword"), "a code block highlighted offline")
        #expect(dom.contains("alt=\"System diagram\" data-loaded=\"true\""), "an image that loaded")
        #expect(dom.contains("href=\"../OPS/runbook-restart-recover.html\""), "a link between two pages")
        #expect(FileManager.default.fileExists(atPath: site.appendingPathComponent("articles/OPS/runbook-restart-recover.html").path))
        #expect(dom.contains("class=\"access\">restricted"), "access shown")
        let runbook = try String(contentsOf: site.appendingPathComponent("articles/OPS/runbook-restart-recover.html"), encoding: .utf8)
        #expect(runbook.contains("<code>broken-link</code>"), "diagnostics beside the page they concern")
        // One page as a standalone file: the image is inlined and still loads.
        let file = dir.appendingPathComponent("guide.html")
        #expect(try Support.cli(["preview", zip.path, "--page", "Architecture Guide", "--html", file.path]).status == 0)
        let single = try Support.run("/usr/bin/chromium", ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                                                           "--virtual-time-budget=5000", "--dump-dom", file.absoluteString]).stdout
        #expect(single.contains("src=\"data:image/png;base64,") && single.contains("data-loaded=\"true\""))
        let index = try String(contentsOf: site.appendingPathComponent("index.html"), encoding: .utf8)
        #expect(index.contains("<li><a href=\"articles/ENG/engineering-home.html\">Engineering Home</a><ul><li><a href=\"articles/ENG/architecture-guide.html\">Architecture Guide</a><ul><li><a href=\"articles/ENG/release-notes-2-0.html\">"), "the page tree")
    }

    /// Every page of the site opened in Chromium, from the index, following every relative link and image; a
    /// target that is not a file of the site, or an `#anchor` that no element of the rendered target carries, is a
    /// dead link.
    static func deadLinks(site: URL) throws -> (pages: Int, dead: [String]) {
        let root = site.standardizedFileURL
        var seen: Set<String> = ["index.html"], frontier = ["index.html"], doms: [String: String] = [:]
        var references: [(from: String, target: String, fragment: String?)] = []
        let attribute = try NSRegularExpression(pattern: #"(?:href|src)="([^"]*)""#)
        while !frontier.isEmpty {
            let batch = frontier
            frontier = []
            let rendered = Mutex<[String: String]>([:])
            DispatchQueue.concurrentPerform(iterations: batch.count) { i in
                let url = root.appendingPathComponent(batch[i])
                let dom = (try? Support.run("/usr/bin/timeout", ["60", "/usr/bin/chromium", "--headless", "--no-sandbox", "--disable-gpu",
                    "--disable-dev-shm-usage", "--virtual-time-budget=2000", "--dump-dom", url.absoluteString]).stdout) ?? ""
                rendered.withLock { $0[batch[i]] = dom }
            }
            doms.merge(rendered.withLock { $0 }) { a, _ in a }
            for page in batch {
                let dom = doms[page]!
                let dir = URL(fileURLWithPath: "/" + page).deletingLastPathComponent()
                for m in attribute.matches(in: dom, range: NSRange(dom.startIndex..., in: dom)) {
                    let value = String(dom[Range(m.range(at: 1), in: dom)!]).replacingOccurrences(of: "&amp;", with: "&")
                    if value.hasPrefix("data:") || value.range(of: "^[a-zA-Z][a-zA-Z0-9+.-]*:", options: .regularExpression) != nil { continue }
                    let parts = value.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)
                    let pathPart = String(parts[0]), fragment = parts.count > 1 ? String(parts[1]) : nil
                    let target = pathPart.isEmpty ? page
                        : String(dir.appendingPathComponent(pathPart.removingPercentEncoding ?? pathPart).standardizedFileURL.path.dropFirst())
                    references.append((page, target, fragment?.removingPercentEncoding))
                    if target.hasSuffix(".html"), FileManager.default.fileExists(atPath: root.appendingPathComponent(target).path),
                       seen.insert(target).inserted { frontier.append(target) }
                }
            }
        }
        var dead: [String] = []
        for r in references {
            guard FileManager.default.fileExists(atPath: root.appendingPathComponent(r.target).path) else { dead.append("\(r.from) → \(r.target)"); continue }
            if let f = r.fragment, !f.isEmpty, let dom = doms[r.target], !dom.contains("id=\"\(f)\""), !dom.contains("name=\"\(f)\"") {
                dead.append("\(r.from) → \(r.target)#\(f)")
            }
        }
        return (doms.count, dead)
    }

    @Test func chromiumFindsNoDeadLinkInTheSite() throws {
        let dir = Support.tempDir("crawl")
        // The sample export (links across spaces, images, attachments) and a bundle of it in the tree layout.
        let zip = try FixtureExportTests.zipped()
        let site = dir.appendingPathComponent("site")
        #expect(try Support.cli(["preview", zip.path, "--html", site.path]).status == 0)
        let flat = try Self.deadLinks(site: site)
        #expect(flat.pages >= 7 && flat.dead.isEmpty, "\(flat.dead)")
        let guide = try String(contentsOf: site.appendingPathComponent("articles/ENG/architecture-guide.html"), encoding: .utf8)
        #expect(guide.contains("<h1 id=\"overview\">"))
        #expect(FileManager.default.fileExists(atPath: site.appendingPathComponent("assets/site.js").path))
        #expect(!guide.contains("hljs.highlightElement"), "scripts are shared files, not inlined into every page")
        // A real export with tables of contents (repeated headings among them): every `#anchor` lands.
        let tocSite = dir.appendingPathComponent("toc-site")
        if Support.hasReferenceExports {
            #expect(try Support.cli(["preview", Support.referenceExports.appendingPathComponent("4.3.2.xml.zip").path, "--html", tocSite.path]).status == 0)
            let toc = try Self.deadLinks(site: tocSite)
            let page = try String(contentsOf: tocSite.appendingPathComponent("articles/SPACE1/page-1.html"), encoding: .utf8)
            #expect(page.contains("href=\"#titre-2-1\"") && page.contains("<h2 id=\"titre-2-1\">"), "a table of contents whose links land")
            #expect(toc.pages >= 5 && toc.dead.isEmpty, "\(toc.dead)")
        }
        let bundle = dir.appendingPathComponent("tree-bundle")
        #expect(try Support.cli(["convert", zip.path, "-o", bundle.path, "--layout", "tree"]).status == 0)
        let treeSite = dir.appendingPathComponent("tree-site")
        #expect(try Support.cli(["preview", bundle.path, "--html", treeSite.path]).status == 0)
        let tree = try Self.deadLinks(site: treeSite)
        #expect(tree.pages >= 7 && tree.dead.isEmpty, "\(tree.dead)")
        // The crawl does find a dead link: a page taken out of the site.
        try FileManager.default.removeItem(at: site.appendingPathComponent("articles/OPS/runbook-restart-recover.html"))
        #expect(try Self.deadLinks(site: site).dead.contains { $0.hasSuffix("→ articles/OPS/runbook-restart-recover.html") })
        // A standalone page links to nothing outside itself.
        let file = dir.appendingPathComponent("guide.html")
        #expect(try Support.cli(["preview", zip.path, "--page", "Architecture Guide", "--html", file.path]).status == 0)
        let single = try String(contentsOf: file, encoding: .utf8)
        let relative = try NSRegularExpression(pattern: #"(?:href|src)="(?!#|data:|[a-zA-Z][a-zA-Z0-9+.-]*:)[^"]*""#)
        #expect(relative.firstMatch(in: single, range: NSRange(single.startIndex..., in: single)) == nil, "a relative link in a standalone page")
        #expect(single.contains("title=\"not in this file: ../OPS/runbook-restart-recover.html"), "a link to another page is kept as text")
    }
}
