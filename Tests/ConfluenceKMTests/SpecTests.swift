import Foundation
import Testing

@testable import ConfluenceKM

/// Spec files (Tests/ConfluenceKMTests/Specs/*.spec): storage XHTML → expected Markdown → checks on the HTML that
/// cmark-gfm renders from it.
///
/// ```
/// === case name
/// <p>storage XHTML</p>
/// ~~~~ markdown
/// expected Markdown
/// ~~~~ html
/// <p>a fragment the cmark-gfm HTML must contain</p>
/// !a fragment it must not contain
/// ```
/// A `~~~~ model` section tests the reader alone: the document the reader builds (before any pass), as
/// ``DocumentDump`` writes it. A case with no storage and a `~~~~ model` section tests the writer alone: that
/// model, written as Markdown, must give the `~~~~ markdown` section.
/// A case may set `~~~~ settings` (`tables=html`, `macro:NAME=POLICY`, `base-url=…`) and `~~~~ diagnostics`
/// (codes that must be reported). `RECORD_SPECS=1` fills in an empty markdown section (a missing golden is written
/// and the test fails; CI never sets it).
struct SpecCase: CustomTestStringConvertible, Sendable {
    var file: String
    var name: String
    var storage: String
    var markdown: String?
    var model: String?
    var html: [String] = []
    var settings: [String] = []
    var diagnostics: [String] = []
    var testDescription: String { "\(file): \(name)" }
}

enum Specs {
    static let folder = Support.repoRoot.appendingPathComponent("Tests/ConfluenceKMTests/Specs")

    static func load() -> [SpecCase] {
        var cases: [SpecCase] = []
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).filter { $0.hasSuffix(".spec") }.sorted()
        for f in files {
            let text = (try? String(contentsOf: folder.appendingPathComponent(f), encoding: .utf8)) ?? ""
            var current: SpecCase?
            var section = "storage"
            var lines: [String] = []
            func close() {
                guard var c = current else { return }
                let body = lines.joined(separator: "\n")
                switch section {
                case "storage": c.storage = body
                case "markdown": c.markdown = body
                case "model": c.model = body
                case "html": c.html = lines.filter { !$0.isEmpty }
                case "settings": c.settings = lines.filter { !$0.isEmpty }
                case "diagnostics": c.diagnostics = lines.filter { !$0.isEmpty }
                default: break
                }
                current = c
                lines = []
            }
            for line in text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
                if line.hasPrefix("=== ") {
                    close()
                    if let c = current { cases.append(c) }
                    current = SpecCase(file: f, name: String(line.dropFirst(4)), storage: "")
                    section = "storage"
                } else if line.hasPrefix("~~~~ "), current != nil {
                    close()
                    section = String(line.dropFirst(5)).trimmingCharacters(in: .whitespaces)
                } else if current != nil {
                    lines.append(line)
                }
            }
            close()
            if let c = current { cases.append(c) }
        }
        return cases.map { c in
            var c = c
            // Trailing blank lines of a section separate cases; they are not content.
            while c.storage.hasSuffix("\n") { c.storage.removeLast() }
            if var m = c.markdown { while m.hasSuffix("\n") { m.removeLast() }; c.markdown = m }
            if var m = c.model { while m.hasSuffix("\n") { m.removeLast() }; c.model = m }
            return c
        }
    }

    /// The fixed world every case is converted in.
    struct Targets: LinkTargets {
        func contentId(spaceKey: String, title: String, blogPost: Bool) -> String? {
            switch (spaceKey, title, blogPost) {
            case ("DOC", "Target Page", false): "200"
            case ("DOC", "Current Page", false): "100"
            case ("OTHER", "Elsewhere", false): "300"
            case ("DOC", "News Post", true): "400"
            case ("DOC", "Child Page", false): "201"
            default: nil
            }
        }
        func articlePath(id: String) -> String? {
            ["100": "articles/DOC/current-page.md", "200": "articles/DOC/target-page.md", "201": "articles/DOC/child-page.md",
             "300": "articles/OTHER/elsewhere.md", "400": "articles/DOC/news-post.md"][id]
        }
        func attachmentPath(contentId: String, fileName: String) -> String? {
            let files: [String: [String]] = ["100": ["file.png", "report.pdf", "my diagram.png", "flow", "flow.png", "notes (v2).txt"],
                                             "200": ["other.txt"]]
            guard files[contentId]?.contains(fileName) == true else { return nil }
            return "attachments/DOC/\(contentId)/\(fileName)"
        }
        func userName(_ key: String) -> String? { ["u1": "alice", "557058:aaaa-bbbb": "bob", "alice": "alice"][key] }
        func spaceHome(spaceKey: String) -> String? { ["OTHER": "300", "DOC": "100"][spaceKey] }
        func children(of id: String) -> [String] { ["100": ["201", "200"], "201": []][id] ?? [] }
        func parent(of id: String) -> String? { ["201": "100", "200": "100"][id] }
        func roots(spaceKey: String) -> [String] { ["DOC": ["100"], "OTHER": ["300"]][spaceKey] ?? [] }
        func title(of id: String) -> String? {
            ["100": "Current Page", "200": "Target Page", "201": "Child Page", "300": "Elsewhere", "400": "News Post"][id]
        }
        func attachments(of id: String) -> [(fileName: String, path: String)] {
            id == "100" ? [("file.png", "attachments/DOC/100/file.png"), ("report.pdf", "attachments/DOC/100/report.pdf")] : []
        }
    }

    /// Bodies of the fixed world's other pages, for include macros.
    static let bodies: [String: String] = [
        "200": #"<p>Included <strong>text</strong>.</p><ac:structured-macro ac:name="excerpt"><ac:parameter ac:name="hidden">true</ac:parameter><ac:rich-text-body><p>The excerpt.</p></ac:rich-text-body></ac:structured-macro>"#,
        "300": #"<p>Elsewhere includes back:</p><ac:structured-macro ac:name="include"><ac:parameter ac:name=""><ac:link><ri:page ri:space-key="DOC" ri:content-title="Current Page" /></ac:link></ac:parameter></ac:structured-macro>"#,
        "100": #"<p>Current body.</p>"#,
    ]

    static let page = PageContext(id: "100", title: "Current Page", spaceKey: "DOC", path: "articles/DOC/current-page.md")

    /// The pipeline of the fixed world: its targets, and its other pages' bodies for include macros.
    static func pipeline(_ settings: [String]) -> BodyPipeline {
        BodyPipeline(targets: Targets(), settings: Self.settings(settings)) { id in
            let t = Targets()
            guard let body = bodies[id], let title = t.title(of: id), let path = t.articlePath(id: id) else { return nil }
            return StoredBody(text: body, page: PageContext(id: id, title: title, spaceKey: path.split(separator: "/")[1].description, path: path))
        }
    }

    static func settings(_ lines: [String]) -> ConversionSettings {
        var s = ConversionSettings()
        for l in lines {
            if l.hasPrefix("tables=") { s.tables = ConversionSettings.TableMode(rawValue: String(l.dropFirst(7)))! }
            if l.hasPrefix("base-url=") { s.baseURL = String(l.dropFirst(9)) }
            if l.hasPrefix("source-url=") { s.sourceURLs.append(String(l.dropFirst(11))) }
            if l.hasPrefix("flavor=") { s.flavor = Flavor(rawValue: String(l.dropFirst(7)))! }
            if l == "keep-secrets" { s.keepSecrets = true }
            if l.hasPrefix("macro:") {
                let kv = l.dropFirst(6).split(separator: "=")
                s.macros[String(kv[0])] = ConversionSettings.MacroPolicy(rawValue: String(kv[1]))!
            }
        }
        return s
    }

    /// The HTML libcmark-gfm renders (the GFM extensions, footnotes, the tag filter; Debian's cmark-gfm command has
    /// no footnote option, so the library is called directly).
    static func cmark(_ markdown: String) throws -> String {
        CmarkDocument.renderGFM(markdown)
    }
}

