/// Who may see an article in the KM system, computed as Confluence decides who may see the page — and never wider.
public struct Access: Codable, Sendable, Equatable {
    /// True whenever anything limits who can view: space permissions short of anonymous/all users, or a view
    /// restriction on the page or any ancestor.
    public var restricted: Bool
    /// KM roles whose every member may view (mapped from groups that every restricting level admits).
    public var roles: [String]
    /// Users who may view (each checked against every restricting level).
    public var users: [String]
    public var editRoles: [String]
    public var editUsers: [String]
}

/// Computes ``Access`` from space permissions and page restrictions, as Confluence applies them:
/// a reader must hold VIEWSPACE, and pass every View restriction on the page and on each ancestor (within one
/// restriction, any listed user or group suffices). Edit restrictions limit editing only, and are not inherited.
struct AccessResolver {
    /// One thing a reader must pass: be one of `users` or in one of `groups`; `open` passes everyone.
    struct Level: Equatable {
        var open = false
        var groups: Set<String> = []
        var users: Set<String> = []
    }

    let index: ExportIndex
    let options: PermissionOptions
    let userName: (String) -> String
    private var viewSets: [String: [[ExportIndex.Subject]]] = [:]
    private var editSets: [String: [[ExportIndex.Subject]]] = [:]
    private var spaceLevels: [String: Level] = [:]
    private var spacesWithPermissions: Set<String> = []
    private var groupsOfUser: [String: Set<String>] = [:]

    init(index: ExportIndex, options: PermissionOptions, userName: @escaping (String) -> String) {
        self.index = index
        self.options = options
        self.userName = userName
        for set in index.permissionSets {
            let entries = index.permissions[set.id] ?? []
            switch set.kind {
            case .view:
                viewSets[set.contentId, default: []].append(entries.filter { $0.type.map { ExportIndex.PermissionSet.Kind(type: $0) == .view } ?? true }.map(\.subject))
            case .edit:
                editSets[set.contentId, default: []].append(entries.filter { $0.type.map { ExportIndex.PermissionSet.Kind(type: $0) == .edit } ?? true }.map(\.subject))
            case .notUnderstood:
                viewSets[set.contentId, default: []].append([])  // restricts, admits nobody
            }
        }
        // A permission not understood restricts the content it names: a View restriction that admits nobody.
        for p in index.permissionsNotUnderstood {
            if let c = p.contentId { viewSets[c, default: []].append([]) }
        }
        for p in index.spacePermissions.values {
            guard let space = p.spaceId else { continue }
            spacesWithPermissions.insert(space)
            guard p.type == "VIEWSPACE" else { continue }
            var level = spaceLevels[space] ?? Level()
            switch p.subject {
            case .anonymous, .allUsers: level.open = true
            case .group(let g): level.groups.insert(g)
            case .user(let u): level.users.insert(u)
            case .userKey(let k): level.users.insert(userName(k))
            }
            spaceLevels[space] = level
        }
        spacesWithPermissions.formUnion(index.spacesWithUnreadPermissions)
        for (g, members) in index.groupMembers {
            for m in members { groupsOfUser[m, default: []].insert(g) }
        }
    }

    private func level(_ subjects: [ExportIndex.Subject]) -> Level {
        var l = Level()
        for s in subjects {
            switch s {
            case .group(let g): l.groups.insert(g)
            case .user(let u): l.users.insert(u)
            case .userKey(let k): l.users.insert(userName(k))
            case .anonymous, .allUsers: l.open = true
            }
        }
        return l
    }

    /// The content with a View restriction (or a permission not understood, which restricts).
    var restrictedIds: Dictionary<String, [[ExportIndex.Subject]]>.Keys { viewSets.keys }
    func hasEditRestriction(_ id: String) -> Bool { editSets[id] != nil }

    /// The levels a reader of `content` must pass: the space's, then each View restriction from the root down
    /// (`chain`: the content and ancestors that have one; nil when there were too many to follow: nobody passes).
    func levels(spaceId: String?, chain: [String]?) -> (levels: [Level], spaceKnown: Bool) {
        var out: [Level] = []
        var known = true
        if let s = spaceId, index.closedSpaces.contains(s) {
            out.append(Level())  // a restriction that could not be placed: nobody
        } else if let s = spaceId, spacesWithPermissions.contains(s) {
            out.append(spaceLevels[s] ?? Level())  // permissions but no VIEWSPACE: nobody
        } else {
            known = false
            if options.spaceWithoutPermissions == .restricted { out.append(Level()) }
        }
        guard let chain else { return (out + [Level()], known) }
        for id in chain {
            for set in viewSets[id] ?? [] { out.append(level(set)) }
        }
        return (out, known)
    }

    /// Access for an article `own`; `chain` is the ancestors-or-self with View restrictions (root first), as
    /// Confluence knows them (restrictions of filtered-out ancestors still apply). Unmapped groups are returned for
    /// diagnostics.
    func access(spaceId: String?, chain: [String]?, own: String) -> (access: Access, unmappedGroups: Set<String>, spaceKnown: Bool) {
        let (levels, known) = levels(spaceId: spaceId, chain: chain)
        let constrained = levels.filter { !$0.open }
        var unmapped: Set<String> = []
        var roles: Set<String> = []
        var users: Set<String> = []
        if !constrained.isEmpty {
            // A group grants a role only if every restricting level admits the whole group.
            let common = constrained.dropFirst().reduce(constrained[0].groups) { $0.intersection($1.groups) }
            for g in common {
                if let r = options.roles[g] { roles.insert(r) } else { unmapped.insert(g) }
            }
            // Every user named anywhere, or a member of a named group, checked against every level.
            var candidates = Set(constrained.flatMap(\.users))
            for l in constrained { for g in l.groups { candidates.formUnion(index.groupMembers[g] ?? []) } }
            for u in candidates {
                let groups = groupsOfUser[u] ?? []
                if constrained.allSatisfy({ $0.users.contains(u) || !$0.groups.isDisjoint(with: groups) }) { users.insert(u) }
            }
            // Groups named at some level but not admitted everywhere grant nothing as a whole; say so if unmapped.
            for l in constrained { for g in l.groups where options.roles[g] == nil && common.contains(g) { unmapped.insert(g) } }
        }
        var editRoles: Set<String> = [], editUsers: Set<String> = []
        for set in editSets[own] ?? [] {
            let l = level(set)
            for g in l.groups { if let r = options.roles[g] { editRoles.insert(r) } else { unmapped.insert(g) } }
            editUsers.formUnion(l.users)
        }
        let access = Access(restricted: !constrained.isEmpty, roles: roles.sorted(), users: users.sorted(),
                            editRoles: editRoles.sorted(), editUsers: editUsers.sorted())
        return (access, unmapped, known)
    }
}
