/// The document model between the storage-format reader and the Markdown writer.
///
/// A closed set of value types: anything the reader cannot express is a `.raw` node or is reported as a diagnostic,
/// never silently lost.
public indirect enum Block: Sendable, Equatable {
    case paragraph([Inline])
    case heading(level: Int, [Inline])
    case codeBlock(language: String?, text: String)
    case blockQuote([Block])
    case list(List)
    case table(Table)
    case thematicBreak
    /// A Confluence panel (info, note, warning, tip, panel): written as a GFM alert.
    case panel(kind: PanelKind, title: [Inline], blocks: [Block])
    /// An expand macro: `<details><summary>`.
    case details(summary: [Inline], blocks: [Block])
    /// Markup the writer emits verbatim (only ever produced by this tool or under keep-raw).
    case raw(String)
    /// Blocks grouped without markup of their own (layout sections and cells).
    case container([Block])
}

public enum PanelKind: String, Sendable, Equatable {
    case note = "NOTE", tip = "TIP", important = "IMPORTANT", warning = "WARNING", caution = "CAUTION"
}

public struct List: Sendable, Equatable {
    public var ordered: Bool
    public var start: Int
    public var items: [ListItem]
    public init(ordered: Bool, start: Int = 1, items: [ListItem]) {
        self.ordered = ordered
        self.start = start
        self.items = items
    }
}

public struct ListItem: Sendable, Equatable {
    /// nil for an ordinary item; true/false for a task item.
    public var checked: Bool?
    public var blocks: [Block]
    public init(checked: Bool? = nil, blocks: [Block]) {
        self.checked = checked
        self.blocks = blocks
    }
}

public struct Table: Sendable, Equatable {
    public enum Alignment: Sendable, Equatable { case none, left, center, right }
    public struct Cell: Sendable, Equatable {
        public var isHeader: Bool
        public var blocks: [Block]
        public var colspan: Int
        public var rowspan: Int
        public init(isHeader: Bool, blocks: [Block], colspan: Int = 1, rowspan: Int = 1) {
            self.isHeader = isHeader
            self.blocks = blocks
            self.colspan = colspan
            self.rowspan = rowspan
        }
    }
    public var rows: [[Cell]]
    public var alignments: [Alignment]
    public init(rows: [[Cell]], alignments: [Alignment] = []) {
        self.rows = rows
        self.alignments = alignments
    }
}

public indirect enum Inline: Sendable, Equatable {
    case text(String)
    case emphasis([Inline])
    case strong([Inline])
    case strikethrough([Inline])
    case code(String)
    case link(destination: String, title: String?, [Inline])
    case image(source: String, alt: String, title: String?)
    case lineBreak
    /// Inline HTML emitted verbatim: only tags this tool writes itself (`<sup>`, `<sub>`, `<u>`).
    case rawHTML(String)
}

extension Inline {
    /// The visible text of inlines, for alt texts and summaries.
    static func plainText(_ inlines: [Inline]) -> String {
        var out = ""
        for i in inlines {
            switch i {
            case .text(let s), .code(let s): out += s
            case .emphasis(let c), .strong(let c), .strikethrough(let c), .link(_, _, let c): out += plainText(c)
            case .image(_, let alt, _): out += alt
            case .lineBreak: out += " "
            case .rawHTML: break
            }
        }
        return out
    }
}
