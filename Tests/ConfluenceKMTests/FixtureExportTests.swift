import Foundation
import Testing

/// The hand-written site backup in Fixtures/exports/acme-site: two spaces, history by both markers, drafts
/// (status and Draft objects), trash, archived content, labels, a page tree, a blog post, an attachment with two
/// versions, objects in shuffled order, attachments stored before entities.xml.
@Suite struct FixtureExportTests {
    static func zipped() throws -> URL {
        let zip = Support.tempDir("acmezip").appendingPathComponent("acme-site.zip")
        try Support.zip(folder: Support.fixtures.appendingPathComponent("acme-site"), to: zip)
        return zip
    }

    nonisolated(unsafe) static let expected: [String: [String: Any]] = [
        "articles/ENG/engineering-home.json": [
            "id": "2001", "type": "page", "title": "Engineering Home", "author": "alice",
            "created": "2022-01-05T07:00:00Z", "lastUpdated": "2022-01-06T07:00:00Z", "tags": [String](),
            "category": "Engineering", "spaceKey": "ENG", "parentId": NSNull(), "ancestors": [String](),
            "position": NSNull(), "version": 2, "markdown": "articles/ENG/engineering-home.md", "lastModifier": NSNull(),
        ],
        "articles/ENG/architecture-guide.json": [
            "id": "2003", "type": "page", "title": "Architecture Guide", "author": "alice",
            "created": "2022-01-10T07:30:00Z", "lastUpdated": "2022-07-01T10:45:10Z", "tags": ["architecture", "guide"],
            "category": "Engineering", "spaceKey": "ENG", "parentId": "2001", "ancestors": ["2001"],
            "position": 0, "version": 2, "markdown": "articles/ENG/architecture-guide.md", "lastModifier": "bob",
        ],
        "articles/ENG/release-notes-2-0.json": [
            "id": "2005", "type": "page", "title": "Release Notes 2.0", "author": "bob",
            "created": "2022-02-01T08:00:00Z", "lastUpdated": "2022-02-01T08:00:00Z", "tags": [String](),
            "category": "Engineering", "spaceKey": "ENG", "parentId": "2003", "ancestors": ["2001", "2003"],
            "position": 1, "version": 1, "markdown": "articles/ENG/release-notes-2-0.md", "lastModifier": NSNull(),
        ],
        "articles/ENG/quarterly-update.json": [
            "id": "3001", "type": "blogpost", "title": "Quarterly Update", "author": "alice",
            "created": "2022-04-01T08:00:00Z", "lastUpdated": "2022-04-01T08:05:00Z", "tags": ["news"],
            "category": "Engineering", "spaceKey": "ENG", "parentId": NSNull(), "ancestors": [String](),
            "position": NSNull(), "version": 1, "markdown": "articles/ENG/quarterly-update.md", "lastModifier": "alice",
        ],
        "articles/OPS/operations-home.json": [
            "id": "2101", "type": "page", "title": "Operations Home", "author": "bob",
            "created": "2022-01-02T09:00:00Z", "lastUpdated": "2022-01-02T09:00:00Z", "tags": ["ops-team"],
            "category": "Operations", "spaceKey": "OPS", "parentId": NSNull(), "ancestors": [String](),
            "position": NSNull(), "version": 1, "markdown": "articles/OPS/operations-home.md", "lastModifier": NSNull(),
        ],
        "articles/OPS/runbook-restart-recover.json": [
            "id": "2102", "type": "page", "title": "Runbook: Restart & Recover", "author": "bob",
            "created": "2022-01-03T22:30:00Z", "lastUpdated": "2022-08-15T04:00:00Z", "tags": [String](),
            "category": "Operations", "spaceKey": "OPS", "parentId": "2101", "ancestors": ["2101"],
            "position": 0, "version": 5, "markdown": "articles/OPS/runbook-restart-recover.md", "lastModifier": NSNull(),
        ],
    ]

