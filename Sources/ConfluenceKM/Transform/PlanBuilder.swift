import Foundation

/// Builds a ``ConversionPlan`` one step at a time; each step reads what the earlier ones decided (the order is
/// ``ConversionPlan/init(index:options:)``'s).
struct PlanBuilder {
    let index: ExportIndex
    let options: ConvertOptions
    let zone: TimeZone
    var diagnostics: [Diagnostic]
    var skipped: [String: Int] = [:]
    var unmatched: [Unmatched] = []
    /// The content kept so far, and the space of each.
    var selected: Selection
    var spaceOf: SpaceLookup
    /// The raw page tree: every current page, kept or not.
    let rawParent: (String) -> String?
    /// The kept page tree.
    var parentOf: [String: String] = [:]
    /// Kept ids in output order, their bundle paths (without `.md`), and each space's folder.
    var ids: [String] = []
    var paths: [String: String] = [:]
    var spaceFolders: [String: String] = [:]
    var planned: [String: [PlannedAttachment]] = [:]
    var attachmentEntries: [String: String] = [:]
    var articles: [String: PlannedArticle] = [:]
    var bodyOwners: [String: String] = [:]
    var commentBodies: [String: ExportIndex.CommentInfo] = [:]
    var commentsOf: [String: [ExportIndex.CommentInfo]] = [:]
    var commentAuthors: [String: String] = [:]
    var unresolvedUsers: Set<String> = []
    var unmappedReported: Set<String> = []
    var spacesWithoutPermissions: Set<String> = []

    init(index: ExportIndex, options: ConvertOptions) {
        self.index = index
        self.options = options
        var diagnostics = index.archiveDiagnostics + index.mergeDiagnostics
        if !index.archiveDiagnostics.isEmpty { skipped["archive-entry"] = index.archiveDiagnostics.count }
        zone = ConversionPlan.timeZone(index: index, options: options, diagnostics: &diagnostics)
        self.diagnostics = diagnostics
        selected = Selection(contents: index.contents)
        spaceOf = SpaceLookup(spaces: index.spaces)
        // The raw tree as one table, looked up by every walk up a page's ancestors.
        var parents: [String: String] = [:]
        parents.reserveCapacity(index.contents.count)
        for (id, c) in index.contents { if let p = c.parentId, index.contents[p] != nil { parents[id] = p } }
        rawParent = { [parents] id in parents[id] }
    }

    // MARK: 1. Current pages and blog posts

    mutating func selectCurrent() {
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
    }

    /// Objects that are never articles: counted, and Cloud-only or unknown types reported by title.
    mutating func countLeftOut() {
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
    }

    // MARK: 2. Spaces

    mutating func assignSpaces() {
        let fallbackSpace: SpaceInfo? = {
            if index.spaces.count == 1 { return index.spaces.values.first }
            if let key = index.descriptor["spaceKey"] { return index.spaces.values.first { $0.key == key } }
            return nil
        }()
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
    }

    // MARK: 3. Filters

    /// The subtrees to keep and to leave out, and walks up the raw page tree to find them.
    private struct Subtrees {
        var include: Set<String> = []
        var exclude: Set<String> = []
        var includeWalk: TreeWalk
        var excludeWalk: TreeWalk
    }

    mutating func applyFilters() {
        let f = options.filters
        var subtrees = Subtrees(includeWalk: TreeWalk(parent: rawParent), excludeWalk: TreeWalk(parent: rawParent))
        for (spec, isInclude) in f.subtreesInclude.map({ ($0, true) }) + f.subtreesExclude.map({ ($0, false) }) {
            if let id = ConversionPlan.resolveSubtree(spec, index: index, selected: selected) {
                if isInclude { subtrees.include.insert(id) } else { subtrees.exclude.insert(id) }
            }
        }
        let (index, selected) = (self.index, self.selected)
        unmatched = Unmatched.find(index: index, options: options) { ConversionPlan.resolveSubtree($0, index: index, selected: selected) != nil }
        for u in unmatched {
            diagnostics.append(Diagnostic(.unmatchedFilter, .warning, message: u.message + "; it is ignored (--allow-unmatched)"))
        }
        for id in self.selected.keys.sorted(by: IDOrder.less) {
            guard let c = self.selected[id], let space = spaceOf[id], let (kind, reason) = filteredOut(c, space, &subtrees) else { continue }
            self.selected[c.id] = nil
            skipped["filtered-\(kind)", default: 0] += 1
            diagnostics.append(Diagnostic(.filtered, .info, contentId: c.id, title: c.title, message: "filtered out: \(reason)"))
        }
    }

