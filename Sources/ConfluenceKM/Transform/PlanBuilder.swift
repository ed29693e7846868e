import Foundation

/// Builds a ``ConversionPlan`` one step at a time; each step reads what the earlier ones decided (the order is
/// ``ConversionPlan/init(index:options:)``'s). Pages are numbers of a ``PageTable`` throughout (arrays, not
/// dictionaries keyed by id); ids become Strings again in what the plan hands on.
struct PlanBuilder {
    let index: ExportIndex
    let options: ConvertOptions
    let zone: TimeZone
    let zoneIsUTC: Bool
    let table: PageTable
    var diagnostics: [Diagnostic]
    var skipped: [String: Int] = [:]
    var unmatched: [Unmatched] = []
    /// The content kept so far, and the space of each (an index into `spaces`, -1 none).
    var kept: [Bool]
    var spaceOf: [Int]
    let spaces: [SpaceInfo]
    private let spaceNumbers: [String: Int]
    /// The kept page tree (-1: at the root).
    var parentOf: [Int]
    /// Kept pages in output order (space key, then id), their titles, bundle paths (without `.md`), and each
    /// space's folder (by space key, and by space number).
    var order: [Int] = []
    var titles: [String]
    var paths: [String]
    var markdown: [String]
    var spaceFolders: [String: String] = [:]
    var folderOfSpace: [String?]
    var planned: [[PlannedAttachment]]
    var attachmentEntries: [String: String] = [:]
    var articles: [String: PlannedArticle] = [:]
    var bodyOwners: [String: String] = [:]
    var commentBodies: [String: ExportIndex.CommentInfo] = [:]
    var commentsOf: [String: [ExportIndex.CommentInfo]] = [:]
    var commentAuthors: [String: String] = [:]
    var unresolvedUsers: Set<String> = []
    var unmappedReported: Set<String> = []
    var spacesWithoutPermissions: Set<String> = []
    /// For each parent: its ancestors' ids and its own, its children's ancestors (``ancestorIds(_:)``).
    var chainThrough: [[String]?]
    /// Names already found for a user key (``author(_:_:)``).
    var namesByKey: [String: String] = [:]

    init(index: ExportIndex, options: ConvertOptions) {
        self.index = index
        self.options = options
        var diagnostics = index.archiveDiagnostics + index.mergeDiagnostics
        if !index.archiveDiagnostics.isEmpty { skipped["archive-entry"] = index.archiveDiagnostics.count }
        zone = ConversionPlan.timeZone(index: index, options: options, diagnostics: &diagnostics)
        zoneIsUTC = ConversionPlan.isUTC(zone)
        self.diagnostics = diagnostics
        table = PageTable(index.contents)
        let n = table.count
        kept = [Bool](repeating: false, count: n)
        spaceOf = [Int](repeating: -1, count: n)
        parentOf = [Int](repeating: -1, count: n)
        titles = table.contents.map { Self.title($0) }
        paths = [String](repeating: "", count: n)
        markdown = paths
        chainThrough = [[String]?](repeating: nil, count: n)
        planned = [[PlannedAttachment]](repeating: [], count: n)
        spaces = index.spaces.keys.sorted().map { index.spaces[$0]! }
        var spaceNumbers: [String: Int] = [:]
        for (i, s) in spaces.enumerated() { spaceNumbers[s.id] = i }
        self.spaceNumbers = spaceNumbers
        folderOfSpace = [String?](repeating: nil, count: spaces.count)
    }

    // MARK: 1. Current pages and blog posts

