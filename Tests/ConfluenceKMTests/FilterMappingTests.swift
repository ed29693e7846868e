import Foundation
import Testing
@testable import ConfluenceKM

/// Each filter, mapping rule and configuration setting, on the acme-site and perm-site fixtures.
@Suite struct FilterMappingTests {
    static func articles(_ files: [String: Data]) -> Set<String> {
        Set(files.keys.filter { $0.hasPrefix("articles/") && $0.hasSuffix(".md") && !$0.hasSuffix(".comments.md") }
            .map { String($0.dropFirst("articles/".count).dropLast(3)) })
    }

    static func report(_ files: [String: Data]) throws -> (skipped: [String: Int], diagnostics: [[String: Any]]) {
        let r = try Support.json(files["report.json"]!)
        return (r["skipped"] as? [String: Int] ?? [:], r["diagnostics"] as? [[String: Any]] ?? [])
    }

    static let all: Set<String> = ["ENG/engineering-home", "ENG/architecture-guide", "ENG/release-notes-2-0", "ENG/quarterly-update",
                                   "OPS/operations-home", "OPS/runbook-restart-recover"]

    func convert(_ args: [String], name: String = #function) throws -> [String: Data] {
        try Support.convert(try FixtureExportTests.zipped(), name: name, extra: args).1
    }

    @Test func contentTypes() throws {
        let f = try convert(["--types", "pages,attachments"])
        #expect(Self.articles(f) == Self.all.subtracting(["ENG/quarterly-update"]))
        #expect(try Self.report(f).skipped["filtered-type"] == 1)
        let noAttachments = try convert(["--types", "pages,blogposts"], name: "noatt")
        #expect(noAttachments.keys.filter { $0.hasPrefix("attachments/") }.isEmpty)
    }

    @Test func labels() throws {
        #expect(Self.articles(try convert(["--labels-any", "news,guide"], name: "any")) == ["ENG/architecture-guide", "ENG/quarterly-update"])
        #expect(Self.articles(try convert(["--labels-all", "guide,architecture"], name: "all")) == ["ENG/architecture-guide"])
        #expect(Self.articles(try convert(["--labels-all", "guide,news"], name: "none")) == [])
        let excluded = try convert(["--labels-exclude", "news"], name: "exclude")
        #expect(Self.articles(excluded) == Self.all.subtracting(["ENG/quarterly-update"]))
        let d = try Self.report(excluded).diagnostics.first { $0["code"] as? String == "filtered" }
        #expect((d?["message"] as? String)?.contains("excluded label news") == true)
    }

    @Test func dates() throws {
        #expect(Self.articles(try convert(["--modified-after", "2022-05-01"], name: "a")) == ["ENG/architecture-guide", "OPS/runbook-restart-recover"])
        #expect(Self.articles(try convert(["--modified-before", "2022-01-06"], name: "b")) == ["OPS/operations-home"])
        #expect(Self.articles(try convert(["--created-after", "2022-04-01T08:00:00Z"], name: "c")) == ["ENG/quarterly-update"])
    }

    @Test func spaces() throws {
        #expect(Self.articles(try convert(["--spaces", "OPS"], name: "in")) == ["OPS/operations-home", "OPS/runbook-restart-recover"])
        #expect(Self.articles(try convert(["--exclude-spaces", "OPS"], name: "out")).allSatisfy { $0.hasPrefix("ENG/") })
    }

    @Test(.enabled(if: Support.hasReferenceExports, Support.referenceExportsMissing)) func personalSpaces() throws {
        let misc = Support.referenceExports.appendingPathComponent("misc.xml.zip")
        #expect(Self.articles(try Support.convert(misc, name: "p1").1).count == 2)
        let f = try Support.convert(misc, name: "p2", extra: ["--personal-spaces", "false"]).1
        #expect(Self.articles(f).isEmpty)
        #expect(try Self.report(f).skipped["filtered-space"] == 2)
    }

