import Crypto
import Foundation

/// Options of a conversion.
public struct ConvertOptions: Sendable {
    /// Archived pages and blog posts are left out (and counted) unless this is set.
    public var includeArchived = false
    /// Overrides the export's `timezoneId` for its zone-less dates.
    public var timeZone: TimeZone?
    /// Replace a non-empty output folder.
    public var force = false
    /// Worker threads converting bodies.
    public var jobs = max(1, ProcessInfo.processInfo.activeProcessorCount)
    /// Tables, macro policy, base URL.
    public var conversion = ConversionSettings()
    /// `--users`: user key, account id or username → the name to write.
    public var userNames: [String: String] = [:]
    public var filters = Filters()
    public var mapping = Mapping()
    public var permissions = PermissionOptions()
    public var frontMatter: FrontMatter = .none
    public var limits = ArchiveLimits()
    /// `--since PREVIOUS`: write a delta against this bundle instead of a full bundle.
    public var since: String?
    /// `--strict`: any warning fails the conversion (no bundle is written).
    public var strict = false
    /// A filter, space, subtree, label or role that matches nothing is a warning instead of an error.
    public var allowUnmatched = false
    /// `--sign`: the Ed25519 private key (raw 32 bytes) that signs manifest.json (manifest.json.sig).
    public var signingKey: Data?

    public init() {}
}

/// One attachment as written into the bundle.
public struct AttachmentMetadata: Codable, Sendable, Equatable {
    public var id: String
    public var fileName: String
    public var mediaType: String?
    public var bytes: Int64
    public var sha256: String
    public var path: String
    public var version: Int

    enum CodingKeys: String, CodingKey { case id, fileName, mediaType, bytes, sha256, path, version }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(fileName, forKey: .fileName)
        try c.encode(mediaType, forKey: .mediaType)
        try c.encode(bytes, forKey: .bytes)
        try c.encode(sha256, forKey: .sha256)
        try c.encode(path, forKey: .path)
        try c.encode(version, forKey: .version)
    }
}

/// An article's metadata file (`articles/<SPACEKEY>/<slug>.json`).
public struct ArticleMetadata: Codable, Sendable, Equatable {
    public var id: String
    public var type: ContentInfo.Kind
    public var title: String
    public var author: String?
    public var lastUpdated: String?
    public var created: String?
    public var tags: [String]
    public var category: String
    public var spaceKey: String
    public var parentId: String?
    public var ancestors: [String]
    public var position: Int?
    public var version: Int?
    public var markdown: String
    public var attachments: [AttachmentMetadata]
    public var access: Access
    /// Fields from content properties (mapping); written after the mapping's renames.
    public var extra: [String: String] = [:]
    /// The article's comments file, when comments are imported and it has any.
    public var comments: String?

    enum CodingKeys: String, CodingKey {
        case id, type, title, author, lastUpdated, created, tags, category, spaceKey, parentId, ancestors, position, version
        case markdown, attachments, access, comments
    }

