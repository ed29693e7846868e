import Foundation

/// Writes parts of the document model as HTML, for the GFM writer: tables that GFM cannot hold, `<summary>` text,
/// sized images.
///
/// The output never contains a blank line, so that it stays one HTML block in Markdown.
struct HTMLWriter {
    func table(_ table: Table) -> String {
        var out = "<table>"
        var inHead = false
        if let first = table.rows.first, !first.isEmpty, first.allSatisfy(\.isHeader) {
            out += "<thead>"
            inHead = true
        }
        for (r, row) in table.rows.enumerated() {
            if r == 1 && inHead { out += "</thead><tbody>" }
            if r == 0 && !inHead { out += "<tbody>" }
            out += "<tr>"
            for (c, cell) in row.enumerated() {
                let tag = cell.isHeader ? "th" : "td"
                var attrs = ""
                switch c < table.alignments.count ? table.alignments[c] : .none {
                case .left: attrs += " align=\"left\""
                case .center: attrs += " align=\"center\""
                case .right: attrs += " align=\"right\""
                case .none: break
                }
                if cell.colspan > 1 { attrs += " colspan=\"\(cell.colspan)\"" }
                if cell.rowspan > 1 { attrs += " rowspan=\"\(cell.rowspan)\"" }
                out += "<\(tag)\(attrs)>" + cellContent(cell.blocks) + "</\(tag)>"
            }
            out += "</tr>\n"
        }
        if table.rows.count == 1 && inHead { out += "</thead>" } else { out += "</tbody>" }
        out += "</table>"
        return out
    }

    private func cellContent(_ blocks: [Block]) -> String {
        let nonEmpty = blocks.filter { $0 != .paragraph([]) }
        if nonEmpty.count == 1, case .paragraph(let inl) = nonEmpty[0] { return inlines(inl) }
        return self.blocks(nonEmpty)
    }

    func blocks(_ blocks: [Block]) -> String {
        blocks.map(block).joined()
    }

    func block(_ block: Block) -> String {
        switch block {
        case .paragraph(let i): return i.isEmpty ? "" : "<p>" + inlines(i) + "</p>"
        case .heading(let level, let attr, let i):
            let id = attr.id.isEmpty ? "" : " id=\"\(escape(attr.id))\""
            return "<h\(level)\(id)>" + inlines(i) + "</h\(level)>"
        case .codeBlock(let language, let text):
            let cls = language.map { " class=\"language-\(escape($0))\"" } ?? ""
            return "<pre><code\(cls)>" + escape(text).replacingNewlines() + "</code></pre>"
        case .blockQuote(let b): return "<blockquote>" + blocks(b) + "</blockquote>"
        case .list(let l):
            let tag = l.ordered ? "ol" : "ul"
            let start = l.ordered && l.start != 1 ? " start=\"\(l.start)\"" : ""
            var out = "<\(tag)\(start)>"
            for item in l.items {
                out += "<li>"
                if let checked = item.checked { out += checked ? "<input type=\"checkbox\" checked disabled> " : "<input type=\"checkbox\" disabled> " }
                out += cellContent(item.blocks) + "</li>"
            }
            return out + "</\(tag)>"
        case .table(let t): return table(t)
        case .thematicBreak: return "<hr>"
        case .panel(let p):
            let t = p.title.isEmpty ? "" : "<p><strong>" + inlines(p.title) + "</strong></p>"
            let label = MarkdownWriter.alert(p.kind).map { "<p>" + $0.capitalized + "</p>" } ?? ""
            return "<blockquote>" + label + t + blocks(p.blocks) + "</blockquote>"
        case .details(let summary, let b):
            return "<details><summary>" + inlines(summary) + "</summary>" + blocks(b) + "</details>"
        case .raw(.html, let s): return s.replacingNewlines()
        case .raw(.markdown, let s):
            // Markdown inside HTML is not read as Markdown: it is rendered here, as a Markdown renderer would.
            return (CmarkDocument(s)?.html() ?? escape(s)).trimmingCharacters(in: .newlines).replacingNewlines()
        case .raw(.storage(let macro), let s): return MarkdownWriter.storageComment(macro: macro, s).replacingNewlines()
        case .div(_, let b): return blocks(b)
        case .generated: return ""
        }
    }

