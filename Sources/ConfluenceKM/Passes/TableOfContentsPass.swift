/// Gives every heading its anchor id (GitHub's slug, numbered when repeated) and fills each `toc` placeholder with
/// a nested list of links to the headings between its levels — wherever either stands: lists, tables, panels,
/// expands and groups included.
final class TableOfContentsPass: DocumentRewriter {
    private struct Heading {
        var level: Int
        var text: [Inline]
        var slug: String
    }
    private var headings: [Heading] = []
    private var next = 0
    /// Between a repeated heading's slug and its number: `-` as GitHub (`x`, `x-1`), `_` as Python-Markdown
    /// (`x`, `x_1`), so the links land where the flavour's renderer puts the ids.
    private let repeatSeparator: String

    init(repeatSeparator: String = "-") {
        self.repeatSeparator = repeatSeparator
    }

    func run(_ document: Document) -> Document {
        var ids = HeadingIds(separator: repeatSeparator)
        var hasTOC = false
        DocumentWalk.blocks(document.blocks) { b in
            switch b {
            case .heading(let level, _, let inlines):
                headings.append(Heading(level: level, text: inlines, slug: ids.next(Inline.plainText(inlines))))
            case .generated(.toc): hasTOC = true
            default: break
            }
        }
        guard hasTOC || !headings.isEmpty else { return document }
        var d = document
        next = 0
        d.blocks = blocks(document.blocks)
        return d
    }

    func block(_ block: Block) -> [Block] {
        switch block {
        case .heading(let level, var attr, let inlines):
            if next < headings.count { attr.id = headings[next].slug }
            next += 1
            return [.heading(level: level, attr: attr, inlines)]
        case .generated(.toc(let minLevel, let maxLevel)):
            let hs = headings.filter { $0.level >= minLevel && $0.level <= maxLevel }
            return hs.isEmpty ? [] : [.list(list(hs[...]))]
        default:
            return [descend(block)]
        }
    }

    /// Nested by level: each heading goes under the nearest preceding heading of a smaller level.
    private func list(_ slice: ArraySlice<Heading>) -> List {
        var items: [ListItem] = []
        var i = slice.startIndex
        while i < slice.endIndex {
            let h = slice[i]
            var j = i + 1
            while j < slice.endIndex && slice[j].level > h.level { j += 1 }
            var item = ListItem(blocks: [.paragraph([.link(.url("#" + h.slug), title: nil, h.text)])])
            if j > i + 1 { item.blocks.append(.list(list(slice[(i + 1)..<j]))) }
            items.append(item)
            i = j
        }
        return List(ordered: false, items: items)
    }
}

/// The page's own excerpts: shown in place unless hidden (a hidden excerpt exists only for `excerpt-include`).
final class ExcerptPass: DocumentRewriter {
    static let excerptClass = Attr.excerptClass
    let log: DiagnosticLog
    init(log: DiagnosticLog) { self.log = log }

    func block(_ block: Block) -> [Block] {
        if case .div(let attr, _) = block, attr.classes.contains(Self.excerptClass), attr["hidden"] == "true" {
            log.add(.macroDropped, .info, "a hidden excerpt is not shown on the page; it is not written")
            return []
        }
        return [descend(block)]
    }

    /// The blocks of every excerpt of a document, hidden or not, in order.
    static func excerpts(_ blocks: [Block]) -> [Block] {
        var out: [Block] = []
        for b in blocks {
            switch b {
            case .div(let attr, let inner) where attr.classes.contains(excerptClass): out.append(contentsOf: inner)
            case .blockQuote(let inner), .div(_, let inner), .details(_, let inner): out += excerpts(inner)
            case .panel(let p): out += excerpts(p.blocks)
            case .list(let l): for item in l.items { out += excerpts(item.blocks) }
            case .table(let t): for row in t.rows { for cell in row { out += excerpts(cell.blocks) } }
            default: break
            }
        }
        return out
    }
}
