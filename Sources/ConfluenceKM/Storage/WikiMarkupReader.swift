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
            if kv.count == 2, Secrets.isSecret(name: String(kv[0]), value: String(kv[1])) {
                count += 1
                return kv[0] + "=" + Secrets.placeholder
            }
            // The unnamed parameter, or a value holding `Password=…` or `user:password@`.
            guard let v = Secrets.redactedValue(String(p)) else { return String(p) }
            count += 1
            return v
        }
        guard count > 0 else { return tag }
        log.add(.secretRedacted, .warning,
            "wiki macro {\(tag[..<colon])}: \(count) parameter value\(count == 1 ? "" : "s") that look like credentials written as \(Secrets.placeholder) (--keep-secrets keeps them)")
        return String(tag[...colon]) + params.joined(separator: "|")
    }

    /// Every `{name:params}` of a line with its secret parameters redacted (one pass over the line).
    func redactedInlineTags(_ line: String) -> String {
        guard line.contains("{"), line.contains(":") else { return line }
        var out = ""
        var rest = Substring(line)
        while let open = rest.firstIndex(of: "{") {
            out += rest[..<open]
            let after = rest.index(after: open)
            guard let end = rest[after...].firstIndex(where: { $0 == "}" || $0 == "{" }) else { out += rest[open...]; return out }
            if rest[end] == "{" { out += rest[open..<end]; rest = rest[end...]; continue }
            let tag = String(rest[after..<end])
            out += "{" + (tag.contains(":") ? redacted(tag) : tag) + "}"
            rest = rest[rest.index(after: end)...]
        }
        return out + rest
    }

    func read(_ text: String) -> [Block] {
        var blocks: [Block] = []
        var paragraph: [String] = []
        var listItems: [(depth: Int, ordered: Bool, text: String)] = []
        var tableRows: [[Table.Cell]] = []
        var lines = text.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        // Macros written inside a line of text (`see {jdbc:password=…} here`) are redacted like whole-line ones.
        if !keepSecrets { lines = lines.map(redactedInlineTags) }
        let macros = MacroTags(lines)

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
                if known.contains(name) || t.index(after: close) < t.endIndex || macros.lineStarts(with: name, after: i) {
                    flushAll()
                    var body: [String] = []
                    let rest = String(t[t.index(after: close)...])
                    var j = i + 1
                    var closed = false
                    if let end = rest.range(of: "{\(name)}") {
                        body.append(String(rest[..<end.lowerBound])); closed = true
                    } else {
                        if !rest.isEmpty { body.append(rest) }
                        // The closing tag's line is looked up, not searched for: an unclosed tag on every line
                        // rescanned the rest of the body once per line.
                        if let k = macros.firstLine(containing: name, after: i), let end = lines[k].range(of: "{\(name)}") {
                            body += lines[j..<k]
                            body.append(String(lines[k][..<end.lowerBound])); closed = true; j = k + 1
                        } else if known.contains(name) {
                            body += lines[j...]; j = lines.count
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
            if let (level, rest) = Self.heading(t) {
                flushAll()
                blocks.append(.heading(level: level, attr: .empty, inlines(rest)))
            } else if t == "----" {
                flushAll(); blocks.append(.thematicBreak)
            } else if t.hasPrefix("bq. ") {
                flushAll(); blocks.append(.blockQuote([.paragraph(inlines(String(t.dropFirst(4))))]))
            } else if let (marks, rest) = Self.listItem(t) {
                flushParagraph(); flushTable()
                if marks.count == 1, let first = listItems.first, first.ordered != (marks.last == "#") { flushList() }
                // Nesting deeper than a reader can follow is flattened to the deepest level kept.
                listItems.append((min(marks.count, Self.maxListDepth), marks.last == "#", rest))
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

    /// The deepest list nesting kept (`*****…` deeper hangs at this level).
    static let maxListDepth = 16

    /// `h1. Title` … `h6. Title`: the level and the title (what follows the whitespace after the dot).
    static func heading(_ t: String) -> (Int, String)? {
        var it = t.unicodeScalars.makeIterator()
        guard it.next() == "h", let d = it.next(), ("1"..."6").contains(d), it.next() == "." else { return nil }
        let after = t.unicodeScalars.dropFirst(3)
        guard let first = after.first, first.properties.isWhitespace else { return nil }
        return (Int(d.value - 0x30), String(String.UnicodeScalarView(after.drop { $0.properties.isWhitespace })))
    }

    /// `* item`, `# item`, `- item`, `*# item`: the marks and the text after the whitespace that follows them.
    static func listItem(_ t: String) -> (String, String)? {
        let marks = t.unicodeScalars.prefix { $0 == "*" || $0 == "#" || $0 == "-" }
        let after = t.unicodeScalars[marks.endIndex...]
        guard !marks.isEmpty, let first = after.first, first.properties.isWhitespace else { return nil }
        return (String(String.UnicodeScalarView(marks)), String(String.UnicodeScalarView(after.drop { $0.properties.isWhitespace })))
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
            // Stops at the first letter: trimming the whole rest once per cell was quadratic on a row of `||`.
            guard rest.contains(where: { !$0.isWhitespace }) else { break }
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
    /// Linear in the line: every search for a closing delimiter goes through ``DelimiterScan``, whose cursors only
    /// move forward (a run of `[` or `{{` with no end used to rescan the rest of the line once per opener).
    func inlines(_ s: String) -> [Inline] {
        let chars = Array(s)
        var scan = DelimiterScan(chars)
        return inlines(chars, chars.startIndex..<chars.endIndex, &scan)
    }

    private func inlines(_ s: [Character], _ range: Range<Int>, _ scan: inout DelimiterScan) -> [Inline] {
        var out: [Inline] = []
        var text = ""
        var i = range.lowerBound
        let hi = range.upperBound
        func flush() { if !text.isEmpty { out.append(.text(text)); text = "" } }
        while i < hi {
            let c = s[i]
            if c == "{", i + 1 < hi, s[i + 1] == "{", let end = scan.next(.doubleBrace, from: i + 2, before: hi) {
                flush(); out.append(.code(String(s[(i + 2)..<end]))); i = end + 2; continue
            }
            if c == "\\", i + 1 < hi, s[i + 1] == "\\" { flush(); out.append(.lineBreak); i += 2; continue }
            if c == "[", let end = scan.next(.closeBracket, from: i + 1, before: hi) {
                flush()
                out.append(link(String(s[(i + 1)..<end]))); i = end + 1; continue
            }
            if c == "!", let end = scan.next(.bang, from: i + 1, before: hi), scan.next(.space, from: i + 1, before: end) == nil {
                flush()
                let name = String(s[(i + 1)..<end]).split(separator: "|").first.map(String.init) ?? ""
                if name.hasPrefix("http") {
                    if let safe = URLJudge.judge(name) { out.append(.image(Image(target: .url(safe), alt: ""))) } else { out.append(.text(name)) }
                } else {
                    out.append(.image(Image(target: .attachment(owner: .current, fileName: name), alt: name)))
                }
                i = end + 1; continue
            }
            if let mark = DelimiterScan.Mark(emphasis: c), i == range.lowerBound || !(s[i - 1].isLetter || s[i - 1].isNumber),
               let end = scan.next(mark, from: i + 1, before: hi), end > i + 1,
               !s[i + 1].isWhitespace, !s[end - 1].isWhitespace {
                flush()
                let inner = inlines(s, (i + 1)..<end, &scan)
                switch mark {
                case .star: out.append(.strong(inner))
                case .underscore: out.append(.emphasis(inner))
                case .dash: out.append(.strikethrough(inner))
                default: out.append(.inserted(inner))
                }
                i = end + 1; continue
            }
            text.append(c)
            i += 1
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

/// The next position of each closing delimiter in one line of wiki markup. The inline reader asks only for positions
/// at or after the last one it asked for (an inner span is read before the text after it), so each cursor moves
/// forward only: one pass over the line per delimiter, however many openers have no end.
struct DelimiterScan {
    enum Mark: Int, CaseIterable {
        case closeBracket, doubleBrace, bang, space, star, underscore, dash, plus

        init?(emphasis c: Character) {
            switch c {
            case "*": self = .star
            case "_": self = .underscore
            case "-": self = .dash
            case "+": self = .plus
            default: return nil
            }
        }

        func matches(_ s: [Character], _ i: Int) -> Bool {
            switch self {
            case .closeBracket: return s[i] == "]"
            case .doubleBrace: return s[i] == "}" && i + 1 < s.count && s[i + 1] == "}"
            case .bang: return s[i] == "!"
            case .space: return s[i] == " "
            case .star: return s[i] == "*"
            case .underscore: return s[i] == "_"
            case .dash: return s[i] == "-"
            case .plus: return s[i] == "+"
            }
        }
    }

    private let chars: [Character]
    /// Per mark: the position the last search started from, and what it found (`chars.count` for none).
    private var from: [Int]
    private var found: [Int]

    init(_ chars: [Character]) {
        self.chars = chars
        from = Array(repeating: Int.max, count: Mark.allCases.count)
        found = Array(repeating: 0, count: Mark.allCases.count)
    }

    /// The first position `>= start` holding `mark` (for `}}`, its first brace, with the second before `limit`
    /// too), or nil when there is none before `limit`.
    mutating func next(_ mark: Mark, from start: Int, before limit: Int) -> Int? {
        let k = mark.rawValue
        // Nothing lies between the last start and what it found, so that answer holds for any start in between.
        if !(from[k] <= start && found[k] >= start) {
            var q = start
            while q < chars.count && !mark.matches(chars, q) { q += 1 }
            from[k] = start
            found[k] = q
        }
        let q = found[k]
        let width = mark == .doubleBrace ? 2 : 1
        return q + width <= limit ? q : nil
    }
}

/// Where each `{name}` tag stands in a body's lines, found in one pass: for a macro opened on line i, whether a
/// later line starts with its closing tag, and the first later line holding it anywhere.
struct MacroTags {
    private var starts: [String: Int] = [:]
    private var lines: [String: [Int]] = [:]

    init(_ text: [String]) {
        for (n, line) in text.enumerated() {
            let u = Array(line.utf8)
            var i = 0
            var first = true
            while i < u.count {
                guard u[i] == UInt8(ascii: "{") else {
                    if u[i] != UInt8(ascii: " ") && u[i] != UInt8(ascii: "\t") { first = false }
                    i += 1; continue
                }
                var j = i + 1
                while j < u.count && u[j] != UInt8(ascii: "{") && u[j] != UInt8(ascii: "}") { j += 1 }
                if j < u.count && u[j] == UInt8(ascii: "}") {
                    let name = String(decoding: u[(i + 1)..<j], as: UTF8.self)
                    if first { starts[name] = n }
                    if lines[name]?.last != n { lines[name, default: []].append(n) }
                    first = false
                    i = j + 1
                } else {
                    first = false
                    i = j
                }
            }
        }
    }

    /// Whether a line after `line` starts (after blanks) with `{name}`.
    func lineStarts(with name: String, after line: Int) -> Bool { (starts[name] ?? -1) > line }

    /// The first line after `line` that holds `{name}`.
    func firstLine(containing name: String, after line: Int) -> Int? {
        guard let list = lines[name] else { return nil }
        var lo = 0, hi = list.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if list[mid] <= line { lo = mid + 1 } else { hi = mid }
        }
        return lo < list.count ? list[lo] : nil
    }
}