    @Test func subtreesAndReparenting() throws {
        #expect(Self.articles(try convert(["--subtree", "ENG/Engineering Home/Architecture Guide"], name: "in"))
                == ["ENG/architecture-guide", "ENG/release-notes-2-0"])
        #expect(Self.articles(try convert(["--subtree", "2003"], name: "id")) == ["ENG/architecture-guide", "ENG/release-notes-2-0"])
        #expect(Self.articles(try convert(["--exclude-subtree", "2003"], name: "out")) == Self.all.subtracting(["ENG/architecture-guide", "ENG/release-notes-2-0"]))
        // Filtering out the middle page hangs its child under the nearest kept ancestor.
        let f = try convert(["--labels-exclude", "architecture"], name: "re")
        let notes = try Support.json(f["articles/ENG/release-notes-2-0.json"]!)
        #expect(notes["parentId"] as? String == "2001")
        #expect(notes["ancestors"] as? [String] == ["2001"])
        #expect(try Self.report(f).diagnostics.contains { $0["code"] as? String == "reparented" && $0["contentId"] as? String == "2005" })
        let unknown = try convert(["--subtree", "ENG/Nope", "--allow-unmatched"], name: "unknown")
        #expect(try Self.report(unknown).diagnostics.contains { $0["code"] as? String == "unmatched-filter" })
    }

    @Test func attachmentFilters() throws {
        let all = try convert([], name: "all")
        #expect(all["attachments/OPS/2101/unreferenced.log"] != nil, "by default every current attachment is kept")
        let referenced = try convert(["--attachments", "referenced"], name: "ref")
        #expect(referenced["attachments/OPS/2101/unreferenced.log"] == nil)
        #expect(referenced["attachments/ENG/2003/diagram.png"] != nil && referenced["attachments/ENG/3001/notes.txt"] != nil)
        #expect(try Self.report(referenced).diagnostics.contains { ($0["message"] as? String ?? "").contains("'unreferenced.log' filtered out") })
        let manifest = try Support.json(referenced["manifest.json"]!)
        #expect((manifest["files"] as? [[String: Any]] ?? []).count == referenced.count - 1)
        let images = try convert(["--attachment-types", "image/*"], name: "img")
        #expect(images.keys.filter { $0.hasPrefix("attachments/") } == ["attachments/ENG/2003/diagram.png"])
        let small = try convert(["--attachment-max-bytes", "30"], name: "small")
        #expect(small["attachments/ENG/2003/diagram.png"] == nil && small["attachments/ENG/3001/notes.txt"] != nil)
    }

    @Test func fieldAndLabelMapping() throws {
        let f = try convert(["--rename-field", "author=creator", "--drop-field", "position", "--constant", "source=confluence",
                             "--rename-label", "architecture=arch", "--drop-label", "news", "--merge-labels", "docs=guide,arch",
                             "--property", "review=review-state", "--category", "top-ancestor"])
        let guide = try Support.json(f["articles/ENG/architecture-guide.json"]!)
        #expect(guide["creator"] as? String == "alice" && guide["author"] == nil)
        #expect(guide["position"] == nil)
        #expect(guide["source"] as? String == "confluence")
        #expect(guide["tags"] as? [String] == ["docs"])
        #expect(guide["review"] as? String == "approved")
        #expect(guide["category"] as? String == "Engineering Home")
        let blog = try Support.json(f["articles/ENG/quarterly-update.json"]!)
        #expect(blog["tags"] as? [String] == [])
        #expect(blog["category"] as? String == "Quarterly Update")
    }

    @Test func authorAsDisplayName() throws {
        let zip = try PermissionTests.zipped()
        let f = try Support.convert(zip, extra: ["--author", "display-name"]).1
        #expect(try Support.json(f["articles/OPEN/public-root.json"]!)["author"] as? String == "Alice Example")
        // Mentions are named like authors.
        #expect(String(decoding: f["articles/OPEN/public-root.md"]!, as: UTF8.self).contains("@Bob Example"))
        let plain = try Support.convert(zip, name: "plain").1
        #expect(try Support.json(plain["articles/OPEN/public-root.json"]!)["author"] as? String == "alice")
        #expect(String(decoding: plain["articles/OPEN/public-root.md"]!, as: UTF8.self).contains("@bob."))
    }

    @Test func commentsWhenEnabled() throws {
        let off = try convert([], name: "off")
        #expect(!off.keys.contains { $0.hasSuffix(".comments.md") })
        let on = try convert(["--types", "pages,blogposts,attachments,comments"], name: "on")
        let comments = String(decoding: try #require(on["articles/ENG/architecture-guide.comments.md"]), as: UTF8.self)
        #expect(comments.contains("## bob 2022-07-02T07:00:00Z"))
        #expect(comments.contains("Nice guide, **thanks**!"))
        #expect(try Support.json(on["articles/ENG/architecture-guide.json"]!)["comments"] as? String == "articles/ENG/architecture-guide.comments.md")
        #expect(try Self.report(on).skipped["comment"] == nil)
    }

    @Test func configFileMatchesFlagsAndFlagsOverrideIt() throws {
        let dir = Support.tempDir()
        let config = dir.appendingPathComponent("km.yaml")
        try Data("""
            # the KM import of the acme site (a site-wide role map: acme-site itself has no groups)
            timezone: UTC
            allow-unmatched: true
            filters:
              spaces:
                include: [ENG]
              labels:
                exclude: [news]
              attachments:
                media-types: ["image/*"]
            mapping:
              fields:
                rename: {author: creator}
                constants: {source: confluence}
              category: space
            permissions:
              roles: {confluence-users: employees}
            front-matter: yaml

            """.utf8).write(to: config)
        let viaConfig = try convert(["--config", config.path], name: "cfg")
        #expect(Self.articles(viaConfig) == ["ENG/engineering-home", "ENG/architecture-guide", "ENG/release-notes-2-0"])
        let guide = try Support.json(viaConfig["articles/ENG/architecture-guide.json"]!)
        #expect(guide["creator"] as? String == "alice" && guide["source"] as? String == "confluence")
        #expect(guide["created"] as? String == "2022-01-10T08:30:00Z", "timezone: UTC overrides the descriptor")
        #expect(String(decoding: viaConfig["articles/ENG/architecture-guide.md"]!, as: UTF8.self).hasPrefix("---\n"))
        let viaFlags = try convert(["--timezone", "UTC", "--spaces", "ENG", "--labels-exclude", "news", "--attachment-types", "image/*",
                                    "--rename-field", "author=creator", "--constant", "source=confluence", "--front-matter", "yaml",
                                    "--role", "confluence-users=employees", "--allow-unmatched"], name: "flags")
        #expect(viaConfig == viaFlags)
        let overridden = try convert(["--config", config.path, "--spaces", "OPS"], name: "override")
        #expect(Self.articles(overridden) == ["OPS/operations-home", "OPS/runbook-restart-recover"])
    }

    @Test func badConfigNamesTheKeyLineAndWhatIsAllowed() throws {
        let dir = Support.tempDir()
        func run(_ yaml: String) throws -> Support.Result {
            let f = dir.appendingPathComponent("bad-\(UUID().uuidString.prefix(6)).yaml")
            try Data(yaml.utf8).write(to: f)
            return try Support.cli(["convert", try FixtureExportTests.zipped().path, "-o", dir.appendingPathComponent("out").path, "--config", f.path])
        }
        let unknown = try run("filters:\n  spacez: [ENG]\n")
        #expect(unknown.status == 64)
        #expect(unknown.stderr.contains(":2: unknown key 'filters.spacez'") && unknown.stderr.contains("allowed: types, labels"))
        let value = try run("tables: wide\n")
        #expect(value.status == 64)
        #expect(value.stderr.contains(":1: 'tables' must be one of auto, gfm, html"))
        let date = try run("filters:\n  created-after: yesterday\n")
        #expect(date.status == 64 && date.stderr.contains("'filters.created-after' must be a date"))
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("out").path))
    }

    @Test func frontMatterBundleBuildsWithMkDocsStrict() throws {
        let (bundle, files) = try Support.convert(try FixtureExportTests.zipped(), extra: ["--front-matter", "yaml"])
        let md = String(decoding: files["articles/ENG/architecture-guide.md"]!, as: UTF8.self)
        #expect(md.hasPrefix("---\naccess: {"))
        #expect(md.contains("\ntitle: \"Architecture Guide\"\n"))
        let site = Support.tempDir("mkdocs")
        let cfg = site.appendingPathComponent("mkdocs.yml")
        try Data("site_name: acme\ndocs_dir: \(bundle.path)\nsite_dir: \(site.appendingPathComponent("site").path)\n".utf8).write(to: cfg)
        let r = try Support.run("/usr/bin/env", ["python3", "-m", "mkdocs", "build", "--strict", "-f", cfg.path])
        #expect(r.status == 0, "mkdocs build --strict failed (make test installs mkdocs):\n\(r.stderr)")
        #expect(!r.stderr.contains("WARNING"), "\(r.stderr)")
        #expect(FileManager.default.fileExists(atPath: site.appendingPathComponent("site/articles/ENG/architecture-guide/index.html").path))
    }
}

