import Foundation

extension PlanBuilder {
    // MARK: 6. Attachments: current versions of selected content

    mutating func planAttachments() {
        // The versions present of each attachment, made only when a current version's file is missing.
        var filesByAttachment: [String: [Int]]?
        var usedNames: [Int: Set<String>] = [:]
        for aid in IDOrder.sorted(Array(index.attachments.keys)) {
            planAttachment(aid, filesByAttachment: &filesByAttachment, usedNames: &usedNames)
        }
    }

    private mutating func planAttachment(_ aid: String, filesByAttachment: inout [String: [Int]]?, usedNames: inout [Int: Set<String>]) {
        var a = index.attachments[aid]!
        if a.status == "deleted" { skipped["attachment-trash", default: 0] += 1; return }
        if a.status == "draft" { skipped["attachment-draft", default: 0] += 1; return }
        guard let owner = a.containerId, let n = table.number(owner), kept[n] else {
            skipped["attachment-of-skipped-content", default: 0] += 1
            return
        }
        let title = table.contents[n].title
        if a.mediaType == nil || a.mediaType?.isEmpty == true, let guessed = MediaTypes.guess(fileName: a.fileName) {
            a.mediaType = guessed
            diagnostics.append(Diagnostic(.mediaTypeGuessed, .info, contentId: owner, title: title,
                message: "attachment '\(Diagnostic.shown(a.fileName))' has no media type in the export; \(guessed) from its extension"))
        }
        if !options.filters.types.contains(.attachments) {
            skipped["filtered-attachment", default: 0] += 1
            return
        }
        if !Filters.matches(mediaType: a.mediaType, patterns: options.filters.attachmentTypes) {
            skipped["filtered-attachment", default: 0] += 1
            diagnostics.append(Diagnostic(.filtered, .info, contentId: owner, title: title,
                message: "attachment '\(a.fileName)' filtered out: media type \(a.mediaType ?? "unknown") is not in \(options.filters.attachmentTypes.joined(separator: ", "))"))
            return
        }
        guard let (entry, version) = archiveEntry(a, aid, owner, title, &filesByAttachment) else { return }
        if let max = options.filters.attachmentMaxBytes, let size = index.attachmentFiles[entry] ?? a.size, size > max {
            skipped["filtered-attachment", default: 0] += 1
            diagnostics.append(Diagnostic(.filtered, .info, contentId: owner, title: title,
                message: "attachment '\(a.fileName)' filtered out: \(size) bytes is over the limit of \(max)"))
            return
        }
        checkId("attachment", aid, owner, title)
        var name = Naming.safeFileName(a.fileName)
        if name.isEmpty { name = "attachment-\(Naming.idComponent(aid))" }
        if usedNames[n, default: []].contains(Naming.clashKey(name)) {
            let (stem, ext) = Naming.splitExtension(name)
            name = "\(stem)-\(Naming.idComponent(aid))\(ext)"
        }
        usedNames[n, default: []].insert(Naming.clashKey(name))
        let dest = "\(options.conversion.flavor.attachmentsRoot)/\(folderOfSpace[spaceOf[n]]!)/\(Naming.idComponent(owner))/\(name)"
        planned[n].append(PlannedAttachment(info: a, entry: "attachments/" + entry, path: dest, version: version))
        attachmentEntries["attachments/" + entry] = dest
    }

    /// The archive entry holding the attachment's current version, or its newest file present (reported); nil
    /// when the archive holds none.
    private mutating func archiveEntry(_ a: AttachmentInfo, _ aid: String, _ owner: String, _ title: String,
                                       _ filesByAttachment: inout [String: [Int]]?) -> (String, Int)? {
        let entry = "\(owner)/\(aid)/\(a.version)"
        if index.attachmentFiles[entry] != nil { return (entry, a.version) }
        if filesByAttachment == nil {
            var files: [String: [Int]] = [:]
            for key in index.attachmentFiles.keys {
                let parts = key.split(separator: "/")
                if parts.count == 3, let v = Int(parts[2]) { files[parts[0] + "/" + parts[1], default: []].append(v) }
            }
            filesByAttachment = files
        }
        if let available = filesByAttachment?["\(owner)/\(aid)"]?.max() {
            diagnostics.append(Diagnostic(.attachmentVersionFallback, .warning, contentId: owner, title: title,
                message: "attachment '\(a.fileName)' version \(a.version) is not in the archive; version \(available) is used"))
            return ("\(owner)/\(aid)/\(available)", available)
        }
        skipped["attachment-file-missing", default: 0] += 1
        diagnostics.append(Diagnostic(.missingAttachmentFile, .warning, contentId: owner, title: title,
            message: "attachment '\(a.fileName)' (\(aid)) has no file in the archive (attachments/\(entry)); left out"))
        return nil
    }

