import Foundation

extension PlanBuilder {
    // MARK: 6. Attachments: current versions of selected content

    mutating func planAttachments() {
        var filesByAttachment: [String: [Int]] = [:]
        for key in index.attachmentFiles.keys {
            let parts = key.split(separator: "/")
            if parts.count == 3, let v = Int(parts[2]) { filesByAttachment[parts[0] + "/" + parts[1], default: []].append(v) }
        }
        var usedNames: [String: Set<String>] = [:]
        for aid in index.attachments.keys.sorted(by: IDOrder.less) {
            planAttachment(aid, filesByAttachment: filesByAttachment, usedNames: &usedNames)
        }
    }

    private mutating func planAttachment(_ aid: String, filesByAttachment: [String: [Int]], usedNames: inout [String: Set<String>]) {
        var a = index.attachments[aid]!
        if a.status == "deleted" { skipped["attachment-trash", default: 0] += 1; return }
        if a.status == "draft" { skipped["attachment-draft", default: 0] += 1; return }
        guard let owner = a.containerId, let c = selected[owner] else {
            skipped["attachment-of-skipped-content", default: 0] += 1
            return
        }
        if a.mediaType == nil || a.mediaType?.isEmpty == true, let guessed = MediaTypes.guess(fileName: a.fileName) {
            a.mediaType = guessed
            diagnostics.append(Diagnostic(.mediaTypeGuessed, .info, contentId: owner, title: c.title,
                message: "attachment '\(Diagnostic.shown(a.fileName))' has no media type in the export; \(guessed) from its extension"))
        }
        if !options.filters.types.contains(.attachments) {
            skipped["filtered-attachment", default: 0] += 1
            return
        }
        if !Filters.matches(mediaType: a.mediaType, patterns: options.filters.attachmentTypes) {
            skipped["filtered-attachment", default: 0] += 1
            diagnostics.append(Diagnostic(.filtered, .info, contentId: owner, title: c.title,
                message: "attachment '\(a.fileName)' filtered out: media type \(a.mediaType ?? "unknown") is not in \(options.filters.attachmentTypes.joined(separator: ", "))"))
            return
        }
        guard let (entry, version) = archiveEntry(a, aid, owner, c, filesByAttachment) else { return }
        if let max = options.filters.attachmentMaxBytes, let size = index.attachmentFiles[entry] ?? a.size, size > max {
            skipped["filtered-attachment", default: 0] += 1
            diagnostics.append(Diagnostic(.filtered, .info, contentId: owner, title: c.title,
                message: "attachment '\(a.fileName)' filtered out: \(size) bytes is over the limit of \(max)"))
            return
        }
        checkId("attachment", aid, owner, c.title)
        var name = Naming.safeFileName(a.fileName)
        if name.isEmpty { name = "attachment-\(Naming.idComponent(aid))" }
        if usedNames[owner, default: []].contains(Naming.clashKey(name)) {
            let (stem, ext) = Naming.splitExtension(name)
            name = "\(stem)-\(Naming.idComponent(aid))\(ext)"
        }
        usedNames[owner, default: []].insert(Naming.clashKey(name))
        let folder = spaceFolders[spaceOf[owner]!.key]!
        let dest = "\(options.conversion.flavor.attachmentsRoot)/\(folder)/\(Naming.idComponent(owner))/\(name)"
        planned[owner, default: []].append(PlannedAttachment(info: a, entry: "attachments/" + entry, path: dest, version: version))
        attachmentEntries["attachments/" + entry] = dest
    }