    func inlines(_ inlines: [Inline]) -> String {
        var out = ""
        for i in inlines {
            switch i {
            case .text(let s): out += escape(s)
            case .emphasis(let c): out += "<em>" + self.inlines(c) + "</em>"
            case .strong(let c): out += "<strong>" + self.inlines(c) + "</strong>"
            case .strikethrough(let c): out += "<del>" + self.inlines(c) + "</del>"
            case .code(let s): out += "<code>" + escape(s) + "</code>"
            case .inserted(let c): out += "<ins>" + self.inlines(c) + "</ins>"
            case .subscript(let c): out += "<sub>" + self.inlines(c) + "</sub>"
            case .superscript(let c): out += "<sup>" + self.inlines(c) + "</sup>"
            case .link(.url(let d), let t, let c):
                let title = t.map { " title=\"\(escape($0))\"" } ?? ""
                let text = self.inlines(c)
                out += "<a href=\"\(escape(d))\"\(title)>" + (text.isEmpty ? escape(d) : text) + "</a>"
            case .link(_, _, let c): out += self.inlines(c)
            case .image(let image):
                guard case .url(let source) = image.target else { out += escape(image.alt); continue }
                let img = self.image(image)
                out += image.thumbnail ? "<a href=\"\(escape(source))\">" + img + "</a>" : img
                if !image.caption.isEmpty { out += "<br><em>" + self.inlines(image.caption) + "</em>" }
            case .lineBreak: out += "<br>"
            case .anchor(let name):
                let slug = anchorSlug(name)
                if !slug.isEmpty { out += "<a id=\"\(slug)\"></a>" }
            case .status(let text, let colour):
                let cls = colour.map { " class=\"status-\(escape($0.lowercased()))\"" } ?? ""
                out += "<strong\(cls)>" + escape(MarkdownWriter.statusText(text, colour: colour)) + "</strong>"
            case .mention(let user, let name): out += escape("@" + (name ?? user.username ?? user.key ?? ""))
            case .span(_, let c): out += self.inlines(c)
            case .raw(.html, let s): out += s.replacingNewlines()
            case .raw(.markdown, let s): out += escape(s)
            case .raw(.storage(let macro), let s): out += MarkdownWriter.storageComment(macro: macro, s).replacingNewlines()
            case .note(let b): out += " <small>(" + self.blocks(b) + ")</small>"
            case .math(let tex): out += "<code>$" + escape(tex) + "$</code>"
            }
        }
        return out
    }

    /// An `<img>` with the size the page gave it.
    func image(_ image: Image) -> String {
        guard case .url(let source) = image.target else { return escape(image.alt) }
        var tag = "<img src=\"\(escape(source))\" alt=\"\(escape(image.alt))\""
        if let title = image.title { tag += " title=\"\(escape(title))\"" }
        if let width = image.width { tag += " width=\"\(width)\"" }
        if let height = image.height { tag += " height=\"\(height)\"" }
        if let align = image.align { tag += " align=\"\(escape(align))\"" }
        if image.border { tag += " border=\"1\"" }
        return tag + ">"
    }

    func escape(_ s: String) -> String { HTMLText.escape(s) }
}

/// The one HTML escaper: `&`, `<`, `>` and `"` (and `'` where asked) as references. Used by the writer of HTML
/// blocks in Markdown and by every value the preview writes.
public enum HTMLText {
    public static func escape(_ s: String, apostrophe: Bool = false) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for c in s.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'" where apostrophe: out += "&#39;"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }

    /// The text of escaped HTML (what a browser shows): the references ``escape(_:apostrophe:)`` writes and
    /// numeric references; any other `&name;` stays as written.
    public static func unescape(_ s: String) -> String {
        guard s.contains("&") else { return s }
        var out = ""
        var rest = Substring(s)
        while let amp = rest.firstIndex(of: "&") {
            out += rest[..<amp]
            let after = rest[rest.index(after: amp)...]
            guard let semi = after.prefix(12).firstIndex(of: ";") else { out += "&"; rest = after; continue }
            let name = after[..<semi]
            var scalar: Unicode.Scalar?
            switch name {
            case "amp": scalar = "&"
            case "lt": scalar = "<"
            case "gt": scalar = ">"
            case "quot": scalar = "\""
            case "apos": scalar = "'"
            default:
                if name.hasPrefix("#x") || name.hasPrefix("#X") { scalar = UInt32(name.dropFirst(2), radix: 16).flatMap(Unicode.Scalar.init) }
                else if name.hasPrefix("#") { scalar = UInt32(name.dropFirst()).flatMap(Unicode.Scalar.init) }
            }
            if let scalar { out.unicodeScalars.append(scalar); rest = after[after.index(after: semi)...] } else { out += "&"; rest = after }
        }
        return out + rest
    }
}

extension String {
    /// Newlines as character references, so that HTML stays on one line inside a Markdown HTML block.
    func replacingNewlines() -> String {
        var out = ""
        for c in unicodeScalars {
            if c == "\n" { out += "&#10;" } else { out.unicodeScalars.append(c) }
        }
        return out
    }
}
