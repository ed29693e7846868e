import Foundation

/// A mixed run of converted content: inline pieces are gathered into paragraphs by the enclosing block.
enum Piece {
    case inline(Inline)
    case block(Block)
    /// A paragraph boundary (`<p>` start or end) with no block of its own.
    case paragraphBreak
}

/// Reads one storage-format body (XHTML with `ac:`/`ri:` elements) into the document model.
///
/// The reader only reads: it resolves nothing against the plan (links, images, generated lists and includes stay
/// semantic nodes for the passes) and decides nothing about how the model is written. Every element that is dropped
/// or only partly converted leaves a diagnostic.
final class StorageReader {
    let page: PageContext
    let settings: ConversionSettings
    let log: DiagnosticLog
    /// The first macro met whose policy is `fail`.
    var failedMacro: String?
    /// Macros met, by name (inspect's census).
    var macros: [String: Int] = [:]
    /// What the document holds that passes act on (``Document/Features``).
    var features: Document.Features = []
    /// The current element depth (see `maxDepth`).
    var depth = 0
    /// How many keep-raw macros enclose the current node (only the outermost writes its source).
    var rawDepth = 0

    init(page: PageContext, settings: ConversionSettings = ConversionSettings(), log: DiagnosticLog) {
        self.page = page
        self.settings = settings
        self.log = log
    }

    func diagnose(_ code: DiagnosticCode, _ severity: Diagnostic.Severity, _ message: String, once key: String? = nil) {
        log.add(code, severity, message, once: key)
    }

    func read(_ nodes: [XNode]) -> [Block] {
        blocks(from: nodes.flatMap(convert))
    }

    // MARK: Grouping

    /// Gathers inline pieces into paragraphs between blocks.
    func blocks(from pieces: [Piece]) -> [Block] {
        var out: [Block] = []
        var run: [Inline] = []
        func flush() {
            let trimmed = trimInlines(run)
            if !trimmed.isEmpty { out.append(.paragraph(trimmed)) }
            run = []
        }
        for p in pieces {
            switch p {
            case .inline(let i): run.append(i)
            case .block(let b):
                flush()
                out.append(b)
            case .paragraphBreak:
                flush()
            }
        }
        flush()
        return out
    }

    func inlines(_ nodes: [XNode]) -> [Inline] {
        var out: [Inline] = []
        for p in nodes.flatMap(convert) {
            switch p {
            case .inline(let i): out.append(i)
            case .block(let b): out.append(contentsOf: flattenToInlines(b))
            case .paragraphBreak: if !out.isEmpty { out.append(.text(" ")) }
            }
        }
        return out
    }

    /// A block met where only inline content fits (a table in a heading …): its text survives.
    func flattenToInlines(_ b: Block) -> [Inline] { b.flattenedInlines }
}

extension StorageReader {

    func trimInlines(_ inlines: [Inline]) -> [Inline] {
        var s = inlines
        while let f = s.first, isBlank(f) { s.removeFirst() }
        while let l = s.last, isBlank(l) { s.removeLast() }
        if case .text(let t)? = s.first { s[0] = .text(String(t.drop(while: { $0 == " " }))) }
        if case .text(let t)? = s.last { s[s.count - 1] = .text(t.trimmingTrailingSpaces()) }
        return s
    }

    private func isBlank(_ i: Inline) -> Bool {
        switch i {
        case .text(let t): return t.allSatisfy { $0 == " " || $0 == "\u{A0}" }
        case .lineBreak: return true
        default: return false
        }
    }

    // MARK: Nodes

    /// How deep elements are followed; deeper content is kept as its text (a hostile body cannot exhaust the stack).
    static let maxDepth = 120

    func convert(_ node: XNode) -> [Piece] {
        if depth >= Self.maxDepth {
            diagnose(.tooDeep, .warning, "elements nested more than \(Self.maxDepth) deep are kept as plain text", once: "depth")
            let t = collapseWhitespace(node.textContent)
            return t.isEmpty ? [] : [.inline(.text(t))]
        }
        depth += 1
        defer { depth -= 1 }
        switch node.kind {
        case .text:
            let t = collapseWhitespace(node.text)
            return t.isEmpty ? [] : [.inline(.text(t))]
        case .other:
            return []
        case .element:
            return element(node)
        }
    }

