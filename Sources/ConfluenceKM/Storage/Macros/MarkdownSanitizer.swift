import CCmarkGFM
import Foundation

/// Markdown from a `markdown` macro, made safe by parsing it (libcmark-gfm, the GFM extensions) rather than by
/// substituting text: every link and image destination goes through ``URLJudge`` (a refused link keeps its text,
/// a refused image its alt text), raw HTML (blocks and inline) becomes literal text, and the tree is written back
/// as CommonMark, whose writer escapes that text. What comes out can hold no markup the storage reader would not
/// have written itself.
enum MarkdownSanitizer {
    struct Result {
        var markdown: String
        var refusedURLs: [String] = []
        var rawHTML = 0
    }

    static func sanitize(_ source: String) -> Result {
        var result = Result(markdown: "")
        guard let doc = CmarkDocument(source) else { return result }
        for node in doc.nodes() {
            let type = cmark_node_get_type(node)
            switch type {
            case CMARK_NODE_LINK, CMARK_NODE_IMAGE:
                let url = cmark_node_get_url(node).map { String(cString: $0) } ?? ""
                if let safe = URLJudge.judge(url) {
                    cmark_node_set_url(node, safe)
                    continue
                }
                result.refusedURLs.append(url)
                // The link's (or image's alt) content takes its place.
                while let child = cmark_node_first_child(node) {
                    cmark_node_unlink(child)
                    cmark_node_insert_before(node, child)
                }
                cmark_node_unlink(node)
                cmark_node_free(node)
            case CMARK_NODE_HTML_INLINE, CMARK_NODE_HTML_BLOCK:
                result.rawHTML += 1
                let literal = cmark_node_get_literal(node).map { String(cString: $0) } ?? ""
                guard let text = cmark_node_new(CMARK_NODE_TEXT) else { continue }
                cmark_node_set_literal(text, literal.trimmingCharacters(in: .newlines))
                if type == CMARK_NODE_HTML_BLOCK, let paragraph = cmark_node_new(CMARK_NODE_PARAGRAPH) {
                    cmark_node_append_child(paragraph, text)
                    cmark_node_replace(node, paragraph)
                } else {
                    cmark_node_replace(node, text)
                }
                cmark_node_free(node)
            default:
                continue
            }
        }
        result.markdown = doc.commonmark().trimmingCharacters(in: .newlines)
        return result
    }
}

