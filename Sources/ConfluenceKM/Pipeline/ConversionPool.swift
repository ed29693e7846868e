import Foundation

/// Converts bodies on all cores while the archive streams on: at most `2 × jobs` bodies in flight, each worker
/// with its own libxml2 template document. Output does not depend on the order in which workers finish.
final class ConversionPool: @unchecked Sendable {
    private let queue = DispatchQueue(label: "confluence-km.convert", attributes: .concurrent)
    private let group = DispatchGroup()
    private let slots: DispatchSemaphore
    private let lock = NSLock()
    private var converters: [BodyConverter] = []
    private var results: [String: Converter.ArticleResult] = [:]
    private var firstError: Error?
    private let targets: LinkTargets
    private let staging: StagingFolder
    private let settings: ConversionSettings
    /// YAML front matter for an article, when `--front-matter yaml`.
    let frontMatter: (@Sendable (ArticleMetadata) throws -> String)?

    /// Bodies larger than this are not converted (ArchiveLimits.maxBodyBytes).
    var maxBodyBytes = Int.max

    init(jobs: Int, targets: LinkTargets, staging: StagingFolder, settings: ConversionSettings,
         frontMatter: (@Sendable (ArticleMetadata) throws -> String)? = nil) {
        self.frontMatter = frontMatter
        slots = DispatchSemaphore(value: max(1, jobs) * 2)
        self.targets = targets
        self.staging = staging
        self.settings = settings
        initializeLibXML()
    }

    /// Runs `work` on a worker with a converter of its own, at most `2 × jobs` in flight.
    private func dispatch(_ work: @escaping @Sendable (BodyConverter) -> Void) {
        slots.wait()
        group.enter()
        queue.async { [self] in
            defer {
                slots.signal()
                group.leave()
            }
            let converter = take()
            defer { give(converter) }
            work(converter)
        }
    }

    func submit(body: String, article: PlannedArticle, repairedCharacters: [UInt32] = []) {
        dispatch { [self] converter in
            let out = BodyPipeline.convert(body: body, article: article, repairedCharacters: repairedCharacters,
                                           maxBodyBytes: maxBodyBytes, converter: converter, targets: targets)
            if let macro = out.failedMacro {
                lock.lock()
                if firstError == nil {
                    firstError = ConversionError.macroFailed(macro: macro, contentId: article.content.id, title: article.content.title)
                }
                lock.unlock()
                return
            }
            var markdown = out.markdown
            if let frontMatter { markdown = ((try? frontMatter(article.metadata)) ?? "") + markdown }
            let data = Data(markdown.utf8)
            do {
                let digest = try staging.write(data, to: article.metadata.markdown)
                lock.lock()
                results[article.content.id] = .init(bytes: Int64(data.count), sha256: digest, diagnostics: out.diagnostics)
                converted += 1
                let done = converted
                lock.unlock()
                onArticle?(done)
            } catch {
                lock.lock()
                if firstError == nil { firstError = error }
                lock.unlock()
            }
        }
    }

    /// Storage bodies of articles, for include macros (read back from the spool).
    var bodySource: (@Sendable (String) -> String?)?
    /// Called (from a worker) with the number of articles converted so far.
    var onArticle: (@Sendable (Int) -> Void)?
    private var converted = 0

    private var commentResults: [String: (markdown: String, diagnostics: [Diagnostic])] = [:]

    /// Converts a comment's body in the context of its article; kept in memory until the article's comments file
    /// is written (comments are small, and only those of kept articles are read).
    func submitComment(body: String, comment: ExportIndex.CommentInfo, article: PlannedArticle) {
        dispatch { [self] converter in
            let out = converter.convert(body: body, bodyType: 2, page: article.context, targets: targets)
            lock.lock()
            commentResults[comment.id] = (out.markdown, out.diagnostics)
            lock.unlock()
        }
    }

    var comments: [String: (markdown: String, diagnostics: [Diagnostic])] {
        lock.lock()
        defer { lock.unlock() }
        return commentResults
    }

    private func take() -> BodyConverter {
        lock.lock()
        defer { lock.unlock() }
        if let c = converters.popLast() { return c }
        let c = BodyConverter(settings: settings)
        c.bodySource = bodySource
        return c
    }

    private func give(_ c: BodyConverter) {
        lock.lock()
        converters.append(c)
        lock.unlock()
    }

    /// Waits for every body; throws the first write error.
    func finish() throws -> [String: Converter.ArticleResult] {
        group.wait()
        if let firstError { throw firstError }
        return results
    }
}

/// Whether the text holds U+FFFD (EF BF BD in UTF-8), searched as bytes.
func containsReplacementCharacter(_ text: String) -> Bool {
    var text = text
    return text.withUTF8 { firstIndex(of: [0xEF, 0xBF, 0xBD], in: $0, from: 0) != nil }
}

/// A body as stored (XML or CSV, zstd+base64, repaired characters, any size) → converted, with the diagnostics
/// of each step. convert, the dry run and preview all take this one path, so they agree.
enum BodyPipeline {
    static func convert(body: String, article: PlannedArticle, repairedCharacters: [UInt32], maxBodyBytes: Int,
                        converter: BodyConverter, targets: LinkTargets) -> BodyConverter.Output {
        var source = body
        var extra: [Diagnostic] = []
        let id = article.content.id, title = article.content.title
        if !repairedCharacters.isEmpty {
            extra.append(Diagnostic("invalid-xml-char", .warning, contentId: id, title: title,
                message: "the body holds characters XML forbids (\(XMLChars.describe(repairedCharacters))); each is written as U+FFFD"))
        }
        if body.utf8.count > maxBodyBytes {
            source = ""
            extra.append(Diagnostic("body-too-large", .warning, contentId: id, title: title,
                message: "the body is over the limit of \(maxBodyBytes) bytes (--max-body-bytes); it was never read whole, an empty article is written"))
        }
        if CSVExport.isCompressedBody(source) {
            do {
                source = try CSVExport.decodeCompressedBody(source, name: "body of \(id)")
            } catch {
                source = ""
                extra.append(Diagnostic("undecodable-body", .warning, contentId: id, title: title,
                    message: "the body is stored compressed (zstd, base64) and could not be decoded (\(error)); an empty article is written"))
            }
        }
        if containsReplacementCharacter(source) {
            extra.append(Diagnostic("invalid-utf8", .warning, contentId: id, title: title,
                message: "the body holds bytes that are not UTF-8 (or U+FFFD itself); they are written as U+FFFD"))
        }
        var out = converter.convert(body: source, bodyType: article.bodyType, page: article.context, targets: targets)
        out.diagnostics += extra
        return out
    }
}
