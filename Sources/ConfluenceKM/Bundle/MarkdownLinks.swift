import CCmarkGFM
import Foundation

/// Link and image destinations of a Markdown file, for `validate`: libcmark-gfm parses it (linear time, code
/// spans and fences excluded), and raw HTML is scanned by hand for `src="…"` and `href="…"` outside comments.
/// No regular expression: hostile Markdown cannot make this slow.
enum MarkdownLinks {
    static func destinations(_ markdown: String) -> [String] {
        guard let doc = CmarkDocument(markdown) else { return [] }
        var out: [String] = []
        var html = ""
        for n in doc.nodes() {
            switch cmark_node_get_type(n) {
            case CMARK_NODE_LINK, CMARK_NODE_IMAGE:
                if let u = cmark_node_get_url(n) { let s = String(cString: u); if !s.isEmpty { out.append(s) } }
            case CMARK_NODE_HTML_BLOCK, CMARK_NODE_HTML_INLINE:
                if let l = cmark_node_get_literal(n) { html += String(cString: l) + "\n" }
            default:
                break
            }
        }
        out += attributeValues(withoutComments(html))
        return out
    }

    /// `text` without `<!-- … -->` comments (an unclosed one runs to the end), in one pass.
    static func withoutComments(_ text: String) -> String {
        var out = Substring()
        var rest = Substring(text)
        while let open = rest.range(of: "<!--") {
            out += rest[..<open.lowerBound]
            guard let close = rest[open.upperBound...].range(of: "-->") else { return String(out) }
            rest = rest[close.upperBound...]
        }
        out += rest
        return String(out)
    }

    /// Values of `src="…"` and `href="…"` attributes, in one pass.
    static func attributeValues(_ html: String) -> [String] {
        var out: [String] = []
        let bytes = Array(html.utf8)
        var i = 0
        func matches(_ word: [UInt8], at j: Int) -> Bool {
            guard j + word.count <= bytes.count else { return false }
            for k in 0..<word.count where bytes[j + k] | 0x20 != word[k] { return false }
            return true
        }
        let src = Array("src=\"".utf8), href = Array("href=\"".utf8)
        while i < bytes.count {
            let isSrc = matches(src, at: i), isHref = !isSrc && matches(href, at: i)
            if (isSrc || isHref), i == 0 || bytes[i - 1] == 0x20 || bytes[i - 1] == 0x0a || bytes[i - 1] == 0x09 {
                let start = i + (isSrc ? src.count : href.count)
                var end = start
                while end < bytes.count, bytes[end] != UInt8(ascii: "\"") { end += 1 }
                if end < bytes.count { out.append(String(decoding: bytes[start..<end], as: UTF8.self)) }
                i = end + 1
                continue
            }
            i += 1
        }
        return out
    }
}
