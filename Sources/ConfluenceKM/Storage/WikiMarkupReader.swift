import Foundation

/// Reads the old Confluence wiki markup (bodyType 0, pages never edited since Confluence 3) into the document model:
/// headings, paragraphs, lists, tables, `{code}`/`{noformat}`/`{quote}`/panels, rules, and the common inline markup.
/// Macros it does not know are kept as a fenced block with a diagnostic.
struct WikiMarkupReader {
    let page: PageContext
    var keepSecrets = false
    let log: DiagnosticLog

    /// A wiki macro's tag (`name:key=value|key=value`) with secret-looking values replaced (``Secrets``).
    func redacted(_ tag: String) -> String {
        if keepSecrets { return tag }
        guard let colon = tag.firstIndex(of: ":") else { return tag }
        var count = 0
        let params = tag[tag.index(after: colon)...].split(separator: "|", omittingEmptySubsequences: false).map { p -> String in
            let kv = p.split(separator: "=", maxSplits: 1)
            guard kv.count == 2, Secrets.isSecret(name: String(kv[0]), value: String(kv[1])) else { return String(p) }
            count += 1
            return kv[0] + "=" + Secrets.placeholder
        }
        guard count > 0 else { return tag }
        log.add(.secretRedacted, .warning,
            "wiki macro {\(tag[..<colon])}: \(count) parameter value\(count == 1 ? "" : "s") that look like credentials written as \(Secrets.placeholder) (--keep-secrets keeps them)")
        return String(tag[...colon]) + params.joined(separator: "|")
    }

    func read(_ text: String) -> [Block] {
        var blocks: [Block] = []
        var paragraph: [String] = []
        var listItems: [(depth: Int, ordered: Bool, text: String)] = []
        var tableRows: [[Table.Cell]] = []
        let lines = text.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false).map(String.init)

        func flushParagraph() {
            if !paragraph.isEmpty {
                var inl: [Inline] = []
                for (i, l) in paragraph.enumerated() {
                    if i > 0 { inl.append(.lineBreak) }
                    inl += inlines(l)
                }
                blocks.append(.paragraph(inl))
                paragraph = []
            }
        }
        func flushList() {
            guard !listItems.isEmpty else { return }
            func build(_ items: ArraySlice<(depth: Int, ordered: Bool, text: String)>, depth: Int) -> List {
                var out: [ListItem] = []
                var i = items.startIndex
                while i < items.endIndex {
                    var j = i + 1
                    while j < items.endIndex && items[j].depth > depth { j += 1 }
                    var item = ListItem(blocks: [.paragraph(inlines(items[i].text))])
                    if j > i + 1 { item.blocks.append(.list(build(items[(i + 1)..<j], depth: depth + 1))) }
                    out.append(item)
                    i = j
                }
                return List(ordered: items.first?.ordered ?? false, items: out)
            }
            blocks.append(.list(build(listItems[...], depth: 1)))
            listItems = []
        }
        func flushTable() {
            if !tableRows.isEmpty { blocks.append(.table(Table(rows: tableRows))); tableRows = [] }
        }
        func flushAll() { flushParagraph(); flushList(); flushTable() }

