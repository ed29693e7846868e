import CCmarkGFM
import Foundation

/// Renders GFM with libcmark-gfm (the engine KM systems render with): tables, strikethrough, autolinks, task lists,
/// and the tag filter that disarms <script>, <iframe> and the like.
public enum GFMRenderer {
    private static let registered: Void = { cmark_gfm_core_extensions_ensure_registered() }()

    public static func html(_ markdown: String) -> String {
        _ = registered
        let options = CMARK_OPT_UNSAFE | CMARK_OPT_GITHUB_PRE_LANG
        guard let parser = cmark_parser_new(options) else { return "" }
        defer { cmark_parser_free(parser) }
        for name in ["table", "strikethrough", "autolink", "tasklist", "tagfilter"] {
            if let ext = cmark_find_syntax_extension(name) { cmark_parser_attach_syntax_extension(parser, ext) }
        }
        markdown.withCString { cmark_parser_feed(parser, $0, strlen($0)) }
        guard let doc = cmark_parser_finish(parser) else { return "" }
        defer { cmark_node_free(doc) }
        guard let out = cmark_render_html(doc, options, cmark_parser_get_syntax_extensions(parser)) else { return "" }
        defer { free(out) }
        return String(cString: out)
    }
}