    /// Permissions not understood: each restricts what it names (AccessResolver) and is reported here.
    mutating func reportPermissionsNotUnderstood() {
        for p in index.permissionsNotUnderstood {
            diagnostics.append(Diagnostic(.permissionNotUnderstood, options.permissions.strict ? .error : .warning,
                contentId: p.contentId, title: p.contentId.flatMap { index.contents[$0]?.title },
                message: p.reason + (p.contentId != nil ? "; the page is restricted and visible to no role (fail closed)" : "")))
        }
    }

    // MARK: 7. Labels, users, access, metadata

    /// A user key → a name: --users first (by key or account id), then the export's user objects. Cloud exports
    /// hold account ids where names were: those stay ids, reported once (``author(_:_:)``).
    static func resolve(_ k: String, index: ExportIndex, options: ConvertOptions) -> String? {
        let aaid = index.accountIds[k]
        if let n = options.userNames[k] ?? aaid.flatMap({ options.userNames[$0] }) { return n }
        if let n = index.users[k], n != aaid, !ConversionPlan.looksLikeAccountId(n) { return n }
        return nil
    }

    /// Who created or changed content: a name, or the id when the export has none (reported once, with the first
    /// content that names it). Remembered per user key: most users write many pages.
    mutating func author(_ ref: UserRef?, _ content: ContentInfo) -> String? {
        switch ref {
        case .name(let n)?: return options.userNames[n] ?? n
        case .key(let k)?:
            if let known = namesByKey[k] { return known }
            let name: String
            if let n = Self.resolve(k, index: index, options: options) {
                name = n
            } else {
                let id = index.accountIds[k] ?? index.users[k] ?? k
                if unresolvedUsers.insert(id).inserted {
                    diagnostics.append(Diagnostic(.unresolvedUser, .info, contentId: content.id, title: content.title,
                        message: "user \(id) has no name in the export\(options.userNames.isEmpty ? "" : " or in --users"); the id is used"))
                }
                name = id
            }
            namesByKey[k] = name
            return name
        case nil: return nil
        }
    }

    mutating func planArticles() {
        var bodiesByContent: [Int: [String]] = [:]
        for b in index.bodies.values {
            if let c = b.contentId, let n = table.number(c), kept[n] { bodiesByContent[n, default: []].append(b.id) }
        }
        let (index, options) = (self.index, self.options)
        let resolver = AccessResolver(index: index, options: options.permissions) { key in
            Self.resolve(key, index: index, options: options) ?? index.accountIds[key] ?? key
        }
        var restricted = [Bool](repeating: false, count: table.count)
        for id in resolver.restrictedIds { if let n = table.number(id) { restricted[n] = true } }
        var restrictionWalk = TreeWalk.Marked(count: table.count, limit: Limits.maxTreeDepth)
        var accessMemo: [AccessKey: (Access, Set<String>, Bool)] = [:]
        articles.reserveCapacity(order.count)
        for n in order {
            let c = table.contents[n], id = table.ids[n]
            let bodyIds = c.bodyContentIds.filter { index.bodies[$0] != nil } + IDOrder.sorted(bodiesByContent[n] ?? [])
            let bodyId = bodyIds.last
            if bodyIds.count > 1, Set(bodyIds).count > 1 {
                diagnostics.append(Diagnostic(.severalBodies, .info, contentId: id, title: c.title,
                    message: "\(Set(bodyIds).count) body objects; the newest (\(bodyId!)) is converted"))
            }
            if let bodyId { bodyOwners[bodyId] = id }
            let access = self.access(n, restricted: restricted, resolver: resolver, walk: &restrictionWalk, memo: &accessMemo)
            articles[id] = PlannedArticle(
                content: c, metadata: metadata(n, c, access: access), bodyId: bodyId,
                bodyType: bodyId.flatMap { index.bodies[$0]?.bodyType } ?? 2, attachments: planned[n],
                context: PageContext(id: id, title: titles[n], spaceKey: spaces[spaceOf[n]].key, path: markdown[n]))
        }
    }

    /// What an article's access is computed from when the article has no Edit restriction of its own: its space
    /// and the restricted pages at or above it. Articles sharing both share the answer.
    struct AccessKey: Hashable {
        var space: Int
        var chain: [Int]?
    }

