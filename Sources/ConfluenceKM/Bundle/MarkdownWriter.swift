import Foundation

/// Writes the document model as GitHub Flavored Markdown.
///
/// Escaping depends on context (text, line start, table cell, link destination, code span), so that no text from
/// Confluence ever becomes markup.
public struct MarkdownWriter: Sendable {
    /// Footnotes met while writing, numbered in order and written at the end. A writer writes one document at a
    /// time (the pipeline makes one per body).
    private final class Notes: @unchecked Sendable {
        var items: [[Block]] = []
        /// Inside link text or alt text every bracket is escaped (they would end it).
        var linkDepth = 0
    }
    private let notes = Notes()

    public enum TableMode: String, Sendable, CaseIterable {
        /// GFM where it is faithful, an HTML table where it is not (merged cells, block content, no header row).
        case auto
        /// Always GFM: merged cells are repeated, block content is flattened, a missing header row is made empty.
        case gfm
        /// Always an HTML table.
        case html
    }

    public var tables: TableMode
    /// What a flavour writes differently (panels, expands); nil: GitHub's alerts and `<details>`.
    var hooks: MarkdownHooks?

    public init(tables: TableMode = .auto) {
        self.tables = tables
    }

    /// The document as Markdown; the fallbacks the writer chose (an HTML table, a flattened one) are reported to
    /// `log`.
    func render(_ document: Document, log: DiagnosticLog?) -> String {
        if let log { reportTableFallbacks(document.blocks, log: log) }
        return render(document.blocks)
    }

    private func reportTableFallbacks(_ blocks: [Block], log: DiagnosticLog) {
        DocumentWalk.blocks(blocks) { b in
            guard case .table(let t) = b, !t.rows.isEmpty else { return }
            if tables != .html, Self.isTooWide(t) {
                log.add(.tableAsHtml, .info, "a table wider than \(Limits.maxGFMTableColumns) columns is written as an HTML table (GFM renderers slow down on wider ones)")
                return
            }
            guard !Self.isSimple(t) else { return }
            switch tables {
            case .auto:
                log.add(.tableAsHtml, .info, "a table with merged cells, block content or no header row is written as an HTML table")
            case .gfm:
                log.add(.tableFlattened, .warning, "a table with merged cells, block content or no header row is forced into GFM (--tables gfm): cells are flattened")
            case .html:
                break
            }
        }
    }

    public func render(_ blocks: [Block]) -> String {
        notes.items = []
        var lines = renderBlocks(blocks)
        // Footnotes at the end: `[^n]: …`, later paragraphs indented (notes met inside notes come after).
        var n = 0
        while n < notes.items.count {
            let body = renderBlocks(notes.items[n])
            n += 1
            lines.append("")
            for (i, line) in (body.isEmpty ? [""] : body).enumerated() {
                lines.append(i == 0 ? "[^\(n)]: " + line : (line.isEmpty ? "" : "    " + line))
            }
        }
        // An article never begins with `---` (a thematic break written by raw Markdown): MkDocs, Jekyll and
        // Obsidian would read what follows as front matter. At the start of a document such a line can only be a
        // thematic break, so `***` says the same.
        if let first = lines.first, Self.isDashRule(first) { lines[0] = "***" }
        var out = lines.joined(separator: "\n")
        while out.hasSuffix("\n") { out.removeLast() }
        return out.isEmpty ? "" : out + "\n"
    }

    // MARK: Blocks

    func renderBlocks(_ blocks: [Block]) -> [String] {
        var out: [String] = []
        var previousWasList = false
        var previousOrdered = false
        for block in flatten(blocks) {
            let lines = renderBlock(block)
            if lines.isEmpty { continue }
            if !out.isEmpty { out.append("") }
            var isList = false
            var ordered = false
            if case .list(let l) = block { isList = true; ordered = l.ordered }
            if isList && previousWasList && ordered == previousOrdered {
                // Two lists in a row would merge into one: separate them.
                out.append("<!-- -->")
                out.append("")
            }
            previousWasList = isList
            previousOrdered = ordered
            out.append(contentsOf: lines)
        }
        return out
    }

    /// Groups (`div`) have no markup of their own in Markdown: their blocks stand in their place.
    private func flatten(_ blocks: [Block]) -> [Block] {
        var out: [Block] = []
        for b in blocks {
            if case .div(_, let inner) = b { out.append(contentsOf: flatten(inner)) } else { out.append(b) }
        }
        return out
    }

    /// The GFM alert a panel kind is written as (nil: a plain blockquote with its title).
    static func alert(_ kind: PanelKind) -> String? {
        switch kind {
        case .info, .note: "NOTE"
        case .tip, .success: "TIP"
        case .warning: "WARNING"
        case .error: "CAUTION"
        case .plain: nil
        }
    }

