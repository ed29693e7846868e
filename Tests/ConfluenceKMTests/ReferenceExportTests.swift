import Foundation
import Testing

/// Real exports written by Confluence (../shared/reference-exports). Skipped, saying so, where that folder is absent.
@Suite(.enabled(if: FileManager.default.fileExists(atPath: Support.referenceExports.path),
                "../shared/reference-exports is not present; reference-export tests skipped"))
struct ReferenceExportTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var articles: Set<String>
        var attachments: [String: String]  // bundle path → source path inside the export
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "4.3.2.xml.zip", articles: [
            "PRIV/private-page-1", "PRIV/privatespace-home", "SPACE1/page-1", "SPACE1/space1-home",
            "SPACE2/page-2", "SPACE2/space2-home",
        ], attachments: [
            "attachments/SPACE1/753668/9391963529_96f9f9b16c_o.jpg": "attachments/753668/884737/1",
            "attachments/SPACE1/753668/271360617.jpg": "attachments/753668/884738/1",
            "attachments/SPACE1/753668/Config.xml": "attachments/753668/884739/1",
            "attachments/SPACE2/753680/image001.png": "attachments/753680/884740/1",
        ]),
        Case(name: "misc.xml.zip", articles: ["~clemens/empty", "~clemens/with-brace-s-and-single-brace"],
             attachments: ["attachments/~clemens/51741193/blind.gif": "attachments/51741193/51937282/2"]),
        Case(name: "attachhist", articles: ["attachhist/attachhist-home", "attachhist/page-with-attachment"], attachments: [
            "attachments/attachhist/948633601/attachment.txt": "attachments/948633601/948830209/3",
            "attachments/attachhist/948633601/attachment2.txt": "attachments/948633601/948043783/1",
        ]),
        Case(name: "attachmenthistory", articles: ["TestSpace/mypage"], attachments: [
            "attachments/TestSpace/369483298/XWiki_Issues.xlsx": "attachments/369483298/369483299/6",
            "attachments/TestSpace/369483298/API.pdf": "attachments/369483298/369483300/3",
        ]),
        Case(name: "blogs", articles: ["SpaceA/blog-post", "SpaceA/spacea-home"], attachments: [:]),
        Case(name: "confluence8.5.6", articles: ["HT/2024-04-22-meeting-notes", "HT/home-test", "HT/page-with-comment"], attachments: [:]),
        Case(name: "contentStatus", articles: ["TestSpace/testcontent"], attachments: [:]),
        Case(name: "emoji", articles: ["TestSpace/testcontent"], attachments: [:]),
        Case(name: "history", articles: ["TestSpace/pricing-reports"], attachments: [:]),
    ]

    /// The export as a ZIP: the shipped ZIPs as they are, the unpacked folders zipped at test time.
    static func zip(_ c: Case) throws -> URL {
        let src = Support.referenceExports.appendingPathComponent(c.name)
        if c.name.hasSuffix(".zip") { return src }
        let zip = Support.tempDir("ref-\(c.name)").appendingPathComponent("\(c.name).zip")
        try Support.zip(folder: src, to: zip)
        return zip
    }

    /// Reads one entry of a shipped ZIP or an unpacked folder.
    static func sourceBytes(_ c: Case, _ path: String) throws -> Data {
        let src = Support.referenceExports.appendingPathComponent(c.name)
        if c.name.hasSuffix(".zip") { return try unzipBytes(src, path) }
        return try Data(contentsOf: src.appendingPathComponent(path))
    }

    static func unzipBytes(_ zip: URL, _ path: String) throws -> Data {
        let dir = Support.tempDir("unzip")
        try Support.run("/usr/bin/unzip", ["-q", "-o", zip.path, path, "-d", dir.path])
        return try Data(contentsOf: dir.appendingPathComponent(path))
    }

    @Test(arguments: cases)
    func convertsCurrentContentWithAttachmentsAndResolvableLinks(_ c: Case) throws {
        let (bundle, files) = try Support.convert(try Self.zip(c), name: "ref-\(c.name)")
        let articles = Set(files.keys.filter { $0.hasPrefix("articles/") && $0.hasSuffix(".md") }
            .map { String($0.dropFirst("articles/".count).dropLast(3)) })
        #expect(articles == c.articles)
        for a in c.articles {
            let meta = try Support.json(try #require(files["articles/\(a).json"]))
            #expect(meta["markdown"] as? String == "articles/\(a).md")
            #expect((meta["title"] as? String).map { !$0.isEmpty } == true)
        }
        let writtenAttachments = Set(files.keys.filter { $0.hasPrefix("attachments/") })
        #expect(writtenAttachments == Set(c.attachments.keys))
        for (bundlePath, source) in c.attachments {
            let expected = try Self.sourceBytes(c, source)
            #expect(files[bundlePath].map(Support.sha256) == Support.sha256(expected), "\(bundlePath) is not the current version")
        }
        Support.expectLinksResolve(bundle: bundle, files: files)
        for (path, data) in files where path.hasSuffix(".md") {
            let md = Support.withoutComments(String(decoding: data, as: UTF8.self))
            #expect(!md.contains("<ac:") && !md.contains("<ri:"), "\(path) leaks storage markup")
        }
    }

    @Test(arguments: cases)
    func inspectDescribesIt(_ c: Case) throws {
        let r = try Support.cli(["inspect", try Self.zip(c).path, "--format", "json"])
        #expect(r.status == 0, "\(r.stderr)")
        let j = try Support.json(Data(r.stdout.utf8))
        #expect(j["format"] as? String == "xml")
        let spaces = j["spaces"] as? [[String: Any]] ?? []
        let pages = spaces.reduce(0) { $0 + ($1["pages"] as? Int ?? 0) + ($1["blogposts"] as? Int ?? 0) }
        #expect(pages == c.articles.count, "current pages and blog posts")
        #expect((j["counts"] as? [String: Int])?["current"] == c.articles.count)
    }

    @Test(arguments: cases)
    func secondConversionIsByteIdentical(_ c: Case) throws {
        let zip = try Self.zip(c)
        let (_, a) = try Support.convert(zip, name: "ref-a-\(c.name)")
        let (_, b) = try Support.convert(zip, name: "ref-b-\(c.name)", extra: ["--jobs", "1"])
        #expect(a == b)
    }

    @Test func cloudExportDatesUseTheDescriptorZoneAndHistoryIsCounted() throws {
        let c = Self.cases.first { $0.name == "attachhist" }!
        let (_, files) = try Support.convert(try Self.zip(c))
        let page = try Support.json(files["articles/attachhist/page-with-attachment.json"]!)
        #expect(page["created"] as? String == "2025-02-10T10:17:29Z")
        #expect(page["version"] as? Int == 3)
        #expect(page["parentId"] as? String == "948471667")
        let report = try Support.json(files["report.json"]!)
        let skipped = report["skipped"] as? [String: Int] ?? [:]
        #expect(skipped["historical-version"] == 3)
        #expect(skipped["attachment-trash"] == 1)
    }

    @Test func siteBackupLinksAcrossSpaces() throws {
        let c = Self.cases.first { $0.name == "4.3.2.xml.zip" }!
        let (_, files) = try Support.convert(try Self.zip(c))
        let page2 = String(decoding: files["articles/SPACE2/page-2.md"]!, as: UTF8.self)
        #expect(page2.contains("[here](../SPACE1/page-1.md)"), "old `]] >` CDATA ends restored and cross-space link rewritten")
    }

    @Test func contentStatusSkipsDraftsAndArchived() throws {
        let c = Self.cases.first { $0.name == "contentStatus" }!
        let (_, files) = try Support.convert(try Self.zip(c))
        let report = try Support.json(files["report.json"]!)
        #expect(report["skipped"] as? [String: Int] == ["archived": 1, "draft": 1])
    }
}