    mutating func selectCurrent() {
        if index.historicalContents > 0 { skipped["historical-version"] = index.historicalContents }
        if index.historicalAttachments > 0 { skipped["attachment-historical-version"] = index.historicalAttachments }
        // Fields are read from the table in place: binding a whole ContentInfo per page copies (retains) every one
        // of its fields, which at tens of thousands of pages was a fifth of the plan.
        for n in 0..<table.count {
            switch table.contents[n].status {
            case "current": break
            case "draft": skipped["draft", default: 0] += 1; continue
            case "deleted": skipped["trash", default: 0] += 1; continue
            case "archived":
                if !options.includeArchived {
                    let c = table.contents[n]
                    skipped["archived", default: 0] += 1
                    diagnostics.append(Diagnostic(.skippedArchived, .info, contentId: c.id, title: c.title,
                        message: "archived \(c.kind.rawValue) left out (pass --include-archived to convert it)"))
                    continue
                }
            default:
                let c = table.contents[n]
                skipped["unknown-status", default: 0] += 1
                diagnostics.append(Diagnostic(.skippedStatus, .warning, contentId: c.id, title: c.title,
                    message: "content status '\(c.status)' is not known; left out"))
                continue
            }
            kept[n] = true
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
        let fallbackSpace: Int? = {
            if index.spaces.count == 1, let only = index.spaces.values.first { return spaceNumbers[only.id] }
            if let key = index.descriptor["spaceKey"], let s = index.spaces.values.first(where: { $0.key == key }) { return spaceNumbers[s.id] }
            return nil
        }()
        for n in 0..<table.count where kept[n] {
            if let sid = table.contents[n].spaceId, let s = spaceNumbers[sid] {
                spaceOf[n] = s
            } else if let s = fallbackSpace {
                spaceOf[n] = s
            } else {
                let c = table.contents[n]
                kept[n] = false
                skipped["no-space", default: 0] += 1
                diagnostics.append(Diagnostic(.skippedNoSpace, .warning, contentId: c.id, title: c.title,
                    message: "the \(c.kind.rawValue)'s space is not in the export; left out"))
            }
        }
    }

    // MARK: 3. Filters

    /// The subtrees to keep and to leave out, and walks up the raw page tree to find them.
    private struct Subtrees {
        var include: Set<Int> = []
        var exclude: Set<Int> = []
        var includeWalk: TreeWalk
        var excludeWalk: TreeWalk
    }

    mutating func applyFilters() {
        let f = options.filters
        var subtrees = Subtrees(includeWalk: TreeWalk(parent: table.rawParent), excludeWalk: TreeWalk(parent: table.rawParent))
        for (spec, isInclude) in f.subtreesInclude.map({ ($0, true) }) + f.subtreesExclude.map({ ($0, false) }) {
            if let id = ConversionPlan.resolveSubtree(spec, index: index), let n = table.number(id) {
                if isInclude { subtrees.include.insert(n) } else { subtrees.exclude.insert(n) }
            }
        }
        let index = self.index
        unmatched = Unmatched.find(index: index, options: options) { ConversionPlan.resolveSubtree($0, index: index) != nil }
        for u in unmatched {
            diagnostics.append(Diagnostic(.unmatchedFilter, .warning, message: u.message + "; it is ignored (--allow-unmatched)"))
        }
        for n in 0..<table.count where kept[n] {
            guard let (kind, reason) = filteredOut(n, spaces[spaceOf[n]], &subtrees) else { continue }
            let c = table.contents[n]
            kept[n] = false
            skipped["filtered-\(kind)", default: 0] += 1
            diagnostics.append(Diagnostic(.filtered, .info, contentId: c.id, title: c.title, message: "filtered out: \(reason)"))
        }
    }

    /// Why a filter leaves the content out (its kind and the reason), or nil when it is kept. (Mutating only so that
    /// calling it from `applyFilters` does not copy the builder per page.)
    private mutating func filteredOut(_ n: Int, _ space: SpaceInfo, _ subtrees: inout Subtrees) -> (String, String)? {
        let f = options.filters
        if !f.spacesInclude.isEmpty && !f.spacesInclude.contains(space.key) { return ("space", "space \(space.key) is not in the included spaces") }
        if f.spacesExclude.contains(space.key) { return ("space", "space \(space.key) is excluded") }
        if !f.personalSpaces && (space.type == "personal" || space.key.hasPrefix("~")) { return ("space", "personal space \(space.key) is excluded") }
        switch table.contents[n].kind {
        case .page, .folder: if !f.types.contains(.pages) { return ("type", "pages are excluded") }
        case .blogpost: if !f.types.contains(.blogposts) { return ("type", "blog posts are excluded") }
        }
        if !f.labelsAny.isEmpty || !f.labelsAll.isEmpty || !f.labelsExclude.isEmpty {
            let c = table.contents[n]
            let labels = Set((index.labellings[c.id] ?? []).compactMap { index.labels[$0] }.filter { $0.namespace == "global" }.map(\.name))
            if !f.labelsAny.isEmpty && labels.isDisjoint(with: f.labelsAny) { return ("label", "has none of the labels \(f.labelsAny.joined(separator: ", "))") }
            if !f.labelsAll.isEmpty && !Set(f.labelsAll).isSubset(of: labels) { return ("label", "lacks one of the labels \(f.labelsAll.joined(separator: ", "))") }
            if let l = f.labelsExclude.first(where: labels.contains) { return ("label", "has the excluded label \(l)") }
        }
        if f.createdAfter != nil || f.modifiedAfter != nil || f.modifiedBefore != nil {
            let c = table.contents[n]
            let created = c.created.flatMap { ConversionPlan.isoDate($0, zone, isUTC: zoneIsUTC) } ?? ""
            let modified = c.lastModified.flatMap { ConversionPlan.isoDate($0, zone, isUTC: zoneIsUTC) } ?? ""
            if let after = f.createdAfter, created < after { return ("date", "created \(created) before \(after)") }
            if let after = f.modifiedAfter, modified < after { return ("date", "modified \(modified) before \(after)") }
            if let before = f.modifiedBefore, modified >= before { return ("date", "modified \(modified) not before \(before)") }
        }
        if subtrees.include.isEmpty && subtrees.exclude.isEmpty { return nil }
        let include = subtrees.include, exclude = subtrees.exclude
        if !include.isEmpty && subtrees.includeWalk.nearest(n, where: include.contains) == nil {
            return ("subtree", "not in an included subtree")
        }
        if let root = subtrees.excludeWalk.nearest(n, where: exclude.contains) { return ("subtree", "in the excluded subtree of \(table.ids[root])") }
        return nil
    }

    // MARK: 4. The page tree among the kept pages

    /// A page whose parent is not kept hangs under its nearest kept ancestor (or the root), reported.
    mutating func linkKeptTree() {
        var keptWalk = TreeWalk(parent: table.rawParent)
        let (kept, contents) = (self.kept, table.contents)
        let keptPage = { (n: Int) in kept[n] && contents[n].kind != .blogpost }
        for n in 0..<table.count where keptPage(n) {
            guard let p = contents[n].parentId else { continue }
            let raw = table.rawParent[n]
            if raw >= 0 && keptPage(raw) {
                parentOf[n] = raw
                continue
            }
            let nearest = raw >= 0 ? keptWalk.nearest(raw, where: keptPage) : nil
            let c = contents[n]
            if raw < 0 && nearest == nil {
                diagnostics.append(Diagnostic(.orphanPage, .info, contentId: c.id, title: c.title,
                    message: "parent \(p) is not in the export; the page is placed at the root"))
            } else {
                if let nearest { parentOf[n] = nearest }
                diagnostics.append(Diagnostic(.reparented, .info, contentId: c.id, title: c.title,
                    message: "parent \(p) is not converted (\(raw >= 0 ? "status \(contents[raw].status)" : "not in the export")); "
                        + (nearest.map { "the page hangs under its nearest kept ancestor \(table.ids[$0])" } ?? "the page is placed at the root")))
            }
        }
    }

    /// Parents that lead back to the page (only a crafted export has them) are cut: in each loop of the kept tree,
    /// the page with the lowest id is placed at the root (reported), so every later walk of the tree ends.
    mutating func breakCycles() {
        // Per page: 0 not met, 1 on the walk in progress, 2 known to reach the root.
        var state = [UInt8](repeating: 0, count: table.count)
        for start in 0..<table.count where kept[start] && state[start] == 0 {
            var path: [Int] = []
            var cur = start
            while cur >= 0 && state[cur] == 0 {
                state[cur] = 1
                path.append(cur)
                cur = parentOf[cur]
            }
            if cur >= 0 && state[cur] == 1 {
                let loop = path[path.firstIndex(of: cur)!...]
                let cut = loop.min()!
                let c = table.contents[cut]
                diagnostics.append(Diagnostic(.treeCycle, .warning, contentId: table.ids[cut], title: c.title,
                    message: "the page's parents lead back to it (\(loop.count) pages: \(loop.prefix(5).map { table.ids[$0] }.joined(separator: ", "))\(loop.count > 5 ? ", …" : "")); it is placed at the root"))
                parentOf[cut] = -1
            }
            for p in path { state[p] = 2 }
        }
    }

    /// The kept tree is at most Limits.maxTreeDepth deep: a page deeper hangs under its ancestor at the last
    /// level allowed (reported). Depths are memoized, so a chain of any length costs linear time.
    mutating func limitDepth() {
        let parentOf = self.parentOf
        var depthOf = [Int](repeating: 0, count: table.count)  // 0: not known yet
        var visits = TreeWalk.Visits(count: table.count)
        func depth(_ node: Int) -> Int {
            var path: [Int] = []
            visits.begin()
            var cur = node
            var base = 0
            while cur >= 0 {
                if depthOf[cur] > 0 { base = depthOf[cur]; break }
                if !visits.insert(cur) { break }  // a cycle ends the walk
                path.append(cur)
                cur = parentOf[cur]
            }
            for p in path.reversed() { base += 1; depthOf[p] = base }
            return depthOf[node] > 0 ? depthOf[node] : base
        }
        let maxDepth = Limits.maxTreeDepth
        var anchorOf = [Int](repeating: -1, count: table.count)  // for pages at depth >= maxDepth: their ancestor at maxDepth - 1
        for n in 0..<table.count where parentOf[n] >= 0 && depth(n) >= maxDepth {
            var path: [Int] = []
            var cur = n
            while anchorOf[cur] < 0, depth(cur) > maxDepth, parentOf[cur] >= 0 { path.append(cur); cur = parentOf[cur] }
            let anchor = anchorOf[cur] >= 0 ? anchorOf[cur] : parentOf[cur]
            for p in path + [cur] { anchorOf[p] = anchor }
        }
        for n in 0..<table.count where anchorOf[n] >= 0 && depth(n) > maxDepth {
            let anchor = anchorOf[n]
            self.parentOf[n] = anchor
            if kept[n] {
                diagnostics.append(Diagnostic(.treeTooDeep, .info, contentId: table.ids[n], title: table.contents[n].title,
                    message: "the page is \(depth(n)) levels deep, over \(maxDepth); it hangs under its ancestor \(table.ids[anchor]) at level \(maxDepth - 1)"))
            }
        }
    }

    /// A kept page's ancestors' ids, from the root down: the chain through its parent, which siblings share (one
    /// array per parent, not one per page). The kept tree has no loop (``breakCycles()``) and is at most
    /// Limits.maxTreeDepth deep (``limitDepth()``); the walk up is bounded all the same.
    mutating func ancestorIds(_ n: Int) -> [String] {
        let p = parentOf[n]
        guard p >= 0 else { return [] }
        if let known = chainThrough[p] { return known }
        // Up to the first page whose chain is known (or the root), then filled in from the top down.
        var path = [p]
        while path.count <= Limits.maxTreeDepth, case let q = parentOf[path.last!], q >= 0, chainThrough[q] == nil { path.append(q) }
        let top = parentOf[path.last!]
        var chain = top >= 0 && path.count <= Limits.maxTreeDepth ? chainThrough[top] ?? [] : []
        for q in path.reversed() {
            chain.append(table.ids[q])
            chainThrough[q] = chain
        }
        return chain
    }

    // MARK: 5. Names, per space, in id order

    mutating func assignPaths() {
        // Output order: by space key, then id (page numbers are in id order already).
        var byKey: [String: [Int]] = [:]
        for n in 0..<table.count where kept[n] { byKey[spaces[spaceOf[n]].key, default: []].append(n) }
        order = byKey.keys.sorted().flatMap { byKey[$0]! }
        // Names taken, per space folder (a folder number per space number, looked up once per space).
        var taken: [Set<String>] = []
        var folderNumber: [String: Int] = [:]
        var folderNumberOfSpace = [Int](repeating: -1, count: spaces.count)
        // `_attachments` is where the mkdocs flavour writes attachments, beside the space folders.
        var usedFolders: Set<String> = [Naming.clashKey("_attachments")]
        for n in order {
            let id = table.ids[n], kind = table.contents[n].kind, title = table.contents[n].title
            let s = spaceOf[n], space = spaces[s]
            checkId(kind.rawValue, id, id, title)
            if Self.isBlank(title) {
                diagnostics.append(Diagnostic(.emptyTitle, .warning, contentId: id, title: titles[n],
                    message: "the \(kind.rawValue) has no title; it is called '\(titles[n])'"))
            }
            if folderNumberOfSpace[s] < 0 {
                if spaceFolders[space.key] == nil {
                    checkId("space", space.id, nil, nil)
                    var folder = Naming.safeFileName(space.key)
                    if folder.isEmpty { folder = "space-" + Naming.idComponent(space.id) }
                    if usedFolders.contains(Naming.clashKey(folder)) { folder += "-" + Naming.idComponent(space.id) }
                    usedFolders.insert(Naming.clashKey(folder))
                    spaceFolders[space.key] = folder
                }
                let folder = spaceFolders[space.key]!
                if folderNumber[folder] == nil { folderNumber[folder] = taken.count; taken.append([]) }
                folderNumberOfSpace[s] = folderNumber[folder]!
                folderOfSpace[s] = folder
            }
            let f = folderNumberOfSpace[s]
            var slug = Naming.slug(title)
            if slug.isEmpty { slug = "\(kind.rawValue)-\(Naming.idComponent(id))" }
            if taken[f].contains(slug) { slug += "-" + Naming.idComponent(id) }
            var k = 2
            let base = slug
            while taken[f].contains(slug) { slug = base + "-\(k)"; k += 1 }
            taken[f].insert(slug)
            paths[n] = "articles/\(folderOfSpace[s]!)/\(slug)"
        }
        if options.layout == .tree { assignTreePaths() }
        for n in order { markdown[n] = paths[n] + ".md" }
    }

    /// `--layout tree`: each page in its parent's folder; a page with children is `slug/index`, its children in
    /// `slug/`. Names are unique per folder (in id order, `index` reserved); blog posts stay in the space's folder.
    /// A chain too long for a path (over ~900 characters) continues in the space's folder.
    private mutating func assignTreePaths() {
        var isParent = [Bool](repeating: false, count: table.count)
        for p in parentOf where p >= 0 { isParent[p] = true }
        var taken: [String: Set<String>] = [:]
        var folderOf = [String?](repeating: nil, count: table.count)
        var result = [String?](repeating: nil, count: table.count)
        func place(_ n: Int) {
            if result[n] != nil { return }
            let kind = table.contents[n].kind
            var parentFolder = "articles/" + folderOfSpace[spaceOf[n]]!
            if kind != .blogpost, parentOf[n] >= 0, kept[parentOf[n]] {
                let p = parentOf[n]
                place(p)
                if let f = folderOf[p], f.utf8.count < 900 { parentFolder = f }
            }
            var slug = Naming.slug(titles[n])
            if slug.isEmpty { slug = "\(kind.rawValue)-\(Naming.idComponent(table.ids[n]))" }
            let key = { (s: String) in Naming.clashKey(s) }
            if slug == "index" || taken[parentFolder, default: []].contains(key(slug)) { slug += "-" + Naming.idComponent(table.ids[n]) }
            var k = 2
            let base = slug
            while taken[parentFolder, default: []].contains(key(slug)) { slug = base + "-\(k)"; k += 1 }
            taken[parentFolder, default: []].insert(key(slug))
            if kind != .blogpost && isParent[n] {
                folderOf[n] = parentFolder + "/" + slug
                result[n] = parentFolder + "/" + slug + "/index"
            } else {
                result[n] = parentFolder + "/" + slug
            }
        }
        for n in order { place(n) }
        for n in order { paths[n] = result[n]! }
    }

    /// The article's title: Confluence's, or, when it has none, one made from its id.
    static func title(_ c: ContentInfo) -> String {
        isBlank(c.title) ? "Untitled \(c.kind.rawValue) \(c.id)" : c.title
    }

    /// Nothing but white space (most titles start with a letter: only the rest are trimmed to see).
    static func isBlank(_ title: String) -> Bool {
        if let b = title.utf8.first, b < 0x80 {
            // An ASCII first character: white space (as CharacterSet.whitespaces has it) only if a space or a tab.
            if b != 0x20 && b != 0x09 { return false }
        } else if let first = title.unicodeScalars.first, !CharacterSet.whitespaces.contains(first) {
            return false
        }
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
    static func resolveSubtree(_ spec: String, index: ExportIndex) -> String? {
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
