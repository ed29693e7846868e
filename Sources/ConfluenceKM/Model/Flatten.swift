extension Block {
    /// The block's text as inlines, where only inline content fits (a table in a heading, a cell forced into GFM).
    public var flattenedInlines: [Inline] {
        let b = self
        let flattenToInlines: (Block) -> [Inline] = { $0.flattenedInlines }
        switch b {
        case .paragraph(let i), .heading(_, _, let i): return [.text(" ")] + i + [.text(" ")]
        case .codeBlock(_, let t): return [.code(t)]
        case .blockQuote(let bs), .div(_, let bs), .details(_, let bs):
            return bs.flatMap(flattenToInlines)
        case .panel(let p): return p.blocks.flatMap(flattenToInlines)
        case .list(let l): return l.items.flatMap { $0.blocks.flatMap(flattenToInlines) }
        case .table(let t): return t.rows.flatMap { $0.flatMap { $0.blocks.flatMap(flattenToInlines) } }
        case .thematicBreak, .raw, .generated: return []
        }
    }
}
