import CCmarkGFM
import ConfluenceKM
import Foundation

/// Renders GFM with libcmark-gfm (the engine KM systems render with): tables, strikethrough, autolinks, task lists,
/// and the tag filter that disarms <script>, <iframe> and the like.
public enum GFMRenderer {
    public static func html(_ markdown: String) -> String {
        CmarkDocument.renderGFM(markdown, preLang: true)
    }
}
