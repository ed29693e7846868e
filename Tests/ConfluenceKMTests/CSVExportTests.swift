import Foundation
import Testing

@testable import ConfluenceKM

/// Confluence Cloud's CSV space export: the reader, its tables, and the XML twin.
@Suite struct CSVExportTests {
    /// Zips a CSV export folder the way Cloud writes it: every table and the descriptor gzip-compressed (`.gz`).
    static func zipCSV(_ folder: URL, edit: ((URL) throws -> Void)? = nil) throws -> URL {
        let work = Support.tempDir("csv")
        let copy = work.appendingPathComponent("export")
        try FileManager.default.copyItem(at: folder, to: copy)
        try edit?(copy)
        for f in try FileManager.default.contentsOfDirectory(atPath: copy.path) where f.hasSuffix(".csv") || f.hasSuffix(".properties") {
            try Support.run("/usr/bin/gzip", ["-n", "-S", ".gz", copy.appendingPathComponent(f).path])
        }
        let zip = work.appendingPathComponent("export.zip")
        try Support.zip(folder: copy, to: zip)
        return zip
    }

    static let twinCSV = Support.fixtures.appendingPathComponent("twin-csv")
    static let twinXML = Support.fixtures.appendingPathComponent("twin-xml")

    @Test func csvAndXmlTwinsGiveTheSameBundle() throws {
        let xmlZip = Support.tempDir("twinxml").appendingPathComponent("x.zip")
        try Support.zip(folder: Self.twinXML, to: xmlZip)
        let (_, xml) = try Support.convert(xmlZip, name: "twin-xml")
        let (_, csv) = try Support.convert(try Self.zipCSV(Self.twinCSV), name: "twin-csv")
        // What the formats truly differ in: the export descriptor (exportFormat=csv), recorded in the manifest.
        #expect(Set(xml.keys) == Set(csv.keys))
        for path in xml.keys.sorted() where path != "manifest.json" {
            #expect(xml[path] == csv[path], "\(path) differs between the XML and CSV twins")
        }
        let mx = try Support.json(xml["manifest.json"]!), mc = try Support.json(csv["manifest.json"]!)
        func files(_ m: [String: Any]) -> [String] {
            (m["files"] as? [[String: Any]] ?? []).map { "\($0["path"]!) \($0["bytes"]!) \($0["sha256"]!)" }
        }
        #expect(files(mx) == files(mc))
        #expect(files(mx).count == xml.count - 1)
        let dc = (mc["export"] as? [String: Any])?["descriptor"] as? [String: String]
        #expect(dc?["exportFormat"] == "csv")
        #expect(xml.keys.contains("articles/TWIN/guide.md") && xml.keys.contains("attachments/TWIN/2002/spec.txt"))
        #expect(csv["attachments/TWIN/2002/spec.txt"] == Data("spec v2, current\n".utf8))
        let report = try Support.json(csv["report.json"]!)
        #expect(report["skipped"] as? [String: Int] == ["historical-version": 1, "draft": 1, "comment": 1, "attachment-historical-version": 1])
    }

    @Test(.enabled(if: Support.hasReferenceExports, Support.referenceExportsMissing)) func realCloudCSVExportConverts() throws {
        let zip = Support.referenceExports.appendingPathComponent("csv-RJTest.zip")
        let (bundle, files) = try Support.convert(zip)
        let metas = try files.filter { $0.key.hasSuffix(".json") && $0.key.hasPrefix("articles/") }.map { try Support.json($0.value) }
        #expect(metas.count == 19)
        #expect(Set(metas.compactMap { $0["type"] as? String }) == ["page"])
        let byTitle = Dictionary(uniqueKeysWithValues: metas.map { ($0["title"] as! String, $0) })
        let home = try #require(byTitle["RJ Test Home"])
        #expect(home["parentId"] is NSNull)
        #expect(home["tags"] as? [String] == ["testlabel1", "testlabel2"])
        #expect(home["version"] as? Int == 20)
        let included = try #require(byTitle["Included page"])
        #expect(included["parentId"] as? String == "604438642")
        #expect(included["ancestors"] as? [String] == ["604438642"])
        let report0 = try Support.json(files["report.json"]!)
        let diags = report0["diagnostics"] as? [[String: Any]] ?? []
        #expect(!diags.contains { $0["code"] as? String == "empty-body" }, "every page has its body")
        for m in metas {
            #expect((m["author"] as? String).map { !$0.isEmpty } == true, "author of \(m["title"]!)")
            #expect(files[m["markdown"] as! String] != nil, "article of \(m["title"]!)")
        }
        let atts = try #require(home["attachments"] as? [[String: Any]])
        #expect(atts.count == 1)
        #expect(atts.first?["fileName"] as? String == "t.xlsx")
        #expect(atts.first?["version"] as? Int == 2)
        let expected = try ReferenceExportTests.unzipBytes(zip, "attachments/604438642/959774721/2")
        #expect(atts.first?["sha256"] as? String == Support.sha256(expected))
        #expect(atts.first?["mediaType"] as? String == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        let report = try Support.json(files["report.json"]!)
        let skipped = try #require(report["skipped"] as? [String: Int])
        #expect(skipped["historical-version"] == 61)
        #expect(skipped["comment"] == 17)
        #expect(skipped["draft"] == 1)
        #expect(skipped["custom-content"] == 373)
        #expect(skipped["attachment-historical-version"] == 1)
        Support.expectLinksResolve(bundle: bundle, files: files)
    }