/// The export's zone-less dates as ISO 8601 UTC: the calendar-free conversion agrees with Foundation's calendar.
@Suite struct ExportDateTests {
    @Test(arguments: ["UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata"])
    func datesAgreeWithFoundation(_ zoneName: String) throws {
        let zone = try #require(TimeZone(identifier: zoneName))
        let parse = DateFormatter()
        parse.locale = Locale(identifier: "en_US_POSIX")
        parse.timeZone = zone
        parse.dateFormat = "yyyy-MM-dd HH:mm:ss"
        let iso = ISO8601DateFormatter()
        iso.timeZone = TimeZone(identifier: "UTC")
        var g = SystemRandomNumberGenerator()
        for _ in 0..<500 {
            // Whole hours away from midnight–4 am: clear of every DST change of these zones.
            let raw = String(format: "%04d-%02d-%02d %02d:%02d:%02d", Int.random(in: 1971...2037, using: &g), Int.random(in: 1...12, using: &g),
                             Int.random(in: 1...28, using: &g), Int.random(in: 5...23, using: &g), Int.random(in: 0...59, using: &g), Int.random(in: 0...59, using: &g))
            let expected = iso.string(from: try #require(parse.date(from: raw)))
            #expect(ConversionPlan.isoDate(raw + ".123", zone) == expected, "\(raw) in \(zoneName)")
        }
        #expect(ConversionPlan.isoDate("2022-13-01 00:00:00", zone) == nil)
        #expect(ConversionPlan.isoDate("not a date", zone) == nil)
    }
}

@Suite struct SlugTests {
    /// 2,000 random strings of up to 40 characters of the alphabet.
    static func randomStrings(_ alphabet: String) -> [String] {
        let characters = Array(alphabet)
        var g = SystemRandomNumberGenerator()
        return (0..<2000).map { _ in String((0..<Int.random(in: 0...40, using: &g)).map { _ in characters.randomElement(using: &g)! }) }
    }

