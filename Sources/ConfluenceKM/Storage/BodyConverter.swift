import CLibXML2

/// Converts one body to Markdown: parse (libxml2) → read into the document model → write GFM.
public final class BodyConverter {
    private let parser = BodyParser()
    private let writer = MarkdownWriter()

    public init() {}

    /// `bodyType` 2 is storage XHTML; 0 is the wiki markup of pages never edited since Confluence 3.
    public func convert(body: String, bodyType: Int, page: PageContext, targets: LinkTargets) -> (markdown: String, diagnostics: [Diagnostic]) {
        if bodyType == 0 {
            let d = Diagnostic("wiki-markup-body", .warning, contentId: page.id, title: page.title,
                message: "the body is in the old wiki markup; it is kept as a fenced block")
            return (writer.render([.codeBlock(language: "confluence-wiki", text: body)]), [d])
        }
        let document = blocks(body: body, page: page, targets: targets)
        return (writer.render(document.blocks), document.diagnostics)
    }

    /// The document model of a body, with the diagnostics of reading it.
    public func blocks(body: String, page: PageContext, targets: LinkTargets) -> (blocks: [Block], diagnostics: [Diagnostic]) {
        let parsed = parser.parse(body)
        let reader = StorageReader(page: page, targets: targets)
        if let error = parsed.error {
            reader.diagnose("malformed-body", .warning, "the body is not well-formed XHTML (\(error)); converted as far as libxml2 could recover it")
        }
        var nodes: [XNode] = []
        var n = parsed.nodes
        while let node = n {
            nodes.append(XNode(ptr: node))
            n = node.pointee.next
        }
        let blocks = reader.read(nodes)
        withExtendedLifetime(parsed) {}
        return (blocks, reader.diagnostics)
    }
}