    /// Text that cannot end or break an HTML comment: `--` becomes `- -`, a final dash is spaced.
    static func commentSafe(_ s: String) -> String {
        var out = s.replacingOccurrences(of: "--", with: "- -")
        while out.contains("--") { out = out.replacingOccurrences(of: "--", with: "- -") }
        if out.hasSuffix("-") { out += " " }
        return out
    }

    /// A keep-raw macro's storage source, as an HTML comment.
    static func storageComment(macro: String, _ source: String) -> String {
        "<!-- confluence-macro \(macro): " + commentSafe(source) + " -->"
    }

    private func renderBlock(_ block: Block) -> [String] {
        switch block {
        case .paragraph(let inlines):
            var inlines = trimBreaks(inlines)
            // A line that starts with `<!--` opens an HTML block, which would swallow the rest of the line: a kept
            // macro source at the start of a paragraph goes on a line of its own.
            if case .raw(let format, let source)? = inlines.first, case .storage = format {
                inlines.removeFirst()
                let rest = renderBlock(.paragraph(inlines))
                return renderBlock(.raw(format, source)) + (rest.isEmpty ? [] : [""] + rest)
            }
            let text = renderInlines(inlines, context: .text)
            return paragraphLines(text)
        case .heading(let level, _, let inlines):
            let text = renderInlines(inlines.map { $0 == .lineBreak ? .text(" ") : $0 }, context: .heading)
                .trimmingSpaces()
            if text.isEmpty { return [] }
            return [String(repeating: "#", count: max(1, min(6, level))) + " " + text]
        case .codeBlock(let language, let text):
            var body = text
            while body.hasSuffix("\n") { body.removeLast() }
            let fence = String(repeating: "`", count: max(3, longestRun(of: "`", in: body) + 1))
            let info = (language ?? "").filter { !$0.isWhitespace && $0 != "`" }
            var lines = [fence + info]
            if !body.isEmpty { lines.append(contentsOf: body.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)) }
            lines.append(fence)
            return lines
        case .blockQuote(let inner):
            let lines = renderBlocks(inner)
            if lines.isEmpty { return [] }
            return lines.map { $0.isEmpty ? ">" : "> " + $0 }
        case .list(let list):
            return renderList(list)
        case .table(let table):
            return renderTable(table)
        case .thematicBreak:
            return ["***"]  // never `---`: see render(_:)
        case .panel(let panel):
            if let hooks {
                let body = renderBlocks(panel.blocks)
                return hooks.panel(panel.kind, title: renderInlines(panel.title, context: .heading).trimmingSpaces(),
                                   plainTitle: Inline.plainText(panel.title), body: body)
            }
            guard let alert = Self.alert(panel.kind) else {
                var inner: [Block] = []
                if !panel.title.isEmpty { inner.append(.paragraph([.strong(panel.title)])) }
                return renderBlock(.blockQuote(inner + panel.blocks))
            }
            let inner = panel.blocks
            var lines = ["[!\(alert)]"]
            let t = renderInlines(panel.title, context: .text).trimmingSpaces()
            if !t.isEmpty { lines.append(contentsOf: paragraphLines("**" + t + "**")) }
            let body = renderBlocks(inner)
            if !body.isEmpty {
                if !t.isEmpty { lines.append("") }
                lines.append(contentsOf: body)
            }
            return lines.map { $0.isEmpty ? ">" : "> " + $0 }
        case .details(let summary, let inner):
            if let hooks {
                return hooks.details(summary: renderInlines(summary, context: .heading).trimmingSpaces(),
                                     plainSummary: Inline.plainText(summary), body: renderBlocks(inner))
            }
            var lines = ["<details>", "<summary>" + HTMLWriter().inlines(summary) + "</summary>", ""]
            let body = renderBlocks(inner)
            lines.append(contentsOf: body)
            if !body.isEmpty { lines.append("") }
            lines.append("</details>")
            return lines
        case .raw(let format, let s):
            let text: String
            switch format {
            case .markdown, .html: text = s
            case .storage(let macro): text = Self.storageComment(macro: macro, s)
            }
            return text.isEmpty ? [] : text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        case .div(_, let inner):
            return renderBlocks(inner)
        case .generated:
            // Filled in by the passes; a placeholder no pass filled has nothing to show.
            return []
        }
    }

    /// Inlines without breaks at either end (Confluence pastes `<br/>` at the end of blocks), and a run of lines that
    /// hold nothing but spaces (NBSP) collapsed into one break.
    private func trimBreaks(_ inlines: [Inline]) -> [Inline] {
        var s = inlines
        while let f = s.first, isBlankLine(f) { s.removeFirst() }
        while let l = s.last, isBlankLine(l) { s.removeLast() }
        guard s.contains(.lineBreak) else { return s }
        var out: [Inline] = []
        var i = 0
        while i < s.count {
            if s[i] == .lineBreak {
                var j = i + 1
                while j < s.count, isBlankLine(s[j]) { j += 1 }
                out.append(.lineBreak)
                i = j
                continue
            }
            out.append(s[i])
            i += 1
        }
        return out
    }

    private func isBlankLine(_ i: Inline) -> Bool {
        if i == .lineBreak { return true }
        if case .text(let t) = i { return t.allSatisfy { $0 == " " || $0 == "\u{A0}" } }
        return false
    }

    /// Splits rendered paragraph text into lines, escaping what would start a block at each line start.
    private func paragraphLines(_ text: String) -> [String] {
        if !text.utf8.contains(10), let f = text.utf8.first, f != 32, f != 9, let l = text.utf8.last, l != 32, l != 9, l != 92 {
            return [escapeLineStart(text)]
        }
        var lines: [String] = []
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var line = String(raw).trimmingLeadingSpaces()
            // Keep a hard break's trailing backslash, drop other trailing blanks (two spaces are a break too).
            while line.hasSuffix(" ") || line.hasSuffix("\t") { line.removeLast() }
            if line.isEmpty { continue }
            lines.append(escapeLineStart(line))
        }
        if let last = lines.last, last.hasSuffix("\\"), !last.hasSuffix("\\\\") {
            lines[lines.count - 1] = String(last.dropLast())
        }
        return lines
    }

    func escapeLineStart(_ line: String) -> String {
        guard let first = line.first else { return line }
        if let hooks, let escaped = hooks.escapeLineStart(line) { return escaped }
        switch first {
        case "#", ">", "-", "+", "=", "|":
            return "\\" + line
        case "0"..."9":
            // "1." or "1)" at line start would begin an ordered list.
            let digits = line.prefix(while: { $0.isASCII && $0.isNumber })
            let rest = line.dropFirst(digits.count)
            if digits.count <= 9, let next = rest.first, next == "." || next == ")" {
                return digits + "\\" + rest
            }
            return line
        default:
            return line
        }
    }

    private func renderList(_ list: List) -> [String] {
        var out: [String] = []
        let loose = list.items.contains { item in
            let blocks = flatten(item.blocks)
            return blocks.filter { !isEmptyBlock($0) }.count > 1 && !isTightPair(blocks)
        }
        for (i, item) in list.items.enumerated() {
            var marker = list.ordered ? "\(list.start + i). " : "- "
            if let checked = item.checked { marker += checked ? "[x] " : "[ ] " }
            let width = list.ordered ? "\(list.start + i). ".count : 2
            let indent = String(repeating: " ", count: hooks?.listIndent(markerWidth: width) ?? width)
            var body = renderItemBlocks(item.blocks, loose: loose)
            if body.isEmpty { body = [""] }
            if item.checked == nil, let first = body.first, first.isEmpty, body.count > 1 {
                body.removeFirst()
            }
            if loose && i > 0 { out.append("") }
            for (j, line) in body.enumerated() {
                if j == 0 {
                    out.append((marker + line).trimmingTrailingSpaces())
                } else {
                    out.append(line.isEmpty ? "" : indent + line)
                }
            }
        }
        return out
    }

    private func isEmptyBlock(_ b: Block) -> Bool {
        if case .paragraph(let i) = b { return i.isEmpty }
        return false
    }

    /// A paragraph followed by a nested list stays tight.
    private func isTightPair(_ blocks: [Block]) -> Bool {
        let b = blocks.filter { !isEmptyBlock($0) }
        guard b.count == 2, case .paragraph = b[0], case .list = b[1] else { return false }
        return true
    }

    private func renderItemBlocks(_ blocks: [Block], loose: Bool) -> [String] {
        var out: [String] = []
        var previous: Block?
        for block in flatten(blocks) {
            let lines = renderBlock(block)
            if lines.isEmpty { continue }
            var isList = false
            if case .list = block { isList = true }
            if let previous {
                var previousIsParagraph = false
                if case .paragraph = previous { previousIsParagraph = true }
                if case .list(let a) = block, case .list(let b) = previous, a.ordered == b.ordered {
                    out += ["", "<!-- -->", ""]
                } else if !(isList && previousIsParagraph && !loose) {
                    out.append("")
                }
            }
            previous = block
            out.append(contentsOf: lines)
        }
        return out
    }

    // MARK: Tables

    /// A table is written as GFM when GFM can hold it: a header row, one paragraph per cell, no merged cells.
    public static func isSimple(_ table: Table) -> Bool {
        guard let header = table.rows.first, !header.isEmpty, header.allSatisfy({ $0.isHeader }) else { return false }
        for row in table.rows {
            for cell in row {
                if cell.colspan != 1 || cell.rowspan != 1 { return false }
                let content = cell.blocks.filter { !($0 == .paragraph([])) }
                if content.count > 1 { return false }
                if let b = content.first, case .paragraph = b {} else if !content.isEmpty { return false }
            }
        }
        return true
    }

    /// Wider than a GFM table may be (``Limits/maxGFMTableColumns``), counting spans as GFM would.
    static func isTooWide(_ table: Table) -> Bool {
        table.rows.contains { row in
            row.count > Limits.maxGFMTableColumns
                || row.reduce(0) { Checked.add($0, Int64($1.colspan)) } > Int64(Limits.maxGFMTableColumns)
        }
    }

    private func renderTable(_ input: Table) -> [String] {
        guard !input.rows.isEmpty else { return [] }
        var table = input
        switch tables {
        case .html: return [HTMLWriter().table(table)]
        case .auto: if !Self.isSimple(table) || Self.isTooWide(table) { return [HTMLWriter().table(table)] }
        case .gfm:
            if Self.isTooWide(table) { return [HTMLWriter().table(table)] }
            if !Self.isSimple(table) { table = Self.flattened(table) }
        }
        let columns = table.rows.map(\.count).max() ?? 0
        func cellText(_ cell: Table.Cell?) -> String {
            guard let cell, case .paragraph(let inlines)? = cell.blocks.first(where: { $0 != .paragraph([]) }) else { return "" }
            return renderInlines(trimBreaks(inlines), context: .tableCell).trimmingSpaces()
        }
        func row(_ cells: [Table.Cell]) -> String {
            var parts: [String] = []
            for c in 0..<columns { parts.append(cellText(c < cells.count ? cells[c] : nil)) }
            return "| " + parts.joined(separator: " | ") + " |"
        }
        var lines = [row(table.rows[0])]
        var delim: [String] = []
        for c in 0..<columns {
            let a = c < table.alignments.count ? table.alignments[c] : .none
            switch a {
            case .none: delim.append("---")
            case .left: delim.append(":---")
            case .center: delim.append(":---:")
            case .right: delim.append("---:")
            }
        }
        lines.append("| " + delim.joined(separator: " | ") + " |")
        for r in table.rows.dropFirst() { lines.append(row(r)) }
        return lines
    }

    /// A table forced into GFM: merged cells repeated as empty cells, block content joined by line breaks, an empty
    /// header row added where the table had none.
    static func flattened(_ table: Table) -> Table {
        var rows: [[Table.Cell]] = table.rows.map { row in
            row.flatMap { cell -> [Table.Cell] in
                var inlines: [Inline] = []
                for b in cell.blocks where b != .paragraph([]) {
                    if !inlines.isEmpty { inlines.append(.lineBreak) }
                    switch b {
                    case .paragraph(let i), .heading(_, _, let i): inlines += i
                    case .codeBlock(_, let t): inlines.append(.code(t))
                    default: inlines += b.flattenedInlines
                    }
                }
                let first = Table.Cell(isHeader: cell.isHeader, blocks: [.paragraph(inlines)])
                return [first] + Array(repeating: Table.Cell(isHeader: cell.isHeader, blocks: []), count: max(0, cell.colspan - 1))
            }
        }
        if !(rows.first?.allSatisfy(\.isHeader) ?? false) {
            let width = rows.map(\.count).max() ?? 0
            rows.insert(Array(repeating: Table.Cell(isHeader: true, blocks: []), count: width), at: 0)
        }
        return Table(rows: rows, alignments: table.alignments)
    }

    // MARK: Inlines

    enum Context { case text, heading, tableCell }

    func renderInlines(_ inlines: [Inline], context: Context, previous: Character? = nil) -> String {
        var out = ""
        let merged = mergeText(inlines)
        for (i, inline) in merged.enumerated() {
            let next: Character? = i + 1 < merged.count ? Self.leadingCharacter(merged[i + 1]) : nil
            out += renderInline(inline, context: context, after: out.last ?? previous, before: next)
        }
        return out
    }

    /// The first character an inline is written with, as far as emphasis flanking cares (nil: nothing, the end).
    static func leadingCharacter(_ inline: Inline) -> Character? {
        switch inline {
        case .text(let s):
            guard let f = s.first else { return nil }
            return f.isASCII && f.isPunctuation ? "\\" : f
        case .code: return "`"
        case .link: return "["
        case .image: return "!"
        case .emphasis, .strong, .status: return "*"
        case .strikethrough: return "~"
        case .lineBreak: return "\\"
        case .mention: return "@"
        case .math: return "$"
        default: return "<"
        }
    }

    /// Mentions and status lozenges as the text they show, then adjacent text merged (escaping looks at both
    /// neighbours of a character).
    private func mergeText(_ inlines: [Inline]) -> [Inline] {
        var out: [Inline] = []
        for var i in inlines {
            switch i {
            case .mention(let user, let name): i = .text("@" + (name ?? user.username ?? user.key ?? ""))
            case .status(let text, let colour): i = .strong([.text(Self.statusText(text, colour: colour))])
            case .span(let attr, let content) where attr.classes.contains(Attr.missingImageClass):
                // Set apart from what stands before it.
                if let last = out.last, case .text(let t) = last, let c = t.last, !c.isWhitespace { out.append(.text(" ")) }
                else if let last = out.last, case .span = last { out.append(.text(" ")) }
                i = .span(attr, content)
            default: break
            }
            if case .text(let s) = i, case .text(let prev)? = out.last {
                out[out.count - 1] = .text(prev + s)
            } else {
                out.append(i)
            }
        }
        return out
    }

    private func renderInline(_ inline: Inline, context: Context, after previous: Character?, before next: Character? = "a") -> String {
        switch inline {
        case .text(let s):
            return escapeText(s, context: context, previous: previous)
        case .emphasis(let c):
            return delimited(c, "*", "em", context: context, previous: previous, next: next)
        case .strong(let c):
            return delimited(c, "**", "strong", context: context, previous: previous, next: next)
        case .strikethrough(let c):
            return delimited(c, "~~", "del", context: context, previous: previous, next: next)
        case .code(let s):
            var text = s.replacingOccurrences(of: "\n", with: " ")
            if context == .tableCell { text = text.replacingOccurrences(of: "|", with: "\\|") }
            if text.isEmpty { return "" }
            let fence = String(repeating: "`", count: longestRun(of: "`", in: text) + 1)
            let pad = text.hasPrefix("`") || text.hasSuffix("`") || (text.hasPrefix(" ") && text.hasSuffix(" ") && text.contains { $0 != " " })
            return fence + (pad ? " " + text + " " : text) + fence
        case .link(let target, let title, let content):
            guard case .url(let destination) = target else {
                // Not resolved by the passes: its text only.
                return renderInlines(content, context: context, previous: previous)
            }
            notes.linkDepth += 1
            var text = renderInlines(trimBreaks(content), context: context).trimmingSpaces()
            notes.linkDepth -= 1
            if text.isEmpty { text = escapeText(destination, context: context, previous: nil) }
            return "[" + text + "](" + escapeDestination(destination) + titlePart(title) + ")"
        case .image(let image):
            guard case .url(let source) = image.target else { return escapeText(image.alt, context: context, previous: previous) }
            var out: String
            if image.width != nil || image.height != nil || image.align != nil || image.border {
                // Markdown has no image size: an `<img>` keeps it (or the flavour's own syntax).
                notes.linkDepth += 1
                let alt = escapeText(image.alt, context: context, previous: nil)
                notes.linkDepth -= 1
                out = hooks?.sizedImage(image, alt: alt, destination: escapeDestination(source)) ?? HTMLWriter().image(image)
            } else {
                notes.linkDepth += 1
                out = "![" + escapeText(image.alt, context: context, previous: nil) + "](" + escapeDestination(source) + titlePart(image.title) + ")"
                notes.linkDepth -= 1
            }
            if image.thumbnail { out = "[" + out + "](" + escapeDestination(source) + ")" }
            if !image.caption.isEmpty {
                // The caption on the line under the image, in italics (a break, not a new paragraph).
                let caption = renderInlines(image.caption, context: context).trimmingSpaces()
                if !caption.isEmpty { out += renderInline(.lineBreak, context: context, after: nil) + "*" + caption + "*" }
            }
            return out
        case .inserted(let c):
            return marked(c, "ins", context: context)
        case .subscript(let c):
            return marked(c, "sub", context: context)
        case .superscript(let c):
            return marked(c, "sup", context: context)
        case .anchor(let name):
            let slug = anchorSlug(name)
            return slug.isEmpty ? "" : "<a id=\"\(slug)\"></a>"
        case .span(_, let c):
            return renderInlines(c, context: context, previous: previous)
        case .mention, .status:
            return renderInlines([inline], context: context, previous: previous)
        case .raw(let format, let s):
            // Inline: one line, whatever the source held; in a GFM table cell a `|` would split the cell.
            var line: String
            switch format {
            case .storage(let macro): line = Self.storageComment(macro: macro, s).replacingOccurrences(of: "\n", with: " ")
            case .html, .markdown: line = s.replacingOccurrences(of: "\n", with: " ")
            }
            if context == .tableCell { line = line.replacingOccurrences(of: "|", with: "\\|") }
            return line
        case .note(let blocks):
            notes.items.append(blocks)
            return "[^\(notes.items.count)]"
        case .math(let tex):
            let line = tex.replacingOccurrences(of: "\n", with: " ")
            return "$" + (context == .tableCell ? line.replacingOccurrences(of: "|", with: "\\|") : line) + "$"
        case .lineBreak:
            switch context {
            case .text: return hooks?.lineBreak ?? "\\\n"
            case .heading: return " "
            case .tableCell: return "<br>"
            }
        }
    }

    /// Inserted, subscript and superscript text: HTML tags, which GFM has no syntax for.
    private func marked(_ content: [Inline], _ tag: String, context: Context) -> String {
        "<\(tag)>" + renderInlines(content, context: context, previous: ">") + "</\(tag)>"
    }

    /// A status lozenge's text as the author typed it, in brackets (`[On track]`); its colour when it has none.
    static func statusText(_ text: String, colour: String?) -> String {
        "[" + Inline.statusLabel(text, colour: colour) + "]"
    }

    private func titlePart(_ title: String?) -> String {
        guard let title, !title.isEmpty else { return "" }
        let t = title.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: " ")
        return " \"" + t + "\""
    }

    /// Emphasis with delimiters where CommonMark's flanking rules let them work, else the HTML tag.
    private func delimited(_ content: [Inline], _ delimiter: String, _ tag: String, context: Context,
                           previous: Character?, next: Character?) -> String {
        // Move surrounding spaces outside the delimiters.
        var inner = content
        var leading = "", trailing = ""
        if case .text(let s)? = inner.first, s.first == " " {
            leading = " "
            inner[0] = .text(String(s.drop(while: { $0 == " " })))
        }
        if case .text(let s)? = inner.last, s.last == " " {
            trailing = " "
            inner[inner.count - 1] = .text(String(s.reversed().drop(while: { $0 == " " }).reversed()))
        }
        // A break at the end of bold text goes after it: `**a**\`, not `**a\` + newline + `**`.
        var breaksAfter = 0
        while inner.last == .lineBreak { inner.removeLast(); breaksAfter += 1 }
        if breaksAfter > 0 {
            return delimited(inner, delimiter, tag, context: context, previous: previous, next: "\\")
                + renderInline(.lineBreak, context: context, after: nil)
        }
        let body = renderInlines(inner, context: context)
        if body.trimmingSpaces().isEmpty { return leading + body + trailing }
        let first = body.first!, last = body.last!
        // CommonMark's flanking rules: the opening run must be left-flanking, the closing one right-flanking, with
        // the characters around them as they will stand (a space moved outside counts as the neighbour).
        let before: Character? = leading.isEmpty ? previous : " "
        let after: Character? = trailing.isEmpty ? next : " "
        func spaceOrPunct(_ c: Character?) -> Bool { c == nil || c!.isWhitespace || isPunct(c!) }
        let opens = !first.isWhitespace && (!isPunct(first) || spaceOrPunct(before))
        let closes = !last.isWhitespace && (!isPunct(last) || spaceOrPunct(after))
        if opens && closes && !body.utf8.contains(10) { return leading + delimiter + body + delimiter + trailing }
        return leading + "<\(tag)>" + body + "</\(tag)>" + trailing
    }

    private func isPunct(_ c: Character) -> Bool {
        c.isPunctuation || c.isSymbol || c == "\\"
    }

    /// Whether the byte is one `escapeText` may have to escape or drop (a switch, not a Set: this runs per byte).
    @inline(__always) private static func isSpecial(_ b: UInt8) -> Bool {
        switch b {
        case UInt8(ascii: "\\"), UInt8(ascii: "`"), UInt8(ascii: "*"), UInt8(ascii: "["), UInt8(ascii: "]"),
             UInt8(ascii: "<"), UInt8(ascii: "&"), UInt8(ascii: "~"), UInt8(ascii: "_"), UInt8(ascii: "#"),
             UInt8(ascii: "|"), 0x0A, 0x0D, 0x00:
            return true
        default:
            return false
        }
    }

    func escapeText(_ s: String, context: Context, previous: Character?) -> String {
        // Fast path: nothing to escape.
        var probe = s
        // GFM keeps its byte test alone; a flavour adds the bytes its renderer reads.
        if let extra = hooks?.specialBytes {
            if !probe.withUTF8({ $0.contains(where: { Self.isSpecial($0) || extra.contains($0) }) }) { return s }
        } else if !probe.withUTF8({ $0.contains(where: Self.isSpecial) }) {
            return s
        }
        var out = String.UnicodeScalarView()
        let scalars = Array(s.unicodeScalars)
        var prev: Unicode.Scalar? = previous?.unicodeScalars.last
        func isWord(_ c: Unicode.Scalar?) -> Bool {
            guard let c else { return false }
            return c.properties.isAlphabetic || c.properties.numericType != nil
        }
        for (i, c) in scalars.enumerated() {
            let next: Unicode.Scalar? = i + 1 < scalars.count ? scalars[i + 1] : nil
            // What the flavour's own renderer reads as markup (attr_list braces, wikilinks, comments, math …).
            if let hooks, let replaced = hooks.escape(c, next: next) {
                out.append(contentsOf: replaced.unicodeScalars)
                prev = c
                continue
            }
            switch c {
            case "*" where (prev == " " || prev == "\u{A0}") && (next == " " || next == "\u{A0}"):
                // Between spaces (not at a line start) it can neither open nor close emphasis, nor start a list.
                out.append(c)
            case "[" where notes.linkDepth == 0 && !Self.bracketMatters(scalars, at: i):
                out.append(c)
            case "]" where notes.linkDepth == 0 && !(next == "(" || next == "[" || next == ":"):
                // Only `](`, `][` and `]:` make links or definitions.
                out.append(c)
            case "\\", "`", "*", "[", "]", "~":
                out.append("\\"); out.append(c)
            case "<":
                // Only where it could open a tag, a comment or an autolink.
                if let n = next, n.properties.isAlphabetic || n == "/" || n == "!" || n == "?" {
                    if hooks?.escapesByReference == true { out.append(contentsOf: "&lt;".unicodeScalars); break }
                    out.append("\\")
                }
                out.append(c)
            case "&":
                // Only where it could start a character reference.
                if Self.startsReference(scalars, at: i) {
                    if hooks?.escapesByReference == true { out.append(contentsOf: "&amp;".unicodeScalars); break }
                    out.append("\\")
                }
                out.append(c)
            case "_":
                if !(isWord(prev) && isWord(next)) { out.append("\\") }
                out.append(c)
            case "#":
                if prev == nil || prev!.properties.isWhitespace || context == .heading { out.append("\\") }
                out.append(c)
            case "|":
                if context == .tableCell { out.append("\\") }
                out.append(c)
            case "\n":
                out.append(" ")
            case "\r", "\u{0}":
                continue
            default:
                out.append(c)
            }
            prev = c
        }
        return String(out)
    }

    /// A link destination: spaces and characters that would end or confuse it are percent-encoded, and so is an
    /// `&` that could start a character reference (a renderer would decode it into another URL than the one judged).
    func escapeDestination(_ url: String) -> String {
        var out = ""
        let scalars = Array(url.unicodeScalars)
        for (i, b) in scalars.enumerated() {
            switch b {
            case "&" where Self.startsReference(scalars, at: i): out += "%26"
            case " ": out += "%20"
            case "(": out += "%28"
            case ")": out += "%29"
            case "<": out += "%3C"
            case ">": out += "%3E"
            case "\\": out += "%5C"
            case "\"": out += "%22"
            case "`": out += "%60"
            default:
                if b.value < 0x20 || b.value == 0x7f {
                    out += String(format2: b.value)
                } else {
                    out.unicodeScalars.append(b)
                }
            }
        }
        return out
    }
}

