import Foundation
import Testing

/// Several exports into one bundle: spaces exported one by one link to each other; a space in two exports is refused
/// (or, with `--prefer newest`, taken from the copy changed last); ids two sites share are refused.
@Suite struct MultiExportTests {
    /// A one-space XML export: a home page (with an attachment) and a page linking to `linkTo` (space key, title).
    static func export(_ dir: URL, name: String, key: String, base: Int, modified: String, linkTo: (String, String)?, zone: String = "UTC") throws -> URL {
        let src = dir.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: src.appendingPathComponent("attachments/\(base + 10)/\(base + 30)"), withIntermediateDirectories: true)
        try Data("exportType=space\nspaceKey=\(key)\nbuildNumber=8804\ntimezoneId=\(zone)\n".utf8).write(to: src.appendingPathComponent("exportDescriptor.properties"))
        try Data("file of \(name)".utf8).write(to: src.appendingPathComponent("attachments/\(base + 10)/\(base + 30)/1"))
        let link = linkTo.map { "<p>See <ac:link><ri:page ri:space-key=\"\($0.0)\" ri:content-title=\"\($0.1)\"/></ac:link>.</p>" } ?? "<p>No link.</p>"
        func page(_ id: Int, _ title: String, parent: Int?, body: Int) -> String {
            """
            <object class="Page" package="com.atlassian.confluence.pages"><id name="id">\(id)</id><property name="title"><![CDATA[\(title)]]></property><property name="version">2</property><property name="contentStatus"><![CDATA[current]]></property><property name="creationDate">2024-01-01 10:00:00.000</property><property name="lastModificationDate">\(modified)</property><property name="space" class="Space" package="com.atlassian.confluence.spaces"><id name="id">\(base)</id></property>\(parent.map { "<property name=\"parent\" class=\"Page\" package=\"com.atlassian.confluence.pages\"><id name=\"id\">\($0)</id></property>" } ?? "")</object>
            <object class="BodyContent" package="com.atlassian.confluence.core"><id name="id">\(body)</id><property name="body"><![CDATA[\(id == base + 10 ? "<p>Home of \(key) from \(name).</p>" : link)]]></property><property name="bodyType">2</property><property name="content" class="Page" package="com.atlassian.confluence.pages"><id name="id">\(id)</id></property></object>
            """
        }
        try Data(("""
            <?xml version="1.0" encoding="UTF-8"?>
            <hibernate-generic datetime="2024-06-01 00:00:00">
            <object class="Space" package="com.atlassian.confluence.spaces"><id name="id">\(base)</id><property name="name"><![CDATA[\(key) space]]></property><property name="key"><![CDATA[\(key)]]></property><property name="homePage" class="Page" package="com.atlassian.confluence.pages"><id name="id">\(base + 10)</id></property></object>
            """ + page(base + 10, "\(key) Home", parent: nil, body: base + 20) + page(base + 11, "\(key) Guide", parent: base + 10, body: base + 21) + """
            <object class="Attachment" package="com.atlassian.confluence.pages"><id name="id">\(base + 30)</id><property name="title"><![CDATA[notes.txt]]></property><property name="version">1</property><property name="contentStatus"><![CDATA[current]]></property><property name="mediaType"><![CDATA[text/plain]]></property><property name="containerContent" class="Page" package="com.atlassian.confluence.pages"><id name="id">\(base + 10)</id></property></object>
            </hibernate-generic>
            """).utf8).write(to: src.appendingPathComponent("entities.xml"))
        let zip = dir.appendingPathComponent(name + ".zip")
        try Support.zip(folder: src, to: zip)
        return zip
    }

    @Test func twoExportsMakeOneBundleWhoseLinksCrossThem() throws {
        let dir = Support.tempDir()
        let eng = try Self.export(dir, name: "eng", key: "ENG", base: 1000, modified: "2024-02-01 10:00:00.000", linkTo: ("OPS", "OPS Guide"))
        let ops = try Self.export(dir, name: "ops", key: "OPS", base: 2000, modified: "2024-02-01 10:00:00.000", linkTo: ("ENG", "ENG Home"))
        let (bundle, files) = try Support.convert(eng, extra: [ops.path])
        let guide = String(decoding: try #require(files["articles/ENG/eng-guide.md"]), as: UTF8.self)
        #expect(guide.contains("[OPS Guide](../OPS/ops-guide.md)"), "a link into the other export resolves: \(guide)")
        let back = String(decoding: try #require(files["articles/OPS/ops-guide.md"]), as: UTF8.self)
        #expect(back.contains("[ENG Home](../ENG/eng-home.md)"))
        // Each export's attachment comes from that export.
        #expect(files["attachments/ENG/1010/notes.txt"] == Data("file of eng".utf8))
        #expect(files["attachments/OPS/2010/notes.txt"] == Data("file of ops".utf8))
        let report = try Support.json(try #require(files["report.json"]))
        let codes = (report["diagnostics"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String }
        #expect(!codes.contains("broken-link"), "\(codes)")
        let manifest = try Support.json(try #require(files["manifest.json"]))
        let descriptor = try #require((manifest["export"] as? [String: Any])?["descriptor"] as? [String: String])
        #expect(descriptor["eng.zip: spaceKey"] == "ENG" && descriptor["ops.zip: spaceKey"] == "OPS")
        #expect(try Support.cli(["validate", bundle.path]).status == 0)
        // The same exports in the other order give the same bundle.
        let (_, swapped) = try Support.convert(ops, name: "swapped", extra: [eng.path])
        #expect(swapped == files)
        Support.expectLinksResolve(bundle: bundle, files: files)
    }

    @Test func aSpaceInTwoExportsIsRefusedUnlessPreferNewest() throws {
        let dir = Support.tempDir()
        let old = try Self.export(dir, name: "ops-march", key: "OPS", base: 2000, modified: "2024-03-01 10:00:00.000", linkTo: nil)
        let new = try Self.export(dir, name: "ops-june", key: "OPS", base: 2000, modified: "2024-06-01 10:00:00.000", linkTo: nil)
        let out = dir.appendingPathComponent("bundle")
        let refused = try Support.cli(["convert", old.path, new.path, "-o", out.path])
        #expect(refused.status == 1, "\(refused.stderr)")
        #expect(refused.stderr.contains("space OPS is in both \(old.path) and \(new.path)") && refused.stderr.contains("--prefer newest"))
        #expect(!FileManager.default.fileExists(atPath: out.path))
        let (_, files) = try Support.convert(old, extra: [new.path, "--prefer", "newest"])
        #expect(String(decoding: try #require(files["articles/OPS/ops-home.md"]), as: UTF8.self).contains("Home of OPS from ops-june."))
        #expect(files["attachments/OPS/2010/notes.txt"] == Data("file of ops-june".utf8), "the attachment of the copy taken")
        let diagnostics = try Support.json(try #require(files["report.json"]))["diagnostics"] as? [[String: Any]] ?? []
        let superseded = diagnostics.filter { $0["code"] as? String == "space-superseded" }
        #expect(superseded.count == 1 && (superseded.first?["message"] as? String ?? "").contains("space OPS of \(old.path)"))
        let skipped = try Support.json(try #require(files["report.json"]))["skipped"] as? [String: Int] ?? [:]
        #expect(skipped["archive-entry"] == nil, "a superseded space is not a skipped archive entry: \(skipped)")
    }

    /// `inspect` takes the exports `convert` would merge: their spaces together, one header per export, the same
    /// refusal for a space in two of them (and the same `--prefer newest`).
    @Test func severalExportsAreInspectedTogether() throws {
        let dir = Support.tempDir()
        let eng = try Self.export(dir, name: "eng", key: "ENG", base: 1000, modified: "2024-02-01 10:00:00.000", linkTo: nil)
        let ops = try Self.export(dir, name: "ops", key: "OPS", base: 2000, modified: "2024-02-01 10:00:00.000", linkTo: nil, zone: "Europe/Berlin")
        let text = try Support.cli(["inspect", eng.path, ops.path, "--timezone", "UTC"])
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout.contains("exports: 2\n  eng.zip: format: xml (server), export type: space, build 8804\n  ops.zip: format: xml"), "\(text.stdout)")
        #expect(text.stdout.contains("spaces: 2\n") && text.stdout.contains("ENG  'ENG space'") && text.stdout.contains("OPS  'OPS space'"))
        let json = try Support.json(Data(try Support.cli(["inspect", eng.path, ops.path, "--timezone", "UTC", "--format", "json"]).stdout.utf8))
        let exports = try #require(json["exports"] as? [[String: Any]])
        #expect(exports.compactMap { $0["name"] as? String } == ["eng.zip", "ops.zip"], "file names, never the paths given")
        let sizes = try #require(json["sizes"] as? [String: Int])
        let zipBytes = try [eng, ops].map { try #require(FileManager.default.attributesOfItem(atPath: $0.path)[.size] as? Int) }
        #expect(sizes["archive"] == zipBytes.reduce(0, +))
        let template = try Support.cli(["inspect", eng.path, ops.path, "--timezone", "UTC", "--config-template"])
        #expect(template.stdout.hasPrefix("# confluence-km configuration, written by `inspect --config-template` for these exports: \"eng.zip\", \"ops.zip\".\n"), "\(template.stdout.prefix(200))")
        // Made in different zones: refused without --timezone, as convert refuses.
        #expect(try Support.cli(["inspect", eng.path, ops.path]).status == 1)
        // One export: no list of exports, the header as before.
        let one = try Support.json(Data(try Support.cli(["inspect", eng.path, "--format", "json"]).stdout.utf8))
        #expect(one["exports"] == nil && one["exportType"] as? String == "space")
        // A space in two exports.
        let june = try Self.export(dir, name: "ops-june", key: "OPS", base: 2000, modified: "2024-06-01 10:00:00.000", linkTo: nil, zone: "Europe/Berlin")
        let refused = try Support.cli(["inspect", ops.path, june.path])
        #expect(refused.status == 1 && refused.stderr.contains("--prefer newest"), "\(refused.stderr)")
        let newest = try Support.cli(["inspect", ops.path, june.path, "--prefer", "newest"])
        #expect(newest.status == 0 && newest.stdout.contains("spaces: 1\n"), "\(newest.stdout)\(newest.stderr)")
    }

    /// `preview` converts several exports together as well: a link into the other export resolves, and the site of
    /// both has every page; a bundle cannot be mixed with exports.
    @Test func severalExportsArePreviewedTogether() throws {
        let dir = Support.tempDir()
        let eng = try Self.export(dir, name: "eng", key: "ENG", base: 1000, modified: "2024-02-01 10:00:00.000", linkTo: ("OPS", "OPS Guide"))
        let ops = try Self.export(dir, name: "ops", key: "OPS", base: 2000, modified: "2024-02-01 10:00:00.000", linkTo: ("ENG", "ENG Home"))
        let page = try Support.cli(["preview", eng.path, ops.path, "--page", "ENG Guide"])
        #expect(page.status == 0 && page.stdout.contains("[OPS Guide](../OPS/ops-guide.md)"), "\(page.stdout)\(page.stderr)")
        let alone = try Support.cli(["preview", eng.path, "--page", "ENG Guide"])
        #expect(alone.status == 0 && !alone.stdout.contains("](../OPS/"), "one export alone: the link is not in the bundle")
        let site = dir.appendingPathComponent("site")
        #expect(try Support.cli(["preview", eng.path, ops.path, "--html", site.path]).status == 0)
        let files = try Support.files(in: site)
        #expect(files.keys.contains { $0.hasSuffix("ENG/eng-guide.html") } && files.keys.contains { $0.hasSuffix("OPS/ops-guide.html") }, "\(files.keys.sorted())")
        let (bundle, _) = try Support.convert(eng)
        let mixed = try Support.cli(["preview", bundle.path, ops.path, "--all"])
        #expect(mixed.status != 0 && mixed.stderr.contains("is a bundle"), "\(mixed.stderr)")
    }

    @Test func idsTwoSitesShareAreRefused() throws {
        let dir = Support.tempDir()
        // Two different spaces whose objects carry the same ids (two sites): never mixed up.
        let a = try Self.export(dir, name: "site-a", key: "AAA", base: 3000, modified: "2024-02-01 10:00:00.000", linkTo: nil)
        let b = try Self.export(dir, name: "site-b", key: "BBB", base: 3000, modified: "2024-02-01 10:00:00.000", linkTo: nil)
        let r = try Support.cli(["convert", a.path, b.path, "-o", dir.appendingPathComponent("bundle").path])
        #expect(r.status == 1 && r.stderr.contains("is in both \(a.path) and \(b.path) (exports of different sites?)"), "\(r.stderr)")
        // Exports made in different zones: their dates cannot be read alike without --timezone.
        let berlin = try Self.export(dir, name: "berlin", key: "BER", base: 5000, modified: "2024-02-01 10:00:00.000", linkTo: nil, zone: "Europe/Berlin")
        let zones = try Support.cli(["convert", a.path, berlin.path, "-o", dir.appendingPathComponent("zones").path])
        #expect(zones.status == 1 && zones.stderr.contains("different time zones (UTC, Europe/Berlin)"), "\(zones.stderr)")
        #expect(try Support.cli(["convert", a.path, berlin.path, "-o", dir.appendingPathComponent("zones").path, "--timezone", "UTC"]).status == 0)
        // Exports the config file lists, relative to it.
        let cfg = dir.appendingPathComponent("km.yaml")
        try Data("exports:\n  - site-a.zip\nprefer: newest\n".utf8).write(to: cfg)
        let c = try Support.cli(["convert", "--config", cfg.path, "-o", dir.appendingPathComponent("from-config").path])
        #expect(c.status == 0, "\(c.stderr)")
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("from-config/articles/AAA/aaa-home.md").path))
    }
}
