import Foundation

/// `confluence-km preview`: one page's (or every page's) Markdown and metadata, converted exactly as `convert`
/// would, with nothing written.
public struct PreviewPage: Codable, Sendable {
    public var id: String
    public var title: String
    public var markdownPath: String
    public var markdown: String
    public var metadata: ArticleMetadata
    public var diagnostics: [Diagnostic]
    /// The storage-format source, with `--storage`.
    public var storage: String?
    /// The document model the Markdown was written from (``DocumentDump``), with `--model`.
    public var model: String?
}

extension Converter {
    /// `page` is a content id or an exact title; nil previews every current page.
    public func preview(page: String?, includeStorage: Bool = false, includeModel: Bool = false) throws -> [PreviewPage] {
        let (index, spool) = try spooledIndex("preview")
        let plan = ConversionPlan(index: index, options: options)
        let ids = plan.order.filter { id in page == nil || id == page || plan.articles[id]?.content.title == page }
        guard !ids.isEmpty else {
            throw ConversionError.invalidOption("\(exportPath): no current page or blog post with the id or title '\(page ?? "")'")
        }
        let pipeline = plan.bodyPipeline(spool: spool, options: options)
        let writer = MetadataWriter(mapping: options.mapping)
        return try ids.map { id in
            let a = plan.articles[id]!
            let body = try a.bodyId.flatMap { try spool.body($0) } ?? ""
            let out = pipeline.convert(StoredBody(text: body, bodyType: a.bodyType,
                                                  repairedCharacters: a.bodyId.map(spool.repairedCharacters) ?? [], page: a.context),
                                       withModel: includeModel)
            var md = out.markdown
            if options.frontMatter == .yaml { md = try writer.frontMatter(a.metadata) + md }
            var meta = a.metadata
            meta.attachments = a.attachments.map {
                AttachmentMetadata(id: $0.info.id, fileName: $0.info.fileName, mediaType: $0.info.mediaType,
                                   bytes: index.attachmentFiles[String($0.entry.dropFirst("attachments/".count))] ?? 0,
                                   sha256: "", path: $0.path, version: $0.version)
            }
            return PreviewPage(id: id, title: a.content.title, markdownPath: a.metadata.markdown, markdown: md, metadata: meta,
                               diagnostics: out.diagnostics.sorted(by: Diagnostic.reportOrder), storage: includeStorage ? body : nil, model: out.model)
        }
    }
}
