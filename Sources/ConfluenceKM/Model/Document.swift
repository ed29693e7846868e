/// The document model between the readers (storage XHTML, wiki markup) and the writers (GFM Markdown, HTML).
///
/// A closed set of plain values. Readers build it and never decide how it is written; passes
/// (``DocumentPasses``) rewrite it (links resolved against the plan, generated lists filled, includes expanded,
/// users named); writers only write it. Anything a reader cannot express is a `.raw` node tagged with its format,
/// or a diagnostic — never silently lost.
public struct Document: Sendable, Equatable {
    public var blocks: [Block]
    /// Macros met while reading, by lower-case name (for `inspect`'s census).
    public var macros: [String: Int]
    /// What the document may hold that a pass acts on; a pass skips a document without it. A reader sets only
    /// what it built; anything else (a parsed dump, a hand-made model) says `.all`.
    public var features: Features

    public struct Features: OptionSet, Sendable, Equatable {
        public let rawValue: Int
        public init(rawValue: Int) { self.rawValue = rawValue }
        public static let excerpts = Features(rawValue: 1)
        public static let includes = Features(rawValue: 2)
        public static let tableOfContents = Features(rawValue: 4)
        /// Links or images to pages, spaces, attachments or anchors, and generated lists or pictures.
        public static let references = Features(rawValue: 8)
        /// Mentions of users by key.
        public static let mentions = Features(rawValue: 16)
        /// Links to absolute URLs (which may point back into the Confluence the export came from).
        public static let externalLinks = Features(rawValue: 32)
        public static let all: Features = [.excerpts, .includes, .tableOfContents, .references, .mentions, .externalLinks]
    }

    public init(blocks: [Block], macros: [String: Int] = [:], features: Features = .all) {
        self.blocks = blocks
        self.macros = macros
        self.features = features
    }
}

/// Identifier, classes and key/value pairs of a node, in the manner of pandoc's `Attr`.
public struct Attr: Sendable, Equatable, Hashable {
    public var id: String
    public var classes: [String]
    public var pairs: [Pair]
    public struct Pair: Sendable, Equatable, Hashable {
        public var key: String
        public var value: String
        public init(_ key: String, _ value: String) {
            self.key = key
            self.value = value
        }
    }
    public init(id: String = "", classes: [String] = [], pairs: [Pair] = []) {
        self.id = id
        self.classes = classes
        self.pairs = pairs
    }
    public static let empty = Attr()
    /// The classes readers and passes give groups and spans, so that passes and writers agree without knowing each
    /// other: an excerpt (`@hidden="true"` when Confluence hides it), the text standing for a missing image.
    public static let excerptClass = "excerpt"
    public static let missingImageClass = "missing-image"
    public var isEmpty: Bool { id.isEmpty && classes.isEmpty && pairs.isEmpty }
    public subscript(key: String) -> String? { pairs.first { $0.key == key }?.value }
}

/// The format of content a writer copies verbatim.
public enum RawFormat: Sendable, Equatable {
    /// HTML this tool built itself.
    case html
    /// Markdown already made safe (the `markdown` macro, through ``MarkdownSanitizer``).
    case markdown
    /// Confluence storage XHTML of one macro kept for the record (keep-raw): a writer puts it in a comment, never
    /// in the page.
    case storage(macro: String)
}

public indirect enum Block: Sendable, Equatable {
    case paragraph([Inline])
    case heading(level: Int, attr: Attr, [Inline])
    case codeBlock(language: String?, text: String)
    case blockQuote([Block])
    case list(List)
    case table(Table)
    case thematicBreak
    /// A Confluence panel (info, note, warning, tip …) or a plain titled panel.
    case panel(Panel)
    /// Content shown on demand (the expand macro).
    case details(summary: [Inline], blocks: [Block])
    case raw(RawFormat, String)
    /// Blocks grouped without markup of their own (layout sections and cells, macro bodies); classes say what.
    case div(Attr, [Block])
    /// Content Confluence computes at view time, filled in by a pass (``Generated``).
    case generated(Generated)
}

/// The kinds of panel Confluence and its apps draw.
public enum PanelKind: String, Sendable, Equatable, CaseIterable {
    case info, note, warning, tip, success, error
    /// A panel with no meaning of its own (the `panel` macro): a titled box.
    case plain
}

public struct Panel: Sendable, Equatable {
    public var kind: PanelKind
    public var title: [Inline]
    public var blocks: [Block]
    public init(kind: PanelKind, title: [Inline] = [], blocks: [Block]) {
        self.kind = kind
        self.title = title
        self.blocks = blocks
    }
}

