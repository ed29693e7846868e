/// Expands `include` and `excerpt-include` placeholders with the other page's content, read through the same
/// pipeline (``BodyPipeline/readIncluded(_:)``, cached per body within a run) and given its own page-local passes.
/// A cycle, a chain deeper than `maxDepth` or a body that cannot be read leaves a link instead.
final class IncludePass: DocumentRewriter {
    static let maxDepth = 4
    /// What one page may splice in, over all its includes at every level: without it, pages that each include
    /// the next ten multiplied their content ten thousand times (four levels), and a run never ended.
    static let maxIncludesPerPage = 64
    static let maxIncludedBytesPerPage = 16 << 20

    /// The includes one page has spliced in so far, shared by the nested passes of that page.
    final class Budget {
        var includes = 0
        var bytes = 0
        var reported = false
    }

    let page: PageContext
    let targets: LinkTargets
    /// The pages being included, outermost first (the page itself included).
    let stack: [String]
    let pipeline: BodyPipeline
    let log: DiagnosticLog
    /// The features of the documents spliced in (``Document/Features``).
    private(set) var features: Document.Features = []

    let budget: Budget

    init(page: PageContext, targets: LinkTargets, stack: [String], pipeline: BodyPipeline, log: DiagnosticLog, budget: Budget = Budget()) {
        self.budget = budget
        self.page = page
        self.targets = targets
        self.stack = stack
        self.pipeline = pipeline
        self.log = log
    }

    func block(_ block: Block) -> [Block] {
        guard case .generated(.include(let ref, let excerptOnly)) = block else { return [descend(block)] }
        let macro = excerptOnly ? "excerpt-include" : "include"
        let found = targets.contentId(ref, in: page).flatMap { targets.articlePath(id: $0) != nil ? $0 : nil }
        let (title, spaceKey): (String, String) = switch ref {
        case .title(let space, let t, _): (t, space ?? page.spaceKey)
        case .id(let id): (targets.title(of: id) ?? id, page.spaceKey)
        case .current: (page.title, page.spaceKey)
        }
        guard let id = found else {
            log.add(.brokenLink, .warning, "macro '\(macro)' includes '\(title)' in space \(spaceKey), which is not in the bundle")
            return [.paragraph([.text(title)])]
        }
        if !stack.contains(id), stack.count < Self.maxDepth, let included = pipeline.readIncluded(id) {
            guard budget.includes < Self.maxIncludesPerPage,
                  budget.bytes + included.bytes <= Self.maxIncludedBytesPerPage else {
                if !budget.reported {
                    budget.reported = true
                    log.add(.includeAsLink, .info, "macro '\(macro)' of '\(title)' and the includes after it are written as links: the page already includes \(budget.includes) pages (\(budget.bytes) bytes of their bodies), the most one page may (\(Self.maxIncludesPerPage) includes, \(Self.maxIncludedBytesPerPage >> 20) MiB)")
                }
                return asLink(id, title)
            }
            budget.includes += 1
            budget.bytes += included.bytes
            log.append(contentsOf: included.diagnostics)
            // What the included page holds, the including page now holds too.
            features.formUnion(included.document.features)
            var document = RebasePass(id: id, spaceKey: included.spaceKey).run(included.document)
            if !excerptOnly { document = ExcerptPass(log: log).run(document) }
            if document.features.contains(.includes) {
                let nested = IncludePass(page: page, targets: targets, stack: stack + [id], pipeline: pipeline, log: log, budget: budget)
                document = nested.run(document)
                features.formUnion(nested.features)
            }
            if document.features.contains(.tableOfContents) {
                document = TableOfContentsPass(repeatSeparator: pipeline.settings.flavor.repeatedHeadingSeparator).run(document)
            }
            return excerptOnly ? ExcerptPass.excerpts(document.blocks) : document.blocks
        }
        log.add(.includeAsLink, .info, "macro '\(macro)' of '\(title)' is written as a link (the included content is not available)")
        return asLink(id, title)
    }

    /// An include written as a link to the page (resolved later, like any link).
    private func asLink(_ id: String, _ title: String) -> [Block] {
        features.insert(.references)
        return [.paragraph([.link(.page(.id(id), anchor: nil), title: nil, [.text(title)])])]
    }
}

/// An included page's references made explicit: "this page" becomes the included page, and a title without a
/// space takes the included page's space — they meant that page, not the one including it.
final class RebasePass: DocumentRewriter {
    let id: String
    let spaceKey: String
    init(id: String, spaceKey: String) {
        self.id = id
        self.spaceKey = spaceKey
    }

    private func rebase(_ ref: PageRef) -> PageRef {
        switch ref {
        case .current: return .id(id)
        case .title(nil, let title, let blogPost): return .title(space: spaceKey, title: title, blogPost: blogPost)
        default: return ref
        }
    }

    private func rebase(_ target: LinkTarget) -> LinkTarget {
        switch target {
        case .page(let ref, let anchor): return .page(rebase(ref), anchor: anchor)
        case .attachment(let owner, let file): return .attachment(owner: rebase(owner), fileName: file)
        default: return target
        }
    }

    func inline(_ inline: Inline) -> [Inline] {
        switch inline {
        case .link(let target, let title, let content): return [.link(rebase(target), title: title, inlines(content))]
        case .image(var image):
            image.target = rebase(image.target)
            return [.image(image)]
        default: return [descend(inline)]
        }
    }

    func block(_ block: Block) -> [Block] {
        switch block {
        case .generated(.children(.page(let root), let depth)): return [.generated(.children(root: .page(rebase(root)), depth: depth))]
        case .generated(.include(let ref, let excerptOnly)): return [.generated(.include(rebase(ref), excerptOnly: excerptOnly))]
        default: return [descend(block)]
        }
    }
}