    @Test func convertsExactlyTheCurrentContentWithEveryMetadataField() throws {
        let (_, files) = try Support.convert(try Self.zipped())
        let articles = Set(files.keys.filter { $0.hasPrefix("articles/") })
        let expectedFiles = Set(Self.expected.keys.flatMap { [$0, String($0.dropLast(5)) + ".md"] })
        #expect(articles == expectedFiles)
        for (path, fields) in Self.expected {
            let meta = try Support.json(try #require(files[path]))
            #expect(Set(meta.keys) == Set(fields.keys).union(["attachments", "access"]), "\(path) keys")
            // The fixture holds no space permissions: every article fails closed.
            let access = meta["access"] as? [String: Any]
            #expect(access?["restricted"] as? Bool == true)
            #expect((access?["roles"] as? [String])?.isEmpty == true && (access?["users"] as? [String])?.isEmpty == true)
            for (key, value) in fields {
                let actual = meta[key]
                #expect(String(describing: actual.map { $0 as AnyObject } ?? NSNull()) == String(describing: value as AnyObject),
                        "\(path).\(key): \(String(describing: actual)) != \(value)")
            }
        }
    }

    @Test func writesTheCurrentVersionOfEachAttachmentOnce() throws {
        let (_, files) = try Support.convert(try Self.zipped())
        let source = Support.fixtures.appendingPathComponent("acme-site/attachments")
        let diagramV2 = try Data(contentsOf: source.appendingPathComponent("2003/5001/2"))
        let notes = try Data(contentsOf: source.appendingPathComponent("3001/5003/1"))
        #expect(files["attachments/ENG/2003/diagram.png"] == diagramV2)
        #expect(files["attachments/ENG/3001/notes.txt"] == notes)
        #expect(files.keys.filter { $0.hasPrefix("attachments/") }.count == 3, "no old version, no trashed attachment")

        let guide = try Support.json(files["articles/ENG/architecture-guide.json"]!)
        let atts = try #require(guide["attachments"] as? [[String: Any]])
        #expect(atts.count == 1)
        #expect(atts[0]["fileName"] as? String == "diagram.png")
        #expect(atts[0]["mediaType"] as? String == "image/png")
        #expect(atts[0]["bytes"] as? Int == diagramV2.count)
        #expect(atts[0]["sha256"] as? String == Support.sha256(diagramV2))
        #expect(atts[0]["path"] as? String == "attachments/ENG/2003/diagram.png")
        #expect(atts[0]["version"] as? Int == 2)
        #expect(atts[0]["id"] as? String == "5001")

        let blog = try Support.json(files["articles/ENG/quarterly-update.json"]!)
        let batts = try #require(blog["attachments"] as? [[String: Any]])
        #expect(batts.count == 1)
        #expect(batts[0]["mediaType"] as? String == "text/plain")
        #expect(batts[0]["sha256"] as? String == Support.sha256(notes))
    }