    /// Absent values are written as `null`, so that every article has every field.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(type, forKey: .type)
        try c.encode(title, forKey: .title)
        try c.encode(author, forKey: .author)
        try c.encode(lastUpdated, forKey: .lastUpdated)
        try c.encode(created, forKey: .created)
        try c.encode(tags, forKey: .tags)
        try c.encode(category, forKey: .category)
        try c.encode(spaceKey, forKey: .spaceKey)
        try c.encode(parentId, forKey: .parentId)
        try c.encode(ancestors, forKey: .ancestors)
        try c.encode(position, forKey: .position)
        try c.encode(version, forKey: .version)
        try c.encode(markdown, forKey: .markdown)
        try c.encode(attachments, forKey: .attachments)
        try c.encode(access, forKey: .access)
        if let comments { try c.encode(comments, forKey: .comments) }
    }
}

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

    init(index: ExportIndex, options: ConvertOptions) {
        var diagnostics: [Diagnostic] = index.archiveDiagnostics
        var skipped: [String: Int] = [:]
        if !index.archiveDiagnostics.isEmpty { skipped["archive-entry"] = index.archiveDiagnostics.count }
        let zone = Self.timeZone(index: index, options: options, diagnostics: &diagnostics)
        self.zone = zone

        // 1. Current pages and blog posts.
        var selected = Selection(contents: index.contents)
        if index.historicalContents > 0 { skipped["historical-version"] = index.historicalContents }
        if index.historicalAttachments > 0 { skipped["attachment-historical-version"] = index.historicalAttachments }
        for c in index.contents.values {
            switch c.status {
            case "current": break
            case "draft": skipped["draft", default: 0] += 1; continue
            case "deleted": skipped["trash", default: 0] += 1; continue
            case "archived":
                if !options.includeArchived {
                    skipped["archived", default: 0] += 1
                    diagnostics.append(Diagnostic(.skippedArchived, .info, contentId: c.id, title: c.title,
                        message: "archived \(c.kind.rawValue) left out (pass --include-archived to convert it)"))
                    continue
                }
            default:
                skipped["unknown-status", default: 0] += 1
                diagnostics.append(Diagnostic(.skippedStatus, .warning, contentId: c.id, title: c.title,
                    message: "content status '\(c.status)' is not known; left out"))
                continue
            }
            selected[c.id] = c
        }
        for (cls, n) in index.classCounts {
            switch cls {
            case "Draft": skipped["draft-object", default: 0] += n
            case "Comment": if !options.filters.types.contains(.comments) { skipped["comment", default: 0] += n }
            case "CustomContent": skipped["custom-content", default: 0] += n
            case "SpaceDescription": skipped["space-description", default: 0] += n
            default: break
            }
        }
        for u in index.unconverted {
            if u.cloudOnly {
                skipped["cloud-only", default: 0] += 1
                diagnostics.append(Diagnostic(.cloudOnlyContent, .warning, contentId: u.id, title: u.title,
                    message: "\(u.type.lowercased()) '\(u.title)' is Cloud-only content that Confluence cannot export; it is not in the bundle"))
            } else {
                skipped["unknown-type", default: 0] += 1
                diagnostics.append(Diagnostic(.unknownContentType, .warning, contentId: u.id, title: u.title,
                    message: "content type '\(u.type)' is not known to this tool; left out"))
            }
        }

        // 2. Spaces.
        let fallbackSpace: SpaceInfo? = {
            if index.spaces.count == 1 { return index.spaces.values.first }
            if let key = index.descriptor["spaceKey"] { return index.spaces.values.first { $0.key == key } }
            return nil
        }()
        var spaceOf = SpaceLookup(spaces: index.spaces)
        for c in selected.values {
            if let sid = c.spaceId, let s = index.spaces[sid] {
                spaceOf[c.id] = s
            } else if let s = fallbackSpace {
                spaceOf[c.id] = s
            } else {
                selected[c.id] = nil
                skipped["no-space", default: 0] += 1
                diagnostics.append(Diagnostic(.skippedNoSpace, .warning, contentId: c.id, title: c.title,
                    message: "the \(c.kind.rawValue)'s space is not in the export; left out"))
            }
        }

        // 3. Filters. The raw page tree (every current page, kept or not) decides subtrees and restrictions.
        let f = options.filters
        var subtreeRoots: (include: Set<String>, exclude: Set<String>) = ([], [])
        for (spec, isInclude) in f.subtreesInclude.map({ ($0, true) }) + f.subtreesExclude.map({ ($0, false) }) {
            if let id = Self.resolveSubtree(spec, index: index, selected: selected) {
                if isInclude { subtreeRoots.include.insert(id) } else { subtreeRoots.exclude.insert(id) }
            }
        }
        unmatched = Unmatched.find(index: index, options: options) { Self.resolveSubtree($0, index: index, selected: selected) != nil }
        for u in unmatched {
            diagnostics.append(Diagnostic(.unmatchedFilter, .warning, message: u.message + "; it is ignored (--allow-unmatched)"))
        }
        let rawParent: (String) -> String? = { id in index.contents[id]?.parentId.flatMap { index.contents[$0] != nil ? $0 : nil } }
        var includeWalk = TreeWalk(parent: rawParent), excludeWalk = TreeWalk(parent: rawParent)
        func filteredOut(_ c: ContentInfo, _ space: SpaceInfo) -> (String, String)? {
            if !f.spacesInclude.isEmpty && !f.spacesInclude.contains(space.key) { return ("space", "space \(space.key) is not in the included spaces") }
            if f.spacesExclude.contains(space.key) { return ("space", "space \(space.key) is excluded") }
            if !f.personalSpaces && (space.type == "personal" || space.key.hasPrefix("~")) { return ("space", "personal space \(space.key) is excluded") }
            switch c.kind {
            case .page, .folder: if !f.types.contains(.pages) { return ("type", "pages are excluded") }
            case .blogpost: if !f.types.contains(.blogposts) { return ("type", "blog posts are excluded") }
            }
            if !f.labelsAny.isEmpty || !f.labelsAll.isEmpty || !f.labelsExclude.isEmpty {
                let labels = Set((index.labellings[c.id] ?? []).compactMap { index.labels[$0] }.filter { $0.namespace == "global" }.map(\.name))
                if !f.labelsAny.isEmpty && labels.isDisjoint(with: f.labelsAny) { return ("label", "has none of the labels \(f.labelsAny.joined(separator: ", "))") }
                if !f.labelsAll.isEmpty && !Set(f.labelsAll).isSubset(of: labels) { return ("label", "lacks one of the labels \(f.labelsAll.joined(separator: ", "))") }
                if let l = f.labelsExclude.first(where: labels.contains) { return ("label", "has the excluded label \(l)") }
            }
            if f.createdAfter != nil || f.modifiedAfter != nil || f.modifiedBefore != nil {
                let created = c.created.flatMap { Self.isoDate($0, zone) } ?? ""
                let modified = c.lastModified.flatMap { Self.isoDate($0, zone) } ?? ""
                if let after = f.createdAfter, created < after { return ("date", "created \(created) before \(after)") }
                if let after = f.modifiedAfter, modified < after { return ("date", "modified \(modified) before \(after)") }
                if let before = f.modifiedBefore, modified >= before { return ("date", "modified \(modified) not before \(before)") }
            }
            if subtreeRoots.include.isEmpty && subtreeRoots.exclude.isEmpty { return nil }
            if !subtreeRoots.include.isEmpty && includeWalk.nearest(c.id, where: subtreeRoots.include.contains) == nil {
                return ("subtree", "not in an included subtree")
            }
            if let root = excludeWalk.nearest(c.id, where: subtreeRoots.exclude.contains) { return ("subtree", "in the excluded subtree of \(root)") }
            return nil
        }
        for c in selected.values.sorted(by: { IDOrder.less($0.id, $1.id) }) {
            guard let space = spaceOf[c.id], let (kind, reason) = filteredOut(c, space) else { continue }
            selected[c.id] = nil
            skipped["filtered-\(kind)", default: 0] += 1
            diagnostics.append(Diagnostic(.filtered, .info, contentId: c.id, title: c.title, message: "filtered out: \(reason)"))
        }

        // 4. Page tree among the kept pages: a page whose parent is not kept hangs under its nearest kept ancestor.
        var parentOf: [String: String] = [:]
        var keptWalk = TreeWalk(parent: rawParent)
        for c in selected.values.sorted(by: { IDOrder.less($0.id, $1.id) }) where c.kind != .blogpost {
            guard let p = c.parentId else { continue }
            if let parent = selected[p], parent.kind != .blogpost {
                parentOf[c.id] = p
                continue
            }
            let kept = rawParent(c.id).flatMap { keptWalk.nearest($0) { selected[$0] != nil && selected[$0]?.kind != .blogpost } }
            if index.contents[p] == nil && kept == nil {
                diagnostics.append(Diagnostic(.orphanPage, .info, contentId: c.id, title: c.title,
                    message: "parent \(p) is not in the export; the page is placed at the root"))
            } else {
                if let kept { parentOf[c.id] = kept }
                diagnostics.append(Diagnostic(.reparented, .info, contentId: c.id, title: c.title,
                    message: "parent \(p) is not converted (\(index.contents[p].map { "status \($0.status)" } ?? "not in the export")); "
                        + (kept.map { "the page hangs under its nearest kept ancestor \($0)" } ?? "the page is placed at the root")))
            }
        }
        // The kept tree is at most Limits.maxTreeDepth deep: a page deeper hangs under its ancestor at the last
        // level allowed (reported). Depths are memoized, so a chain of any length costs linear time.
        var depthOf: [String: Int] = [:]
        func depth(_ id: String) -> Int {
            var path: [String] = []
            var seen: Set<String> = []
            var cur: String? = id
            var base = 0
            while let c = cur {
                if let d = depthOf[c] { base = d; break }
                if !seen.insert(c).inserted { break }
                path.append(c)
                cur = parentOf[c]
            }
            for p in path.reversed() { base += 1; depthOf[p] = base }
            return depthOf[id] ?? base
        }
        let maxDepth = Limits.maxTreeDepth
        var anchorOf: [String: String] = [:]  // for pages at depth >= maxDepth: their ancestor at maxDepth - 1
        for id in parentOf.keys.sorted(by: IDOrder.less) where depth(id) >= maxDepth {
            var path: [String] = []
            var cur = id
            while anchorOf[cur] == nil, depth(cur) > maxDepth, let p = parentOf[cur] { path.append(cur); cur = p }
            let anchor = anchorOf[cur] ?? parentOf[cur]!
            for p in path + [cur] { anchorOf[p] = anchor }
        }
        for (id, anchor) in anchorOf.sorted(by: { IDOrder.less($0.key, $1.key) }) where depth(id) > maxDepth {
            parentOf[id] = anchor
            if let c = selected[id] {
                diagnostics.append(Diagnostic(.treeTooDeep, .info, contentId: id, title: c.title,
                    message: "the page is \(depth(id)) levels deep, over \(maxDepth); it hangs under its ancestor \(anchor) at level \(maxDepth - 1)"))
            }
        }
        func ancestors(_ id: String) -> [String] {
            var chain: [String] = []
            var seen: Set<String> = [id]
            var cur = parentOf[id]
            while let p = cur, seen.insert(p).inserted, chain.count < maxDepth {
                chain.append(p)
                cur = parentOf[p]
            }
            return chain.reversed()
        }

        // 5. Names, per space, in id order.
        let ids = selected.keys.sorted { a, b in
            let sa = spaceOf[a]!.key, sb = spaceOf[b]!.key
            return sa != sb ? sa < sb : IDOrder.less(a, b)
        }
        var taken: [String: Set<String>] = [:]
        var paths: [String: String] = [:]
        var spaceFolders: [String: String] = [:]
        var usedFolders: Set<String> = []
        func checkId(_ what: String, _ oddId: String, _ owner: String?, _ title: String?) {
            guard !Naming.isWellFormedId(oddId) else { return }
            diagnostics.append(Diagnostic(.unsafeId, .warning, contentId: owner, title: title,
                message: "\(what) id '\(Diagnostic.shown(oddId))' is not a Confluence id form; file names use \(Naming.idComponent(oddId)) instead"))
        }
        for id in ids {
            let c = selected[id]!
            let space = spaceOf[id]!
            checkId(c.kind.rawValue, id, id, c.title)
            if spaceFolders[space.key] == nil {
                checkId("space", space.id, nil, nil)
                var folder = Naming.safeFileName(space.key)
                if folder.isEmpty { folder = "space-" + Naming.idComponent(space.id) }
                if usedFolders.contains(Naming.clashKey(folder)) { folder += "-" + Naming.idComponent(space.id) }
                usedFolders.insert(Naming.clashKey(folder))
                spaceFolders[space.key] = folder
            }
            let folder = spaceFolders[space.key]!
            var slug = Naming.slug(c.title)
            if slug.isEmpty { slug = "\(c.kind.rawValue)-\(Naming.idComponent(id))" }
            // Mutated in place: copying the set per page would make naming quadratic.
            if taken[folder, default: []].contains(slug) { slug += "-" + Naming.idComponent(id) }
            var n = 2
            let base = slug
            while taken[folder, default: []].contains(slug) { slug = base + "-\(n)"; n += 1 }
            taken[folder, default: []].insert(slug)
            paths[id] = "articles/\(folder)/\(slug)"
        }

        // 6. Attachments: current versions of selected content.
        var planned: [String: [PlannedAttachment]] = [:]
        var attachmentEntries: [String: String] = [:]
        var filesByAttachment: [String: [Int]] = [:]
        for key in index.attachmentFiles.keys {
            let parts = key.split(separator: "/")
            if parts.count == 3, let v = Int(parts[2]) { filesByAttachment[parts[0] + "/" + parts[1], default: []].append(v) }
        }
        let attachmentIds = index.attachments.keys.sorted(by: IDOrder.less)
        var usedNames: [String: Set<String>] = [:]
        for aid in attachmentIds {
            var a = index.attachments[aid]!
            if a.status == "deleted" { skipped["attachment-trash", default: 0] += 1; continue }
            if a.status == "draft" { skipped["attachment-draft", default: 0] += 1; continue }
            guard let owner = a.containerId, selected[owner] != nil else {
                skipped["attachment-of-skipped-content", default: 0] += 1
                continue
            }
            let c = selected[owner]!
            if a.mediaType == nil || a.mediaType?.isEmpty == true, let guessed = MediaTypes.guess(fileName: a.fileName) {
                a.mediaType = guessed
                diagnostics.append(Diagnostic(.mediaTypeGuessed, .info, contentId: owner, title: c.title,
                    message: "attachment '\(Diagnostic.shown(a.fileName))' has no media type in the export; \(guessed) from its extension"))
            }
            if !options.filters.types.contains(.attachments) {
                skipped["filtered-attachment", default: 0] += 1
                continue
            }
            if !Filters.matches(mediaType: a.mediaType, patterns: options.filters.attachmentTypes) {
                skipped["filtered-attachment", default: 0] += 1
                diagnostics.append(Diagnostic(.filtered, .info, contentId: owner, title: c.title,
                    message: "attachment '\(a.fileName)' filtered out: media type \(a.mediaType ?? "unknown") is not in \(options.filters.attachmentTypes.joined(separator: ", "))"))
                continue
            }
            var version = a.version
            var entry = "\(owner)/\(aid)/\(a.version)"
            if index.attachmentFiles[entry] == nil {
                if let available = filesByAttachment["\(owner)/\(aid)"]?.max() {
                    diagnostics.append(Diagnostic(.attachmentVersionFallback, .warning, contentId: owner, title: c.title,
                        message: "attachment '\(a.fileName)' version \(a.version) is not in the archive; version \(available) is used"))
                    version = available
                    entry = "\(owner)/\(aid)/\(available)"
                } else {
                    skipped["attachment-file-missing", default: 0] += 1
                    diagnostics.append(Diagnostic(.missingAttachmentFile, .warning, contentId: owner, title: c.title,
                        message: "attachment '\(a.fileName)' (\(aid)) has no file in the archive (attachments/\(entry)); left out"))
                    continue
                }
            }
            if let max = options.filters.attachmentMaxBytes, let size = index.attachmentFiles[entry] ?? a.size, size > max {
                skipped["filtered-attachment", default: 0] += 1
                diagnostics.append(Diagnostic(.filtered, .info, contentId: owner, title: c.title,
                    message: "attachment '\(a.fileName)' filtered out: \(size) bytes is over the limit of \(max)"))
                continue
            }
            checkId("attachment", aid, owner, c.title)
            var name = Naming.safeFileName(a.fileName)
            if name.isEmpty { name = "attachment-\(Naming.idComponent(aid))" }
            let folderKey = owner
            if usedNames[folderKey, default: []].contains(Naming.clashKey(name)) {
                let (stem, ext) = Naming.splitExtension(name)
                name = "\(stem)-\(Naming.idComponent(aid))\(ext)"
            }
            usedNames[folderKey, default: []].insert(Naming.clashKey(name))
            let folder = spaceFolders[spaceOf[owner]!.key]!
            let dest = "attachments/\(folder)/\(Naming.idComponent(owner))/\(name)"
            planned[owner, default: []].append(PlannedAttachment(info: a, entry: "attachments/" + entry, path: dest, version: version))
            attachmentEntries["attachments/" + entry] = dest
        }

        // Permissions not understood: each restricts what it names (AccessResolver) and is reported here.
        for p in index.permissionsNotUnderstood {
            diagnostics.append(Diagnostic(.permissionNotUnderstood, options.permissions.strict ? .error : .warning,
                contentId: p.contentId, title: p.contentId.flatMap { index.contents[$0]?.title },
                message: p.reason + (p.contentId != nil ? "; the page is restricted and visible to no role (fail closed)" : "")))
        }

        // 7. Labels, users, access, metadata.
        var unresolvedUsers: Set<String> = []
        /// A user key → a name: --users first (by key or account id), then the export's user objects. Cloud exports
        /// hold account ids where names were: those stay ids, reported once.
        func resolve(_ k: String) -> String? {
            let aaid = index.accountIds[k]
            if let n = options.userNames[k] ?? aaid.flatMap({ options.userNames[$0] }) { return n }
            if let n = index.users[k], n != aaid, !Self.looksLikeAccountId(n) { return n }
            return nil
        }
        func author(_ ref: UserRef?, _ content: ContentInfo) -> String? {
            switch ref {
            case .name(let n)?: return options.userNames[n] ?? n
            case .key(let k)?:
                if let n = resolve(k) { return n }
                let id = index.accountIds[k] ?? index.users[k] ?? k
                if unresolvedUsers.insert(id).inserted {
                    diagnostics.append(Diagnostic(.unresolvedUser, .info, contentId: content.id, title: content.title,
                        message: "user \(id) has no name in the export\(options.userNames.isEmpty ? "" : " or in --users"); the id is used"))
                }
                return id
            case nil: return nil
            }
        }
        var bodiesByContent: [String: [String]] = [:]
        for b in index.bodies.values {
            if let c = b.contentId { bodiesByContent[c, default: []].append(b.id) }
        }
        var articles: [String: PlannedArticle] = [:]
        var bodyOwners: [String: String] = [:]
        let resolver = AccessResolver(index: index, options: options.permissions) { key in resolve(key) ?? index.accountIds[key] ?? key }
        var restrictionWalk = TreeWalk.Marked(limit: Limits.maxTreeDepth)
        var unmappedReported: Set<String> = []
        var spacesWithoutPermissions: Set<String> = []
        for id in ids {
            let c = selected[id]!
            let space = spaceOf[id]!
            var tags = Set<String>()
            for l in index.labellings[id] ?? [] {
                if let label = index.labels[l], label.namespace == "global", !label.name.isEmpty { tags.insert(label.name) }
            }
            let bodyIds = c.bodyContentIds.filter { index.bodies[$0] != nil } + (bodiesByContent[id] ?? []).sorted(by: IDOrder.less)
            let bodyId = bodyIds.last
            if bodyIds.count > 1, Set(bodyIds).count > 1 {
                diagnostics.append(Diagnostic(.severalBodies, .info, contentId: id, title: c.title,
                    message: "\(Set(bodyIds).count) body objects; the newest (\(bodyId!)) is converted"))
            }
            if let bodyId { bodyOwners[bodyId] = id }
            let base = paths[id]!
            let atts = (planned[id] ?? [])
            // Restrictions of every ancestor Confluence knows apply, kept or filtered out.
            let restricting = restrictionWalk.list(id, parent: rawParent, marked: resolver.hasViewRestriction)
            if restricting == nil {
                diagnostics.append(Diagnostic(.permissionNotUnderstood, .warning, contentId: id, title: c.title,
                    message: "more than \(Limits.maxTreeDepth) restricted ancestors; the article is visible to no role (fail closed)"))
            }
            let (access, unmapped, spaceKnown) = resolver.access(spaceId: space.id, chain: restricting, own: id)
            for g in unmapped.sorted() where unmappedReported.insert(g).inserted {
                diagnostics.append(Diagnostic(.unmappedGroup, options.permissions.strict ? .error : .warning, contentId: id, title: c.title,
                    message: "group '\(g)' grants access but has no KM role (map it under permissions.roles); it grants nothing, the article stays restricted"))
            }
            if !spaceKnown && spacesWithoutPermissions.insert(space.key).inserted {
                diagnostics.append(Diagnostic(.noSpacePermissions, .warning, contentId: id, title: c.title,
                    message: "the export holds no permissions for space \(space.key); its articles are marked \(options.permissions.spaceWithoutPermissions == .open ? "open (permissions.space-without-permissions: open)" : "restricted, visible to no role (fail closed)")"))
            }
            var authorName = author(c.creator, c)
            if options.mapping.author == .displayName, let a = authorName { authorName = index.displayNames[a] ?? a }
            let chain = ancestors(id)
            let category: String
            switch options.mapping.category {
            case .space: category = space.name
            case .topAncestor: category = chain.first.flatMap { selected[$0]?.title } ?? c.title
            }
            var extra: [String: String] = [:]
            for (field, property) in options.mapping.properties {
                if let v = index.contentProperties[id]?[property] { extra[field] = v }
            }
            let meta = ArticleMetadata(
                id: id, type: c.kind, title: c.title, author: authorName,
                lastUpdated: c.lastModified.flatMap { Self.isoDate($0, zone) },
                created: c.created.flatMap { Self.isoDate($0, zone) },
                tags: options.mapping.tags(Array(tags)), category: category, spaceKey: space.key, parentId: parentOf[id],
                ancestors: chain, position: c.position, version: c.version, markdown: base + ".md",
                attachments: [], access: access, extra: extra)
            articles[id] = PlannedArticle(
                content: c, metadata: meta, bodyId: bodyId, bodyType: bodyId.flatMap { index.bodies[$0]?.bodyType } ?? 2,
                attachments: atts, context: PageContext(id: id, title: c.title, spaceKey: space.key, path: base + ".md"))
        }

        var children: [String: [String]] = [:]
        for (child, parent) in parentOf { children[parent, default: []].append(child) }
        for (p, list) in children {
            children[p] = list.sorted { a, b in
                let ca = selected[a]!, cb = selected[b]!
                switch (ca.position, cb.position) {
                case let (x?, y?) where x != y: return x < y
                case (.some, nil): return true
                case (nil, .some): return false
                default: return ca.title != cb.title ? ca.title < cb.title : IDOrder.less(a, b)
                }
            }
        }
        var byTitle: [String: String] = [:]
        for id in ids {
            let c = selected[id]!
            let key = BundleTargets.titleKey(spaceOf[id]!.key, c.title, c.kind == .blogpost)
            if byTitle[key] == nil { byTitle[key] = id }
        }
        var attachmentPaths: [String: String] = [:]
        var attachmentLists: [String: [(fileName: String, path: String)]] = [:]
    /// The attachments bodies linked or showed, for `--attachments referenced`.
    let references = AttachmentReferences()
        for (owner, list) in planned {
            for a in list { attachmentPaths[owner + "\u{1}" + a.info.fileName] = a.path }
            attachmentLists[owner] = list.map { ($0.info.fileName, $0.path) }.sorted { $0.fileName < $1.fileName }
        }
        var homes: [String: String] = [:]
        for s in index.spaces.values { if let h = s.homePageId, selected[h] != nil { homes[s.key] = h } }
        var userNames: [String: String] = [:]
        for k in index.users.keys { userNames[k] = resolve(k) ?? index.accountIds[k] ?? index.users[k] }
        for name in Set(index.users.values) where userNames[name] == nil { userNames[name] = name }
        for (k, aaid) in index.accountIds { userNames[aaid] = resolve(k) ?? aaid }
        for (k, n) in options.userNames { userNames[k] = n }

        if options.filters.types.contains(.comments) {
            var bodiesOf: [String: [String]] = [:]
            for b in index.bodies.values { if let c = b.contentId { bodiesOf[c, default: []].append(b.id) } }
            for c in index.comments.values where articles[c.ownerId] != nil {
                if c.isHistorical { skipped["comment-historical-version", default: 0] += 1; continue }
                guard c.status == "current" else { skipped["comment-\(c.status)", default: 0] += 1; continue }
                guard let body = bodiesOf[c.id]?.sorted(by: IDOrder.less).last else { continue }
                commentBodies[body] = c
                commentsOf[c.ownerId, default: []].append(c)
                if let owner = selected[c.ownerId] { commentAuthors[c.id] = author(c.creator, owner) ?? "unknown" }
            }
            for (k, list) in commentsOf {
                commentsOf[k] = list.sorted { ($0.created ?? "", $0.id.count, $0.id) < ($1.created ?? "", $1.id.count, $1.id) }
            }
            for (id, list) in commentsOf where !list.isEmpty {
                guard let a = articles[id] else { continue }
                var meta = a.metadata
                meta.comments = String(paths[id]!) + ".comments.md"
                articles[id] = a.with(metadata: meta)
            }
        }

        self.targets = BundleTargets(
            byTitle: byTitle, articlePaths: paths.mapValues { $0 + ".md" }, titles: selected.mapValues(\.title),
            attachmentPaths: attachmentPaths, users: userNames, homes: homes, children: children)
        self.targets.attachmentLists = attachmentLists
        self.articles = articles
        self.order = ids
        self.skipped = skipped
        self.diagnostics = diagnostics
        self.attachmentEntries = attachmentEntries
        self.bodyOwners = bodyOwners
    }

    /// Atlassian account ids: `557058:uuid`, `712020:uuid`, or 24 hex digits.
    static func looksLikeAccountId(_ s: String) -> Bool {
        if let colon = s.firstIndex(of: ":"), s[..<colon].allSatisfy(\.isNumber), s.count > 30 { return true }
        return s.count == 24 && s.allSatisfy(\.isHexDigit)
    }

    /// A subtree root: a page id, or `SPACEKEY/Title/Child title` through current pages.
    static func resolveSubtree(_ spec: String, index: ExportIndex, selected: Selection) -> String? {
        if IDOrder.isDigits(spec), index.contents[spec] != nil { return spec }
        let parts = spec.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.count >= 2, let space = index.spaces.values.first(where: { $0.key == parts[0] }) else { return nil }
        let current = index.contents.values.filter { $0.status == "current" && $0.kind != .blogpost && $0.spaceId == space.id }
        var parent: String? = nil
        var found: String?
        for (i, title) in parts.dropFirst().enumerated() {
            let candidates = current.filter { $0.title == title && (i == 0 ? true : $0.parentId == parent) }
            guard let match = candidates.sorted(by: { IDOrder.less($0.id, $1.id) }).first else { return nil }
            found = match.id
            parent = match.id
        }
        return found
    }

    static func timeZone(index: ExportIndex, options: ConvertOptions, diagnostics: inout [Diagnostic]) -> TimeZone {
        if let z = options.timeZone { return z }
        if let id = index.descriptor["timezoneId"], !id.isEmpty {
            if let z = TimeZone(identifier: id) { return z }
            diagnostics.append(Diagnostic(.unknownTimezone, .warning,
                message: "the export's timezoneId '\(id)' is not known; dates are read as UTC (pass --timezone)"))
        }
        return TimeZone(identifier: "UTC")!
    }

    /// "2022-03-04 15:28:39.123" in the export's zone → "2022-03-04T14:28:39Z". Calendar-free: civil dates to
    /// days (Howard Hinnant's algorithm) and the zone's offset at that instant.
    static func isoDate(_ raw: String, _ zone: TimeZone) -> String? {
        var parts: [Int] = []
        var current = 0, inNumber = false
        for b in raw.utf8 {
            if b >= 48 && b <= 57 {
                if current > 1_000_000 { return nil }  // no field of a date is that long (and no overflow)
                current = current * 10 + Int(b - 48)
                inNumber = true
            }
            else if inNumber { parts.append(current); current = 0; inNumber = false; if parts.count == 6 { break } }
        }
        if inNumber && parts.count < 6 { parts.append(current) }
        guard parts.count >= 6, (1...9999).contains(parts[0]), (1...12).contains(parts[1]), (1...31).contains(parts[2]), parts[3] < 24, parts[4] < 60, parts[5] < 61 else { return nil }
        let local = daysFromCivil(parts[0], parts[1], parts[2]) * 86400 + parts[3] * 3600 + parts[4] * 60 + parts[5]
        // The offset at the local time, corrected once for the offset at the resulting instant (DST edges).
        var offset = zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(local)))
        offset = zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(local - offset)))
        let utc = local - offset
        let days = Int((Double(utc) / 86400).rounded(.down))
        let secs = utc - days * 86400
        let (y, m, d) = civilFromDays(days)
        func p(_ v: Int, _ w: Int = 2) -> String {
            let s = String(v)
            return s.count >= w ? s : String(repeating: "0", count: w - s.count) + s
        }
        return "\(p(y, 4))-\(p(m))-\(p(d))T\(p(secs / 3600)):\(p(secs % 3600 / 60)):\(p(secs % 60))Z"
    }

    static func daysFromCivil(_ y0: Int, _ m: Int, _ d: Int) -> Int {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    static func civilFromDays(_ z0: Int) -> (Int, Int, Int) {
        let z = z0 + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp + (mp < 10 ? 3 : -9)
        return (m <= 2 ? y + 1 : y, m, d)
    }
}

