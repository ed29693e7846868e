import Foundation

/// The page a body belongs to, and where its article goes in the bundle.
public struct PageContext: Sendable {
    public var id: String
    public var title: String
    public var spaceKey: String
    /// Bundle-relative path of the article's Markdown file.
    public var path: String
    public init(id: String, title: String, spaceKey: String, path: String) {
        self.id = id
        self.title = title
        self.spaceKey = spaceKey
        self.path = path
    }
}

/// What links and images of a body can point to: the articles and attachments of the bundle.
public protocol LinkTargets: Sendable {
    /// The article id of a current page or blog post with this title in this space.
    func contentId(spaceKey: String, title: String, blogPost: Bool) -> String?
    /// The bundle path of an article.
    func articlePath(id: String) -> String?
    /// The bundle path of an attachment written for an article.
    func attachmentPath(contentId: String, fileName: String) -> String?
    /// The username (or display name) of a user key, account id or username.
    func userName(_ key: String) -> String?
    /// The article id of a space's home page.
    func spaceHome(spaceKey: String) -> String?
    /// Child articles of an article, in page-tree order.
    func children(of id: String) -> [String]
    func title(of id: String) -> String?
    /// The attachments written for an article, by file name.
    func attachments(of id: String) -> [(fileName: String, path: String)]
}

/// A mixed run of converted content: inline pieces are gathered into paragraphs by the enclosing block.
enum Piece {
    case inline(Inline)
    case block(Block)
    /// A paragraph boundary (`<p>` start or end) with no block of its own.
    case paragraphBreak
}

/// Reads one storage-format body (XHTML with `ac:`/`ri:` elements) into the document model.
///
/// Every element that is dropped or only partly converted leaves a diagnostic.
final class StorageReader {
    let page: PageContext
    let targets: LinkTargets
    let settings: ConversionSettings
    private(set) var diagnostics: [Diagnostic] = []
    private var reported: Set<String> = []
    /// The first macro met whose policy is `fail`.
    var failedMacro: String?
    /// `toc` macros met, replaced by their lists once all headings are known.
    var pendingTOC: [(minLevel: Int, maxLevel: Int)] = []
    /// The current element depth (see `maxDepth`).
    var depth = 0
    /// Content of other pages for `include`/`excerpt-include`, when the pipeline has it.
    var includeProvider: ((String, Bool) -> [Block]?)?
    /// Set when this body is read for an `excerpt-include`: excerpts are gathered instead of written.
    var collectsExcerpts = false
    var excerpts: [Block] = []

    init(page: PageContext, targets: LinkTargets, settings: ConversionSettings = ConversionSettings()) {
        self.page = page
        self.targets = targets
        self.settings = settings
    }

    func included(id: String, excerptOnly: Bool) -> [Block]? { includeProvider?(id, excerptOnly) }

    func diagnose(_ code: String, _ severity: Diagnostic.Severity, _ message: String, once key: String? = nil) {
        if let key {
            guard reported.insert(code + "\u{1}" + key).inserted else { return }
        }
        diagnostics.append(Diagnostic(code, severity, contentId: page.id, title: page.title, message: message))
    }

    func read(_ nodes: [XNode]) -> [Block] {
        let result = blocks(from: nodes.flatMap(convert))
        return pendingTOC.isEmpty ? result : TableOfContents.resolve(result, tocs: pendingTOC, reader: self)
    }

    static func tocMarker(_ i: Int) -> String { "\u{0}toc:\(i)\u{0}" }

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
    func flattenToInlines(_ b: Block) -> [Inline] { StorageFlatten.inlines(b) }
}