    @Test func usersFileNamesAccountIds() throws {
        let users = Support.tempDir().appendingPathComponent("users.csv")
        try Data("accountId,name,email\r\n712020:0a6c7f4e-1111-2222-3333-444455556666,Bob Builder,bob@example.com\r\n".utf8).write(to: users)
        let (_, files) = try Support.convert(try Self.zipCSV(Self.twinCSV), extra: ["--users", users.path])
        let notes = try Support.json(files["articles/TWIN/notes.json"]!)
        #expect(notes["author"] as? String == "Bob Builder")
        let launch = String(decoding: files["articles/TWIN/launch.md"]!, as: UTF8.self)
        #expect(launch.contains("@Bob Builder"))
        let yaml = Support.tempDir().appendingPathComponent("users.yaml")
        try Data("\"712020:0a6c7f4e-1111-2222-3333-444455556666\":\n  name: Bob Y\n  email: b@example.com\n".utf8).write(to: yaml)
        let (_, y) = try Support.convert(try Self.zipCSV(Self.twinCSV), name: "yaml", extra: ["--users", yaml.path])
        #expect(try Support.json(y["articles/TWIN/notes.json"]!)["author"] as? String == "Bob Y")
    }

    @Test func missingTableIsAClearError() throws {
        let zip = try Self.zipCSV(Self.twinCSV) { try FileManager.default.removeItem(at: $0.appendingPathComponent("bodycontent.csv")) }
        let r = try Support.cli(["convert", zip.path, "-o", Support.tempDir().appendingPathComponent("b").path])
        #expect(r.status == 1)
        #expect(r.stderr.contains("no bodycontent.csv table"))
    }

    @Test func missingRequiredColumnIsAClearError() throws {
        let zip = try Self.zipCSV(Self.twinCSV) { dir in
            let f = dir.appendingPathComponent("content.csv")
            let text = try String(contentsOf: f, encoding: .utf8).replacingOccurrences(of: "contentid,", with: "content_identifier,")
            try text.write(to: f, atomically: true, encoding: .utf8)
        }
        let r = try Support.cli(["convert", zip.path, "-o", Support.tempDir().appendingPathComponent("b").path])
        #expect(r.status == 1)
        #expect(r.stderr.contains("content.csv has no 'contentid' column"))
    }

