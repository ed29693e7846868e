import Foundation
import Testing

@testable import ConfluenceKM

/// On every page of Fixtures/ and ../shared/reference-exports: the visible words of the source body appear in the
/// cmark-gfm rendering of the article (≥ 99%), and headings, tables, list items, code blocks (with language),
/// images, links, tasks, panels and expands appear as such; every shortfall has a diagnostic.
@Suite struct VisibleTextTests {
    struct Export: CustomTestStringConvertible, Sendable {
        var name: String
        var zip: @Sendable () throws -> URL
        var testDescription: String { name }
    }

    static var exports: [Export] {
        var out = [Export(name: "Fixtures/acme-site", zip: { try FixtureExportTests.zipped() }),
                   Export(name: "Fixtures/twin-csv", zip: { try CSVExportTests.zipCSV(CSVExportTests.twinCSV) })]
        if FileManager.default.fileExists(atPath: Support.referenceExports.path) {
            for c in ReferenceExportTests.cases {
                out.append(Export(name: c.name, zip: { try ReferenceExportTests.zip(c) }))
            }
            out.append(Export(name: "csv-RJTest.zip", zip: { Support.referenceExports.appendingPathComponent("csv-RJTest.zip") }))
        }
        return out
    }

    /// What a reader of the Confluence page sees, counted from the storage body.
    struct SourceCounts {
        var words: [String: Int] = [:]
        var headings = 0, tables = 0, listItems = 0, codeBlocks = 0, images = 0, links = 0, tasks = 0, panels = 0, expands = 0
        var languages: [String] = []
    }

    static let invisible: Set<String> = ["ac:parameter", "ac:placeholder", "ac:task-id", "ac:task-uuid", "ac:task-status",
                                         "script", "style", "ac:adf-attribute"]

    static func count(_ nodes: [XNode], into c: inout SourceCounts) {
        for n in nodes {
            switch n.kind {
            case .text:
                for w in words(n.text) { c.words[w, default: 0] += 1 }
            case .element:
                let name = n.name
                if invisible.contains(name) { continue }
                switch name {
                case "h1", "h2", "h3", "h4", "h5", "h6":
                    if !words(n.textContent).isEmpty { c.headings += 1 }
                case "table": c.tables += 1
                case "li": c.listItems += 1
                case "ac:task": c.tasks += 1; c.listItems += 1
                case "ac:image": c.images += 1
                // An old emoticon image is an emoticon (written as its character), not a picture.
                case "img": if !(n.attr("src") ?? "").contains("/images/icons/emoticons/") { c.images += 1 }
                case "a": if n.attr("href") != nil { c.links += 1 }
                case "ac:link":
                    if n.child("ri:user") == nil { c.links += 1 }
                case "ac:structured-macro", "ac:macro":
                    let m = (n.attr("ac:name") ?? "").lowercased()
                    if DroppedMacro.names.contains(m) { continue }  // shows computed content; dropped with a diagnostic
                    if m == "excerpt", n.elementChildren.contains(where: { $0.name == "ac:parameter" && $0.attr("ac:name") == "hidden" && $0.textContent == "true" }) { continue }
                    if CodeMacro.names.contains(m) {
                        c.codeBlocks += 1
                        if let lang = n.elementChildren.first(where: { $0.name == "ac:parameter" && $0.attr("ac:name") == "language" })?.textContent {
                            c.languages.append(CodeMacro.normalize(lang))
                        }
                    }
                    if ["info", "note", "warning", "tip", "panel"].contains(m) { c.panels += 1 }
                    if m == "expand" { c.expands += 1 }
                case "ac:adf-extension":
                    // The fallback repeats the node's content; count one of them.
                    if let node = n.child("ac:adf-node"), ["panel", "decision-list"].contains(node.attr("type") ?? "") {
                        count([node], into: &c)
                        continue
                    }
                default: break
                }
                count(n.children, into: &c)
            case .other:
                break
            }
        }
    }

    static func words(_ s: String) -> [String] {
        s.lowercased().split(whereSeparator: { !($0.isLetter || $0.isNumber) }).map(String.init)
    }

    static func htmlText(_ html: String) -> String {
        var t = html.replacingOccurrences(of: "<[^>]*>", with: " ", options: .regularExpression)
        for (e, v) in [("&lt;", "<"), ("&gt;", ">"), ("&quot;", "\""), ("&#39;", "'"), ("&amp;", "&")] {
            t = t.replacingOccurrences(of: e, with: v)
        }
        return t
    }

    static func occurrences(_ needle: String, _ hay: String) -> Int {
        hay.components(separatedBy: needle).count - 1
    }

    @Test(arguments: exports)
    func visibleTextAndConstructsSurvive(_ export: Export) throws {
        _ = try Self.measure(export)
    }

