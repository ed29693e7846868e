/// A pass over the document model. A pass overrides `block`/`inline` for the nodes it cares about and calls
/// `descend` for everything else: `descend` rebuilds every node kind with its children rewritten, so no pass can
/// forget what lists, tables, panels, expands or groups hold.
protocol DocumentRewriter: AnyObject {
    /// The blocks that replace `block` (default: the block with its children rewritten).
    func block(_ block: Block) -> [Block]
    /// The inlines that replace `inline` (default: the inline with its children rewritten).
    func inline(_ inline: Inline) -> [Inline]
}

extension DocumentRewriter {
    func block(_ block: Block) -> [Block] { [descend(block)] }
    func inline(_ inline: Inline) -> [Inline] { [descend(inline)] }

    func blocks(_ blocks: [Block]) -> [Block] {
        var out: [Block] = []
        out.reserveCapacity(blocks.count)
        for b in blocks { out.append(contentsOf: block(b)) }
        return out
    }

    func inlines(_ inlines: [Inline]) -> [Inline] {
        var out: [Inline] = []
        out.reserveCapacity(inlines.count)
        for i in inlines { out.append(contentsOf: inline(i)) }
        return out
    }

    func descend(_ block: Block) -> Block {
        switch block {
        case .paragraph(let i): return .paragraph(inlines(i))
        case .heading(let level, let attr, let i): return .heading(level: level, attr: attr, inlines(i))
        case .blockQuote(let b): return .blockQuote(blocks(b))
        case .list(var l):
            for k in l.items.indices { l.items[k].blocks = blocks(l.items[k].blocks) }
            return .list(l)
        case .table(var t):
            for r in t.rows.indices {
                for c in t.rows[r].indices { t.rows[r][c].blocks = blocks(t.rows[r][c].blocks) }
            }
            return .table(t)
        case .panel(var p):
            p.title = inlines(p.title)
            p.blocks = blocks(p.blocks)
            return .panel(p)
        case .details(let summary, let b): return .details(summary: inlines(summary), blocks: blocks(b))
        case .div(let attr, let b): return .div(attr, blocks(b))
        case .codeBlock, .thematicBreak, .raw, .generated: return block
        }
    }

    func descend(_ inline: Inline) -> Inline {
        switch inline {
        case .emphasis(let c): return .emphasis(inlines(c))
        case .strong(let c): return .strong(inlines(c))
        case .strikethrough(let c): return .strikethrough(inlines(c))
        case .inserted(let c): return .inserted(inlines(c))
        case .subscript(let c): return .subscript(inlines(c))
        case .superscript(let c): return .superscript(inlines(c))
        case .link(let target, let title, let c): return .link(target, title: title, inlines(c))
        case .span(let attr, let c): return .span(attr, inlines(c))
        case .note(let b): return .note(blocks(b))
        case .image(var image):
            if image.caption.isEmpty { return inline }
            image.caption = inlines(image.caption)
            return .image(image)
        case .text, .code, .lineBreak, .anchor, .status, .mention, .raw, .math: return inline
        }
    }

    func run(_ document: Document) -> Document {
        var d = document
        d.blocks = blocks(document.blocks)
        return d
    }
}