extension MarkdownWriter {
    /// A line of three or more `-` (spaces allowed), up to three spaces of indent.
    static func isDashRule(_ line: String) -> Bool {
        let t = line.drop(while: { $0 == " " })
        guard line.count - t.count <= 3 else { return false }
        return t.filter { $0 == "-" }.count >= 3 && t.allSatisfy { $0 == "-" || $0 == " " || $0 == "\t" }
    }

    /// Whether a `[` at `i` could be markup where no `]` after it is: a footnote reference `[^`, or a task item's
    /// `[ ]`/`[x]` (a bracket pair without a definition is text; `](` is escaped on the other side).
    static func bracketMatters(_ s: [Unicode.Scalar], at i: Int) -> Bool {
        guard i + 1 < s.count else { return false }
        if s[i + 1] == "^" { return true }
        if i + 2 < s.count, s[i + 2] == "]", s[i + 1] == " " || s[i + 1] == "x" || s[i + 1] == "X" { return true }
        return false
    }

    /// Whether `&` at `i` begins something a renderer could read as a reference: `&#…`, or `&name;` (names
    /// decoded without `;` are HTML 4's legacy ones, none of which can change a URL's scheme). A query string's
    /// `&b=2` stays as it is.
    static func startsReference(_ s: [Unicode.Scalar], at i: Int) -> Bool {
        guard i + 1 < s.count else { return false }
        if s[i + 1] == "#" { return true }
        var j = i + 1
        while j < s.count, j - i <= 40, s[j].isASCII, s[j].properties.isAlphabetic || (s[j] >= "0" && s[j] <= "9") { j += 1 }
        return j > i + 1 && j < s.count && s[j] == ";"
    }
}