    @Test func reportCountsEverySkippedKind() throws {
        let (_, files) = try Support.convert(try Self.zipped())
        let report = try Support.json(files["report.json"]!)
        let skipped = try #require(report["skipped"] as? [String: Int])
        #expect(skipped == [
            "historical-version": 2, "draft": 1, "trash": 1, "archived": 1, "draft-object": 1, "comment": 1,
            "attachment-historical-version": 1, "attachment-trash": 1,
        ])
        let converted = try #require(report["converted"] as? [String: Int])
        #expect(converted == ["pages": 5, "blogposts": 1, "attachments": 3])
        let codes = (report["diagnostics"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String }
        #expect(codes.contains("broken-link"))
        #expect(codes.contains("unsupported-macro"))
        #expect(codes.contains("skipped-archived"))
    }

    @Test func markdownHasNoConfluenceMarkupAndEveryLinkResolves() throws {
        let (bundle, files) = try Support.convert(try Self.zipped())
        Support.expectLinksResolve(bundle: bundle, files: files)
        for (path, data) in files where path.hasSuffix(".md") {
            let md = Support.withoutComments(String(decoding: data, as: UTF8.self))
            #expect(!md.contains("ac:") && !md.contains("ri:"), "\(path) leaks storage markup")
        }
        let guide = String(decoding: files["articles/ENG/architecture-guide.md"]!, as: UTF8.self)
        #expect(guide.contains("```python\ndef main():\n    return table[row[0]]\n```"))
        #expect(guide.contains("| Component | Owner |\n| --- | --- |"))
        #expect(guide.contains("> [!NOTE]\n> **Heads up**"))
        #expect(guide.contains("[the runbook](../OPS/runbook-restart-recover.md)"))
        #expect(guide.contains("![System diagram](../../attachments/ENG/2003/diagram.png)"))
        #expect(guide.contains("Ask @bob about it."))
        let runbook = String(decoding: files["articles/OPS/runbook-restart-recover.md"]!, as: UTF8.self)
        #expect(runbook.contains("[Architecture Guide](../ENG/architecture-guide.md)"))
        #expect(runbook.contains("\\*important\\*"), "asterisks from text are escaped")
        let notes = String(decoding: files["articles/ENG/release-notes-2-0.md"]!, as: UTF8.self)
        #expect(notes.contains("`a ]] > b`"), "a `]] >` outside CDATA is text, not a CDATA end")
    }

    @Test func manifestListsEveryFileWithItsHash() throws {
        let (_, files) = try Support.convert(try Self.zipped())
        let manifest = try Support.json(files["manifest.json"]!)
        let listed = try #require(manifest["files"] as? [[String: Any]])
        var seen: Set<String> = []
        for f in listed {
            let path = try #require(f["path"] as? String)
            let data = try #require(files[path], "manifest lists a missing file \(path)")
            #expect(f["sha256"] as? String == Support.sha256(data))
            #expect(f["bytes"] as? Int == data.count)
            seen.insert(path)
        }
        #expect(seen == Set(files.keys).subtracting(["manifest.json"]))
        let descriptor = (manifest["export"] as? [String: Any])?["descriptor"] as? [String: String]
        #expect(descriptor?["exportType"] == "all")
    }

    @Test func secondConversionIsByteIdentical() throws {
        let zip = try Self.zipped()
        let (_, a) = try Support.convert(zip, name: "first")
        let (_, b) = try Support.convert(zip, name: "second", extra: ["--jobs", "1"])
        #expect(a == b)
    }

    @Test func includeArchivedConvertsArchivedPages() throws {
        let (_, files) = try Support.convert(try Self.zipped(), extra: ["--include-archived"])
        #expect(files["articles/ENG/legacy-page.md"] != nil)
    }

    @Test func timezoneOptionOverridesTheDescriptor() throws {
        let (_, files) = try Support.convert(try Self.zipped(), extra: ["--timezone", "UTC"])
        let meta = try Support.json(files["articles/ENG/architecture-guide.json"]!)
        #expect(meta["created"] as? String == "2022-01-10T08:30:00Z")
    }

    @Test func refusesANonEmptyOutputUnlessForced() throws {
        let zip = try Self.zipped()
        let out = Support.tempDir().appendingPathComponent("bundle")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        try Data("keep".utf8).write(to: out.appendingPathComponent("other.txt"))
        let r = try Support.cli(["convert", zip.path, "-o", out.path])
        #expect(r.status == 1)
        #expect(r.stderr.contains("not empty") && r.stderr.contains("--force"))
        #expect(try Support.files(in: out) == ["other.txt": Data("keep".utf8)])
        // --force never replaces a folder that is not a bundle: it was not written by this tool.
        let refused = try Support.cli(["convert", zip.path, "-o", out.path, "--force"])
        #expect(refused.status == 1 && refused.stderr.contains("not a confluence-km bundle") && refused.stderr.contains(out.path))
        #expect(refused.stderr.split(separator: "\n").count == 1)
        #expect(try Support.files(in: out) == ["other.txt": Data("keep".utf8)])
        // A bundle is replaced with --force, atomically.
        try FileManager.default.removeItem(at: out.appendingPathComponent("other.txt"))
        #expect(try Support.cli(["convert", zip.path, "-o", out.path]).status == 0, "an empty folder is fine")
        try Data("stale".utf8).write(to: out.appendingPathComponent("stale.txt"))
        let forced = try Support.cli(["convert", zip.path, "-o", out.path, "--force"])
        #expect(forced.status == 0, "\(forced.stderr)")
        let after = try Support.files(in: out)
        #expect(after["stale.txt"] == nil && after["manifest.json"] != nil)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: out.deletingLastPathComponent().path)
        #expect(leftovers == ["bundle"], "no temporary folder left beside the bundle")
    }
}
