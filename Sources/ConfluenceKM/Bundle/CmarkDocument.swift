import CCmarkGFM
import Foundation

/// A Markdown text parsed by libcmark-gfm with the GFM extensions: the one owner of the parser and the tree, both
/// freed in deinit (no cmark pointer outlives it). The sanitizer of `markdown` macros, validate's link scan and the
/// preview's renderer all parse through it.
public final class CmarkDocument {
    private static let registered: Void = { cmark_gfm_core_extensions_ensure_registered() }()
    public static let gfmExtensions = ["table", "strikethrough", "autolink", "tasklist"]

    private let parser: OpaquePointer
    /// The document node; children may be changed in place, but the root stays this object's.
    public let root: OpaquePointer
    public let options: Int32

    /// GFM as GitHub, MkDocs (footnotes) and Obsidian read it: footnotes on.
    public static let gfmOptions: Int32 = CMARK_OPT_DEFAULT | CMARK_OPT_FOOTNOTES

    /// HTML as a GFM renderer shows the Markdown (raw HTML kept, the tag filter disarming active tags).
    public static func renderGFM(_ markdown: String, preLang: Bool = false) -> String {
        CmarkDocument(markdown, options: gfmOptions | CMARK_OPT_UNSAFE | (preLang ? CMARK_OPT_GITHUB_PRE_LANG : 0),
                      extensions: gfmExtensions + ["tagfilter"])?.html() ?? ""
    }

    public init?(_ markdown: String, options: Int32 = gfmOptions, extensions: [String] = gfmExtensions) {
        _ = Self.registered
        guard let parser = cmark_parser_new(options) else { return nil }
        // A line with more cells than the writer ever puts in a GFM table is read without the table extension, whose
        // time grows with the square of a row's cells: such a line only comes from a crafted bundle.
        let wide = extensions.contains("table") && Self.hasOverwideLine(markdown)
        for name in extensions where !(wide && name == "table") {
            if let ext = cmark_find_syntax_extension(name) { cmark_parser_attach_syntax_extension(parser, ext) }
        }
        markdown.withCString { cmark_parser_feed(parser, $0, strlen($0)) }
        guard let root = cmark_parser_finish(parser) else {
            cmark_parser_free(parser)
            return nil
        }
        self.parser = parser
        self.root = root
        self.options = options
    }

    /// Whether a line holds more `|` than a GFM table of ``Limits/maxGFMTableColumns`` columns needs.
    static func hasOverwideLine(_ markdown: String) -> Bool {
        var pipes = 0
        for b in markdown.utf8 {
            if b == UInt8(ascii: "|") {
                pipes += 1
                if pipes > Limits.maxGFMTableColumns + 1 { return true }
            } else if b == UInt8(ascii: "\n") {
                pipes = 0
            }
        }
        return false
    }

    deinit {
        cmark_node_free(root)
        cmark_parser_free(parser)
    }

    /// Every node, in document order (collected first, so that callers may change the tree afterwards).
    public func nodes() -> [OpaquePointer] {
        var out: [OpaquePointer] = []
        guard let iter = cmark_iter_new(root) else { return out }
        defer { cmark_iter_free(iter) }
        while true {
            let ev = cmark_iter_next(iter)
            if ev == CMARK_EVENT_DONE { break }
            if ev == CMARK_EVENT_ENTER, let n = cmark_iter_get_node(iter) { out.append(n) }
        }
        return out
    }

    public func html() -> String {
        guard let out = cmark_render_html(root, options, cmark_parser_get_syntax_extensions(parser)) else { return "" }
        defer { free(out) }
        return String(cString: out)
    }

    public func commonmark() -> String {
        guard let out = cmark_render_commonmark(root, options, 0) else { return "" }
        defer { free(out) }
        return String(cString: out)
    }
}