    /// Runs of ASCII whitespace become one space (XHTML's rendering), done on the UTF-8 bytes.
    private func collapseWhitespace(_ s: String) -> String {
        var s = s
        return s.withUTF8 { bytes in
            String(unsafeUninitializedCapacity: bytes.count) { out in
                var n = 0
                var lastWasSpace = false
                for b in bytes {
                    if b == 0x20 || b == 0x0A || b == 0x09 || b == 0x0D {
                        if !lastWasSpace { out[n] = 0x20; n += 1 }
                        lastWasSpace = true
                    } else {
                        out[n] = b
                        n += 1
                        lastWasSpace = false
                    }
                }
                return n
            }
        }
    }

    private func wrap(_ node: XNode, _ make: ([Inline]) -> Inline) -> [Piece] {
        let pieces = node.children.flatMap(convert)
        var out: [Piece] = []
        var run: [Inline] = []
        for p in pieces {
            switch p {
            case .inline(let i): run.append(i)
            case .block, .paragraphBreak:
                if !run.isEmpty { out.append(.inline(make(run))); run = [] }
                out.append(p)
            }
        }
        if !run.isEmpty { out.append(.inline(make(run))) }
        return out
    }

    private func element(_ node: XNode) -> [Piece] {
        let name = node.name
        switch name {
        case "p":
            return [.paragraphBreak] + node.children.flatMap(convert) + [.paragraphBreak]
        case "h1", "h2", "h3", "h4", "h5", "h6":
            let level = Int(String(name.last!))!
            return [.block(.heading(level: level, attr: .empty, trimInlines(inlines(node.children))))]
        case "br":
            return [.inline(.lineBreak)]
        case "hr":
            return [.block(.thematicBreak)]
        case "strong", "b":
            return wrap(node) { .strong($0) }
        case "em", "i", "cite", "dfn", "var":
            return wrap(node) { .emphasis($0) }
        case "s", "del", "strike":
            return wrap(node) { .strikethrough($0) }
        case "u", "ins":
            return marked(node) { .inserted($0) }
        case "sub":
            return marked(node) { .subscript($0) }
        case "sup":
            return marked(node) { .superscript($0) }
        case "code", "tt", "kbd", "samp":
            return [.inline(.code(codeText(node)))]
        case "pre":
            return [.block(.codeBlock(language: nil, text: node.textContent))]
        case "blockquote":
            return [.block(.blockQuote(blocks(from: node.children.flatMap(convert))))]
        case "ul", "ol":
            return [.block(.list(list(node, ordered: name == "ol")))]
        case "li":
            return [.block(.list(List(ordered: false, items: [ListItem(blocks: blocks(from: node.children.flatMap(convert)))])))]
        case "table":
            return [.block(table(node))]
        case "a":
            return anchor(node)
        case "img":
            return externalImage(node)
        case "time":
            if let d = node.attr("datetime"), !d.isEmpty { return [.inline(.text(d))] }
            return node.children.flatMap(convert)
        case "script", "style", "iframe", "object", "embed", "form", "input", "button", "textarea", "select":
            diagnose(.unsafeContent, .warning, "<\(name)> element dropped: active content is never written to the bundle")
            return []
        case "ac:link":
            return link(node)
        case "ac:image":
            return image(node)
        case "ac:structured-macro", "ac:macro":
            return macro(node)
        case "ac:task-list":
            return [.block(.list(taskList(node)))]
        case "ac:emoticon":
            return [.inline(.text(emoticon(node)))]
        case "ac:placeholder", "ac:parameter", "ac:task-id", "ac:task-uuid":
            return []
        case "ac:inline-comment-marker", "ac:layout", "ac:layout-section", "ac:layout-cell", "ac:rich-text-body",
            "ac:link-body":
            return node.children.flatMap(convert)
        case "ac:adf-extension":
            return adfExtension(node)
        case "ac:adf-fallback", "ac:adf-content", "ac:adf-node":
            return node.children.flatMap(convert)
        case "ac:plain-text-body", "ac:plain-text-link-body":
            let t = node.textContent
            return t.isEmpty ? [] : [.inline(.text(t))]
        default:
            if name.hasPrefix("ac:") || name.hasPrefix("ri:") || name.hasPrefix("at:") {
                diagnose(.unsupportedElement, .warning, "<\(name)> is not converted; its text is kept", once: name)
            }
            return node.children.flatMap(convert)
        }
    }