func longestRun(of c: Character, in s: String) -> Int {
    var best = 0, run = 0
    for ch in s {
        if ch == c { run += 1; best = max(best, run) } else { run = 0 }
    }
    return best
}

extension String {
    init(format2 value: UInt32) {
        let hex = String(value, radix: 16, uppercase: true)
        self = "%" + (hex.count < 2 ? "0" + hex : hex)
    }

    func trimmingSpaces() -> String {
        trimmingLeadingSpaces().trimmingTrailingSpaces()
    }
    func trimmingLeadingSpaces() -> String {
        String(drop(while: { $0 == " " || $0 == "\t" }))
    }
    func trimmingTrailingSpaces() -> String {
        var s = Substring(self)
        while let l = s.last, l == " " || l == "\t" { s = s.dropLast() }
        return String(s)
    }
}

/// The few constructs a Markdown flavour writes its own way; everything else (escaping, lists, tables, links) is the
/// GFM writer's. A flavour is one file: its hooks and its entry in ``Flavor``.
protocol MarkdownHooks: Sendable {
    /// A panel, given its title (as Markdown and as plain text) and its body as Markdown lines.
    func panel(_ kind: PanelKind, title: String, plainTitle: String, body: [String]) -> [String]
    /// Content shown on demand (expand), given its summary (as Markdown and as plain text) and body as Markdown lines.
    func details(summary: String, plainSummary: String, body: [String]) -> [String]
    /// How far a list item's later lines are indented, given its marker's width (`- ` is 2, `10. ` is 4).
    func listIndent(markerWidth: Int) -> Int
    /// An image with a size, alignment or border, given its escaped alt text and destination; nil: an `<img>`.
    func sizedImage(_ image: Image, alt: String, destination: String) -> String?
    /// A hard line break in text (GFM: a backslash at the end of the line).
    var lineBreak: String { get }
    /// `<` and `&` that could start markup written as `&lt;` and `&amp;` (for parsers without CommonMark's
    /// backslash escapes of every punctuation character).
    var escapesByReference: Bool { get }
    /// Bytes beyond CommonMark's that this flavour's renderer reads as markup in text (a fast check per byte).
    var specialBytes: Set<UInt8> { get }
    /// The text to write for a character of text that this flavour's renderer would read as markup, or nil.
    func escape(_ c: Unicode.Scalar, next: Unicode.Scalar?) -> String?
    /// A paragraph line starting with this flavour's own block syntax, escaped; nil when it starts with none.
    func escapeLineStart(_ line: String) -> String?
}

