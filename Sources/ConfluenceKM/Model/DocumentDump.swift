import Foundation

/// A text form of the document model, one node per line, children indented by two spaces — and back.
///
/// ```
/// Heading level=2 #overview
///   Text "Overview"
/// Panel kind=warning
///   Title
///     Text "Careful"
///   Paragraph
///     Link page="Setup" space="DOC"
///       Text "the setup page"
/// ```
/// A line is a node name, then its fields: `key=value` (a bare word or a JSON string), positional JSON strings,
/// and the node's attributes (`#id`, `.class`, `@key="value"`). Spec files test the reader alone (storage → dump)
/// and the writers alone (dump → Markdown) with it; `preview --model` prints it.
public enum DocumentDump {
    public struct SyntaxError: Error, CustomStringConvertible {
        public var line: Int
        public var message: String
        public var description: String { "line \(line): \(message)" }
    }

    // MARK: Writing

    public static func dump(_ blocks: [Block]) -> String {
        var out = ""
        for b in blocks { write(node(b), indent: 0, into: &out) }
        return out
    }

    struct Node {
        var name: String
        var fields: [(String, String)] = []
        var positional: [String] = []
        var attr = Attr.empty
        var children: [Node] = []
        func field(_ key: String) -> String? { fields.first { $0.0 == key }?.1 }
        func flag(_ key: String) -> Bool { field(key) == "true" }
    }

    private static func write(_ n: Node, indent: Int, into out: inout String) {
        out += String(repeating: " ", count: indent) + n.name
        for (k, v) in n.fields { out += " " + k + "=" + token(v) }
        for p in n.positional { out += " " + YAMLText.quoted(p) }
        if !n.attr.id.isEmpty { out += " #" + n.attr.id }
        for c in n.attr.classes { out += " ." + c }
        for p in n.attr.pairs { out += " @" + p.key + "=" + YAMLText.quoted(p.value) }
        out += "\n"
        for c in n.children { write(c, indent: indent + 2, into: &out) }
    }