    /// Who may read the article: its space's permissions and the restrictions of every ancestor Confluence knows,
    /// kept or filtered out (``AccessResolver``); groups without a role and spaces without permissions reported once.
    private mutating func access(_ n: Int, restricted: [Bool], resolver: AccessResolver, walk: inout TreeWalk.Marked,
                                 memo: inout [AccessKey: (Access, Set<String>, Bool)]) -> Access {
        let id = table.ids[n], space = spaces[spaceOf[n]], title = table.contents[n].title
        let restricting = walk.list(n, parent: table.rawParent, marked: restricted)
        if restricting == nil {
            diagnostics.append(Diagnostic(.permissionNotUnderstood, .warning, contentId: id, title: title,
                message: "more than \(Limits.maxTreeDepth) restricted ancestors; the article is visible to no role (fail closed)"))
        }
        let key = AccessKey(space: spaceOf[n], chain: restricting)
        let shared = !resolver.hasEditRestriction(id)
        let result: (Access, Set<String>, Bool)
        if shared, let known = memo[key] {
            result = known
        } else {
            result = resolver.access(spaceId: space.id, chain: restricting.map { $0.map { table.ids[$0] } }, own: id)
            if shared { memo[key] = result }
        }
        let (access, unmapped, spaceKnown) = result
        for g in unmapped.sorted() where unmappedReported.insert(g).inserted {
            diagnostics.append(Diagnostic(.unmappedGroup, options.permissions.strict ? .error : .warning, contentId: id, title: title,
                message: "group '\(g)' grants access but has no KM role (map it under permissions.roles); it grants nothing, the article stays restricted"))
        }
        if !spaceKnown && spacesWithoutPermissions.insert(space.key).inserted {
            diagnostics.append(Diagnostic(.noSpacePermissions, .warning, contentId: id, title: title,
                message: "the export holds no permissions for space \(space.key); its articles are marked \(options.permissions.spaceWithoutPermissions == .open ? "open (permissions.space-without-permissions: open)" : "restricted, visible to no role (fail closed)")"))
        }
        return access
    }

    /// The article's metadata, mapped (``Mapping``).
    private mutating func metadata(_ n: Int, _ c: ContentInfo, access: Access) -> ArticleMetadata {
        // No closure below captures `self`, and no method of it is called but mutating ones: either would copy
        // the whole builder, per article.
        let id = table.ids[n], space = spaces[spaceOf[n]], zone = self.zone, utc = zoneIsUTC
        let displayNames = options.mapping.author == .displayName ? index.displayNames : nil
        // The page's global labels; the space's labels (its categories) are the home article's tags too. A set only
        // when there are several (most pages have none or one; a crafted page may have any number).
        let (labellings, labels) = (index.labellings, index.labels)
        var names: [String] = []
        func add(_ owner: String) {
            for l in labellings[owner] ?? [] {
                if let label = labels[l], label.namespace == "global", !label.name.isEmpty { names.append(label.name) }
            }
        }
        add(id)
        if space.homePageId == id, let d = space.descriptionId { add(d) }
        let tags = names.count < 2 ? names : Array(Set(names))
        let authorName = author(c.creator, c).map { displayNames?[$0] ?? $0 }
        let modifierName = author(c.lastModifier, c).map { displayNames?[$0] ?? $0 }
        let chain = ancestorIds(n)
        let category: String
        switch options.mapping.category {
        case .space: category = space.name
        case .topAncestor:
            if let top = chain.first, let t = table.number(top), kept[t] { category = table.contents[t].title } else { category = c.title }
        }
        var extra: [String: String] = [:]
        for (field, property) in options.mapping.properties {
            if let v = index.contentProperties[id]?[property] { extra[field] = v }
        }
        return ArticleMetadata(
            id: id, type: c.kind, title: titles[n], author: authorName, lastModifier: modifierName,
            lastUpdated: c.lastModified.flatMap { ConversionPlan.isoDate($0, zone, isUTC: utc) },
            created: c.created.flatMap { ConversionPlan.isoDate($0, zone, isUTC: utc) },
            tags: options.mapping.rewritesLabels ? options.mapping.tags(tags) : tags.sorted(), category: category, spaceKey: space.key,
            parentId: parentOf[n] >= 0 ? table.ids[parentOf[n]] : nil,
            ancestors: chain, position: c.position, version: c.version, markdown: markdown[n],
            attachments: [], access: access, extra: extra)
    }

    // MARK: Comments