    /// The text of inline code as the page showed it: a link inside keeps its text (or its target's name), a user
    /// mention its `@name`.
    func codeText(_ node: XNode) -> String {
        var out = ""
        for c in node.children {
            switch c.kind {
            case .text: out += c.text
            case .other: break
            case .element:
                switch c.name {
                case "ac:link":
                    let body = c.child("ac:link-body")?.textContent ?? c.child("ac:plain-text-link-body")?.textContent ?? ""
                    if !body.isEmpty { out += body; continue }
                    guard let r = c.elementChildren.first(where: { $0.name.hasPrefix("ri:") }) else { out += c.attr("ac:anchor") ?? ""; continue }
                    if r.name == "ri:user" { out += "@" + userParameter(r); continue }
                    out += r.attr("ri:content-title") ?? r.attr("ri:filename") ?? r.attr("ri:space-key") ?? r.attr("ri:value") ?? r.attr("ri:content-id") ?? ""
                case "ri:user": out += "@" + userParameter(c)
                default: out += codeText(c)
                }
            }
        }
        return out
    }

    /// Inserted, subscript and superscript text (blank content stays as it is, unmarked).
    private func marked(_ node: XNode, _ make: ([Inline]) -> Inline) -> [Piece] {
        let inner = inlines(node.children)
        if trimInlines(inner).isEmpty { return inner.map { .inline($0) } }
        return [.inline(make(inner))]
    }

    // MARK: Lists and tables

    private func list(_ node: XNode, ordered: Bool) -> List {
        var items: [ListItem] = []
        for c in node.children {
            if c.kind == .element && c.name == "li" {
                let content = blocks(from: c.children.flatMap(convert))
                // An empty bullet (an editor's stray Enter) is not written.
                if content.isEmpty { continue }
                items.append(ListItem(blocks: content))
            } else if c.kind == .element && (c.name == "ul" || c.name == "ol") {
                // A list nested directly in a list: attach it to the previous item.
                let nested = Block.list(list(c, ordered: c.name == "ol"))
                if items.isEmpty { items.append(ListItem(blocks: [nested])) } else { items[items.count - 1].blocks.append(nested) }
            } else {
                let stray = blocks(from: convert(c))
                if !stray.isEmpty {
                    if items.isEmpty { items.append(ListItem(blocks: stray)) } else { items[items.count - 1].blocks.append(contentsOf: stray) }
                }
            }
        }
        var start = ordered ? (node.attr("start").flatMap { Int($0.trimmingCharacters(in: .whitespaces)) } ?? 1) : 1
        // CommonMark list numbers have at most 9 digits; anything else is not a real list start.
        if start < 0 || start > Limits.maxListStart {
            diagnose(.valueOutOfRange, .info, "list start \(Diagnostic.shown(node.attr("start") ?? "")) is out of range; the list starts at 1")
            start = 1
        }
        return List(ordered: ordered, start: start, items: items)
    }

    private func taskList(_ node: XNode) -> List {
        var items: [ListItem] = []
        for task in node.elementChildren where task.name == "ac:task" {
            let status = task.child("ac:task-status")?.textContent.trimmingCharacters(in: .whitespaces) ?? "incomplete"
            let body = task.child("ac:task-body").map { blocks(from: $0.children.flatMap(convert)) } ?? []
            items.append(ListItem(checked: status == "complete", blocks: body))
        }
        return List(ordered: false, items: items)
    }

