import Foundation

/// Converts bodies on all cores while the archive streams on: at most `2 × jobs` bodies in flight, all through the
/// one ``BodyPipeline``. Output does not depend on the order in which workers finish.
final class ConversionPool: @unchecked Sendable {
    private let queue = DispatchQueue(label: "confluence-km.convert", attributes: .concurrent)
    private let group = DispatchGroup()
    private let slots: DispatchSemaphore
    private let lock = NSLock()
    private var results: [String: Converter.ArticleResult] = [:]
    private var firstError: Error?
    private let pipeline: BodyPipeline
    private let staging: StagingFolder
    /// YAML front matter for an article, when `--front-matter yaml`.
    let frontMatter: (@Sendable (ArticleMetadata) throws -> String)?

    init(jobs: Int, pipeline: BodyPipeline, staging: StagingFolder, frontMatter: (@Sendable (ArticleMetadata) throws -> String)? = nil) {
        self.frontMatter = frontMatter
        slots = DispatchSemaphore(value: max(1, jobs) * 2)
        self.pipeline = pipeline
        self.staging = staging
    }

    /// Runs `work` on a worker, at most `2 × jobs` in flight.
    private func dispatch(_ work: @escaping @Sendable () -> Void) {
        slots.wait()
        group.enter()
        queue.async { [self] in
            defer {
                slots.signal()
                group.leave()
            }
            work()
        }
    }

    func submit(_ body: StoredBody, article: PlannedArticle) {
        dispatch { [self] in
            let out = pipeline.convert(body)
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

    /// Called (from a worker) with the number of articles converted so far.
    var onArticle: (@Sendable (Int) -> Void)?
    private var converted = 0

    private var commentResults: [String: (markdown: String, diagnostics: [Diagnostic])] = [:]

    /// Converts a comment's body in the context of its article; kept in memory until the article's comments file
    /// is written (comments are small, and only those of kept articles are read).
    func submitComment(_ body: StoredBody, comment: ExportIndex.CommentInfo) {
        dispatch { [self] in
            let out = pipeline.convert(body)
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

    /// Waits for every body; throws the first write error.
    func finish() throws -> [String: Converter.ArticleResult] {
        group.wait()
        if let firstError { throw firstError }
        return results
    }
}