    @Test func unknownAndCloudOnlyContentIsReportedNotFatal() throws {
        let zip = try Self.zipCSV(Self.twinCSV) { dir in
            let f = dir.appendingPathComponent("content.csv")
            var text = try String(contentsOf: f, encoding: .utf8)
            text += "8001,,GADGET,Mystery thing,,1,,,,,,,current,,1001,,,,,,,,,,,,,\r\n"
            text += "8002,,WHITEBOARD,Planning board,,1,,,,,,,current,,1001,,2001,,,,,,,,,,,\r\n"
            text += "8003,,FOLDER,Archive folder,,1,,2026-01-01 00:00:00.0,,2026-01-01 00:00:00.0,,,current,,1001,50,2001,,,,,,,,,,,\r\n"
            try text.write(to: f, atomically: true, encoding: .utf8)
            // Notes moves into the folder.
            let moved = try String(contentsOf: f, encoding: .utf8).replacingOccurrences(of: "current,,1001,300,2002", with: "current,,1001,300,8003")
            try moved.write(to: f, atomically: true, encoding: .utf8)
        }
        let (_, files) = try Support.convert(zip)
        let report = try Support.json(files["report.json"]!)
        let diags = report["diagnostics"] as? [[String: Any]] ?? []
        #expect(diags.contains { $0["code"] as? String == "unknown-content-type" && $0["title"] as? String == "Mystery thing" })
        #expect(diags.contains { $0["code"] as? String == "cloud-only-content" && $0["title"] as? String == "Planning board" })
        let folder = try Support.json(try #require(files["articles/TWIN/archive-folder.json"]))
        #expect(folder["type"] as? String == "folder")
        let index = String(decoding: files["articles/TWIN/archive-folder.md"]!, as: UTF8.self)
        #expect(index.contains("[Notes](notes.md)"))
        // preview writes the folder's index (and every other article) exactly as convert did.
        let r = try Support.cli(["preview", zip.path, "--all", "--format", "json"])
        let pages = r.stdout.split(separator: "\n").compactMap { try? Support.json(Data($0.utf8)) }
        let folderPage = try #require(pages.first { $0["markdownPath"] as? String == "articles/TWIN/archive-folder.md" })
        #expect(folderPage["markdown"] as? String == index)
        #expect(try Support.json(files["articles/TWIN/notes.json"]!)["parentId"] as? String == "8003")
    }

    @Test func aPageWithoutATitleGetsOneFromItsId() throws {
        let zip = try Self.zipCSV(Self.twinCSV) { d in
            let f = d.appendingPathComponent("content.csv")
            let text = try String(contentsOf: f, encoding: .utf8)
            try text.replacingOccurrences(of: "2003,,PAGE,Notes,", with: "2003,,PAGE,,").write(to: f, atomically: true, encoding: .utf8)
        }
        let (_, files) = try Support.convert(zip)
        let meta = try Support.json(try #require(files["articles/TWIN/page-2003.json"]))
        #expect(meta["title"] as? String == "Untitled page 2003")
        let report = try Support.json(try #require(files["report.json"]))
        let codes = (report["diagnostics"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String }
        #expect(codes.contains("empty-title"))
    }

    @Test func compressedBodiesAreDecoded() throws {
        let storage = "<p>Squeezed <strong>body</strong> text.</p>"
        let dir = Support.tempDir("zstd")
        let raw = dir.appendingPathComponent("b.xml")
        try Data(storage.utf8).write(to: raw)
        try Support.run("/usr/bin/zstd", ["-q", "-f", raw.path, "-o", dir.appendingPathComponent("b.zst").path])
        let encoded = try Data(contentsOf: dir.appendingPathComponent("b.zst")).base64EncodedString()
        #expect(encoded.hasPrefix("KLUv/"))
        let zip = try Self.zipCSV(Self.twinCSV) { d in
            let f = d.appendingPathComponent("bodycontent.csv")
            var lines = try String(contentsOf: f, encoding: .utf8).components(separatedBy: "\r\n")
            if let i = lines.firstIndex(where: { $0.hasPrefix("6003,") }) {
                // The Notes body spans lines; replace the record up to its content id.
                var j = i
                while !lines[j].contains(",2003,2") { j += 1 }
                lines.replaceSubrange(i...j, with: ["6003,\(encoded),2003,2"])
            }
            // The blog post includes the compressed page: the include goes through the same decoding.
            if let k = lines.firstIndex(where: { $0.hasPrefix("6004,") }) {
                lines[k] = #"6004,"<p>Before.</p><ac:structured-macro ac:name=""include""><ac:parameter ac:name=""""><ac:link><ri:page ri:content-title=""Notes"" /></ac:link></ac:parameter></ac:structured-macro>",2004,2"#
            }
            try lines.joined(separator: "\r\n").write(to: f, atomically: true, encoding: .utf8)
        }
        let (_, files) = try Support.convert(zip)
        #expect(String(decoding: files["articles/TWIN/notes.md"]!, as: UTF8.self) == "Squeezed **body** text.\n")
        let launch = String(decoding: try #require(files.first { $0.key.hasSuffix("/launch.md") }?.value), as: UTF8.self)
        #expect(launch == "Before.\n\nSqueezed **body** text.\n")
        // preview converts every page exactly as convert wrote it, the compressed body and the include too.
        let r = try Support.cli(["preview", zip.path, "--all", "--format", "json"])
        #expect(r.status == 0)
        let pages = r.stdout.split(separator: "\n").compactMap { try? Support.json(Data($0.utf8)) }
        #expect(pages.count >= 4)
        for p in pages {
            let path = try #require(p["markdownPath"] as? String)
            #expect(p["markdown"] as? String == String(decoding: try #require(files[path]), as: UTF8.self), "\(path)")
        }
        #expect(!r.stdout.contains("KLUv/"))
    }
}

@Suite struct CSVReaderTests {
    func parse(_ text: String, chunk: Int = 3) throws -> [[String]] {
        let bytes = Array(text.utf8)
        var offset = 0
        var rows: [[String]] = []
        try CSVReader().read({ buffer in
            let n = min(chunk, buffer.count, bytes.count - offset)
            if n > 0 { bytes.withUnsafeBytes { buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[offset..<(offset + n)])) } }
            offset += n
            return n
        }) { rows.append($0) }
        return rows
    }

    @Test func plainFieldsAndCRLF() throws {
        #expect(try parse("a,b,c\r\n1,2,3\r\n") == [["a", "b", "c"], ["1", "2", "3"]])
    }

    @Test func quotedCommasQuotesAndNewlines() throws {
        let rows = try parse("id,body\r\n1,\"a, \"\"quoted\"\"\r\nline\nnext\"\r\n2,\"\"\r\n")
        #expect(rows == [["id", "body"], ["1", "a, \"quoted\"\r\nline\nnext"], ["2", ""]])
    }

    @Test func emptyFieldsAndNoFinalNewline() throws {
        #expect(try parse("a,,c\n,,\nx") == [["a", "", "c"], ["", "", ""], ["x"]])
    }

    @Test func chunkBoundariesDoNotMatter() throws {
        let text = "h1,h2\r\n\"x\"\"y\",\"1\r\n2\"\r\n"
        for chunk in 1...8 { #expect(try parse(text, chunk: chunk) == [["h1", "h2"], ["x\"y", "1\r\n2"]]) }
    }

    @Test func unicodeSurvives() throws {
        #expect(try parse("t\nCafé ☕,\"Ünïcode, ✓\"\n") == [["t"], ["Café ☕", "Ünïcode, ✓"]])
    }

    /// Random tables written by RFC 4180's rule (a field with a comma, quote, CR or LF quoted, its quotes doubled)
    /// read back as they were, whatever the chunk size; random bytes (malformed quoting included) read the same at
    /// every chunk size.
    @Test func randomTablesReadBackAtAnyChunkSize() throws {
        var g = SystemRandomNumberGenerator()
        let alphabet: [Character] = ["a", "b", " ", ",", "\"", "\r", "\n", "é", "☕", "0"]
        for _ in 0..<300 {
            let rows: [[String]] = (0..<Int.random(in: 1...5, using: &g)).map { _ in
                (0..<Int.random(in: 1...4, using: &g)).map { _ in
                    String((0..<Int.random(in: 0...12, using: &g)).map { _ in alphabet.randomElement(using: &g)! })
                }
            }.filter { !($0.count == 1 && $0[0].isEmpty) }  // a blank line is no record
            let text = rows.map { row in
                row.map { f in f.utf8.contains(where: { $0 == 44 || $0 == 34 || $0 == 13 || $0 == 10 }) ? "\"" + f.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : f }
                    .joined(separator: ",")
            }.joined(separator: "\r\n") + "\r\n"
            for chunk in [1, 2, 7, 65536] { #expect(try parse(text, chunk: chunk) == rows, "\(text.debugDescription) at \(chunk)") }
            let noise = String((0..<Int.random(in: 0...40, using: &g)).map { _ in alphabet.randomElement(using: &g)! })
            let whole = try parse(noise, chunk: 65536)
            for chunk in [1, 3] { #expect(try parse(noise, chunk: chunk) == whole, "\(noise.debugDescription) at \(chunk)") }
        }
    }

    @Test func oversizedFieldIsAnError() throws {
        var reader = CSVReader()
        reader.maxFieldBytes = 10
        let bytes = Array("a\n\"0123456789ABCDEF\"\n".utf8)
        var offset = 0
        #expect(throws: CSVReader.FieldTooLarge.self) {
            try reader.read({ buffer in
                let n = min(buffer.count, bytes.count - offset)
                if n > 0 { bytes.withUnsafeBytes { buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[offset..<(offset + n)])) } }
                offset += n
                return n
            }) { _ in }
        }
    }
}