@Suite struct SpecTests {
    static let cases = Specs.load()

    @Test func thereAreAtLeast150Cases() {
        #expect(Self.cases.count >= 150, "\(Self.cases.count) spec cases")
    }

    /// Cases with storage (the writer-only ones have none).
    static let storageCases = cases.filter { !$0.storage.isEmpty || $0.model == nil }

    @Test(arguments: storageCases)
    func storageConvertsToTheExpectedMarkdown(_ c: SpecCase) throws {
        let out = Specs.pipeline(c.settings).convert(StoredBody(text: c.storage, bodyType: c.settings.contains("wiki") ? 0 : 2, page: Specs.page))
        let markdown = out.markdown.hasSuffix("\n") ? String(out.markdown.dropLast()) : out.markdown
        guard let expected = c.markdown else {
            Issue.record("no expected markdown in \(c.file): \(c.name)")
            return
        }
        if expected.isEmpty && !markdown.isEmpty && ProcessInfo.processInfo.environment["RECORD_SPECS"] == "1" {
            try record(c, markdown)
            Issue.record("recorded a golden for \(c.name); review it")
            return
        }
        #expect(markdown == expected)
        let codes = Set(out.diagnostics.map(\.code.rawValue))
        for d in c.diagnostics { #expect(codes.contains(d), "diagnostic \(d) expected, got \(codes.sorted())") }
        if c.diagnostics.isEmpty && c.storage.contains("ac:structured-macro") == false {
            #expect(!codes.contains("unsupported-macro"))
        }
        // What the Markdown means, as a real GFM renderer sees it.
        let html = try Specs.cmark(markdown)
        for check in c.html {
            if check.hasPrefix("!") {
                #expect(!html.contains(String(check.dropFirst())), "HTML must not contain \(check.dropFirst()):\n\(html)")
            } else {
                #expect(html.contains(check), "HTML must contain \(check):\n\(html)")
            }
        }
        for forbidden in [#"<script"#, #"<iframe"#, #"(href|src)="\s*javascript:"#, #"<[a-z][^>]*\son[a-z]+\s*="#] {
            #expect(html.lowercased().range(of: forbidden, options: .regularExpression) == nil, "active content in:\n\(html)")
        }
        let visible = Support.withoutComments(markdown)
        #expect(!visible.contains("<ac:") && !visible.contains("<ri:"), "storage markup leaks")
    }

    @Test(arguments: cases.filter { $0.model != nil })
    func theReaderAloneAndTheWriterAlone(_ c: SpecCase) throws {
        let expected = try #require(c.model)
        if c.storage.isEmpty {
            // Writer only: the model as written in the spec, then Markdown.
            let blocks = try DocumentDump.parse(expected)
            #expect(DocumentDump.dump(blocks).dropLast() == expected[...], "the dump reads back as it was written")
            var markdown = MarkdownWriter(tables: Specs.settings(c.settings).tables).render(blocks)
            if markdown.hasSuffix("\n") { markdown.removeLast() }
            #expect(markdown == c.markdown)
            return
        }
        // Reader only: storage to the model, no pass run.
        let body = StoredBody(text: c.storage, bodyType: c.settings.contains("wiki") ? 0 : 2, page: Specs.page)
        let (document, _) = Specs.pipeline(c.settings).read(body, log: DiagnosticLog(page: Specs.page))
        var dump = DocumentDump.dump(document.blocks)
        if dump.hasSuffix("\n") { dump.removeLast() }
        if expected.isEmpty && !dump.isEmpty && ProcessInfo.processInfo.environment["RECORD_SPECS"] == "1" {
            try record(c, dump, section: "model")
            Issue.record("recorded a model for \(c.name); review it")
            return
        }
        #expect(dump == expected)
        #expect(try DocumentDump.parse(dump) == document.blocks, "the dump reads back into the same model")
    }

    /// Every node kind of the model has a reader-only case and a writer-only case (Span: writers only; no reader
    /// builds one yet).
    @Test func everyNodeKindHasReaderAndWriterCases() {
        let all: Set<String> = ["Paragraph", "Heading", "CodeBlock", "BlockQuote", "List", "Item", "Table", "Row", "Cell",
                                "ThematicBreak", "Panel", "Title", "Details", "Summary", "Raw", "Div", "Generated", "Text",
                                "Emphasis", "Strong", "Strikethrough", "Inserted", "Subscript", "Superscript", "Code", "Link",
                                "Image", "LineBreak", "Anchor", "Status", "Mention", "Span"]
        func names(_ cases: [SpecCase]) -> Set<String> {
            Set(cases.flatMap { ($0.model ?? "").split(separator: "\n").compactMap { $0.split(separator: " ").first.map(String.init) } })
        }
        let reader = names(Self.cases.filter { !$0.storage.isEmpty }), writer = names(Self.cases.filter { $0.storage.isEmpty })
        #expect(all.subtracting(["Span"]).subtracting(reader).isEmpty, "no reader case for \(all.subtracting(reader).sorted())")
        #expect(all.subtracting(writer).isEmpty, "no writer case for \(all.subtracting(writer).sorted())")
    }

    private static let recordLock = NSLock()

    private func record(_ c: SpecCase, _ markdown: String, section: String = "markdown") throws {
        Self.recordLock.lock()
        defer { Self.recordLock.unlock() }
        let url = Specs.folder.appendingPathComponent(c.file)
        var text = try String(contentsOf: url, encoding: .utf8)
        let marker = "=== \(c.name)\n"
        guard let start = text.range(of: marker),
              let md = text.range(of: "~~~~ \(section)\n", range: start.upperBound..<text.endIndex) else { return }
        text.insert(contentsOf: markdown + "\n", at: md.upperBound)
        try text.write(to: url, atomically: true, encoding: .utf8)
    }
}

@Suite struct DocumentationTests {
    /// The diagnostic codes are a closed type, and README's table explains exactly those: each code is in it,
    /// and no row names a code the tool cannot emit.
    @Test func readmeExplainsExactlyTheDiagnosticCodes() throws {
        let readme = try String(contentsOf: Support.repoRoot.appendingPathComponent("README.md"), encoding: .utf8)
        let rows = readme.split(separator: "\n").filter { $0.hasPrefix("| `") && ($0.contains("| info") || $0.contains("| warning") || $0.contains("| error")) }
        let documented = Set(rows.compactMap { $0.split(separator: "`").dropFirst().first.map(String.init) })
        let declared = Set(DiagnosticCode.allCases.map(\.rawValue))
        #expect(declared.count > 40)
        #expect(declared.subtracting(documented).isEmpty, "not explained in README: \(declared.subtracting(documented).sorted())")
        #expect(documented.subtracting(declared).isEmpty, "README explains codes the tool does not have: \(documented.subtracting(declared).sorted())")
    }
}
