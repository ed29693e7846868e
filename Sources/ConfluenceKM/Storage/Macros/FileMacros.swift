/// `attachments` → a list of links to the page's attachments (filled in by ``ResolvePass``).
enum AttachmentsMacro: MacroConverter {
    static let names = ["attachments"]

    static func convert(_ m: Macro, in reader: StorageReader) -> [Piece] {
        reader.features.insert(.references)
        return [.block(.generated(.attachments))]
    }
}

/// `view-file`, `multimedia`, the Office/PDF viewers and `widget` → a link to the attachment or URL they show.
enum ViewFileMacro: MacroConverter {
    static let names = ["view-file", "multimedia", "viewpdf", "viewdoc", "viewxls", "viewppt", "viewpowerpoint",
                        "viewexcel", "viewword", "widget", "video", "flash"]

    static func convert(_ m: Macro, in reader: StorageReader) -> [Piece] {
        if m.name == "widget" || (m.parameter("name") == nil && m.parameter("url") != nil) {
            guard let url = m.parameter("url"), let safe = reader.safeURL(url) else { return [] }
            return [.block(.paragraph([.link(.url(safe), title: nil, [.text(url)])]))]
        }
        let file = m.parameter("name", "file", "") ?? ""
        // The attachment belongs to the page the `page` parameter names (in the `space` parameter's space), if any.
        var owner = PageRef.current
        if let title = m.parameter("page") {
            owner = .title(space: m.parameter("page@space", "space"), title: title, blogPost: false)
        }
        reader.features.insert(.references)
        // A paragraph of its own: two viewers side by side never run together.
        return [.block(.paragraph([.link(.attachment(owner: owner, fileName: file), title: nil, [.text(file)])]))]
    }
}

/// `drawio`, `gliffy`, `plantuml`, `mermaid`: the diagram's source as a fenced block, or its image and file
/// (found among the page's attachments by ``ResolvePass``).
enum DiagramMacro: MacroConverter {
    static let names = ["drawio", "drawio-sketch", "inc-drawio", "gliffy", "plantuml", "plantumlrender", "mermaid",
                        "mermaid-cloud", "mermaid-macro"]

    static func convert(_ m: Macro, in reader: StorageReader) -> [Piece] {
        if m.name.hasPrefix("mermaid") || m.name.hasPrefix("plantuml") {
            let source = m.plainBody ?? m.richBody?.textContent ?? m.parameter("code", "source") ?? ""
            if source.isEmpty {
                reader.diagnose(.unsupportedMacro, .warning, "macro '\(m.name)' without an inline source (it draws from an attachment) is not converted")
                return []
            }
            return [.block(.codeBlock(language: m.name.hasPrefix("mermaid") ? "mermaid" : "plantuml", text: source))]
        }
        reader.features.insert(.references)
        return [.block(.generated(.diagram(name: m.parameter("diagramName", "name") ?? "", macro: m.name)))]
    }
}

/// `markdown` and `mohamicorp-markdown`: Markdown parsed and written back safe (``MarkdownSanitizer``).
enum MarkdownMacro: MacroConverter {
    static let names = ["markdown", "mohamicorp-markdown", "markdown-from-text"]

    static func convert(_ m: Macro, in reader: StorageReader) -> [Piece] {
        let source = m.plainBody ?? m.richBody?.textContent ?? ""
        let safe = MarkdownSanitizer.sanitize(source)
        if safe.rawHTML > 0 {
            reader.diagnose(.unsafeContent, .info, "raw HTML in a markdown macro is written as text, never as markup")
        }
        for url in safe.refusedURLs {
            reader.diagnose(.unsafeLink, .warning, "link to '\(url.prefix(80))' in a markdown macro dropped (scheme not allowed); its text is kept")
        }
        return [.block(.raw(.markdown, safe.markdown))]
    }
}