/// Generated content a pass fills in from the plan or the page itself.
public enum Generated: Sendable, Equatable {
    /// The page's headings between two levels.
    case toc(minLevel: Int, maxLevel: Int)
    /// The page tree under a root, `depth` levels deep (the children and pagetree macros).
    case children(root: TreeRoot, depth: Int)
    /// The attachments of the page.
    case attachments
    /// Another page's content (`include`) or its excerpts (`excerpt-include`).
    case include(PageRef, excerptOnly: Bool)
    /// A diagram app's picture and source file, found by name among the page's attachments.
    case diagram(name: String, macro: String)
}

/// Where a page tree starts.
public enum TreeRoot: Sendable, Equatable {
    case page(PageRef)
    /// The space's home page (pagetree's `@home`, its default).
    case home
    /// The page's parent (`@parent`).
    case parent
    /// Every top-level page of the space (`@none`).
    case spaceRoots
}

/// A page or blog post as a body names it.
public enum PageRef: Sendable, Equatable, Hashable {
    /// The page the body belongs to.
    case current
    /// By title; space nil means the current page's space.
    case title(space: String?, title: String, blogPost: Bool)
    /// By content id.
    case id(String)
}

/// What a link or an image points to, as the body says it; resolved against the plan by a pass into `.url`.
public enum LinkTarget: Sendable, Equatable {
    /// A URL: judged safe (``URLJudge``) by the reader, or a bundle-relative path written by a pass.
    case url(String)
    case page(PageRef, anchor: String?)
    case attachment(owner: PageRef, fileName: String)
    /// An anchor in the same page (the Confluence anchor name).
    case anchor(String)
    /// A space's home page.
    case space(String)
}

/// A user a body mentions.
public struct Mention: Sendable, Equatable, Hashable {
    public var username: String?
    public var key: String?
    public init(username: String? = nil, key: String? = nil) {
        self.username = username
        self.key = key
    }
}

public struct Image: Sendable, Equatable {
    public var target: LinkTarget
    public var alt: String
    public var title: String?
    public var width: Int?
    public var height: Int?
    /// Shown small, linking to the full image.
    public var thumbnail: Bool
    /// `left`, `center` or `right` when the page aligned it.
    public var align: String?
    public var border: Bool
    /// The caption shown under it.
    public var caption: [Inline]
    public init(target: LinkTarget, alt: String, title: String? = nil, width: Int? = nil, height: Int? = nil, thumbnail: Bool = false,
                align: String? = nil, border: Bool = false, caption: [Inline] = []) {
        self.target = target
        self.alt = alt
        self.title = title
        self.width = width
        self.height = height
        self.thumbnail = thumbnail
        self.align = align
        self.border = border
        self.caption = caption
    }
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
    case inserted([Inline])
    case `subscript`([Inline])
    case superscript([Inline])
    case code(String)
    /// Empty content: a pass gives the target's own name (the page title, the file name …).
    case link(LinkTarget, title: String?, [Inline])
    case image(Image)
    case lineBreak
    /// A point links can reach with `#name` (the anchor macro); the name as the author wrote it.
    case anchor(String)
    /// A status lozenge: its text and colour.
    case status(text: String, colour: String?)
    /// A user mention; `name` is filled in by the naming pass.
    case mention(Mention, name: String?)
    case span(Attr, [Inline])
    /// Content a writer copies verbatim (a keep-raw macro's storage source, inline).
    case raw(RawFormat, String)
    /// A footnote: its content, written where the writer puts notes.
    case note([Block])
    /// TeX math, inline.
    case math(String)
}

extension Inline {
    /// What a status lozenge shows: its text as typed, else its colour's name.
    public static func statusLabel(_ text: String, colour: String?) -> String {
        text.isEmpty ? (colour ?? "status") : text
    }

    /// The visible text of inlines, for alt texts and summaries.
    public static func plainText(_ inlines: [Inline]) -> String {
        var out = ""
        for i in inlines {
            switch i {
            case .text(let s), .code(let s): out += s
            case .emphasis(let c), .strong(let c), .strikethrough(let c), .inserted(let c), .subscript(let c),
                 .superscript(let c), .link(_, _, let c), .span(_, let c):
                out += plainText(c)
            case .image(let image): out += image.alt
            case .lineBreak: out += " "
            case .status(let text, let colour): out += statusLabel(text, colour: colour)
            case .mention(let user, let name): out += "@" + (name ?? user.username ?? user.key ?? "")
            case .anchor, .raw, .note: break
            case .math(let tex): out += tex
            }
        }
        return out
    }
}