/// ``LinkTargets`` over the planned bundle.
struct BundleTargets: LinkTargets {
    var byTitle: [String: String]
    var articlePaths: [String: String]
    var titles: [String: String]
    var attachmentPaths: [String: String]
    var users: [String: String]
    var homes: [String: String]
    var childrenOf: [String: [String]]
    var attachmentLists: [String: [(fileName: String, path: String)]] = [:]
    /// The attachments bodies linked or showed, for `--attachments referenced`.
    let references = AttachmentReferences()

    init(byTitle: [String: String], articlePaths: [String: String], titles: [String: String],
         attachmentPaths: [String: String], users: [String: String], homes: [String: String], children: [String: [String]]) {
        self.byTitle = byTitle
        self.articlePaths = articlePaths
        self.titles = titles
        self.attachmentPaths = attachmentPaths
        self.users = users
        self.homes = homes
        self.childrenOf = children
    }

    static func titleKey(_ space: String, _ title: String, _ blog: Bool) -> String {
        (blog ? "b" : "p") + "\u{1}" + space + "\u{1}" + title
    }

    func contentId(spaceKey: String, title: String, blogPost: Bool) -> String? {
        byTitle[Self.titleKey(spaceKey, title, blogPost)]
    }
    func articlePath(id: String) -> String? { articlePaths[id] }
    func attachmentPath(contentId: String, fileName: String) -> String? {
        let p = attachmentPaths[contentId + "\u{1}" + fileName]
        if let p { references.insert(p) }
        return p
    }
    func userName(_ key: String) -> String? { users[key] }
    func spaceHome(spaceKey: String) -> String? { homes[spaceKey] }
    func children(of id: String) -> [String] { childrenOf[id] ?? [] }
    func title(of id: String) -> String? { titles[id] }
    func attachments(of id: String) -> [(fileName: String, path: String)] {
        let list = attachmentLists[id] ?? []
        for a in list { references.insert(a.path) }
        return list
    }
}

