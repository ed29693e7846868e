import Foundation

/// A body as the export stores it, with the page it belongs to.
public struct StoredBody: Sendable {
    /// The text as stored: storage XHTML or wiki markup, possibly zstd+base64 (Cloud CSV), any size.
    public var text: String
    /// 2: storage XHTML; 0: the wiki markup of pages never edited since Confluence 3.
    public var bodyType: Int
    /// Characters XML forbids that the entities reader replaced by U+FFFD.
    public var repairedCharacters: [UInt32]
    public var page: PageContext
    public init(text: String, bodyType: Int = 2, repairedCharacters: [UInt32] = [], page: PageContext) {
        self.text = text
        self.bodyType = bodyType
        self.repairedCharacters = repairedCharacters
        self.page = page
    }
}

/// The one body pipeline. convert, the dry run, preview, comments, includes and inspect's census all take it, so
/// they agree: a body as stored → decoded, limited, repaired, parsed and read into a ``Document`` → the passes
/// (excerpts, includes, table of contents, link and image resolution, user names) → a writer.
/// No other code turns storage into anything.
public final class BodyPipeline: @unchecked Sendable {
    public let targets: LinkTargets
    public let settings: ConversionSettings
    /// Bodies larger than this are not read (``ArchiveLimits``' `maxBodyBytes`).
    public let maxBodyBytes: Int
    /// The stored body of an article, for `include`/`excerpt-include` (nil when it has none or is not planned).
    private let source: (@Sendable (String) -> StoredBody?)?

    private let lock = NSLock()
    private var parsers: [BodyParser] = []
    private var includeCache: [String: Included] = [:]
    /// The macros named by `--macro` that some body held (a name that matches nothing is a typo, never a guard).
    private var policiesMet: Set<String> = []

    /// The `--macro` names met in the bodies converted so far.
    var macroPoliciesMet: Set<String> {
        lock.lock()
        defer { lock.unlock() }
        return policiesMet
    }

    /// `--macro` names that no body converted so far holds, with the closest macro names this tool knows.
    func unmatchedMacroPolicies() -> [Unmatched] {
        let met = macroPoliciesMet
        return settings.macros.keys.sorted().filter { !met.contains($0) }.map {
            Unmatched(option: "--macro", value: $0, suggestions: Unmatched.suggestions(for: $0, among: MacroRegistry.knownNames))
        }
    }

    public init(targets: LinkTargets, settings: ConversionSettings = ConversionSettings(), maxBodyBytes: Int = .max,
                source: (@Sendable (String) -> StoredBody?)? = nil) {
        self.targets = targets
        self.settings = settings
        self.maxBodyBytes = maxBodyBytes
        self.source = source
        initializeLibXML()
    }

    /// The result of converting one body.
    public struct Output: Sendable {
        public var markdown: String
        public var diagnostics: [Diagnostic]
        /// The first macro whose policy is `fail`, if one was met.
        public var failedMacro: String?
        /// The document the writer wrote (``DocumentDump``), when asked for.
        public var model: String?
    }

    /// A body as stored → Markdown (GFM), with the diagnostics of every step.
    public func convert(_ body: StoredBody, withModel: Bool = false) -> Output {
        let log = DiagnosticLog(page: body.page)
        let (document, failed) = self.document(body, log: log)
        let markdown = settings.flavor.writer(tables: settings.tables).render(document, log: log)
        return Output(markdown: markdown, diagnostics: log.items, failedMacro: failed,
                      model: withModel ? DocumentDump.dump(document.blocks) : nil)
    }

    /// A body as stored → the document after every pass, ready for a writer.
    func document(_ body: StoredBody, log: DiagnosticLog) -> (Document, failedMacro: String?) {
        let (read, failed) = self.read(body, log: log)
        if !settings.macros.isEmpty {
            let met = read.macros.keys.filter { settings.macros[$0] != nil }
            if !met.isEmpty {
                lock.lock()
                policiesMet.formUnion(met)
                lock.unlock()
            }
        }
        var d = read
        // A pass runs when the document may hold what it acts on (most pages need one or two of them).
        if d.features.contains(.excerpts) { d = ExcerptPass(log: log).run(d) }
        if d.features.contains(.includes) {
            let includes = IncludePass(page: body.page, targets: targets, stack: [body.page.id], pipeline: self, log: log)
            d = includes.run(d)
            d.features.formUnion(includes.features)
        }
        if d.features.contains(.tableOfContents) { d = TableOfContentsPass(repeatSeparator: settings.flavor.repeatedHeadingSeparator).run(d) }
        if d.features.contains(.references) || (!settings.sourceURLs.isEmpty && d.features.contains(.externalLinks)) {
            d = ResolvePass(page: body.page, targets: targets, baseURL: settings.baseURL, sourceURLs: settings.sourceURLs, log: log).run(d)
        }
        if d.features.contains(.mentions) { d = NamingPass(targets: targets, log: log).run(d) }
        return (d, failed)
    }

