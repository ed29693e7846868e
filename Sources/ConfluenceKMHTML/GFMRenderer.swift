import CCmarkGFM
import ConfluenceKM
import Foundation

/// Renders GFM with libcmark-gfm (the engine KM systems render with): tables, strikethrough, autolinks, task lists,
/// and the tag filter that disarms <script>, <iframe> and the like.
public enum GFMRenderer {
    public static func html(_ markdown: String) -> String {
        disarm(CmarkDocument.renderGFM(markdown, preLang: true))
    }

    /// Elements that act on the page as a whole or fetch by themselves, which cmark-gfm's tag filter lets through:
    /// `<meta http-equiv="refresh">` navigated the preview to a remote page (a Content-Security-Policy does not
    /// govern navigation), `<base>` re-roots every link, `<link>` and `<portal>` load. Their `<` becomes `&lt;`,
    /// as the tag filter does for `<script>`: shown as text, never run.
    static let activeTags = try! NSRegularExpression(
        pattern: "<(?=/?(?:meta|base|link|portal|object|embed|applet|frame|frameset)[\\s/>])", options: [.caseInsensitive])

    static func disarm(_ html: String) -> String {
        guard html.range(of: "<", options: .literal) != nil else { return html }
        return activeTags.stringByReplacingMatches(in: html, range: NSRange(html.startIndex..., in: html), withTemplate: "&lt;")
    }
}