    private func table(_ node: XNode) -> Block {
        var rows: [[Table.Cell]] = []
        var aligns: [[Table.Alignment?]] = []
        func collect(_ n: XNode) {
            for c in n.elementChildren {
                switch c.name {
                case "thead", "tbody", "tfoot": collect(c)
                case "tr":
                    var row: [Table.Cell] = []
                    var rowAligns: [Table.Alignment?] = []
                    for cell in c.elementChildren where cell.name == "td" || cell.name == "th" {
                        rowAligns.append(Self.alignment(cell))
                        row.append(Table.Cell(
                            isHeader: cell.name == "th",
                            blocks: blocks(from: cell.children.flatMap(convert)),
                            colspan: span(cell.attr("colspan"), "colspan"),
                            rowspan: span(cell.attr("rowspan"), "rowspan")))
                    }
                    rows.append(row)
                    aligns.append(rowAligns)
                default: break
                }
            }
        }
        collect(node)
        // A column is aligned when every cell of it says the same (merged cells make columns ambiguous: none).
        var columns: [Table.Alignment] = []
        if !rows.contains(where: { $0.contains { $0.colspan > 1 || $0.rowspan > 1 } }) {
            let width = aligns.map(\.count).max() ?? 0
            for col in 0..<width {
                let values = aligns.map { col < $0.count ? $0[col] : nil }
                if let first = values.first, let a = first, values.allSatisfy({ $0 == a }) { columns.append(a) } else { columns.append(.none) }
            }
            if columns.allSatisfy({ $0 == .none }) { columns = [] }
        }
        return .table(Table(rows: rows, alignments: columns))
    }

    /// A cell's horizontal alignment from its `style` (`text-align`) or `align` attribute.
    static func alignment(_ cell: XNode) -> Table.Alignment? {
        var value = cell.attr("align")?.lowercased()
        if let style = cell.attr("style")?.lowercased(), let r = style.range(of: "text-align:") {
            value = style[r.upperBound...].trimmingCharacters(in: .whitespaces).prefix { $0.isLetter }.description
        }
        switch value {
        case "left"?: return .left
        case "center"?: return .center
        case "right"?: return .right
        default: return nil
        }
    }

    /// A cell span from the body: 1 to ``Limits/maxSpan``; anything larger (a crafted `colspan=4000000000`) is
    /// capped, with a diagnostic.
    private func span(_ raw: String?, _ name: String) -> Int {
        guard let raw else { return 1 }
        let v = Int(raw.trimmingCharacters(in: .whitespaces)) ?? 1
        if v > Limits.maxSpan {
            diagnose(.valueOutOfRange, .info, "\(name)=\(Diagnostic.shown(raw)) is over \(Limits.maxSpan); capped", once: name)
            return Limits.maxSpan
        }
        return max(1, v)
    }

    // MARK: Links and images

    private func anchor(_ node: XNode) -> [Piece] {
        let content = inlines(node.children)
        guard let href = node.attr("href"), !href.isEmpty else { return content.map { .inline($0) } }
        guard let safe = safeURL(href) else {
            diagnose(.unsafeLink, .warning, "link to '\(href.prefix(80))' dropped (scheme not allowed); its text is kept")
            return content.map { .inline($0) }
        }
        features.insert(.externalLinks)
        return [.inline(.link(.url(safe), title: node.attr("title"), content))]
    }

    /// The URL to write, or nil when its scheme is not allowed (``URLJudge``: references decoded first).
    func safeURL(_ raw: String) -> String? { URLJudge.judge(raw) }

