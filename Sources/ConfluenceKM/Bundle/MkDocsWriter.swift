import Foundation

/// MkDocs Material's Markdown (Python-Markdown with pymdown-extensions): admonitions `!!! info "Title"` for panels,
/// collapsible `??? note "Summary"` for expands, bodies indented by four spaces (Python-Markdown nests nothing
/// indented less, in lists too), `<br>` and `&lt;` where CommonMark would use a backslash, and image sizes as
/// `attr_list` attributes.
struct MkDocsHooks: MarkdownHooks {
    func panel(_ kind: PanelKind, title: String, plainTitle: String, body: [String]) -> [String] {
        block("!!! " + kind.calloutName, title: plainTitle, body: body)
    }

    func details(summary: String, plainSummary: String, body: [String]) -> [String] {
        block("??? note", title: plainSummary.isEmpty ? "Details" : plainSummary, body: body)
    }

    /// The title is plain text on one line; the body is indented. Python-Markdown still reads the title's inline
    /// syntax and attr_list reads a `{…}` at its end, so quotes, braces and what starts markup go as references.
    private func block(_ head: String, title: String, body: [String]) -> [String] {
        var line = ""
        for c in title.split(whereSeparator: \.isNewline).joined(separator: " ").trimmingCharacters(in: .whitespaces).unicodeScalars {
            switch c {
            case "\"", "{", "}", "<", "&", "`", "*", "_", "[", "]", "\\", "~", "!", "=", "^", "$", ":":
                line += "&#\(c.value);"
            default:
                line.unicodeScalars.append(c)
            }
        }
        return [line.isEmpty ? head : head + " \"" + line + "\"", ""] + body.map { $0.isEmpty ? "" : "    " + $0 }
    }

    func listIndent(markerWidth: Int) -> Int { max(4, markerWidth) }

    func sizedImage(_ image: Image, alt: String, destination: String) -> String? {
        // attr_list knows width, height and Material's left/right alignment; a centred or bordered image stays HTML.
        guard !image.border, image.align == nil || image.align == "left" || image.align == "right" else { return nil }
        var attributes: [String] = []
        if let w = image.width { attributes.append("width=\"\(w)\"") }
        if let h = image.height { attributes.append("height=\"\(h)\"") }
        if let a = image.align { attributes.append("align=\(a)") }
        return "![" + alt + "](" + destination + "){ " + attributes.joined(separator: " ") + " }"
    }

    var lineBreak: String { "<br>\n" }
    var escapesByReference: Bool { true }

    // Python-Markdown with the extensions mkdocs.yml enables: attr_list turns `{: onfocus=… }` after a heading, a
    // cell or a paragraph into attributes (script ran in the built site), so every brace is escaped; `[TOC]` and
    // footnote or abbreviation definitions start with a bracket, so every bracket is.
    var specialBytes: Set<UInt8> { Self.special }
    private static let special: Set<UInt8> = [UInt8(ascii: "{"), UInt8(ascii: "}"), UInt8(ascii: "["), UInt8(ascii: "]")]

    func escape(_ c: Unicode.Scalar, next: Unicode.Scalar?) -> String? {
        switch c {
        case "{", "}", "[", "]": return "\\" + String(c)
        default: return nil
        }
    }

    /// `!!! kind` (admonition) and `??? kind` / `???+ kind` (pymdownx.details) start a box at a line's start.
    func escapeLineStart(_ line: String) -> String? {
        if line.hasPrefix("!!!") { return "&#33;" + line.dropFirst() }
        if line.hasPrefix("???") { return "&#63;" + line.dropFirst() }
        return nil
    }
}

