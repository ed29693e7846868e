/// Visits every node of a document in order, without changing it.
public enum DocumentWalk {
    public static func blocks(_ blocks: [Block], _ visit: (Block) -> Void) {
        for b in blocks {
            visit(b)
            switch b {
            case .blockQuote(let inner), .div(_, let inner), .details(_, let inner): Self.blocks(inner, visit)
            case .panel(let p): Self.blocks(p.blocks, visit)
            case .list(let l): for item in l.items { Self.blocks(item.blocks, visit) }
            case .table(let t): for row in t.rows { for cell in row { Self.blocks(cell.blocks, visit) } }
            case .paragraph, .heading, .codeBlock, .thematicBreak, .raw, .generated: break
            }
        }
    }
}