    /// `ac:link`: the target as the body names it (resolved later against the plan, ``ResolvePass``), with the
    /// link body; an empty body means "the target's own name".
    private func link(_ node: XNode) -> [Piece] {
        var body = node.child("ac:link-body").map { inlines($0.children) } ?? []
        if body.isEmpty, let plain = node.child("ac:plain-text-link-body") {
            let t = plain.textContent
            if !t.isEmpty { body = [.text(t)] }
        }
        let anchor = node.attr("ac:anchor")
        let resource = node.elementChildren.first { $0.name.hasPrefix("ri:") }
        func linked(_ target: LinkTarget) -> [Piece] {
            features.insert(.references)
            return [.inline(.link(target, title: nil, body))]
        }
        guard let r = resource else {
            if let anchor { return linked(.anchor(anchor)) }
            // No resource: Confluence links to the page itself.
            return body.isEmpty ? [] : linked(.page(.current, anchor: nil))
        }
        switch r.name {
        case "ri:page", "ri:blog-post":
            let title = r.attr("ri:content-title") ?? ""
            if title.isEmpty, let anchor { return linked(.anchor(anchor)) }
            return linked(.page(.title(space: r.attr("ri:space-key"), title: title, blogPost: r.name == "ri:blog-post"), anchor: anchor))
        case "ri:content-entity":
            return linked(.page(.id(r.attr("ri:content-id") ?? ""), anchor: anchor))
        case "ri:attachment":
            return linked(.attachment(owner: attachmentOwner(r), fileName: r.attr("ri:filename") ?? ""))
        case "ri:user":
            return body.isEmpty ? [.inline(mention(r))] : body.map { .inline($0) }
        case "ri:space":
            return linked(.space(r.attr("ri:space-key") ?? ""))
        case "ri:url":
            let v = r.attr("ri:value") ?? ""
            if let safe = safeURL(v) {
                features.insert(.externalLinks)
                return [.inline(.link(.url(safe), title: nil, body.isEmpty ? [.text(v)] : body))]
            }
            diagnose(.unsafeLink, .warning, "link to '\(v.prefix(80))' dropped (scheme not allowed); its text is kept")
            return body.map { .inline($0) }
        case "ri:shortcut":
            let key = r.attr("ri:key") ?? "", parameter = r.attr("ri:parameter") ?? ""
            diagnose(.shortcutLink, .info, "shortcut link '\(key):\(parameter)' kept as text (its URL pattern is site configuration, not in the export)")
            return body.isEmpty ? [.inline(.text(parameter.isEmpty ? key : parameter))] : body.map { .inline($0) }
        default:
            diagnose(.unsupportedElement, .warning, "link to <\(r.name)> is not converted; its text is kept", once: r.name)
            return body.map { .inline($0) }
        }
    }

    /// The content whose attachment a `ri:attachment` names: a nested `ri:page`/`ri:blog-post`, else this page.
    func attachmentOwner(_ r: XNode) -> PageRef {
        if let container = r.elementChildren.first(where: { $0.name == "ri:page" || $0.name == "ri:blog-post" }) {
            return .title(space: container.attr("ri:space-key"), title: container.attr("ri:content-title") ?? "",
                          blogPost: container.name == "ri:blog-post")
        }
        if let entity = r.child("ri:content-entity") { return .id(entity.attr("ri:content-id") ?? "") }
        return .current
    }

    /// A `ri:user`: named now when the body gives a username, else by the naming pass from its key.
    func mention(_ r: XNode) -> Inline {
        features.insert(.mentions)
        if let name = r.attr("ri:username"), !name.isEmpty { return .mention(Mention(username: name), name: nil) }
        for attribute in ["ri:userkey", "ri:account-id"] {
            if let k = r.attr(attribute), !k.isEmpty { return .mention(Mention(key: k), name: nil) }
        }
        return .mention(Mention(), name: "unknown-user")
    }

    /// A user as a macro parameter's text: the username, else the key as the body holds it.
    func userParameter(_ r: XNode) -> String {
        if let name = r.attr("ri:username"), !name.isEmpty { return name }
        for attribute in ["ri:userkey", "ri:account-id"] {
            if let k = r.attr(attribute), !k.isEmpty { return k }
        }
        return "unknown-user"
    }