enum StorageFlatten {
    static func inlines(_ b: Block) -> [Inline] {
        let flattenToInlines = inlines
        switch b {
        case .paragraph(let i), .heading(_, let i): return [.text(" ")] + i + [.text(" ")]
        case .codeBlock(_, let t): return [.code(t)]
        case .blockQuote(let bs), .container(let bs), .panel(_, _, let bs), .details(_, let bs):
            return bs.flatMap(flattenToInlines)
        case .list(let l): return l.items.flatMap { $0.blocks.flatMap(flattenToInlines) }
        case .table(let t): return t.rows.flatMap { $0.flatMap { $0.blocks.flatMap(flattenToInlines) } }
        case .thematicBreak, .raw: return []
        }
    }
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
            diagnose("too-deep", .warning, "elements nested more than \(Self.maxDepth) deep are kept as plain text", once: "depth")
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
            return [.block(.heading(level: level, trimInlines(inlines(node.children))))]
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
            return htmlWrap(node, "ins")
        case "sub":
            return htmlWrap(node, "sub")
        case "sup":
            return htmlWrap(node, "sup")
        case "code", "tt", "kbd", "samp":
            return [.inline(.code(node.textContent))]
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
            diagnose("unsafe-content", .warning, "<\(name)> element dropped: active content is never written to the bundle")
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
                diagnose("unsupported-element", .warning, "<\(name)> is not converted; its text is kept", once: name)
            }
            return node.children.flatMap(convert)
        }
    }

    private func htmlWrap(_ node: XNode, _ tag: String) -> [Piece] {
        let inner = inlines(node.children)
        if trimInlines(inner).isEmpty { return inner.map { .inline($0) } }
        return [.inline(.rawHTML("<\(tag)>"))] + inner.map { .inline($0) } + [.inline(.rawHTML("</\(tag)>"))]
    }

    // MARK: Lists and tables

    private func list(_ node: XNode, ordered: Bool) -> List {
        var items: [ListItem] = []
        for c in node.children {
            if c.kind == .element && c.name == "li" {
                items.append(ListItem(blocks: blocks(from: c.children.flatMap(convert))))
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
            diagnose("value-out-of-range", .info, "list start \(Diagnostic.shown(node.attr("start") ?? "")) is out of range; the list starts at 1")
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
        func collect(_ n: XNode) {
            for c in n.elementChildren {
                switch c.name {
                case "thead", "tbody", "tfoot": collect(c)
                case "tr":
                    var row: [Table.Cell] = []
                    for cell in c.elementChildren where cell.name == "td" || cell.name == "th" {
                        row.append(Table.Cell(
                            isHeader: cell.name == "th",
                            blocks: blocks(from: cell.children.flatMap(convert)),
                            colspan: span(cell.attr("colspan"), "colspan"),
                            rowspan: span(cell.attr("rowspan"), "rowspan")))
                    }
                    rows.append(row)
                default: break
                }
            }
        }
        collect(node)
        let t = Table(rows: rows)
        if !rows.isEmpty && !MarkdownWriter.isSimple(t) {
            switch settings.tables {
            case .auto:
                diagnose("table-as-html", .info, "a table with merged cells, block content or no header row is written as an HTML table")
            case .gfm:
                diagnose("table-flattened", .warning, "a table with merged cells, block content or no header row is forced into GFM (--tables gfm): cells are flattened")
            case .html:
                break
            }
        }
        return .table(t)
    }

    /// A cell span from the body: 1 to ``Limits/maxSpan``; anything larger (a crafted `colspan=4000000000`) is
    /// capped, with a diagnostic.
    private func span(_ raw: String?, _ name: String) -> Int {
        guard let raw else { return 1 }
        let v = Int(raw.trimmingCharacters(in: .whitespaces)) ?? 1
        if v > Limits.maxSpan {
            diagnose("value-out-of-range", .info, "\(name)=\(Diagnostic.shown(raw)) is over \(Limits.maxSpan); capped", once: name)
            return Limits.maxSpan
        }
        return max(1, v)
    }

    // MARK: Links and images

    private func anchor(_ node: XNode) -> [Piece] {
        let content = inlines(node.children)
        guard let href = node.attr("href"), !href.isEmpty else { return content.map { .inline($0) } }
        guard let safe = safeURL(href) else {
            diagnose("unsafe-link", .warning, "link to '\(href.prefix(80))' dropped (scheme not allowed); its text is kept")
            return content.map { .inline($0) }
        }
        return [.inline(.link(destination: safe, title: node.attr("title"), content))]
    }

    /// The URL to write, or nil when its scheme is not allowed (``URLJudge``: references decoded first).
    func safeURL(_ raw: String) -> String? { URLJudge.judge(raw) }

    func relative(_ target: String) -> String {
        relativePath(from: page.path, to: target)
    }

    private func link(_ node: XNode) -> [Piece] {
        var body = node.child("ac:link-body").map { inlines($0.children) } ?? []
        if body.isEmpty, let plain = node.child("ac:plain-text-link-body") {
            let t = plain.textContent
            if !t.isEmpty { body = [.text(t)] }
        }
        let anchor = node.attr("ac:anchor").map { "#" + anchorSlug($0) } ?? ""
        let resource = node.elementChildren.first { $0.name.hasPrefix("ri:") }
        func linked(_ dest: String, _ defaultText: String) -> [Piece] {
            [.inline(.link(destination: dest, title: nil, body.isEmpty ? [.text(defaultText)] : body))]
        }
        func broken(_ what: String, _ text: String, absolute: String? = nil) -> [Piece] {
            if let base = settings.baseURL, let absolute {
                diagnose("broken-link", .warning, "link to \(what) not in the bundle; written as an absolute URL under --base-url")
                return linked(base + absolute, text)
            }
            diagnose("broken-link", .warning, "link to \(what) not in the bundle; kept as text")
            return body.isEmpty ? [.inline(.text(text))] : body.map { .inline($0) }
        }
        guard let r = resource else {
            if !anchor.isEmpty { return linked(anchor, node.attr("ac:anchor") ?? "") }
            return body.map { .inline($0) }
        }
        switch r.name {
        case "ri:page", "ri:blog-post":
            let isBlog = r.name == "ri:blog-post"
            let title = r.attr("ri:content-title") ?? ""
            let space = r.attr("ri:space-key") ?? page.spaceKey
            if title.isEmpty && !anchor.isEmpty { return linked(anchor, node.attr("ac:anchor") ?? "") }
            if let id = targets.contentId(spaceKey: space, title: title, blogPost: isBlog), let path = targets.articlePath(id: id) {
                return linked(relative(path) + anchor, title)
            }
            let path = isBlog
                ? "/pages/viewrecentblogposts.action?key=\(urlComponent(space))"
                : "/display/\(urlComponent(space))/\(urlComponent(title).replacingOccurrences(of: "%20", with: "+"))"
            return broken("\(isBlog ? "blog post" : "page") '\(title)' in space \(space)", title, absolute: path)
        case "ri:content-entity":
            let id = r.attr("ri:content-id") ?? ""
            if let path = targets.articlePath(id: id) {
                return linked(relative(path) + anchor, targets.title(of: id) ?? id)
            }
            return broken("content \(id)", id, absolute: "/pages/viewpage.action?pageId=\(urlComponent(id))")
        case "ri:attachment":
            let file = r.attr("ri:filename") ?? ""
            let owner = attachmentOwner(r)
            if let owner, let path = targets.attachmentPath(contentId: owner, fileName: file) {
                return linked(relative(path), file)
            }
            diagnose("missing-attachment", .warning, "link to attachment '\(file)' that is not in the bundle; kept as text")
            return body.isEmpty ? [.inline(.text(file))] : body.map { .inline($0) }
        case "ri:user":
            let name = userName(r)
            return body.isEmpty ? [.inline(.text("@" + name))] : body.map { .inline($0) }
        case "ri:space":
            let key = r.attr("ri:space-key") ?? ""
            if let home = targets.spaceHome(spaceKey: key), let path = targets.articlePath(id: home) {
                return linked(relative(path), key)
            }
            return broken("space \(key)", key, absolute: "/display/\(urlComponent(key))")
        case "ri:url":
            let v = r.attr("ri:value") ?? ""
            if let safe = safeURL(v) { return linked(safe, v) }
            diagnose("unsafe-link", .warning, "link to '\(v.prefix(80))' dropped (scheme not allowed); its text is kept")
            return body.map { .inline($0) }
        case "ri:shortcut":
            let key = r.attr("ri:key") ?? "", parameter = r.attr("ri:parameter") ?? ""
            diagnose("shortcut-link", .info, "shortcut link '\(key):\(parameter)' kept as text (its URL pattern is site configuration, not in the export)")
            return body.isEmpty ? [.inline(.text(parameter.isEmpty ? key : parameter))] : body.map { .inline($0) }
        default:
            diagnose("unsupported-element", .warning, "link to <\(r.name)> is not converted; its text is kept", once: r.name)
            return body.map { .inline($0) }
        }
    }

    /// The content whose attachment a `ri:attachment` names: a nested `ri:page`/`ri:blog-post`, else this page.
    func attachmentOwner(_ r: XNode) -> String? {
        if let container = r.elementChildren.first(where: { $0.name == "ri:page" || $0.name == "ri:blog-post" }) {
            let title = container.attr("ri:content-title") ?? ""
            let space = container.attr("ri:space-key") ?? page.spaceKey
            return targets.contentId(spaceKey: space, title: title, blogPost: container.name == "ri:blog-post")
        }
        if let entity = r.child("ri:content-entity") { return entity.attr("ri:content-id") }
        return page.id
    }

    func userName(_ r: XNode) -> String {
        if let name = r.attr("ri:username"), !name.isEmpty { return name }
        for attribute in ["ri:userkey", "ri:account-id"] {
            if let k = r.attr(attribute), !k.isEmpty {
                if let n = targets.userName(k) { return n }
                diagnose("unresolved-user", .info, "user \(k) is not in the export; the key is kept", once: k)
                return k
            }
        }
        return "unknown-user"
    }

    private func image(_ node: XNode) -> [Piece] {
        let alt = node.attr("ac:alt") ?? ""
        let title = node.attr("ac:title")
        if let r = node.child("ri:attachment") {
            let file = r.attr("ri:filename") ?? ""
            if let owner = attachmentOwner(r), let path = targets.attachmentPath(contentId: owner, fileName: file) {
                return sizedImage(relative(path), alt: alt.isEmpty ? file : alt, title: title, node: node)
            }
            diagnose("missing-attachment", .warning, "image '\(file)' is not in the bundle; its name is kept as text")
            return [.inline(.text(alt.isEmpty ? file : alt))]
        }
        if let r = node.child("ri:url") {
            let v = r.attr("ri:value") ?? ""
            if let safe = safeURL(v) { return sizedImage(safe, alt: alt, title: title, node: node) }
            diagnose("unsafe-link", .warning, "image URL '\(v.prefix(80))' dropped (scheme not allowed)")
            return alt.isEmpty ? [] : [.inline(.text(alt))]
        }
        diagnose("unsupported-element", .warning, "an image without an attachment or URL is dropped")
        return []
    }

    /// An image; with `ac:width`/`ac:height` it is written as `<img>` so the size survives; a thumbnail links to
    /// the full image.
    private func sizedImage(_ src: String, alt: String, title: String?, node: XNode) -> [Piece] {
        let width = node.attr("ac:width").flatMap { Int($0) }
        let height = node.attr("ac:height").flatMap { Int($0) }
        var image: Inline = .image(source: src, alt: alt, title: title)
        if width != nil || height != nil {
            let h = HTMLWriter()
            var tag = "<img src=\"\(h.escape(src))\" alt=\"\(h.escape(alt))\""
            if let title { tag += " title=\"\(h.escape(title))\"" }
            if let width { tag += " width=\"\(width)\"" }
            if let height { tag += " height=\"\(height)\"" }
            image = .rawHTML(tag + ">")
        }
        if node.attr("ac:thumbnail") == "true" { return [.inline(.link(destination: src, title: nil, [image]))] }
        return [.inline(image)]
    }

    private func externalImage(_ node: XNode) -> [Piece] {
        let src = node.attr("src") ?? ""
        let alt = node.attr("alt") ?? ""
        guard let safe = safeURL(src), !src.isEmpty else {
            diagnose("unsafe-link", .warning, "image '\(src.prefix(80))' dropped (scheme not allowed)")
            return alt.isEmpty ? [] : [.inline(.text(alt))]
        }
        return [.inline(.image(source: safe, alt: alt, title: node.attr("title")))]
    }

    // MARK: Emoticons

    private static let emoticons: [String: String] = [
        "smile": "🙂", "sad": "🙁", "cheeky": "😛", "laugh": "😃", "wink": "😉", "thumbs-up": "👍",
        "thumbs-down": "👎", "information": "ℹ️", "tick": "✅", "cross": "❌", "warning": "⚠️", "plus": "➕",
        "minus": "➖", "question": "❓", "light-on": "💡", "light-off": "💡", "yellow-star": "⭐", "red-star": "⭐",
        "green-star": "⭐", "blue-star": "⭐", "heart": "❤️", "broken-heart": "💔",
    ]

    private func emoticon(_ node: XNode) -> String {
        if let f = node.attr("ac:emoji-fallback"), !f.isEmpty, !(f.hasPrefix(":") && f.hasSuffix(":")) { return f }
        if let id = node.attr("ac:emoji-id"), let scalar = emojiFromHex(id) { return scalar }
        if let n = node.attr("ac:name"), let e = Self.emoticons[n] { return e }
        if let s = node.attr("ac:emoji-shortname"), !s.isEmpty { return s }
        if let f = node.attr("ac:emoji-fallback"), !f.isEmpty { return f }
        diagnose("unsupported-element", .info, "an emoticon without a name is dropped", once: "emoticon")
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

/// A path or query component: everything but unreserved characters percent-encoded.
func urlComponent(_ s: String) -> String {
    var out = ""
    for b in s.utf8 {
        if (b >= 48 && b <= 57) || (b >= 65 && b <= 90) || (b >= 97 && b <= 122) || b == 45 || b == 46 || b == 95 || b == 126 {
            out.unicodeScalars.append(Unicode.Scalar(b))
        } else {
            out += String(format2: UInt32(b))
        }
    }
    return out
}

/// A GitHub-style anchor slug for a heading or `ac:anchor` name.
func anchorSlug(_ s: String) -> String {
    var out = ""
    for c in s.lowercased() {
        if c.isLetter || c.isNumber || c == "-" || c == "_" { out.append(c) } else if c == " " { out.append("-") }
    }
    return out
}

/// The relative path from one bundle file to another ("articles/A/x.md" → "../../attachments/A/1/f.png").
public func relativePath(from source: String, to target: String) -> String {
    let from = source.split(separator: "/").dropLast()
    let to = target.split(separator: "/")
    var common = 0
    while common < from.count && common < to.count - 1 && from[from.startIndex + common] == to[common] { common += 1 }
    let ups = Array(repeating: "..", count: from.count - common)
    let parts = ups + to[common...].map(String.init)
    return parts.map { percentEncodePathComponent($0) }.joined(separator: "/")
}

/// Percent-encodes what a Markdown destination or a URL path cannot hold raw (spaces, `%`, `#`, `?` …);
/// non-ASCII letters stay readable.
func percentEncodePathComponent(_ s: String) -> String {
    if s == ".." { return s }
    var out = ""
    for b in s.unicodeScalars {
        if b.value >= 0x80 || (b.properties.isAlphabetic && b.isASCII) || ("0"..."9").contains(b)
            || "-._~".unicodeScalars.contains(b) {
            out.unicodeScalars.append(b)
        } else {
            for byte in String(b).utf8 { out += String(format2: UInt32(byte)) }
        }
    }
    return out
}