extension MarkdownHooks {
    func listIndent(markerWidth: Int) -> Int { markerWidth }
    func sizedImage(_ image: Image, alt: String, destination: String) -> String? { nil }
    var lineBreak: String { "\\\n" }
    var escapesByReference: Bool { false }
    var specialBytes: Set<UInt8> { [] }
    func escape(_ c: Unicode.Scalar, next: Unicode.Scalar?) -> String? { nil }
    func escapeLineStart(_ line: String) -> String? { nil }
}

/// The Markdown flavours a bundle can be written in.
public enum Flavor: String, Sendable, CaseIterable {
    /// GitHub Flavored Markdown: alerts (`> [!NOTE]`), `<details>`.
    case gfm
    /// An Obsidian vault: callouts (`> [!info] Title`, `> [!note]- Summary` folded), front matter with tags and
    /// aliases.
    case obsidian
    /// MkDocs Material: admonitions (`!!! info "Title"`, `??? note "Summary"` for expands), four-space list
    /// indents, `attr_list` image sizes, and `mkdocs.yml` at the bundle root with the page tree as its nav.
    case mkdocs

    /// Where attachments are written: MkDocs serves only what lies in its `docs_dir` (`articles/`).
    public var attachmentsRoot: String { self == .mkdocs ? "articles/_attachments" : "attachments" }

    /// How the flavour's renderer numbers a repeated heading's id: GitHub `x-1`, Python-Markdown (MkDocs) `x_1`.
    public var repeatedHeadingSeparator: String { self == .mkdocs ? "_" : "-" }

    /// Whether every article starts with YAML front matter (`--front-matter yaml` asks for it in any flavour).
    public var writesFrontMatter: Bool { self != .gfm }

    /// The writer of this flavour.
    func writer(tables: MarkdownWriter.TableMode) -> MarkdownWriter {
        var w = MarkdownWriter(tables: tables)
        switch self {
        case .gfm: break
        case .obsidian: w.hooks = ObsidianHooks()
        case .mkdocs: w.hooks = MkDocsHooks()
        }
        return w
    }
}
