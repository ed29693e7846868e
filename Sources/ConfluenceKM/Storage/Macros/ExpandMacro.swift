/// `expand` → `<details><summary>title</summary> … </details>`.
enum ExpandMacro: MacroConverter {
    static let names = ["expand", "ui-expand"]

    static func convert(_ m: Macro, in reader: StorageReader) -> [Piece] {
        let title = m.parameter("title") ?? "Click here to expand..."
        return [.block(.details(summary: [.text(title)], blocks: reader.body(m)))]
    }
}

/// Macros whose body is their content (layout, sections, excerpts, tabs): the body is kept in place.
enum TransparentMacro: MacroConverter {
    static let names = ["excerpt", "section", "column", "div", "span", "details", "center", "horizontal-nav-item",
                        "multilingual", "ui-steps-container"]

    static func convert(_ m: Macro, in reader: StorageReader) -> [Piece] {
        if m.name == "excerpt" {
            // Kept as a group, hidden or not: an excerpt-include shows it (``IncludePass``), the page itself only
            // when it is not hidden (``ExcerptPass``).
            let hidden = m.parameter("hidden") == "true"
            reader.features.insert(.excerpts)
            let attr = Attr(classes: [Attr.excerptClass], pairs: hidden ? [.init("hidden", "true")] : [])
            return [.paragraphBreak, .block(.div(attr, reader.body(m))), .paragraphBreak]
        }
        if let rich = m.richBody { return [.paragraphBreak] + rich.children.flatMap(reader.convert) + [.paragraphBreak] }
        if let plain = m.plainBody, !plain.isEmpty { return [.inline(.text(plain))] }
        return []
    }
}

/// Macros that show nothing of the page's own content (dynamic lists, search boxes, page properties of others):
/// dropped with an info diagnostic naming them.
enum DroppedMacro: MacroConverter {
    static let names = ["recently-updated", "blog-posts", "contributors", "contributors-summary", "livesearch",
                        "pagetreesearch", "create-from-template", "content-by-user", "contentbylabel", "change-history",
                        "page-index", "popular-labels", "related-labels", "recently-used-labels", "listlabels",
                        "search", "create-space-button", "navmap", "space-details", "spaces-list", "favpages",
                        "global-reports", "detailssummary", "tasks-report-macro", "profile", "profile-picture",
                        "network", "status-list", "im", "space-attachments", "recently-updated-dashboard", "index",
                        "roadmap", "rss", "iframe", "html", "html-include", "gallery", "loremipsum", "team-calendar", "calendar", "userlister", "welcome-message"]

    static func convert(_ m: Macro, in reader: StorageReader) -> [Piece] {
        let reason = ["html", "html-include", "iframe"].contains(m.name)
            ? "it embeds active or remote content, which is never written to the bundle"
            : "it shows content computed by Confluence at view time, which the export does not hold"
        reader.diagnose(.macroDropped, m.name == "html" || m.name == "iframe" ? .warning : .info, "macro '\(m.name)' dropped: \(reason)")
        return []
    }
}