    private func image(_ node: XNode) -> [Piece] {
        let alt = node.attr("ac:alt") ?? ""
        let title = node.attr("ac:title")
        // A caption (Cloud's `ac:caption`), the alignment and border the editor set: kept only when present.
        let caption = node.child("ac:caption").map { trimInlines(inlines($0.children)) } ?? []
        let align = node.attr("ac:align").flatMap { ["left", "center", "right"].contains($0) ? $0 : nil }
        func sized(_ target: LinkTarget, alt: String) -> [Piece] {
            [.inline(.image(Image(target: target, alt: alt, title: title, width: node.attr("ac:width").flatMap { Int($0) },
                                  height: node.attr("ac:height").flatMap { Int($0) },
                                  thumbnail: node.attr("ac:thumbnail") == "true", align: align,
                                  border: node.attr("ac:border") == "true", caption: caption)))]
        }
        if let r = node.child("ri:attachment") {
            let file = r.attr("ri:filename") ?? ""
            features.insert(.references)
            return sized(.attachment(owner: attachmentOwner(r), fileName: file), alt: alt.isEmpty ? file : alt)
        }
        if let r = node.child("ri:url") {
            let v = r.attr("ri:value") ?? ""
            if let safe = safeURL(v) { return sized(.url(safe), alt: alt) }
            diagnose(.unsafeLink, .warning, "image URL '\(v.prefix(80))' dropped (scheme not allowed)")
            return alt.isEmpty ? [] : [.inline(.text(alt))]
        }
        diagnose(.unsupportedElement, .warning, "an image without an attachment or URL is dropped")
        return []
    }

    private func externalImage(_ node: XNode) -> [Piece] {
        let src = node.attr("src") ?? ""
        let alt = node.attr("alt") ?? ""
        // Old pages show emoticons as images from the server: the character, not a link back to the server.
        if let range = src.range(of: "/images/icons/emoticons/") {
            let name = String(src[range.upperBound...].prefix { $0 != "." && $0 != "?" })
            if let e = Self.emoticons[name] { return [.inline(.text(e))] }
        }
        guard let safe = safeURL(src), !src.isEmpty else {
            diagnose(.unsafeLink, .warning, "image '\(src.prefix(80))' dropped (scheme not allowed)")
            return alt.isEmpty ? [] : [.inline(.text(alt))]
        }
        return [.inline(.image(Image(target: .url(safe), alt: alt, title: node.attr("title"))))]
    }

    // MARK: Emoticons

    private static let emoticons: [String: String] = [
        "smile": "🙂", "sad": "🙁", "cheeky": "😛", "laugh": "😃", "wink": "😉", "thumbs-up": "👍",
        "thumbs-down": "👎", "information": "ℹ️", "tick": "✅", "cross": "❌", "warning": "⚠️", "plus": "➕",
        "minus": "➖", "question": "❓", "light-on": "💡", "light-off": "💡", "yellow-star": "⭐", "red-star": "⭐",
        "green-star": "⭐", "blue-star": "⭐", "heart": "❤️", "broken-heart": "💔",
        // The file names of the old image emoticons (/images/icons/emoticons/NAME.png|svg|gif).
        "tongue": "😛", "biggrin": "😃", "thumbs_up": "👍", "thumbs_down": "👎", "check": "✅", "error": "❌",
        "add": "➕", "forbidden": "➖", "help": "❓", "lightbulb_on": "💡", "lightbulb": "💡", "star_yellow": "⭐",
        "star_red": "⭐", "star_green": "⭐", "star_blue": "⭐", "broken_heart": "💔",
    ]

