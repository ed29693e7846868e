import CLibXML2

/// Converts one body to Markdown: parse (libxml2) → read into the document model → write GFM.
public final class BodyConverter {
    private let parser = BodyParser()
    private let writer: MarkdownWriter
    public let settings: ConversionSettings

    public init(settings: ConversionSettings = ConversionSettings()) {
        self.settings = settings
        writer = MarkdownWriter(tables: settings.tables)
    }

    /// The result of converting one body.
    public struct Output: Sendable {
        public var markdown: String
        public var diagnostics: [Diagnostic]
        /// The first macro whose policy is `fail`, if one was met.
        public var failedMacro: String?
    }

    /// `bodyType` 2 is storage XHTML; 0 is the wiki markup of pages never edited since Confluence 3.
    /// The bodies `include`/`excerpt-include` can inline: article id → its storage body (nil when unknown).
    public var bodySource: (@Sendable (String) -> String?)?
    private var includeStack: [String] = []
    /// Diagnostics of included pages, reported on the including page.
    private var nestedDiagnostics: [Diagnostic] = []
    static let maxIncludeDepth = 4

    public func convert(body: String, bodyType: Int, page: PageContext, targets: LinkTargets,
                        includes: ((String, Bool) -> [Block]?)? = nil) -> Output {
        includeStack = [page.id]
        nestedDiagnostics = []
        if bodyType == 0 {
            let wiki = WikiMarkupReader(page: page, targets: targets, keepSecrets: settings.keepSecrets).read(body)
            return Output(markdown: writer.render(wiki.blocks), diagnostics: wiki.diagnostics, failedMacro: nil)
        }
        let document = read(body: body, page: page, targets: targets, includes: includes)
        return Output(markdown: writer.render(document.blocks), diagnostics: document.diagnostics, failedMacro: document.failedMacro)
    }

    /// Another page's content for `include` (all of it) or `excerpt-include` (its excerpts), read in the including
    /// page's context (links stay relative to it); cycles and deep chains stop with a link instead.
    private func include(_ id: String, excerptOnly: Bool, from page: PageContext, targets: LinkTargets) -> [Block]? {
        guard let source = bodySource?(id), !includeStack.contains(id), includeStack.count < Self.maxIncludeDepth else { return nil }
        includeStack.append(id)
        defer { includeStack.removeLast() }
        let parsed = parser.parse(source)
        let reader = StorageReader(page: page, targets: targets, settings: settings)
        reader.collectsExcerpts = excerptOnly
        reader.includeProvider = { nested, only in self.include(nested, excerptOnly: only, from: page, targets: targets) }
        var nodes: [XNode] = []
        var n = parsed.nodes
        while let node = n { nodes.append(XNode(ptr: node)); n = node.pointee.next }
        let blocks = reader.read(nodes)
        withExtendedLifetime(parsed) {}
        nestedDiagnostics += reader.diagnostics
        return excerptOnly ? reader.excerpts : blocks
    }

    /// The document model of a body (for `include`, and for tests).
    public func blocks(body: String, page: PageContext, targets: LinkTargets) -> (blocks: [Block], diagnostics: [Diagnostic]) {
        let r = read(body: body, page: page, targets: targets, includes: nil)
        return (r.blocks, r.diagnostics)
    }

    private func read(body: String, page: PageContext, targets: LinkTargets, includes: ((String, Bool) -> [Block]?)?)
        -> (blocks: [Block], diagnostics: [Diagnostic], failedMacro: String?)
    {
        let parsed = parser.parse(body)
        let reader = StorageReader(page: page, targets: targets, settings: settings)
        reader.includeProvider = includes ?? { id, excerptOnly in self.include(id, excerptOnly: excerptOnly, from: page, targets: targets) }
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
        return (blocks, reader.diagnostics + nestedDiagnostics, reader.failedMacro)
    }
}
