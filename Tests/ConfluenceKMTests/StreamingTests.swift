import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import ConfluenceKM

/// The pieces the fast path is built from: the read-ahead thread, the UTF-8 sanitizer fed in odd chunks, and the
/// JSON writer that replaced JSONEncoder for metadata and the manifest.
@Suite struct StreamingTests {
    /// A source that hands out `bytes` a few at a time (sizes cycling through `steps`), then fails if `failAt` is set.
    final class ChunkedSource: @unchecked Sendable {
        let bytes: [UInt8]
        let steps: [Int]
        let failAt: Int?
        private let lock = NSLock()
        private var position = 0, step = 0
        private(set) var callsAfterFinish = 0
        var finished = false

        init(_ bytes: [UInt8], steps: [Int], failAt: Int? = nil) {
            self.bytes = bytes
            self.steps = steps
            self.failAt = failAt
        }

        struct Failure: Error {}

        func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
            lock.lock()
            defer { lock.unlock() }
            if finished { callsAfterFinish += 1 }
            if let failAt, position >= failAt { throw Failure() }
            var n = min(steps[step % steps.count], buffer.count, bytes.count - position)
            if let failAt { n = min(n, failAt - position) }
            step += 1
            bytes.withUnsafeBytes { buffer.baseAddress!.copyMemory(from: $0.baseAddress! + position, byteCount: n) }
            position += n
            return n
        }
    }

    static func drain(_ read: (UnsafeMutableRawBufferPointer) throws -> Int, bufferSize: Int) throws -> [UInt8] {
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: bufferSize)
        while true {
            let n = try buffer.withUnsafeMutableBytes { try read($0) }
            if n == 0 { return out }
            out += buffer[0..<n]
        }
    }

    @Test func readAheadHandsOnEveryByteInOrder() throws {
        let bytes = (0..<1_000_003).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 9) }
        for (chunk, depth, reads) in [(1 << 10, 1, 7), (1 << 16, 4, 4096), (333, 2, 100_000)] {
            let source = ChunkedSource(bytes, steps: [1, 4000, 17, 65536, 3])
            let ahead = ReadAhead(chunkSize: chunk, depth: depth) { try source.read(into: $0) }
            #expect(try Self.drain({ try ahead.read(into: $0) }, bufferSize: reads) == bytes)
            ahead.finish()
        }
    }

    @Test func readAheadPassesOnTheSourceErrorWhereItHappened() throws {
        let bytes = [UInt8](repeating: 7, count: 300_000)
        let source = ChunkedSource(bytes, steps: [5000], failAt: 123_456)
        let ahead = ReadAhead(chunkSize: 1 << 12, depth: 3) { try source.read(into: $0) }
        var got = 0
        var buffer = [UInt8](repeating: 0, count: 1000)
        #expect(throws: ChunkedSource.Failure.self) {
            while true {
                let n = try buffer.withUnsafeMutableBytes { try ahead.read(into: $0) }
                if n == 0 { break }
                got += n
            }
        }
        #expect(got == 123_456, "every byte before the error arrives first")
        ahead.finish()
    }

    @Test func readAheadStopsReadingWhenFinishedEarly() throws {
        let source = ChunkedSource([UInt8](repeating: 1, count: 50_000_000), steps: [1 << 16])
        let ahead = ReadAhead(chunkSize: 1 << 16, depth: 2) { try source.read(into: $0) }
        var buffer = [UInt8](repeating: 0, count: 10)
        _ = try buffer.withUnsafeMutableBytes { try ahead.read(into: $0) }
        ahead.finish()
        source.finished = true
        Thread.sleep(forTimeInterval: 0.05)
        #expect(source.callsAfterFinish == 0, "the source is never used once finish() returned")
    }

    @Test func sanitizerKeepsValidUTF8WhateverTheChunkBoundaries() throws {
        let text = String(repeating: "ascii é ü 日本語 😀 \u{10FFFF} end ", count: 400)
        let bytes = Array(text.utf8)
        for steps in [[1], [2], [3], [5, 7], [1 << 16], [8, 1, 9, 2]] {
            let source = ChunkedSource(bytes, steps: steps)
            let clean = UTF8Sanitizer { try source.read(into: $0) }
            #expect(try Self.drain({ try clean.read(into: $0) }, bufferSize: 777) == bytes)
            #expect(clean.replacements == 0)
        }
    }

    @Test func sanitizerReplacesEachBadByteWhateverTheChunkBoundaries() throws {
        // A lone continuation byte, an overlong form, a surrogate, a cut sequence before ASCII, one cut at the end.
        let bad: [UInt8] = Array("a".utf8) + [0x80] + Array("b".utf8) + [0xC0, 0xAF] + [0xED, 0xA0, 0x80] + [0xE6, 0x97]
            + Array("ok".utf8) + [0xF0, 0x9F, 0x98]
        let expected = "a\u{FFFD}b\u{FFFD}\u{FFFD}\u{FFFD}\u{FFFD}\u{FFFD}\u{FFFD}\u{FFFD}ok\u{FFFD}"
        for steps in [[1], [2], [3], [4], [1 << 16]] {
            let source = ChunkedSource(bad, steps: steps)
            let clean = UTF8Sanitizer { try source.read(into: $0) }
            let out = try Self.drain({ try clean.read(into: $0) }, bufferSize: 5)
            #expect(String(decoding: out, as: UTF8.self) == expected, "steps \(steps)")
            #expect(clean.replacements == 9)
        }
    }

    @Test func sanitizerTurnsCharactersXMLForbidsIntoStandInsWhateverTheChunkBoundaries() throws {
        // Random runs of ASCII (tabs, newlines, CR and forbidden controls among them), UTF-8 and U+FFFE/U+FFFF,
        // against a byte-by-byte reading of what the stand-ins must be.
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<40 {
            var input: [UInt8] = []
            var expected: [UInt8] = []
            for _ in 0..<Int.random(in: 1...400, using: &rng) {
                switch Int.random(in: 0..<10, using: &rng) {
                case 0: let b = UInt8.random(in: 0..<0x20, using: &rng); input.append(b)
                    expected += XMLChars.isForbidden(b) ? XMLChars.standIn(b) : [b]
                case 1: input += [0xEF, 0xBF, 0xBF]; expected += XMLChars.standInFFFF
                case 2: input += [0xEF, 0xBF, 0xBE]; expected += XMLChars.standInFFFE
                case 3: input += Array("é😀".utf8); expected += Array("é😀".utf8)
                default: let b = UInt8.random(in: 0x20..<0x80, using: &rng); input.append(b); expected.append(b)
                }
            }
            for steps in [[1], [3], [8], [7, 9], [1 << 16]] {
                let source = ChunkedSource(input, steps: steps)
                let clean = UTF8Sanitizer { try source.read(into: $0) }
                #expect(try Self.drain({ try clean.read(into: $0) }, bufferSize: 64) == expected, "steps \(steps)")
                #expect(clean.replacements == 0)
            }
        }
    }

    static func sample(_ n: Int) -> ArticleMetadata {
        let tricky = "q\"uote\\ back/slash\n\r\t\u{8}\u{C}\u{1}\u{1F}\u{7F} é 😀 \u{2028} #\(n)"
        var m = ArticleMetadata(
            id: "\(n)", type: n % 2 == 0 ? .page : .blogpost, title: tricky, author: n % 3 == 0 ? nil : "ann",
            lastUpdated: "2024-01-0\(n % 9 + 1)T00:00:00Z", created: nil, tags: n % 2 == 0 ? [] : ["b", "a", tricky],
            category: "Space", spaceKey: "SP", parentId: n % 4 == 0 ? nil : "9", ancestors: n % 2 == 0 ? [] : ["1", "9"],
            position: n % 5 == 0 ? nil : -n, version: n, markdown: "articles/SP/p-\(n).md",
            attachments: [], access: Access(restricted: n % 2 == 0, roles: ["r"], users: [], editRoles: [], editUsers: ["u"]))
        if n % 3 == 1 {
            m.attachments = [AttachmentMetadata(id: "a\(n)", fileName: tricky, mediaType: nil, bytes: Int64(n) << 33,
                                                sha256: String(repeating: "ab", count: 32), path: "attachments/SP/\(n)/f", version: 2)]
        }
        if n % 3 == 2 { m.comments = "articles/SP/p-\(n).comments.md" }
        return m
    }

    @Test func metadataJSONSaysWhatJSONEncoderSays() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        for n in 0..<24 {
            let meta = Self.sample(n)
            let mine = JSONText.document { meta.writeJSON(&$0) }
            let theirs = try encoder.encode(meta)
            let a = try JSONDecoder().decode(JSONValue.self, from: Data(mine))
            let b = try JSONDecoder().decode(JSONValue.self, from: theirs)
            #expect(a == b, "article \(n)")
            // The fixed field order is the sorted order: writing the decoded value (keys sorted by the writer) gives the
            // same bytes.
            #expect(JSONText.document { $0.value(a) } == mine, "article \(n): fields in sorted order")
            #expect(mine.last == 0x0A)
        }
    }

    @Test func jsonTextEscapesAndNests() throws {
        let value = JSONValue.object([
            "b": .array([.number(1), .number(-2.5), .null, .bool(true), .array([]), .object([:])]),
            "a": .string("\u{0}\u{1F}\"\\/é"), "B": .number(1e20), "é": .bool(false),
        ])
        let text = String(decoding: JSONText.document { $0.value(value) }, as: UTF8.self)
        #expect(text == """
            {
              "B" : 1e+20,
              "a" : "\\u0000\\u001f\\"\\\\/é",
              "b" : [
                1,
                -2.5,
                null,
                true,
                [],
                {}
              ],
              "é" : false
            }

            """)
        #expect(try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)) == value)
    }

    @Test func jsonTextFlushesInPiecesThatAddUpToTheWhole() throws {
        var pieces: [[UInt8]] = []
        var t = JSONText(flushAt: 100) { pieces.append($0) }
        t.beginArray()
        for i in 0..<1000 {
            t.element()
            t.string("item \(i)")
            try t.flushIfNeeded()
        }
        t.endArray()
        try t.finish()
        #expect(pieces.count > 10)
        #expect(pieces.dropLast().allSatisfy { $0.count >= 100 && $0.count < 200 })
        let whole = pieces.flatMap { $0 }
        #expect(try JSONDecoder().decode([String].self, from: Data(whole)) == (0..<1000).map { "item \($0)" })
    }

    /// The text of a document's root (CDATA merged into text, comments and processing instructions left out), or
    /// nil when it is not well-formed: read with Foundation's XMLParser, independent of the library's own reader.
    static func rootText(_ bytes: [UInt8]) -> String? {
        final class Collect: NSObject, XMLParserDelegate {
            var text = Data()
            func parser(_ parser: XMLParser, foundCharacters string: String) { text.append(contentsOf: Array(string.utf8)) }
            func parser(_ parser: XMLParser, foundCDATA CDATABlock: Data) { text.append(CDATABlock) }
        }
        let parser = XMLParser(data: Data(bytes))
        let collect = Collect()
        parser.delegate = collect
        guard parser.parse() else { return nil }
        return String(decoding: collect.text, as: UTF8.self)
    }

    static func split(_ bytes: [UInt8], limit: Int, chunk: Int) -> [UInt8] {
        var splitter = CDATASplitter(limit: limit)
        var out: [UInt8] = []
        bytes.withUnsafeBufferPointer { all in
            var i = 0
            while i < all.count {
                let end = min(all.count, i + chunk)
                splitter.process(UnsafeBufferPointer(rebasing: all[i..<end]), into: &out)
                i = end
            }
        }
        splitter.process(UnsafeBufferPointer(start: nil, count: 0), into: &out, end: true)
        return out
    }

    @Test func cdataSplitterChangesNoTextWhateverTheChunksAndLimit() throws {
        var rng = SystemRandomNumberGenerator()
        let pieces = ["x", "]", "]]", ">", "é", "😀", "<![CDATA[", "-->", "?>", "abc", " "]
        for round in 0..<60 {
            var doc = "<?xml version=\"1.0\"?><r a=\"1\">"
            for _ in 0..<Int.random(in: 1...12, using: &rng) {
                switch Int.random(in: 0..<5, using: &rng) {
                case 0: doc += "text &amp; more é"
                case 1: doc += "<!-- <![CDATA[ ]] -->"
                case 2: doc += "<?pi <![CDATA[ ]]> ?>"
                case 3: doc += "<e><![CDATA[]]></e>"
                default:
                    var body = ""
                    for _ in 0..<Int.random(in: 0...40, using: &rng) { body += pieces.randomElement(using: &rng)! }
                    doc += "<![CDATA[" + body.replacingOccurrences(of: "]]>", with: "]] >") + "]]>"
                }
            }
            doc += "</r>"
            let bytes = Array(doc.utf8)
            let expected = try #require(Self.rootText(bytes), "round \(round): the test document is well-formed")
            for limit in [1, 2, 5, 64] {
                for chunk in [1, 2, 3, 7, 1000] {
                    let out = Self.split(bytes, limit: limit, chunk: chunk)
                    #expect(Self.rootText(out) == expected, "round \(round), limit \(limit), chunk \(chunk): \(doc)")
                }
            }
        }
    }

    @Test func cdataSplitterCutsLongSections() throws {
        let body = String(repeating: "abcdé😀", count: 10_000)
        let doc = Array("<r><![CDATA[\(body)]]></r>".utf8)
        let out = Self.split(doc, limit: 1000, chunk: 4096)
        let sections = String(decoding: out, as: UTF8.self).components(separatedBy: "<![CDATA[").count - 1
        #expect(sections >= doc.count / 1000 - 1 && sections <= doc.count / 1000 + 2)
        #expect(Self.rootText(out) == body)
    }

    @Test func entitiesReaderSpoolsALongCDATABodyWhole() throws {
        var body = ""
        for i in 0..<20_000 { body += i % 7 == 0 ? "]]] é😀 " : "<p>line \(i) ]</p>" }
        let xml = """
            <?xml version="1.0" encoding="UTF-8"?>
            <hibernate-generic><object class="BodyContent" package="p"><id name="id">7</id>\
            <property name="body"><![CDATA[\(body)]]></property><property name="bodyType">2</property></object></hibernate-generic>
            """
        let source = ChunkedSource(Array(xml.utf8), steps: [65536, 5, 40_000])
        let reader = try EntitiesReader(displayPath: "test") { try source.read(into: $0) }
        let spool = try BodySpool(path: Support.tempDir("spool").appendingPathComponent("s").path)
        var ids: [String] = []
        try reader.forEachObject(wantsClass: { _ in true }, captureText: { _, p, _ in p != "body" }, spool: spool) { ids.append($0.id ?? "") }
        try spool.finishWriting()
        spool.keep { _ in true }
        #expect(ids == ["7"])
        #expect(try spool.body("7") == body)
    }
}
