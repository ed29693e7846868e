import Foundation

/// An attachment chosen for the bundle, before its bytes are copied.
struct PlannedAttachment: Sendable {
    var info: AttachmentInfo
    /// The archive entry holding the current version's bytes.
    var entry: String
    /// The bundle-relative destination.
    var path: String
    var version: Int
}

/// An article chosen for the bundle. A class: the plan's tables then hold a pointer per article, not ~700 bytes
/// of fields in every hash bucket (which, at tens of thousands of articles, was most of the plan's memory).
final class PlannedArticle: Sendable {
    let content: ContentInfo
    let metadata: ArticleMetadata
    let bodyId: String?
    let bodyType: Int
    let attachments: [PlannedAttachment]
    let context: PageContext

    init(content: ContentInfo, metadata: ArticleMetadata, bodyId: String?, bodyType: Int, attachments: [PlannedAttachment],
         context: PageContext) {
        self.content = content
        self.metadata = metadata
        self.bodyId = bodyId
        self.bodyType = bodyType
        self.attachments = attachments
        self.context = context
    }

    /// The same article with other metadata.
    func with(metadata: ArticleMetadata) -> PlannedArticle {
        PlannedArticle(content: content, metadata: metadata, bodyId: bodyId, bodyType: bodyType, attachments: attachments,
                       context: context)
    }
}

/// What will be converted, what is skipped (counted, with reasons), and where everything goes.
struct ConversionPlan: Sendable {
    var articles: [String: PlannedArticle] = [:]
    /// Article ids in output order: space key, then numeric id.
    var order: [String] = []
    var skipped: [String: Int] = [:]
    var diagnostics: [Diagnostic] = []
    /// Filters and role mappings that match nothing in the export (an error unless `allowUnmatched`).
    var unmatched: [Unmatched] = []
    var targets: BundleTargets
    /// Archive entry → destination path, for pass 2.
    var attachmentEntries: [String: String] = [:]
    /// Body id → article id, for pass 2.
    var bodyOwners: [String: String] = [:]
    /// Comments to write (when imported): body id → comment, and per article the comments in order.
    var commentBodies: [String: ExportIndex.CommentInfo] = [:]
    var commentsOf: [String: [ExportIndex.CommentInfo]] = [:]
    /// Comment author names, resolved like article authors.
    var commentAuthors: [String: String] = [:]
    /// The zone of the export's dates.
    var zone: TimeZone = TimeZone(identifier: "UTC")!

    /// The plan of an export under these options, built in the order each step needs (``PlanBuilder``).
    init(index: ExportIndex, options: ConvertOptions) {
        var b = PlanBuilder(index: index, options: options)
        b.selectCurrent()
        b.countLeftOut()
        b.assignSpaces()
        b.applyFilters()
        b.linkKeptTree()
        b.breakCycles()
        b.limitDepth()
        b.assignPaths()
        b.planAttachments()
        b.reportPermissionsNotUnderstood()
        // What bodies can point to and the articles need nothing of each other: with two cores, built side by side.
        let shared = b, built = TargetsBox()
        let other = options.jobs > 1 ? Thread { built.targets = shared.targets(); built.done.signal() } : nil
        other?.start()
        b.planArticles()
        if options.filters.types.contains(.comments) { b.planComments() }
        if other != nil { built.done.wait() } else { built.targets = b.targets() }
        targets = built.targets!
        articles = b.articles
        order = b.order.map { b.table.ids[$0] }
        skipped = b.skipped
        diagnostics = b.diagnostics
        unmatched = b.unmatched
        attachmentEntries = b.attachmentEntries
        bodyOwners = b.bodyOwners
        commentBodies = b.commentBodies
        commentsOf = b.commentsOf
        commentAuthors = b.commentAuthors
        zone = b.zone
    }
}

/// The link targets built on another thread (``ConversionPlan/init(index:options:)``), handed back once `done`.
private final class TargetsBox: @unchecked Sendable {
    var targets: BundleTargets?
    let done = DispatchSemaphore(value: 0)
}