    /// The archive entry holding the attachment's current version, or its newest file present (reported); nil
    /// when the archive holds none.
    private mutating func archiveEntry(_ a: AttachmentInfo, _ aid: String, _ owner: String, _ c: ContentInfo,
                                       _ filesByAttachment: [String: [Int]]) -> (String, Int)? {
        let entry = "\(owner)/\(aid)/\(a.version)"
        if index.attachmentFiles[entry] != nil { return (entry, a.version) }
        if let available = filesByAttachment["\(owner)/\(aid)"]?.max() {
            diagnostics.append(Diagnostic(.attachmentVersionFallback, .warning, contentId: owner, title: c.title,
                message: "attachment '\(a.fileName)' version \(a.version) is not in the archive; version \(available) is used"))
            return ("\(owner)/\(aid)/\(available)", available)
        }
        skipped["attachment-file-missing", default: 0] += 1
        diagnostics.append(Diagnostic(.missingAttachmentFile, .warning, contentId: owner, title: c.title,
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

    mutating func author(_ ref: UserRef?, _ content: ContentInfo) -> String? {
        switch ref {
        case .name(let n)?: return options.userNames[n] ?? n
        case .key(let k)?:
            if let n = Self.resolve(k, index: index, options: options) { return n }
            let id = index.accountIds[k] ?? index.users[k] ?? k
            if unresolvedUsers.insert(id).inserted {
                diagnostics.append(Diagnostic(.unresolvedUser, .info, contentId: content.id, title: content.title,
                    message: "user \(id) has no name in the export\(options.userNames.isEmpty ? "" : " or in --users"); the id is used"))
            }
            return id
        case nil: return nil
        }
    }

    mutating func planArticles() {
        var bodiesByContent: [String: [String]] = [:]
        for b in index.bodies.values {
            if let c = b.contentId { bodiesByContent[c, default: []].append(b.id) }
        }
        let (index, options) = (self.index, self.options)
        let resolver = AccessResolver(index: index, options: options.permissions) { key in
            Self.resolve(key, index: index, options: options) ?? index.accountIds[key] ?? key
        }
        var restrictionWalk = TreeWalk.Marked(limit: Limits.maxTreeDepth)
        for id in ids {
            let c = selected[id]!
            let bodyIds = c.bodyContentIds.filter { index.bodies[$0] != nil } + (bodiesByContent[id] ?? []).sorted(by: IDOrder.less)
            let bodyId = bodyIds.last
            if bodyIds.count > 1, Set(bodyIds).count > 1 {
                diagnostics.append(Diagnostic(.severalBodies, .info, contentId: id, title: c.title,
                    message: "\(Set(bodyIds).count) body objects; the newest (\(bodyId!)) is converted"))
            }
            if let bodyId { bodyOwners[bodyId] = id }
            let access = self.access(c, resolver: resolver, restrictionWalk: &restrictionWalk)
            let space = spaceOf[id]!
            let base = paths[id]!
            articles[id] = PlannedArticle(
                content: c, metadata: metadata(c, access: access), bodyId: bodyId,
                bodyType: bodyId.flatMap { index.bodies[$0]?.bodyType } ?? 2, attachments: planned[id] ?? [],
                context: PageContext(id: id, title: title(c), spaceKey: space.key, path: base + ".md"))
        }
    }

    /// Who may read the article: its space's permissions and the restrictions of every ancestor Confluence knows,
    /// kept or filtered out (``AccessResolver``); groups without a role and spaces without permissions reported once.
    private mutating func access(_ c: ContentInfo, resolver: AccessResolver, restrictionWalk: inout TreeWalk.Marked) -> Access {
        let id = c.id, space = spaceOf[id]!
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
        return access
    }

    /// The article's metadata, mapped (``Mapping``).
    private mutating func metadata(_ c: ContentInfo, access: Access) -> ArticleMetadata {
        // No closure below captures `self`: each would copy the whole builder.
        let id = c.id, space = spaceOf[id]!, zone = self.zone
        var tags = Set<String>()
        // The space's labels (its categories) are the home article's tags too.
        var labelled = [id]
        if space.homePageId == id, let d = space.descriptionId { labelled.append(d) }
        for owner in labelled {
            for l in index.labellings[owner] ?? [] {
                if let label = index.labels[l], label.namespace == "global", !label.name.isEmpty { tags.insert(label.name) }
            }
        }
        let authorName = named(author(c.creator, c))
        let modifierName = named(author(c.lastModifier, c))
        let chain = ancestors(id)
        let category: String
        switch options.mapping.category {
        case .space: category = space.name
        case .topAncestor:
            if let top = chain.first, let t = selected[top]?.title { category = t } else { category = c.title }
        }
        var extra: [String: String] = [:]
        for (field, property) in options.mapping.properties {
            if let v = index.contentProperties[id]?[property] { extra[field] = v }
        }
        return ArticleMetadata(
            id: id, type: c.kind, title: title(c), author: authorName, lastModifier: modifierName,
            lastUpdated: c.lastModified.flatMap { ConversionPlan.isoDate($0, zone) },
            created: c.created.flatMap { ConversionPlan.isoDate($0, zone) },
            tags: options.mapping.tags(Array(tags)), category: category, spaceKey: space.key, parentId: parentOf[id],
            ancestors: chain, position: c.position, version: c.version, markdown: paths[id]! + ".md",
            attachments: [], access: access, extra: extra)
    }

    /// A user's name as the mapping asks (`--author display-name`: the display name).
    func named(_ name: String?) -> String? {
        guard let name else { return nil }
        return options.mapping.author == .displayName ? index.displayNames[name] ?? name : name
    }

    // MARK: Comments

    mutating func planComments() {
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

    // MARK: What bodies can point to

    func targets() -> BundleTargets {
        var byTitle: [String: String] = [:]
        for id in ids {
            let c = selected[id]!
            let key = BundleTargets.titleKey(spaceOf[id]!.key, c.title, c.kind == .blogpost)
            if byTitle[key] == nil { byTitle[key] = id }
            // Confluence matches titles without regard to case: the first page (in id order) with that title.
            let folded = BundleTargets.foldedKey(key)
            if byTitle[folded] == nil { byTitle[folded] = id }
        }
        var attachmentPaths: [String: String] = [:]
        var attachmentLists: [String: [(fileName: String, path: String)]] = [:]
        for (owner, list) in planned {
            for a in list { attachmentPaths[owner + "\u{1}" + a.info.fileName] = a.path }
            attachmentLists[owner] = list.map { ($0.info.fileName, $0.path) }.sorted { $0.fileName < $1.fileName }
        }
        var homes: [String: String] = [:]
        for s in index.spaces.values { if let h = s.homePageId, selected[h] != nil { homes[s.key] = h } }
        var targets = BundleTargets(
            byTitle: byTitle, articlePaths: paths.mapValues { $0 + ".md" }, titles: selected.mapValues { Self.title($0) },
            attachmentPaths: attachmentPaths, users: userNames(), homes: homes, children: childrenInOrder())
        targets.attachmentLists = attachmentLists
        targets.parents = parentOf
        var roots: [String: [String]] = [:]
        for id in ids where parentOf[id] == nil && selected[id]?.kind != .blogpost { roots[spaceOf[id]!.key, default: []].append(id) }
        targets.spaceRoots = roots.mapValues(inTreeOrder)
        return targets
    }

    /// Each kept page's children in Confluence's order: position, then title, then id.
    private func childrenInOrder() -> [String: [String]] {
        var children: [String: [String]] = [:]
        for (child, parent) in parentOf { children[parent, default: []].append(child) }
        for (p, list) in children { children[p] = inTreeOrder(list) }
        return children
    }

    /// Pages in Confluence's order (``PageOrder``).
    private func inTreeOrder(_ list: [String]) -> [String] {
        list.map { id in selected[id].map { ($0.position, $0.title, id) } ?? (nil, "", id) }
            .sorted { PageOrder.less($0, $1) }.map(\.2)
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