    /// A body as stored → the document as the reader built it (no pass run): decode, size limit, character
    /// repair, parse, read.
    func read(_ body: StoredBody, log: DiagnosticLog) -> (Document, failedMacro: String?) {
        var text = body.text
        if !body.repairedCharacters.isEmpty {
            log.add(.invalidXmlChar, .warning, "the body holds characters XML forbids (\(XMLChars.describe(body.repairedCharacters))); each is written as U+FFFD")
        }
        if text.utf8.count > maxBodyBytes {
            text = ""
            log.add(.bodyTooLarge, .warning, "the body is over the limit of \(maxBodyBytes) bytes (--max-body-bytes); it was never read whole, an empty article is written")
        }
        if CSVExport.isCompressedBody(text) {
            do {
                text = try CSVExport.decodeCompressedBody(text, name: "body of \(body.page.id)")
            } catch {
                text = ""
                log.add(.undecodableBody, .warning, "the body is stored compressed (zstd, base64) and could not be decoded (\(error)); an empty article is written")
            }
        }
        if containsReplacementCharacter(text) {
            log.add(.invalidUtf8, .warning, "the body holds bytes that are not UTF-8 (or U+FFFD itself); they are written as U+FFFD")
        }
        var wiki = body.bodyType == 0
        if !wiki, WikiMarkupReader.looksLikeWikiMarkup(text) {
            // Confluence 3.x bodies stored without a body type: not XHTML, but headings, tables, macros in wiki markup.
            wiki = true
            log.add(.wikiMarkupDetected, .info, "the body has no XHTML and reads as Confluence wiki markup (h1., ||, {code} …); converted as wiki markup")
        }
        if wiki {
            let reader = WikiMarkupReader(page: body.page, keepSecrets: settings.keepSecrets, log: log)
            return (Document(blocks: reader.read(text)), nil)
        }
        let parser = takeParser()
        defer { giveParser(parser) }
        let parsed = parser.parse(text)
        let reader = StorageReader(page: body.page, settings: settings, log: log)
        if let error = parsed.error {
            reader.diagnose(.malformedBody, .warning, "the body is not well-formed XHTML (\(error)); converted as far as libxml2 could recover it")
        }
        let blocks = withExtendedLifetime(parsed) { reader.read(parsed.topNodes) }
        return (Document(blocks: blocks, macros: reader.macros, features: reader.features), reader.failedMacro)
    }

    /// Another article's body as read, for an include: read once per run, in its own page's context.
    struct Included {
        var document: Document
        var diagnostics: [Diagnostic]
        var spaceKey: String
        /// The size of its stored body, counted against the including page's budget (``IncludePass``).
        var bytes: Int
    }

    static let includeCacheLimit = 256

    func readIncluded(_ id: String) -> Included? {
        lock.lock()
        if let hit = includeCache[id] {
            lock.unlock()
            return hit
        }
        lock.unlock()
        guard let body = source?(id) else { return nil }
        let log = DiagnosticLog(page: body.page)
        let included = Included(document: read(body, log: log).0, diagnostics: log.items, spaceKey: body.page.spaceKey, bytes: body.text.utf8.count)
        lock.lock()
        // Bounded: a run with thousands of included pages re-reads some rather than holding every document.
        if includeCache.count >= Self.includeCacheLimit { includeCache.removeAll(keepingCapacity: true) }
        includeCache[id] = included
        lock.unlock()
        return included
    }

    private func takeParser() -> BodyParser {
        lock.lock()
        defer { lock.unlock() }
        return parsers.popLast() ?? BodyParser()
    }

    private func giveParser(_ p: BodyParser) {
        lock.lock()
        parsers.append(p)
        lock.unlock()
    }
}

/// Whether the text holds U+FFFD (EF BF BD in UTF-8), searched as bytes.
func containsReplacementCharacter(_ text: String) -> Bool {
    var text = text
    return text.withUTF8 { firstIndex(of: [0xEF, 0xBF, 0xBD], in: $0, from: 0) != nil }
}

extension BodyPipeline {
    /// An article whose body the export does not hold: a Cloud folder becomes an index of its children (generated
    /// content, through the passes and the writer like any body); anything else is empty, with `empty-body`.
    /// convert and preview both write such articles through here.
    func convertWithoutBody(_ article: PlannedArticle) -> Output {
        let log = DiagnosticLog(page: article.context)
        guard article.content.kind == .folder else {
            log.add(.emptyBody, .info, article.bodyId.map { "the body object \($0) is not in entities.xml; an empty article is written" }
                ?? "the \(article.content.kind.rawValue) has no body in the export; an empty article is written")
            return Output(markdown: "", diagnostics: log.items, failedMacro: nil)
        }
        let index = Document(blocks: [.generated(.children(root: .page(.current), depth: 1))], features: [.references])
        let resolved = ResolvePass(page: article.context, targets: targets, baseURL: nil, log: log).run(index)
        let markdown = settings.flavor.writer(tables: settings.tables).render(resolved, log: log)
        return Output(markdown: markdown, diagnostics: log.items, failedMacro: nil)
    }
}

extension ConversionPlan {
    /// The pipeline for this plan's articles: their bodies (for includes) come back from the spool.
    func bodyPipeline(spool: BodySpool, options: ConvertOptions) -> BodyPipeline {
        let articles = self.articles
        return BodyPipeline(targets: targets, settings: options.conversion, maxBodyBytes: options.limits.maxBodyBytes) { id in
            guard let a = articles[id] else { return nil }
            return a.storedBody(spool)
        }
    }
}

extension PlannedArticle {
    /// The article's body as the export stored it (empty when it has none).
    func storedBody(_ spool: BodySpool) -> StoredBody? {
        guard let bodyId, let text = try? spool.body(bodyId) else { return nil }
        return StoredBody(text: text, bodyType: bodyType, repairedCharacters: spool.repairedCharacters(bodyId), page: context)
    }
}