/// Attachment paths that conversion referenced; filled concurrently by the workers.
final class AttachmentReferences: @unchecked Sendable {
    private let lock = NSLock()
    private var set: Set<String> = []
    func insert(_ p: String) { lock.lock(); set.insert(p); lock.unlock() }
    var paths: Set<String> { lock.lock(); defer { lock.unlock() }; return set }
}

/// The content the plan keeps, as ids: the fields are read from the index. (A copy of every kept page's fields in
/// a table of its own was, at tens of thousands of pages, the plan's largest allocation.)
struct Selection {
    let contents: [String: ContentInfo]
    private(set) var keys: Set<String> = []

    /// Setting keeps (any value: it must be the index's own) or drops (`nil`) the id.
    subscript(id: String) -> ContentInfo? {
        get { keys.contains(id) ? contents[id] : nil }
        set { if newValue == nil { keys.remove(id) } else { keys.insert(id) } }
    }

    var values: [ContentInfo] { keys.map { contents[$0]! } }

    func mapValues<T>(_ transform: (ContentInfo) -> T) -> [String: T] {
        var out: [String: T] = [:]
        out.reserveCapacity(keys.count)
        for id in keys { out[id] = transform(contents[id]!) }
        return out
    }
}

/// The space of each kept page, as a space id into the index's spaces.
struct SpaceLookup {
    let spaces: [String: SpaceInfo]
    private var ids: [String: String] = [:]

    init(spaces: [String: SpaceInfo]) { self.spaces = spaces }

    subscript(id: String) -> SpaceInfo? {
        get { ids[id].flatMap { spaces[$0] } }
        set { ids[id] = newValue?.id }
    }
}