    /// Emoji short names Confluence Cloud writes (`ac:emoji-shortname`) when it gives no code point.
    static let shortnames: [String: String] = [
        ":smile:": "😄", ":slight_smile:": "🙂", ":grinning:": "😀", ":joy:": "😂", ":wink:": "😉", ":blush:": "😊",
        ":heart_eyes:": "😍", ":thinking:": "🤔", ":neutral_face:": "😐", ":confused:": "😕", ":cry:": "😢",
        ":sob:": "😭", ":angry:": "😠", ":rage:": "😡", ":scream:": "😱", ":sweat_smile:": "😅", ":sunglasses:": "😎",
        ":face_exhaling:": "😮‍💨", ":face_with_spiral_eyes:": "😵‍💫", ":melting_face:": "🫠", ":saluting_face:": "🫡",
        ":thumbsup:": "👍", ":+1:": "👍", ":thumbsdown:": "👎", ":-1:": "👎", ":clap:": "👏", ":wave:": "👋",
        ":pray:": "🙏", ":muscle:": "💪", ":ok_hand:": "👌", ":point_right:": "👉", ":raised_hands:": "🙌",
        ":eyes:": "👀", ":rocket:": "🚀", ":tada:": "🎉", ":fire:": "🔥", ":star:": "⭐", ":star2:": "🌟",
        ":sparkles:": "✨", ":zap:": "⚡", ":bulb:": "💡", ":warning:": "⚠️", ":no_entry:": "⛔", ":x:": "❌",
        ":white_check_mark:": "✅", ":heavy_check_mark:": "✔️", ":check_mark:": "✔️", ":question:": "❓",
        ":exclamation:": "❗", ":information_source:": "ℹ️", ":heart:": "❤️", ":broken_heart:": "💔",
        ":red_circle:": "🔴", ":large_blue_circle:": "🔵", ":green_circle:": "🟢", ":yellow_circle:": "🟡",
        ":lock:": "🔒", ":unlock:": "🔓", ":key:": "🔑", ":memo:": "📝", ":calendar:": "📅", ":pushpin:": "📌",
        ":link:": "🔗", ":bug:": "🐛", ":gear:": "⚙️", ":hammer:": "🔨", ":wrench:": "🔧", ":hourglass:": "⌛",
        ":stopwatch:": "⏱️", ":coffee:": "☕", ":100:": "💯", ":arrow_right:": "➡️", ":arrow_left:": "⬅️",
        ":arrow_up:": "⬆️", ":arrow_down:": "⬇️", ":heavy_plus_sign:": "➕", ":heavy_minus_sign:": "➖",
        ":zero:": "0️⃣", ":one:": "1️⃣", ":two:": "2️⃣", ":three:": "3️⃣", ":four:": "4️⃣", ":five:": "5️⃣",
        ":six:": "6️⃣", ":seven:": "7️⃣", ":eight:": "8️⃣", ":nine:": "9️⃣", ":keycap_ten:": "🔟", ":hash:": "#️⃣",
        ":asterisk:": "*️⃣",
        // Confluence's own emoticons under their Cloud short names.
        ":tick:": "✅", ":cross:": "❌", ":info:": "ℹ️", ":light_bulb_on:": "💡", ":light_bulb_off:": "💡",
        ":yellow_star:": "⭐", ":red_star:": "⭐", ":green_star:": "⭐", ":blue_star:": "⭐",
    ]

    private func emoticon(_ node: XNode) -> String {
        if let f = node.attr("ac:emoji-fallback"), !f.isEmpty, !(f.hasPrefix(":") && f.hasSuffix(":")) { return f }
        if let id = node.attr("ac:emoji-id"), let scalar = emojiFromHex(id) { return scalar }
        // Cloud names a real emoji by its short name and gives `ac:name` a placeholder (often blue-star).
        if let s = node.attr("ac:emoji-shortname"), let e = Self.shortnames[s.lowercased()] { return e }
        if let n = node.attr("ac:name"), let e = Self.emoticons[n] { return e }
        if let s = node.attr("ac:emoji-shortname"), !s.isEmpty { return Self.shortnames[s.lowercased()] ?? s }
        if let f = node.attr("ac:emoji-fallback"), !f.isEmpty { return Self.shortnames[f.lowercased()] ?? f }
        diagnose(.unsupportedElement, .info, "an emoticon without a name is dropped", once: "emoticon")
        return ""
    }

    private func emojiFromHex(_ id: String) -> String? {
        let parts = id.split(separator: "-")
        guard !parts.isEmpty else { return nil }
        var out = ""
        var pictographic = false
        for p in parts {
            guard let v = UInt32(p, radix: 16), let s = Unicode.Scalar(v), v >= 0x20 else { return nil }
            if v >= 0x80 { pictographic = true }
            out.unicodeScalars.append(s)
        }
        return pictographic ? out : nil
    }
}

