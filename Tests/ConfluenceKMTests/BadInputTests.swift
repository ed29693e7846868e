import Foundation
import Testing

/// Bad input: one line naming the file and what is wrong, exit 1, nothing left at the output.
@Suite struct BadInputTests {
    func expectFailure(_ input: URL, contains words: [String], _ comment: Comment? = nil) throws {
        let out = Support.tempDir("bad").appendingPathComponent("bundle")
        let r = try Support.cli(["convert", input.path, "--output", out.path])
        #expect(r.status == 1, "exit code")
        let lines = r.stderr.split(separator: "\n")
        #expect(lines.count == 1, "one line: \(r.stderr)")
        #expect(r.stderr.contains(input.path), "names the file: \(r.stderr)")
        for w in words { #expect(r.stderr.contains(w), "message mentions '\(w)': \(r.stderr)") }
        #expect(!FileManager.default.fileExists(atPath: out.path), "no output folder left")
        let siblings = (try? FileManager.default.contentsOfDirectory(atPath: out.deletingLastPathComponent().path)) ?? []
        #expect(siblings.isEmpty, "no temporary folder left: \(siblings)")
    }

    func zipFrom(_ files: [String: String]) throws -> URL {
        let dir = Support.tempDir("src")
        for (path, content) in files {
            let u = dir.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: u.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(content.utf8).write(to: u)
        }
        let zip = Support.tempDir("zip").appendingPathComponent("export.zip")
        try Support.zip(folder: dir, to: zip)
        return zip
    }

    @Test func notAZip() throws {
        let f = Support.tempDir().appendingPathComponent("export.zip")
        try Data("this is a PDF, honestly".utf8).write(to: f)
        try expectFailure(f, contains: ["not a ZIP archive"])
    }

    @Test func missingFile() throws {
        try expectFailure(URL(fileURLWithPath: "/nonexistent/export.zip"), contains: ["cannot open"])
    }

    @Test func noEntitiesXML() throws {
        try expectFailure(try zipFrom(["index.html": "<html></html>", "exportDescriptor.properties": "exportType=space\n"]),
                          contains: ["no entities.xml"])
    }

    @Test func malformedEntities() throws {
        let zip = try zipFrom([
            "entities.xml": "<?xml version=\"1.0\"?>\n<hibernate-generic>\n<object class=\"Page\"><id name=\"id\">1</id>\n</hibernate-generic>\n",
            "exportDescriptor.properties": "exportType=space\n",
        ])
        try expectFailure(zip, contains: ["entities.xml is malformed", "line"])
    }

    @Test func truncatedArchive() throws {
        let full = try Data(contentsOf: try FixtureExportTests.zipped())
        let f = Support.tempDir().appendingPathComponent("export.zip")
        try full.prefix(full.count * 2 / 3).write(to: f)
        try expectFailure(f, contains: ["truncated or corrupt"])
    }

    @Test func csvExportWithoutContentTable() throws {
        try expectFailure(try zipFrom(["exportDescriptor.properties": "exportFormat=csv\n", "spaces.csv": "spaceid,spacekey,spacename\r\n"]),
                          contains: ["no content.csv table"])
    }

    @Test func usageErrorsExit64() throws {
        let r = try Support.cli(["convert", "x.zip"])
        #expect(r.status == 64)
        let tz = try Support.cli(["convert", "x.zip", "-o", "/tmp/x", "--timezone", "Mars/Olympus"])
        #expect(tz.status == 64)
        #expect(tz.stderr.contains("--timezone"))
    }
}