    mutating func planComments() {
        var bodiesOf: [String: [String]] = [:]
        for b in index.bodies.values { if let c = b.contentId { bodiesOf[c, default: []].append(b.id) } }
        for c in index.comments.values where articles[c.ownerId] != nil {
            if c.isHistorical { skipped["comment-historical-version", default: 0] += 1; continue }
            guard c.status == "current" else { skipped["comment-\(c.status)", default: 0] += 1; continue }
            guard let body = bodiesOf[c.id].flatMap({ IDOrder.sorted($0).last }) else { continue }
            commentBodies[body] = c
            commentsOf[c.ownerId, default: []].append(c)
            if let n = table.number(c.ownerId), kept[n] { commentAuthors[c.id] = author(c.creator, table.contents[n]) ?? "unknown" }
        }
        for (k, list) in commentsOf {
            commentsOf[k] = list.sorted { ($0.created ?? "", $0.id.count, $0.id) < ($1.created ?? "", $1.id.count, $1.id) }
        }
        for (id, list) in commentsOf where !list.isEmpty {
            guard let a = articles[id], let n = table.number(id) else { continue }
            var meta = a.metadata
            meta.comments = paths[n] + ".comments.md"
            articles[id] = a.with(metadata: meta)
        }
    }

    // MARK: What bodies can point to

    func targets() -> BundleTargets {
        var byTitle: [String: String] = [:]
        var articlePaths: [String: String] = [:], titlesById: [String: String] = [:], parents: [String: String] = [:]
        byTitle.reserveCapacity(2 * order.count)
        articlePaths.reserveCapacity(order.count)
        titlesById.reserveCapacity(order.count)
        for n in order {
            let id = table.ids[n]
            let key = BundleTargets.titleKey(spaces[spaceOf[n]].key, table.contents[n].title, table.contents[n].kind == .blogpost)
            if byTitle[key] == nil { byTitle[key] = id }
            // Confluence matches titles without regard to case: the first page (in id order) with that title.
            let folded = BundleTargets.foldedKey(key)
            if byTitle[folded] == nil { byTitle[folded] = id }
            articlePaths[id] = markdown[n]
            titlesById[id] = titles[n]
            if parentOf[n] >= 0 { parents[id] = table.ids[parentOf[n]] }
        }
        var attachmentPaths: [String: String] = [:]
        var attachmentLists: [String: [(fileName: String, path: String)]] = [:]
        for n in order where !planned[n].isEmpty {
            let owner = table.ids[n], list = planned[n]
            for a in list { attachmentPaths[owner + "\u{1}" + a.info.fileName] = a.path }
            attachmentLists[owner] = list.map { ($0.info.fileName, $0.path) }.sorted { $0.fileName < $1.fileName }
        }
        var homes: [String: String] = [:]
        for s in index.spaces.values {
            if let h = s.homePageId, let n = table.number(h), kept[n] { homes[s.key] = h }
        }
        var targets = BundleTargets(
            byTitle: byTitle, articlePaths: articlePaths, titles: titlesById,
            attachmentPaths: attachmentPaths, users: userNames(), homes: homes, children: childrenInOrder())
        targets.attachmentLists = attachmentLists
        targets.parents = parents
        var roots: [String: [Int]] = [:]
        for n in order where parentOf[n] < 0 && table.contents[n].kind != .blogpost { roots[spaces[spaceOf[n]].key, default: []].append(n) }
        targets.spaceRoots = roots.mapValues(inTreeOrder)
        return targets
    }

    /// Each kept page's children in Confluence's order: position, then title, then id.
    private func childrenInOrder() -> [String: [String]] {
        var children: [Int: [Int]] = [:]
        for n in order where parentOf[n] >= 0 { children[parentOf[n], default: []].append(n) }
        var out: [String: [String]] = [:]
        out.reserveCapacity(children.count)
        for (p, list) in children { out[table.ids[p]] = inTreeOrder(list) }
        return out
    }

    /// Pages in Confluence's order (``PageOrder``): the id's place is its number's.
    private func inTreeOrder(_ list: [Int]) -> [String] {
        let ids = table.ids
        return list.map { (table.contents[$0].position, table.contents[$0].title, $0) }
            .sorted { a, b in PageOrder.less(a.0, a.1, b.0, b.1) ?? (a.2 < b.2) }
            .map { ids[$0.2] }
    }

    /// Names for every user key, account id and username a body can mention.
    private func userNames() -> [String: String] {
        var userNames: [String: String] = [:]
        let resolve = { (k: String) in Self.resolve(k, index: index, options: options) }
        for k in index.users.keys { userNames[k] = resolve(k) ?? index.accountIds[k] ?? index.users[k] }
        for name in Set(index.users.values) where userNames[name] == nil { userNames[name] = name }
        for (k, aaid) in index.accountIds { userNames[aaid] = resolve(k) ?? aaid }
        for name in index.displayNames.keys where userNames[name] == nil { userNames[name] = name }
        for (k, n) in options.userNames { userNames[k] = n }
        // Mentions are named like authors.
        return options.mapping.author == .displayName ? userNames.mapValues { index.displayNames[$0] ?? $0 } : userNames
    }
}
