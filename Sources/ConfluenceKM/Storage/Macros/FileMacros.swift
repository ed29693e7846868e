/// `attachments` → a list of links to the page's attachments.
enum AttachmentsMacro: MacroConverter {
    static let names = ["attachments"]

    static func convert(_ m: Macro, in reader: StorageReader) -> [Piece] {
        let files = reader.targets.attachments(of: reader.page.id)
        if files.isEmpty { return [] }
        let items = files.map { f in
            ListItem(blocks: [.paragraph([.link(destination: reader.relative(f.path), title: nil, [.text(f.fileName)])])])
        }
        return [.block(.list(List(ordered: false, items: items)))]
    }
}

/// `view-file`, `multimedia`, the Office/PDF viewers and `widget` → a link to the attachment or URL they show.
enum ViewFileMacro: MacroConverter {
    static let names = ["view-file", "multimedia", "viewpdf", "viewdoc", "viewxls", "viewppt", "viewpowerpoint",
                        "viewexcel", "viewword", "widget", "video", "flash"]

    static func convert(_ m: Macro, in reader: StorageReader) -> [Piece] {
        if m.name == "widget" || (m.parameter("name") == nil && m.parameter("url") != nil) {
            guard let url = m.parameter("url"), let safe = reader.safeURL(url) else { return [] }
            return [.block(.paragraph([.link(destination: safe, title: nil, [.text(url)])]))]
        }
        let file = m.parameter("name", "file", "") ?? ""
        // The attachment belongs to the page the `page` parameter names (in the `space` parameter's space), if any.
        var owner: String? = reader.page.id
        if let title = m.parameter("page") {
            let space = m.parameter("page@space", "space") ?? reader.page.spaceKey
            owner = reader.targets.contentId(spaceKey: space, title: title, blogPost: false)
        }
        if let owner, let path = reader.targets.attachmentPath(contentId: owner, fileName: file) {
            return [.block(.paragraph([.link(destination: reader.relative(path), title: nil, [.text(file)])]))]
        }
        reader.diagnose("missing-attachment", .warning, "macro '\(m.name)' shows '\(file)'\(m.parameter("page").map { " of page '\($0)'" } ?? ""), which is not in the bundle; its name is kept")
        // A paragraph of its own, like the link it stands for: two viewers side by side never run together.
        return file.isEmpty ? [] : [.block(.paragraph([.text(file)]))]
    }
}

/// `drawio`, `gliffy`, `plantuml`, `mermaid`: the diagram's source as a fenced block, or its image and file.
enum DiagramMacro: MacroConverter {
    static let names = ["drawio", "drawio-sketch", "inc-drawio", "gliffy", "plantuml", "plantumlrender", "mermaid",
                        "mermaid-cloud", "mermaid-macro"]

    static func convert(_ m: Macro, in reader: StorageReader) -> [Piece] {
        if m.name.hasPrefix("mermaid") || m.name.hasPrefix("plantuml") {
            let source = m.plainBody ?? m.richBody?.textContent ?? m.parameter("code", "source") ?? ""
            if source.isEmpty {
                reader.diagnose("unsupported-macro", .warning, "macro '\(m.name)' without an inline source (it draws from an attachment) is not converted")
                return []
            }
            return [.block(.codeBlock(language: m.name.hasPrefix("mermaid") ? "mermaid" : "plantuml", text: source))]
        }
        let name = m.parameter("diagramName", "name") ?? ""
        var out: [Inline] = []
        if let png = reader.targets.attachmentPath(contentId: reader.page.id, fileName: name + ".png")
            ?? reader.targets.attachmentPath(contentId: reader.page.id, fileName: name + ".svg") {
            out.append(.image(source: reader.relative(png), alt: name, title: nil))
        }
        if let file = reader.targets.attachmentPath(contentId: reader.page.id, fileName: name)
            ?? reader.targets.attachmentPath(contentId: reader.page.id, fileName: name + ".drawio") {
            if !out.isEmpty { out.append(.text(" ")) }
            out.append(.link(destination: reader.relative(file), title: nil, [.text("\(name) (\(m.name) source)")]))
        }
        if out.isEmpty {
            reader.diagnose("missing-attachment", .warning, "macro '\(m.name)' diagram '\(name)' has no image or source attachment in the bundle")
            return name.isEmpty ? [] : [.inline(.text(name))]
        }
        return [.block(.paragraph(out))]
    }
}

/// `markdown` and `mohamicorp-markdown`: Markdown parsed and written back safe (``MarkdownSanitizer``).
enum MarkdownMacro: MacroConverter {
    static let names = ["markdown", "mohamicorp-markdown", "markdown-from-text"]

    static func convert(_ m: Macro, in reader: StorageReader) -> [Piece] {
        let source = m.plainBody ?? m.richBody?.textContent ?? ""
        let safe = MarkdownSanitizer.sanitize(source)
        if safe.rawHTML > 0 {
            reader.diagnose("unsafe-content", .info, "raw HTML in a markdown macro is written as text, never as markup")
        }
        for url in safe.refusedURLs {
            reader.diagnose("unsafe-link", .warning, "link to '\(url.prefix(80))' in a markdown macro dropped (scheme not allowed); its text is kept")
        }
        return [.block(.raw(safe.markdown))]
    }
}