    /// Why a filter leaves the content out (its kind and the reason), or nil when it is kept.
    private func filteredOut(_ c: ContentInfo, _ space: SpaceInfo, _ subtrees: inout Subtrees) -> (String, String)? {
        let f = options.filters
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
            let created = c.created.flatMap { ConversionPlan.isoDate($0, zone) } ?? ""
            let modified = c.lastModified.flatMap { ConversionPlan.isoDate($0, zone) } ?? ""
            if let after = f.createdAfter, created < after { return ("date", "created \(created) before \(after)") }
            if let after = f.modifiedAfter, modified < after { return ("date", "modified \(modified) before \(after)") }
            if let before = f.modifiedBefore, modified >= before { return ("date", "modified \(modified) not before \(before)") }
        }
        if subtrees.include.isEmpty && subtrees.exclude.isEmpty { return nil }
        let include = subtrees.include, exclude = subtrees.exclude
        if !include.isEmpty && subtrees.includeWalk.nearest(c.id, where: include.contains) == nil {
            return ("subtree", "not in an included subtree")
        }
        if let root = subtrees.excludeWalk.nearest(c.id, where: exclude.contains) { return ("subtree", "in the excluded subtree of \(root)") }
        return nil
    }

    // MARK: 4. The page tree among the kept pages

    /// A page whose parent is not kept hangs under its nearest kept ancestor (or the root), reported.
    mutating func linkKeptTree() {
        var keptWalk = TreeWalk(parent: rawParent)
        let selected = self.selected
        for id in selected.keys.sorted(by: IDOrder.less) {
            guard let c = selected[id], c.kind != .blogpost else { continue }
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
    }

    /// The kept tree is at most Limits.maxTreeDepth deep: a page deeper hangs under its ancestor at the last
    /// level allowed (reported). Depths are memoized, so a chain of any length costs linear time.
    mutating func limitDepth() {
        var depthOf: [String: Int] = [:]
        let parentOf = self.parentOf
        func depth(_ id: String) -> Int {
            var path: [String] = []
            var seen: Set<String>?  // a cycle ends the walk: a linear check while the path is short, then a set
            var cur: String? = id
            var base = 0
            while let c = cur {
                if let d = depthOf[c] { base = d; break }
                if path.count < 16 {
                    if path.contains(c) { break }
                } else {
                    if seen == nil { seen = Set(path) }
                    if !seen!.insert(c).inserted { break }
                }
                path.append(c)
                cur = parentOf[c]
            }
            for p in path.reversed() { base += 1; depthOf[p] = base }
            return depthOf[id] ?? base
        }
        let maxDepth = Limits.maxTreeDepth
        var anchorOf: [String: String] = [:]  // for pages at depth >= maxDepth: their ancestor at maxDepth - 1
        for id in parentOf.keys.filter({ depth($0) >= maxDepth }).sorted(by: IDOrder.less) {
            var path: [String] = []
            var cur = id
            while anchorOf[cur] == nil, depth(cur) > maxDepth, let p = parentOf[cur] { path.append(cur); cur = p }
            let anchor = anchorOf[cur] ?? parentOf[cur]!
            for p in path + [cur] { anchorOf[p] = anchor }
        }
        for (id, anchor) in anchorOf.sorted(by: { IDOrder.less($0.key, $1.key) }) where depth(id) > maxDepth {
            self.parentOf[id] = anchor
            if let c = selected[id] {
                diagnostics.append(Diagnostic(.treeTooDeep, .info, contentId: id, title: c.title,
                    message: "the page is \(depth(id)) levels deep, over \(maxDepth); it hangs under its ancestor \(anchor) at level \(maxDepth - 1)"))
            }
        }
    }

    /// A kept page's ancestors, from the root down.
    func ancestors(_ id: String) -> [String] {
        var chain: [String] = []
        var cur = parentOf[id]
        // A cycle ends the chain: a linear check while it is short (most are), a set once it is long.
        var seen: Set<String>?
        while let p = cur, p != id, chain.count < Limits.maxTreeDepth {
            if chain.count < 16 {
                if chain.contains(p) { break }
            } else {
                if seen == nil { seen = Set(chain) }
                if !seen!.insert(p).inserted { break }
            }
            chain.append(p)
            cur = parentOf[p]
        }
        return chain.reversed()
    }

    // MARK: 5. Names, per space, in id order

    mutating func assignPaths() {
        // The sort keys looked up once, not in every comparison.
        ids = selected.keys.map { (spaceOf[$0]!.key, $0) }
            .sorted { $0.0 != $1.0 ? $0.0 < $1.0 : IDOrder.less($0.1, $1.1) }.map(\.1)
        var taken: [String: Set<String>] = [:]
        // `_attachments` is where the mkdocs flavour writes attachments, beside the space folders.
        var usedFolders: Set<String> = [Naming.clashKey("_attachments")]
        for id in ids {
            let c = selected[id]!
            let space = spaceOf[id]!
            checkId(c.kind.rawValue, id, id, c.title)
            if Self.isBlank(c.title) {
                diagnostics.append(Diagnostic(.emptyTitle, .warning, contentId: id, title: title(c),
                    message: "the \(c.kind.rawValue) has no title; it is called '\(title(c))'"))
            }
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
        if options.layout == .tree { assignTreePaths() }
    }

    /// `--layout tree`: each page in its parent's folder; a page with children is `slug/index`, its children in
    /// `slug/`. Names are unique per folder (in id order, `index` reserved); blog posts stay in the space's folder.
    /// A chain too long for a path (over ~900 characters) continues in the space's folder.
    private mutating func assignTreePaths() {
        let parents = Set(parentOf.values)
        var taken: [String: Set<String>] = [:]
        var folderOf: [String: String] = [:]
        var result: [String: String] = [:]
        func place(_ id: String) {
            if result[id] != nil { return }
            let c = selected[id]!
            var parentFolder = "articles/" + spaceFolders[spaceOf[id]!.key]!
            if c.kind != .blogpost, let p = parentOf[id], selected[p] != nil {
                place(p)
                if let f = folderOf[p], f.utf8.count < 900 { parentFolder = f }
            }
            var slug = Naming.slug(title(c))
            if slug.isEmpty { slug = "\(c.kind.rawValue)-\(Naming.idComponent(id))" }
            let key = { (s: String) in Naming.clashKey(s) }
            if slug == "index" || taken[parentFolder, default: []].contains(key(slug)) { slug += "-" + Naming.idComponent(id) }
            var n = 2
            let base = slug
            while taken[parentFolder, default: []].contains(key(slug)) { slug = base + "-\(n)"; n += 1 }
            taken[parentFolder, default: []].insert(key(slug))
            if c.kind != .blogpost && parents.contains(id) {
                folderOf[id] = parentFolder + "/" + slug
                result[id] = parentFolder + "/" + slug + "/index"
            } else {
                result[id] = parentFolder + "/" + slug
            }
        }
        for id in ids { place(id) }
        paths = result
    }

    /// The article's title: Confluence's, or, when it has none, one made from its id.
    func title(_ c: ContentInfo) -> String { Self.title(c) }

    static func title(_ c: ContentInfo) -> String {
        isBlank(c.title) ? "Untitled \(c.kind.rawValue) \(c.id)" : c.title
    }

    /// Nothing but white space (most titles start with a letter: only the rest are trimmed to see).
    static func isBlank(_ title: String) -> Bool {
        if let first = title.unicodeScalars.first, !CharacterSet.whitespaces.contains(first) { return false }
        return title.trimmingCharacters(in: .whitespaces).isEmpty
    }

    /// An id that is not a Confluence id form is reported (file names use a digest of it).
    mutating func checkId(_ what: String, _ oddId: String, _ owner: String?, _ title: String?) {
        guard !Naming.isWellFormedId(oddId) else { return }
        diagnostics.append(Diagnostic(.unsafeId, .warning, contentId: owner, title: title,
            message: "\(what) id '\(Diagnostic.shown(oddId))' is not a Confluence id form; file names use \(Naming.idComponent(oddId)) instead"))
    }
}

extension ConversionPlan {
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

}