        var i = 0
        while i < lines.count {
            let line = lines[i]
            let t = line.trimmingCharacters(in: .whitespaces)
            // Block macros with bodies: {code}, {noformat}, {quote}, {info}… up to the closing tag.
            if t.hasPrefix("{"), let close = t.firstIndex(of: "}") {
                let tag = String(t[t.index(after: t.startIndex)..<close])
                let name = String(tag.split(separator: ":").first ?? "").lowercased()
                let known = ["code", "noformat", "quote", "info", "note", "tip", "warning", "panel"]
                if known.contains(name) || t.count > close.utf16Offset(in: t) + 1 || lines[(i + 1)...].contains(where: { $0.trimmingCharacters(in: .whitespaces).hasPrefix("{\(name)}") }) {
                    flushAll()
                    var body: [String] = []
                    let rest = String(t[t.index(after: close)...])
                    var j = i + 1
                    var closed = false
                    if let end = rest.range(of: "{\(name)}") {
                        body.append(String(rest[..<end.lowerBound])); closed = true
                    } else {
                        if !rest.isEmpty { body.append(rest) }
                        while j < lines.count {
                            if let end = lines[j].range(of: "{\(name)}") {
                                body.append(String(lines[j][..<end.lowerBound])); closed = true; j += 1; break
                            }
                            body.append(lines[j]); j += 1
                        }
                    }
                    if !closed && !known.contains(name) {
                        // A one-line macro such as {toc}: kept as text below.
                    } else {
                        let text = body.joined(separator: "\n")
                        let params = tag.split(separator: ":", maxSplits: 1).dropFirst().first.map(String.init) ?? ""
                        switch name {
                        case "code":
                            let lang = params.split(separator: "|").first { !$0.contains("=") }.map { String($0).lowercased() }
                                ?? params.split(separator: "|").compactMap { p -> String? in
                                    let kv = p.split(separator: "="); return kv.count == 2 && kv[0] == "language" ? String(kv[1]) : nil }.first
                            blocks.append(.codeBlock(language: lang, text: text))
                        case "noformat": blocks.append(.codeBlock(language: nil, text: text))
                        case "quote": blocks.append(.blockQuote(read(text)))
                        case "info", "note", "tip", "warning", "panel":
                            // As the storage macros of the same names (``PanelMacro``).
                            blocks.append(.panel(Panel(kind: PanelMacro.kinds[name] ?? .plain, blocks: read(text))))
                        default:
                            log.add(.wikiMarkupMacro, .warning, "wiki macro {\(name)} is not converted; kept as a fenced block")
                            blocks.append(.codeBlock(language: "confluence-wiki", text: "{\(redacted(tag))}\n" + text + "\n{\(name)}"))
                        }
                        i = j
                        continue
                    }
                }
            }
            if t.isEmpty { flushAll(); i += 1; continue }
            if let m = t.firstMatch(of: /^h([1-6])\.\s+(.*)$/) {
                flushAll()
                blocks.append(.heading(level: Int(String(m.1))!, attr: .empty, inlines(String(m.2))))
            } else if t == "----" {
                flushAll(); blocks.append(.thematicBreak)
            } else if t.hasPrefix("bq. ") {
                flushAll(); blocks.append(.blockQuote([.paragraph(inlines(String(t.dropFirst(4))))]))
            } else if let m = t.firstMatch(of: /^([*#\-]+)\s+(.*)$/) {
                flushParagraph(); flushTable()
                let marks = String(m.1)
                if marks.count == 1, let first = listItems.first, first.ordered != (marks.last == "#") { flushList() }
                listItems.append((marks.count, marks.last == "#", String(m.2)))
            } else if t.hasPrefix("|") {
                flushParagraph(); flushList()
                tableRows.append(tableRow(t))
            } else {
                flushList(); flushTable()
                if t.hasPrefix("{") && t.hasSuffix("}") && !t.contains(" ") {
                    flushParagraph()
                    log.add(.wikiMarkupMacro, .warning, "wiki macro {\(t.dropFirst().dropLast().prefix { $0 != ":" })} is not converted; kept as a fenced block")
                    blocks.append(.codeBlock(language: "confluence-wiki", text: "{" + redacted(String(t.dropFirst().dropLast())) + "}"))
                } else {
                    paragraph.append(t)
                }
            }
            i += 1
        }
        flushAll()
        return blocks
    }

    /// Whether a body with no body type is wiki markup: no tag anywhere, and a line only wiki markup starts that way
    /// (a heading `h1.`, a table `||`/`|a|b|`, a `{code}`-like macro, a quote `bq.`) or a `[text|url]` link.
    static func looksLikeWikiMarkup(_ text: String) -> Bool {
        // Runs for every body that says it is XHTML, so on the bytes, stopping at the first tag (most bodies start
        // with one); a non-ASCII letter after `<` counts as a tag too.
        var afterOpen = false
        for b in text.utf8 {
            if afterOpen, (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b >= 0x80 || b == 0x2F || b == 0x21 || b == 0x3F {
                return false
            }
            afterOpen = b == 0x3C
        }
        for raw in text.split(whereSeparator: { $0 == "\n" || $0 == "\r" }) {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.count > 3, line.first == "h", let d = line.dropFirst().first, ("1"..."6").contains(d),
               line.dropFirst(2).hasPrefix(". ") { return true }
            if line.hasPrefix("||") || line.hasPrefix("bq. ") { return true }
            if line.hasPrefix("|"), line.filter({ $0 == "|" }).count >= 3 { return true }
            for m in ["{code", "{noformat", "{panel", "{info", "{note", "{warning", "{tip", "{quote", "{toc"] where line.hasPrefix(m) {
                return true
            }
            if line.contains("|http://") || line.contains("|https://") { return true }
        }
        return false
    }

    /// A table row: cells split at `|` (`||` for header cells) outside `[links|…]` and `{macros:…|…}`; a trailing
    /// separator is not a cell.
    private func tableRow(_ line: String) -> [Table.Cell] {
        var cells: [Table.Cell] = []
        var rest = Substring(line)
        while !rest.isEmpty {
            let header = rest.hasPrefix("||")
            rest = rest.dropFirst(header ? 2 : 1)
            guard !rest.trimmingCharacters(in: .whitespaces).isEmpty else { break }
            var depth = 0
            var end = rest.endIndex
            var i = rest.startIndex
            while i < rest.endIndex {
                let c = rest[i]
                if c == "[" || c == "{" { depth += 1 } else if (c == "]" || c == "}") && depth > 0 { depth -= 1 }
                else if c == "|" && depth == 0 { end = i; break }
                i = rest.index(after: i)
            }
            let text = rest[..<end].trimmingCharacters(in: .whitespaces)
            cells.append(Table.Cell(isHeader: header, blocks: [.paragraph(inlines(text))]))
            rest = rest[end...]
        }
        return cells
    }

    /// Inline wiki markup: *strong*, _emphasis_, -strike-, +insert+, {{monospace}}, [links], !images!, \\ breaks.
    func inlines(_ s: String) -> [Inline] {
        var out: [Inline] = []
        var text = ""
        var i = s.startIndex
        func flush() { if !text.isEmpty { out.append(.text(text)); text = "" } }
        while i < s.endIndex {
            let c = s[i]
            let rest = s[i...]
            if rest.hasPrefix("{{"), let end = rest.range(of: "}}") {
                flush(); out.append(.code(String(rest[rest.index(i, offsetBy: 2)..<end.lowerBound]))); i = end.upperBound; continue
            }
            if rest.hasPrefix("\\\\") { flush(); out.append(.lineBreak); i = s.index(i, offsetBy: 2); continue }
            if c == "[", let end = rest.firstIndex(of: "]") {
                flush()
                let inner = String(rest[rest.index(after: i)..<end])
                out.append(link(inner)); i = s.index(after: end); continue
            }
            if c == "!", let end = rest.dropFirst().firstIndex(of: "!"), !rest[rest.index(after: i)..<end].contains(" ") {
                flush()
                let name = String(rest[rest.index(after: i)..<end]).split(separator: "|").first.map(String.init) ?? ""
                if name.hasPrefix("http") {
                    if let safe = URLJudge.judge(name) { out.append(.image(Image(target: .url(safe), alt: ""))) } else { out.append(.text(name)) }
                } else {
                    out.append(.image(Image(target: .attachment(owner: .current, fileName: name), alt: name)))
                }
                i = s.index(after: end); continue
            }
            if "*_-+".contains(c), i == s.startIndex || !(s[s.index(before: i)].isLetter || s[s.index(before: i)].isNumber),
               let end = rest.dropFirst().firstIndex(of: c), end > s.index(after: i),
               !s[s.index(after: i)].isWhitespace, !s[s.index(before: end)].isWhitespace {
                flush()
                let inner = inlines(String(s[s.index(after: i)..<end]))
                switch c {
                case "*": out.append(.strong(inner))
                case "_": out.append(.emphasis(inner))
                case "-": out.append(.strikethrough(inner))
                default: out.append(.inserted(inner))
                }
                i = s.index(after: end); continue
            }
            text.append(c)
            i = s.index(after: i)
        }
        flush()
        return out
    }

    /// `[label|target]`: a URL, `~user`, `SPACE:Page title`, `^attachment` (resolved by the passes).
    private func link(_ inner: String) -> Inline {
        let parts = inner.split(separator: "|", maxSplits: 1).map(String.init)
        let label = parts.count == 2 ? parts[0] : nil
        let target = parts.count == 2 ? parts[1] : (parts.first ?? "")
        if target.hasPrefix("http://") || target.hasPrefix("https://") || target.hasPrefix("mailto:") {
            guard let safe = URLJudge.judge(target) else { return .text(label ?? target) }
            return .link(.url(safe), title: nil, [.text(label ?? target)])
        }
        if target.hasPrefix("~") { return .mention(Mention(key: String(target.dropFirst())), name: nil) }
        var space: String?, title = target
        if let colon = target.firstIndex(of: ":") { space = String(target[..<colon]); title = String(target[target.index(after: colon)...]) }
        if title.hasPrefix("^") {
            let file = String(title.dropFirst())
            return .link(.attachment(owner: .current, fileName: file), title: nil, [.text(label ?? file)])
        }
        return .link(.page(.title(space: space, title: title, blogPost: false), anchor: nil), title: nil, [.text(label ?? title)])
    }
}