/// `mkdocs.yml` of a bundle in the mkdocs flavour: `docs_dir: articles` (attachments are under it), MkDocs
/// Material with the extensions the Markdown uses, and a `nav` that is the page tree in Confluence's order — each
/// space a section, a page with children a section that opens with the page itself, blog posts in their own
/// section, newest first. Every value is a JSON string (valid YAML), so no title can change the file's structure.
public enum MkDocsConfig {
    public struct Entry: Sendable {
        public var id: String
        public var title: String
        /// The Markdown file, relative to the bundle (`articles/…`).
        public var markdown: String
        public var spaceKey: String
        public var category: String?
        public var blogPost: Bool
        public var created: String?
    }

    public static func yaml(entries: [Entry], spaceRoots: [String: [String]], children: [String: [String]]) -> String {
        let byId = Dictionary(entries.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let spaces = Set(entries.map(\.spaceKey)).sorted()
        var out = """
            # Written by confluence-km (flavour mkdocs). Serve: mkdocs serve -f mkdocs.yml
            # Build outside the bundle: mkdocs build -f mkdocs.yml -d ../site
            site_name: \(quoted(siteName(spaces: spaces, entries: entries)))
            docs_dir: articles
            theme:
              name: material
              features:
                - navigation.sections
                - content.code.copy
            markdown_extensions:
              - abbr
              - admonition
              - attr_list
              - footnotes
              - md_in_html
              - tables
              - toc:
                  permalink: true
                  slugify: !!python/object/apply:pymdownx.slugs.slugify {kwds: {case: lower}}
              - pymdownx.details
              - pymdownx.superfences
              - pymdownx.tasklist:
                  custom_checkbox: true
              - pymdownx.tilde
            nav:

            """
        var visited = Set<String>()
        for space in spaces {
            let title = entries.first { $0.spaceKey == space && $0.category != nil }?.category.map { "\(space) — \($0)" } ?? space
            out += "  - \(quoted(title)):\n"
            // The tree, depth first without recursion: (id, depth) pairs, children pushed in reverse.
            var stack: [(String, Int)] = (spaceRoots[space] ?? []).reversed().map { ($0, 2) }
            while let (id, depth) = stack.popLast() {
                guard let e = byId[id], visited.insert(id).inserted else { continue }
                let pad = String(repeating: "  ", count: depth)
                let kids = (children[id] ?? []).filter { byId[$0] != nil && !visited.contains($0) }
                if kids.isEmpty || depth > 40 {
                    out += "\(pad)- \(quoted(e.title)): \(quoted(docsPath(e)))\n"
                } else {
                    out += "\(pad)- \(quoted(e.title)):\n\(pad)  - \(quoted(e.title)): \(quoted(docsPath(e)))\n"
                    stack.append(contentsOf: kids.reversed().map { ($0, depth + 1) })
                }
            }
            // Pages the tree did not reach (a parent outside the bundle) at the top of their space.
            for e in entries where e.spaceKey == space && !e.blogPost && !visited.contains(e.id) {
                visited.insert(e.id)
                out += "    - \(quoted(e.title)): \(quoted(docsPath(e)))\n"
            }
            let posts = entries.filter { $0.spaceKey == space && $0.blogPost }
                .sorted { ($0.created ?? "", $1.title, $1.id) > ($1.created ?? "", $0.title, $0.id) }
            if !posts.isEmpty {
                out += "    - \"Blog posts\":\n"
                for e in posts { out += "      - \(quoted(e.title)): \(quoted(docsPath(e)))\n" }
            }
        }
        return out
    }

    static func docsPath(_ e: Entry) -> String {
        e.markdown.hasPrefix("articles/") ? String(e.markdown.dropFirst("articles/".count)) : e.markdown
    }

    static func siteName(spaces: [String], entries: [Entry]) -> String {
        if spaces.count == 1, let name = entries.first(where: { $0.category != nil })?.category { return name }
        return "Confluence: " + spaces.joined(separator: ", ")
    }

    /// A YAML double-quoted scalar (the dump's escaping, which YAML reads): a crafted title stays one value.
    static func quoted(_ s: String) -> String { YAMLText.quoted(s) }
}
