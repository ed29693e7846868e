import Foundation

/// Writes parts of the document model as HTML: tables that GFM cannot hold, and `<summary>` text.
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
            for cell in row {
                let tag = cell.isHeader ? "th" : "td"
                var attrs = ""
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
        case .heading(let level, let i): return "<h\(level)>" + inlines(i) + "</h\(level)>"
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
        case .panel(let kind, let title, let b):
            let t = title.isEmpty ? "" : "<p><strong>" + inlines(title) + "</strong></p>"
            return "<blockquote><p>" + kind.rawValue.capitalized + "</p>" + t + blocks(b) + "</blockquote>"
        case .details(let summary, let b):
            return "<details><summary>" + inlines(summary) + "</summary>" + blocks(b) + "</details>"
        case .raw(let s): return s.replacingNewlines()
        case .container(let b): return blocks(b)
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
            case .link(let d, let t, let c):
                let title = t.map { " title=\"\(escape($0))\"" } ?? ""
                let text = self.inlines(c)
                out += "<a href=\"\(escape(d))\"\(title)>" + (text.isEmpty ? escape(d) : text) + "</a>"
            case .image(let s, let alt, let t):
                let title = t.map { " title=\"\(escape($0))\"" } ?? ""
                out += "<img src=\"\(escape(s))\" alt=\"\(escape(alt))\"\(title)>"
            case .lineBreak: out += "<br>"
            case .rawHTML(let s): out += s
            }
        }
        return out
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