    /// The structure score over every reference export together: each heading, table, list item, code block (and
    /// its language), image, link, task, panel and expand of the sources found as such in the rendering, losses
    /// included (a link to a page the export does not hold counts as lost).
    @Test(.enabled(if: FileManager.default.fileExists(atPath: Support.referenceExports.path), "../shared/reference-exports is not here"))
    func structureSurvivesOnTheReferenceExports() throws {
        let references = Self.exports.filter { !$0.name.hasPrefix("Fixtures/") }
        var found = 0, total = 0
        for e in references {
            let m = try Self.measure(e)
            found += m.found
            total += m.total
        }
        let score = Double(found) / Double(max(1, total))
        print("structure, all reference exports: \(found)/\(total) = \(String(format: "%.2f", score * 100))%")
        #expect(score >= 0.97)
    }

    /// Converts the export, checks every page, and returns its structure count.
    static func measure(_ export: Export) throws -> (found: Int, total: Int) {
        let zip = try export.zip()
        let (bundle, files) = try Support.convert(zip, name: "vt-\(export.name)")
        let report = try Support.json(try #require(files["report.json"]))
        let diagnostics = (report["diagnostics"] as? [[String: Any]]) ?? []
        func diags(_ id: String, _ codes: Set<String>) -> Int {
            diagnostics.filter { ($0["contentId"] as? String) == id && codes.contains($0["code"] as? String ?? "") }.count
        }
        let bodies = try Converter(exportPath: zip.path).currentBodies()
        var total = 0, found = 0
        var structureTotal = 0, structureFound = 0
        let parser = BodyParser()
        for page in bodies where page.bodyType == 2 {
            let parsed = parser.parse(page.body)
            let nodes = parsed.topNodes
            var src = SourceCounts()
            Self.count(nodes, into: &src)
            let md = String(decoding: try #require(files[page.markdownPath]), as: UTF8.self)
            let html = try Specs.cmark(md)
            var out: [String: Int] = [:]
            for w in Self.words(Self.htmlText(html)) { out[w, default: 0] += 1 }
            var pageTotal = 0, pageFound = 0
            for (w, k) in src.words {
                pageTotal += k
                pageFound += min(k, out[w] ?? 0)
            }
            total += pageTotal
            found += pageFound
            let label = "\(export.name) page \(page.id) '\(page.title)'"
            let lossDiagnostics = diags(page.id, ["unsupported-macro", "macro-dropped", "broken-link", "missing-attachment",
                                                  "unsafe-content", "unsafe-link", "malformed-body", "unsupported-element"])
            if pageFound < pageTotal {
                #expect(lossDiagnostics > 0, "\(label): \(pageTotal - pageFound) words lost without a diagnostic")
            }
            #expect(Self.occurrences("<h", html) - Self.occurrences("<hr", html) >= src.headings, "\(label): headings")
            #expect(Self.occurrences("<table", html) >= src.tables, "\(label): tables")
            #expect(Self.occurrences("<li", html) >= src.listItems, "\(label): list items")
            #expect(Self.occurrences("<pre><code", html) >= src.codeBlocks, "\(label): code blocks")
            for lang in src.languages where !lang.isEmpty {
                #expect(html.contains("class=\"language-\(lang)\""), "\(label): code language \(lang)")
            }
            #expect(Self.occurrences("<img", html) + diags(page.id, ["missing-attachment", "unsafe-link"]) >= src.images, "\(label): images")
            #expect(Self.occurrences("<a ", html) + diags(page.id, ["broken-link", "missing-attachment", "unsafe-link", "shortcut-link"]) >= src.links,
                    "\(label): links")
            #expect(Self.occurrences("type=\"checkbox\"", html) >= src.tasks, "\(label): tasks")
            #expect(Self.occurrences("<blockquote", html) >= src.panels, "\(label): panels")
            #expect(Self.occurrences("<details", html) >= src.expands, "\(label): expands")
            // The structure score: each construct of the source found as such in the rendering, no excuse counted.
            let languages = src.languages.filter { !$0.isEmpty }
            let pairs = [(src.headings, Self.occurrences("<h", html) - Self.occurrences("<hr", html)),
                         (src.tables, Self.occurrences("<table", html)), (src.listItems, Self.occurrences("<li", html)),
                         (src.codeBlocks, Self.occurrences("<pre><code", html)),
                         (languages.count, languages.filter { html.contains("class=\"language-\($0)\"") }.count),
                         (src.images, Self.occurrences("<img", html)), (src.links, Self.occurrences("<a ", html)),
                         (src.tasks, Self.occurrences("type=\"checkbox\"", html)), (src.panels, Self.occurrences("<blockquote", html)),
                         (src.expands, Self.occurrences("<details", html))]
            for (k, (want, got)) in pairs.enumerated() {
                structureTotal += want
                structureFound += min(want, max(0, got))
                if got < want { print("structure shortfall \(label): construct \(k): \(got) of \(want)") }
            }
        }
        let structure = structureTotal == 0 ? 1.0 : Double(structureFound) / Double(structureTotal)
        print("structure \(export.name): \(structureFound)/\(structureTotal) constructs = \(String(format: "%.2f", structure * 100))%")
        let ratio = total == 0 ? 1.0 : Double(found) / Double(total)
        print("visible-text \(export.name): \(found)/\(total) words = \(String(format: "%.2f", ratio * 100))%")
        #expect(ratio >= 0.99, "\(export.name): \(found)/\(total) visible words kept")
        _ = bundle
        return (structureFound, structureTotal)
    }
}