    private static func isBare(_ s: String) -> Bool {
        !s.isEmpty && s.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "-_:/.".unicodeScalars.contains($0)) }
    }

    private static func token(_ s: String) -> String { isBare(s) ? s : YAMLText.quoted(s) }

    private static func refFields(_ ref: PageRef, prefix: String = "") -> [(String, String)] {
        switch ref {
        case .current: return []
        case .id(let id): return [(prefix + "id", id)]
        case .title(let space, let title, let blogPost):
            var f: [(String, String)] = [(prefix + (blogPost ? "blog" : "page"), title)]
            if let space { f.append((prefix + "space", space)) }
            return f
        }
    }

    private static func targetFields(_ t: LinkTarget) -> [(String, String)] {
        switch t {
        case .url(let u): return [("url", u)]
        case .anchor(let a): return [("anchor", a)]
        case .space(let k): return [("space-home", k)]
        case .page(let ref, let anchor):
            var f = refFields(ref)
            if case .current = ref { f.append(("page", "@self")) }
            if let anchor { f.append(("fragment", anchor)) }
            return f
        case .attachment(let owner, let file):
            return [("file", file)] + refFields(owner, prefix: "of-")
        }
    }

    static func node(_ b: Block) -> Node {
        switch b {
        case .paragraph(let i): return Node(name: "Paragraph", children: i.map(node))
        case .heading(let level, let attr, let i): return Node(name: "Heading", fields: [("level", "\(level)")], attr: attr, children: i.map(node))
        case .codeBlock(let language, let text):
            return Node(name: "CodeBlock", fields: language.map { [("language", $0)] } ?? [], positional: [text])
        case .blockQuote(let b): return Node(name: "BlockQuote", children: b.map(node))
        case .list(let l):
            var f: [(String, String)] = [("type", l.ordered ? "ordered" : "bullet")]
            if l.ordered && l.start != 1 { f.append(("start", "\(l.start)")) }
            return Node(name: "List", fields: f, children: l.items.map { item in
                Node(name: "Item", fields: item.checked.map { [("checked", $0 ? "true" : "false")] } ?? [], children: item.blocks.map(node))
            })
        case .table(let t):
            var f: [(String, String)] = []
            if !t.alignments.isEmpty {
                f.append(("align", t.alignments.map { a -> String in
                    switch a { case .none: "none"; case .left: "left"; case .center: "center"; case .right: "right" }
                }.joined(separator: ",")))
            }
            return Node(name: "Table", fields: f, children: t.rows.map { row in
                Node(name: "Row", children: row.map { cell in
                    var cf: [(String, String)] = []
                    if cell.isHeader { cf.append(("header", "true")) }
                    if cell.colspan != 1 { cf.append(("colspan", "\(cell.colspan)")) }
                    if cell.rowspan != 1 { cf.append(("rowspan", "\(cell.rowspan)")) }
                    return Node(name: "Cell", fields: cf, children: cell.blocks.map(node))
                })
            })
        case .thematicBreak: return Node(name: "ThematicBreak")
        case .panel(let p):
            var children: [Node] = []
            if !p.title.isEmpty { children.append(Node(name: "Title", children: p.title.map(node))) }
            return Node(name: "Panel", fields: [("kind", p.kind.rawValue)], children: children + p.blocks.map(node))
        case .details(let summary, let b):
            return Node(name: "Details", children: [Node(name: "Summary", children: summary.map(node))] + b.map(node))
        case .raw(let format, let text): return Node(name: "Raw", fields: rawFields(format), positional: [text])
        case .div(let attr, let b): return Node(name: "Div", attr: attr, children: b.map(node))
        case .generated(let g):
            switch g {
            case .toc(let minLevel, let maxLevel): return Node(name: "Generated", fields: [("toc", "true"), ("min", "\(minLevel)"), ("max", "\(maxLevel)")])
            case .children(let root, let depth):
                var f: [(String, String)] = [("children", "true"), ("depth", "\(depth)")]
                switch root {
                case .page(let ref): f += refFields(ref)
                case .home: f.append(("root", "@home"))
                case .parent: f.append(("root", "@parent"))
                case .spaceRoots: f.append(("root", "@none"))
                }
                return Node(name: "Generated", fields: f)
            case .attachments: return Node(name: "Generated", fields: [("attachments", "true")])
            case .include(let ref, let excerptOnly):
                return Node(name: "Generated", fields: [("include", "true")] + (excerptOnly ? [("excerpt", "true")] : []) + refFields(ref))
            case .diagram(let name, let macro): return Node(name: "Generated", fields: [("diagram", name), ("macro", macro)])
            }
        }
    }

    static func node(_ i: Inline) -> Node {
        switch i {
        case .text(let s): return Node(name: "Text", positional: [s])
        case .emphasis(let c): return Node(name: "Emphasis", children: c.map(node))
        case .strong(let c): return Node(name: "Strong", children: c.map(node))
        case .strikethrough(let c): return Node(name: "Strikethrough", children: c.map(node))
        case .inserted(let c): return Node(name: "Inserted", children: c.map(node))
        case .subscript(let c): return Node(name: "Subscript", children: c.map(node))
        case .superscript(let c): return Node(name: "Superscript", children: c.map(node))
        case .code(let s): return Node(name: "Code", positional: [s])
        case .link(let target, let title, let c):
            return Node(name: "Link", fields: targetFields(target) + (title.map { [("title", $0)] } ?? []), children: c.map(node))
        case .image(let im):
            var f = targetFields(im.target) + [("alt", im.alt)]
            if let t = im.title { f.append(("title", t)) }
            if let w = im.width { f.append(("width", "\(w)")) }
            if let h = im.height { f.append(("height", "\(h)")) }
            if im.thumbnail { f.append(("thumbnail", "true")) }
            if let a = im.align { f.append(("align", a)) }
            if im.border { f.append(("border", "true")) }
            return Node(name: "Image", fields: f, children: im.caption.isEmpty ? [] : [Node(name: "Caption", children: im.caption.map(node))])
        case .lineBreak: return Node(name: "LineBreak")
        case .anchor(let name): return Node(name: "Anchor", positional: [name])
        case .status(let text, let colour): return Node(name: "Status", fields: colour.map { [("colour", $0)] } ?? [], positional: [text])
        case .mention(let m, let name):
            var f: [(String, String)] = []
            if let u = m.username { f.append(("username", u)) }
            if let k = m.key { f.append(("key", k)) }
            if let name { f.append(("name", name)) }
            return Node(name: "Mention", fields: f)
        case .span(let attr, let c): return Node(name: "Span", attr: attr, children: c.map(node))
        case .raw(let format, let text): return Node(name: "RawInline", fields: rawFields(format), positional: [text])
        case .note(let b): return Node(name: "Note", children: b.map(node))
        case .math(let tex): return Node(name: "Math", positional: [tex])
        }
    }

    // MARK: Reading

    public static func parse(_ text: String) throws -> [Block] {
        let nodes = try tree(text)
        return try nodes.map(block)
    }

    private static func tree(_ text: String) throws -> [Node] {
        var roots: [Node] = []
        // The path of open nodes: (indent, node); a node is attached to its parent when it closes.
        var stack: [(Int, Node)] = []
        func close(downTo indent: Int) {
            while let last = stack.last, last.0 >= indent {
                stack.removeLast()
                if stack.isEmpty { roots.append(last.1) } else { stack[stack.count - 1].1.children.append(last.1) }
            }
        }
        for (number, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = String(raw)
            if line.trimmingCharacters(in: .whitespaces).isEmpty { continue }
            let indent = line.prefix(while: { $0 == " " }).count
            guard indent % 2 == 0, indent <= (stack.last?.0 ?? -2) + 2 else {
                throw SyntaxError(line: number + 1, message: "indentation must grow by two spaces")
            }
            close(downTo: indent)
            stack.append((indent, try parseLine(String(line.dropFirst(indent)), number: number + 1)))
        }
        close(downTo: 0)
        return roots
    }

    private static func parseLine(_ line: String, number: Int) throws -> Node {
        var scalars = Array(line.unicodeScalars)[...]
        func fail(_ m: String) -> SyntaxError { SyntaxError(line: number, message: m) }
        func word() -> String {
            var s = ""
            while let c = scalars.first, c != " ", c != "=" { s.unicodeScalars.append(c); scalars = scalars.dropFirst() }
            return s
        }
        func string() throws -> String {
            guard scalars.first == "\"" else { return word() }
            scalars = scalars.dropFirst()
            var s = ""
            while let c = scalars.first {
                scalars = scalars.dropFirst()
                if c == "\"" { return s }
                if c == "\\" {
                    guard let e = scalars.first else { break }
                    scalars = scalars.dropFirst()
                    switch e {
                    case "n": s += "\n"
                    case "t": s += "\t"
                    case "r": s += "\r"
                    case "u":
                        let hex = String(String.UnicodeScalarView(scalars.prefix(4)))
                        scalars = scalars.dropFirst(4)
                        guard let v = UInt32(hex, radix: 16), let u = Unicode.Scalar(v) else { throw fail("bad \\u escape") }
                        s.unicodeScalars.append(u)
                    default: s.unicodeScalars.append(e)
                    }
                } else {
                    s.unicodeScalars.append(c)
                }
            }
            throw fail("unterminated string")
        }
        var node = Node(name: word())
        while !scalars.isEmpty {
            while scalars.first == " " { scalars = scalars.dropFirst() }
            guard let c = scalars.first else { break }
            switch c {
            case "\"": node.positional.append(try string())
            case "#":
                scalars = scalars.dropFirst()
                node.attr.id = word()
            case ".":
                scalars = scalars.dropFirst()
                node.attr.classes.append(word())
            case "@":
                scalars = scalars.dropFirst()
                let key = word()
                guard scalars.first == "=" else { throw fail("@\(key) needs a value") }
                scalars = scalars.dropFirst()
                node.attr.pairs.append(.init(key, try string()))
            default:
                let key = word()
                guard scalars.first == "=" else { throw fail("'\(key)' needs a value (key=value)") }
                scalars = scalars.dropFirst()
                node.fields.append((key, try string()))
            }
        }
        return node
    }

    private static func ref(_ n: Node, prefix: String = "") -> PageRef {
        if let id = n.field(prefix + "id") { return .id(id) }
        if let t = n.field(prefix + "blog") { return .title(space: n.field(prefix + "space"), title: t, blogPost: true) }
        if let t = n.field(prefix + "page"), t != "@self" { return .title(space: n.field(prefix + "space"), title: t, blogPost: false) }
        return .current
    }

    private static func target(_ n: Node) -> LinkTarget {
        if let u = n.field("url") { return .url(u) }
        if let a = n.field("anchor") { return .anchor(a) }
        if let k = n.field("space-home") { return .space(k) }
        if let f = n.field("file") { return .attachment(owner: ref(n, prefix: "of-"), fileName: f) }
        return .page(ref(n), anchor: n.field("fragment"))
    }

    private static func int(_ n: Node, _ key: String, _ otherwise: Int) throws -> Int {
        guard let v = n.field(key) else { return otherwise }
        guard let i = Int(v) else { throw SyntaxError(line: 0, message: "\(n.name): \(key) must be a number") }
        return i
    }

    private static func block(_ n: Node) throws -> Block {
        let inl = { try n.children.map(inline) }
        let blk = { try n.children.map(block) }
        switch n.name {
        case "Paragraph": return .paragraph(try inl())
        case "Heading": return .heading(level: try int(n, "level", 1), attr: n.attr, try inl())
        case "CodeBlock": return .codeBlock(language: n.field("language"), text: n.positional.first ?? "")
        case "BlockQuote": return .blockQuote(try blk())
        case "List":
            let items = try n.children.map { item in
                ListItem(checked: item.field("checked").map { $0 == "true" }, blocks: try item.children.map(block))
            }
            return .list(List(ordered: n.field("type") == "ordered", start: try int(n, "start", 1), items: items))
        case "Table":
            let aligns: [Table.Alignment] = (n.field("align") ?? "").split(separator: ",").map {
                switch $0 { case "left": .left; case "center": .center; case "right": .right; default: .none }
            }
            let rows = try n.children.map { row in
                try row.children.map { cell in
                    Table.Cell(isHeader: cell.flag("header"), blocks: try cell.children.map(block),
                               colspan: try int(cell, "colspan", 1), rowspan: try int(cell, "rowspan", 1))
                }
            }
            return .table(Table(rows: rows, alignments: aligns))
        case "ThematicBreak": return .thematicBreak
        case "Panel":
            let (title, rest) = try headed(n, "Title")
            return .panel(Panel(kind: PanelKind(rawValue: n.field("kind") ?? "") ?? .plain, title: title, blocks: try rest.map(block)))
        case "Details":
            let (summary, rest) = try headed(n, "Summary")
            return .details(summary: summary, blocks: try rest.map(block))
        case "Raw":
            return .raw(rawFormat(n), n.positional.first ?? "")
        case "Div": return .div(n.attr, try blk())
        case "Generated":
            if n.flag("toc") { return .generated(.toc(minLevel: try int(n, "min", 1), maxLevel: try int(n, "max", 6))) }
            if n.flag("children") {
                let root: TreeRoot = switch n.field("root") {
                case "@home": .home
                case "@parent": .parent
                case "@none": .spaceRoots
                default: .page(ref(n))
                }
                return .generated(.children(root: root, depth: try int(n, "depth", 1)))
            }
            if n.flag("attachments") { return .generated(.attachments) }
            if n.flag("include") { return .generated(.include(ref(n), excerptOnly: n.flag("excerpt"))) }
            if let d = n.field("diagram") { return .generated(.diagram(name: d, macro: n.field("macro") ?? "")) }
            throw SyntaxError(line: 0, message: "Generated: which kind?")
        default:
            throw SyntaxError(line: 0, message: "unknown block '\(n.name)'")
        }
    }

    /// A node's leading child of this name (a panel's Title, an expand's Summary) as inlines, and the other children.
    private static func headed(_ n: Node, _ name: String) throws -> ([Inline], ArraySlice<Node>) {
        guard let first = n.children.first, first.name == name else { return ([], n.children[...]) }
        return (try first.children.map(inline), n.children.dropFirst())
    }

    private static func rawFormat(_ n: Node) -> RawFormat {
        switch n.field("format") {
        case "markdown": .markdown
        case "storage": .storage(macro: n.field("macro") ?? "")
        default: .html
        }
    }

    private static func rawFields(_ format: RawFormat) -> [(String, String)] {
        switch format {
        case .html: [("format", "html")]
        case .markdown: [("format", "markdown")]
        case .storage(let macro): [("format", "storage"), ("macro", macro)]
        }
    }

    private static func inline(_ n: Node) throws -> Inline {
        let inl = { try n.children.map(inline) }
        switch n.name {
        case "Text": return .text(n.positional.first ?? "")
        case "Emphasis": return .emphasis(try inl())
        case "Strong": return .strong(try inl())
        case "Strikethrough": return .strikethrough(try inl())
        case "Inserted": return .inserted(try inl())
        case "Subscript": return .subscript(try inl())
        case "Superscript": return .superscript(try inl())
        case "Code": return .code(n.positional.first ?? "")
        case "Link": return .link(target(n), title: n.field("title"), try inl())
        case "Image":
            return .image(Image(target: target(n), alt: n.field("alt") ?? "", title: n.field("title"),
                                width: n.field("width").flatMap { Int($0) }, height: n.field("height").flatMap { Int($0) },
                                thumbnail: n.flag("thumbnail"), align: n.field("align"), border: n.flag("border"),
                                caption: try n.children.first { $0.name == "Caption" }?.children.map(inline) ?? []))
        case "LineBreak": return .lineBreak
        case "Anchor": return .anchor(n.positional.first ?? "")
        case "Status": return .status(text: n.positional.first ?? "", colour: n.field("colour"))
        case "Mention": return .mention(Mention(username: n.field("username"), key: n.field("key")), name: n.field("name"))
        case "Span": return .span(n.attr, try inl())
        case "RawInline":
            return .raw(rawFormat(n), n.positional.first ?? "")
        case "Note": return .note(try n.children.map(block))
        case "Math": return .math(n.positional.first ?? "")
        default: throw SyntaxError(line: 0, message: "unknown inline '\(n.name)'")
        }
    }
}