    /// The ASCII fast path gives what the rule over Characters gives.
    @Test func asciiSlugsFollowTheUnicodeRule() {
        for s in Self.randomStrings("aZ09 -_.:&/?!#%()[]{}'\"\\\t\nCONcon") {
            #expect(Naming.slug(s) == Naming.unicodeSlug(s), "\(s.debugDescription)")
        }
        #expect(Naming.slug("Runbook: Restart & Recover") == "runbook-restart-recover")
        #expect(Naming.slug("CON") == "con-page")
        #expect(Naming.slug(String(repeating: "ab ", count: 80)).utf8.count <= 100)
    }

    /// File names and clash keys: the ASCII fast paths give what the rules over Unicode give.
    @Test func asciiFileNamesFollowTheUnicodeRule() {
        for s in Self.randomStrings("aZ09 -_.:*?<>|/\\\"\t\n\u{7f}\u{1}CONcon.txt") {
            #expect(Naming.asciiSafeCharacters(s) == Naming.safeCharacters(s), "\(s.debugDescription)")
            #expect(Naming.clashKey(s) == s.precomposedStringWithCanonicalMapping.lowercased(), "\(s.debugDescription)")
        }
        #expect(Naming.safeFileName("a/b:c?.txt") == "a_b_c_.txt")
        #expect(Naming.safeFileName("..\u{1}x.") == "_._x")
    }
}

/// The plan's one sort of ids gives the order ``IDOrder/less(_:_:)`` gives.
@Suite struct IDOrderTests {
    @Test func sortedIsTheOrderOfLess() {
        var g = SystemRandomNumberGenerator()
        let pieces = ["0", "00", "7", "10", "99", "123456789", "9999999999999999999", "18446744073709551616", "12345678901234567890123",
                      "a", "B", "page-1", "é", "e\u{301}x", "Ω", "-1", "1a", ""]
        for _ in 0..<300 {
            let ids = Array(Set((0..<Int.random(in: 0...30, using: &g)).map { _ in
                pieces.randomElement(using: &g)! + (Bool.random(using: &g) ? String(Int.random(in: 0...999, using: &g)) : "")
            }))
            #expect(IDOrder.sorted(ids) == ids.sorted(by: IDOrder.less), "\(ids)")
        }
    }
}
