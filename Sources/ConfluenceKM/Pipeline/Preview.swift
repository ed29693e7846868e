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
            let body = try a.bodyId.flatMap { try spool.body($0) }
            // The same two paths as convert: the body through the pipeline, or the article without one.
            let out = body.map {
                pipeline.convert(StoredBody(text: $0, bodyType: a.bodyType,
                                            repairedCharacters: a.bodyId.map(spool.repairedCharacters) ?? [], page: a.context),
                                 withModel: includeModel)
            } ?? pipeline.convertWithoutBody(a)
            var md = out.markdown
            if options.frontMatter == .yaml || options.conversion.flavor.writesFrontMatter {
                md = try writer.frontMatter(a.metadata, aliases: options.conversion.flavor == .obsidian) + md
            }
            var meta = a.metadata
            meta.attachments = a.attachments.map {
                AttachmentMetadata(id: $0.info.id, fileName: $0.info.fileName, mediaType: $0.info.mediaType,
                                   bytes: index.attachmentFiles[String($0.entry.dropFirst("attachments/".count))] ?? 0,
                                   sha256: "", path: $0.path, version: $0.version)
            }
            return PreviewPage(id: id, title: a.content.title, markdownPath: a.metadata.markdown, markdown: md, metadata: meta,
                               diagnostics: out.diagnostics.sorted(by: Diagnostic.reportOrder), storage: includeStorage ? Self.shownStorage(body ?? "", bodyType: a.bodyType, keepSecrets: options.conversion.keepSecrets) : nil,
                               model: out.model)
        }
    }
}

extension Converter {
    /// The storage source as `preview --storage` prints it: secrets redacted as the conversion redacts them.
    static func shownStorage(_ body: String, bodyType: Int, keepSecrets: Bool) -> String {
        if keepSecrets { return body }
        if bodyType == 0 {
            let reader = WikiMarkupReader(page: PageContext(id: "", title: "", spaceKey: "", path: ""), log: DiagnosticLog(page: PageContext(id: "", title: "", spaceKey: "", path: "")))
            return body.split(separator: "\n", omittingEmptySubsequences: false).map { reader.redactedInlineTags(String($0)) }.joined(separator: "\n")
        }
        return Secrets.redactedStorage(body)
    }
}

extension PreviewPage {
    /// The pages of a bundle folder, as written (`preview BUNDLE --page X`): its Markdown, metadata and the report's
    /// diagnostics, read through ``BundleFiles`` (no link followed, no path leaving the bundle). `page` is a content
    /// id or an exact title; nil gives every article.
    public static func fromBundle(_ root: String, page: String?) throws -> [PreviewPage] {
        let listing = BundleFiles.list(root: root)
        let report = (try? BundleFiles.read(root: root, "report.json")).flatMap { try? JSONDecoder().decode(ConversionReport.self, from: $0) }
        var out: [PreviewPage] = []
        for path in listing.files.sorted() where path.hasPrefix("articles/") && path.hasSuffix(".json") {
            guard let data = try? BundleFiles.read(root: root, path, maxBytes: 64 << 20),
                  let meta = try? JSONDecoder().decode(ArticleMetadata.self, from: data),
                  page == nil || meta.id == page || meta.title == page,
                  BundlePath.isSafe(meta.markdown), meta.markdown.hasPrefix("articles/"), meta.markdown.hasSuffix(".md") else { continue }
            let markdown = (try? BundleFiles.read(root: root, meta.markdown)).map { String(decoding: $0, as: UTF8.self) } ?? ""
            out.append(PreviewPage(id: meta.id, title: meta.title, markdownPath: meta.markdown, markdown: markdown, metadata: meta,
                                   diagnostics: (report?.diagnostics ?? []).filter { $0.contentId == meta.id }, storage: nil))
        }
        guard !out.isEmpty else {
            throw ConversionError.invalidOption("\(root): no article with the id or title '\(page ?? "")' in this bundle (a bundle whose mapping renamed metadata fields cannot be read by page)")
        }
        return out
    }
}
