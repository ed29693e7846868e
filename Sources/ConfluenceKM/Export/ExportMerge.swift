import Foundation

/// Several exports into one bundle (`convert a.zip b.zip DIR …`): their indexes merged into one, so that the plan,
/// the links between spaces and the bundle see one export. Merging widens nothing and guesses nothing:
///
/// - a space that two exports hold is an error naming both, unless `--prefer newest`, which keeps the copy whose
///   content changed last (ties: the export given first) and reports the other as `space-superseded`;
/// - an id that two exports both use for different objects (exports of different sites) is an error: content, bodies
///   and attachments would be mixed up otherwise;
/// - exports made in different time zones are an error unless `--timezone` says how to read their dates;
/// - users and groups belong to the export they came from: two sites may each have an `alice` or a `team` that are
///   different people, so each export's subjects are named `NAME@EXPORT` in access lists, its user keys are its
///   own, and a restriction naming one can never be satisfied by another export's subject. Only
///   `--shared-directory` (the operator's word that the sites share one directory) joins them by name; the report
///   says which was done.
///
/// Which export holds each attachment file and each body is recorded, so that each is read from that export only.
extension ExportIndex {
    public struct Part: Sendable {
        public var name: String
        public var index: ExportIndex
        public init(name: String, index: ExportIndex) {
            self.name = name
            self.index = index
        }
    }

    public static func merging(_ parts: [Part], preferNewest: Bool, timeZoneGiven: Bool, sharedDirectory: Bool = false) throws -> ExportIndex {
        var parts = parts
        var diagnostics: [Diagnostic] = []
        let labels = Self.labels(parts.map(\.name))
        if parts.count > 1 {
            let names = labels.sorted().joined(separator: ", ")
            if sharedDirectory {
                diagnostics.append(Diagnostic(.identitiesAcrossExports, .info,
                    message: "users and groups of \(names) are joined by name: --shared-directory says their sites share one directory"))
            } else {
                for k in parts.indices { parts[k].index.qualifySubjects(with: labels[k]) }
                diagnostics.append(Diagnostic(.identitiesAcrossExports, .info,
                    message: "users and groups of \(names) are kept apart, each named NAME@EXPORT in access lists (map groups as GROUP@EXPORT); pass --shared-directory if the sites share one directory"))
            }
        }
        // Content without a space of its own belongs to its export's space (as the plan would place it).
        for k in parts.indices { parts[k].index.placeContentWithoutSpace() }
        try dropSupersededSpaces(&parts, preferNewest: preferNewest, diagnostics: &diagnostics)
        if !timeZoneGiven {
            let zones = parts.map { ($0.name, $0.index.descriptor["timezoneId"] ?? "") }.filter { !$0.1.isEmpty }
            if let first = zones.first, let other = zones.first(where: { $0.1 != first.1 }) {
                throw ConversionError.exportsConflict("\(first.0) and \(other.0) were made in different time zones (\(first.1), \(other.1)); pass --timezone to read both, or convert them separately")
            }
        }
        var merged = ExportIndex()
        // A user key as the bodies name it (mentions): resolved only where one export knows it, or all agree.
        var rawUsers: [String: Set<String>] = [:]
        var owner: [String: String] = [:]  // "kind\u{1}id" → export name, for the collision message
        func claim(_ kind: String, _ id: String, _ name: String) throws {
            if let first = owner.updateValue(name, forKey: kind + "\u{1}" + id) {
                throw ConversionError.exportsConflict("\(kind) id \(id) is in both \(first) and \(name) (exports of different sites?); convert them into separate bundles")
            }
        }
        for (k, part) in parts.enumerated() {
            let x = part.index, name = part.name
            for (id, s) in x.spaces { try claim("space", id, name); merged.spaces[id] = s }
            for (id, c) in x.contents { try claim("content", id, name); merged.contents[id] = c }
            for (id, a) in x.attachments { try claim("attachment", id, name); merged.attachments[id] = a }
            for (id, b) in x.bodies { try claim("body", id, name); merged.bodies[id] = b; merged.bodyOrigin[id] = k }
            for (id, c) in x.comments { try claim("comment", id, name); merged.comments[id] = c }
            for (id, p) in x.spacePermissions { try claim("space permission", id, name); merged.spacePermissions[id] = p }
            for (id, p) in x.permissions { try claim("permission set", id, name); merged.permissions[id] = p }
            for (id, l) in x.labels {
                if let m = merged.labels[id], m != l {
                    throw ConversionError.exportsConflict("label id \(id) is '\(m.name)' in one export and '\(l.name)' in \(name) (exports of different sites?); convert them into separate bundles")
                }
                merged.labels[id] = l
            }
            for (key, size) in x.attachmentFiles where merged.attachmentFiles[key] == nil {
                merged.attachmentFiles[key] = size
                merged.attachmentOrigin[key] = k
            }
            merged.permissionSets += x.permissionSets
            merged.permissionsNotUnderstood += x.permissionsNotUnderstood
            merged.spacesWithUnreadPermissions.formUnion(x.spacesWithUnreadPermissions)
            merged.closedSpaces.formUnion(x.closedSpaces)
            merged.unconverted += x.unconverted
            for (id, list) in x.labellings { merged.labellings[id, default: []] += list }
            for (id, props) in x.contentProperties { merged.contentProperties[id, default: [:]].merge(props) { a, _ in a } }
            merged.users.merge(x.users) { a, _ in a }
            for (key, name) in x.unqualifiedUsers { rawUsers[key, default: []].insert(name) }
            merged.displayNames.merge(x.displayNames) { a, _ in a }
            merged.accountIds.merge(x.accountIds) { a, _ in a }
            for (g, members) in x.groupMembers { merged.groupMembers[g, default: []].formUnion(members) }
            merged.groupNames.formUnion(x.groupNames)
            merged.classCounts.merge(x.classCounts, uniquingKeysWith: +)
            merged.historicalContents += x.historicalContents
            merged.historicalAttachments += x.historicalAttachments
            merged.metadataBytes = Checked.add(merged.metadataBytes, x.metadataBytes)
            merged.fileBytes = Checked.add(merged.fileBytes, x.fileBytes)
            merged.sawEntities = merged.sawEntities || x.sawEntities
            merged.sawCSV = merged.sawCSV || x.sawCSV
            merged.archiveDiagnostics += x.archiveDiagnostics.map { d in
                var d = d
                d.message = "\(name): " + d.message
                return d
            }
            // The manifest names every export's descriptor, each key prefixed by the export's file name (numbered
            // when two share one), never by where it lay: the bundle does not depend on the paths given.
            let label = labels[k]
            for (key, value) in x.descriptor { merged.descriptor["\(label): \(key)"] = value }
            merged.sources.append(ExportIndex.Source(name: label, descriptor: x.descriptor, csv: x.sawCSV))
        }
        for (key, names) in rawUsers where names.count == 1 && merged.users[key] == nil { merged.users[key] = names.first }
        if let zone = parts.lazy.compactMap({ $0.index.descriptor["timezoneId"] }).first { merged.descriptor["timezoneId"] = zone }
        merged.mergeDiagnostics = diagnostics
        return merged
    }

    /// Each export's name in the bundle: its file name, numbered when two share one.
    static func labels(_ names: [String]) -> [String] {
        var out: [String] = []
        for (k, name) in names.enumerated() {
            var label = (name as NSString).lastPathComponent
            if names[..<k].contains(where: { ($0 as NSString).lastPathComponent == label }) { label += " (\(k + 1))" }
            out.append(label)
        }
        return out
    }

    /// This export's subjects made its own: groups and users named in permissions and memberships become
    /// `NAME@label`, and its user keys `KEY@label` (creators, modifiers and comment authors follow them), so that
    /// nothing of another export can match them. Display names stay as they are: they name, they grant nothing.
    mutating func qualifySubjects(with label: String) {
        let q = { (name: String) in name + "@" + label }
        let keys = users
        func subject(_ s: Subject) -> Subject {
            switch s {
            case .group(let g): return .group(q(g))
            case .user(let u): return .user(q(u))
            case .userKey(let k): return keys[k].map { .user(q($0)) } ?? .userKey(q(k))
            case .anonymous, .allUsers: return s
            }
        }
        for (id, p) in spacePermissions { spacePermissions[id]?.subject = subject(p.subject) }
        for (id, entries) in permissions { permissions[id] = entries.map { ($0.type, subject($0.subject)) } }
        groupMembers = Dictionary(uniqueKeysWithValues: groupMembers.map { (q($0.key), Set($0.value.map(q))) })
        groupNames = Set(groupNames.map(q))
        unqualifiedUsers = users
        users = Dictionary(uniqueKeysWithValues: users.map { (q($0.key), $0.value) })
        accountIds = Dictionary(uniqueKeysWithValues: accountIds.map { (q($0.key), $0.value) })
        func ref(_ r: UserRef?) -> UserRef? {
            if case .key(let k)? = r { return .key(q(k)) }
            return r
        }
        for (id, c) in contents {
            contents[id]?.creator = ref(c.creator)
            contents[id]?.lastModifier = ref(c.lastModifier)
        }
        for (id, c) in comments { comments[id]?.creator = ref(c.creator) }
    }

    /// Gives every page, blog post and folder without a known space the export's only space (or the descriptor's).
    mutating func placeContentWithoutSpace() {
        let fallback: SpaceInfo? = spaces.count == 1 ? spaces.values.first
            : descriptor["spaceKey"].flatMap { key in spaces.values.first { $0.key == key } }
        guard let fallback else { return }
        for (id, c) in contents where c.spaceId.map({ spaces[$0] == nil }) ?? true { contents[id]?.spaceId = fallback.id }
    }

    /// A space key in several exports: an error, or with `--prefer newest` every copy but the newest dropped.
    private static func dropSupersededSpaces(_ parts: inout [Part], preferNewest: Bool, diagnostics: inout [Diagnostic]) throws {
        var holders: [String: [Int]] = [:]
        for (k, p) in parts.enumerated() { for key in Set(p.index.spaces.values.map(\.key)) { holders[key, default: []].append(k) } }
        for key in holders.keys.sorted() {
            guard let list = holders[key], list.count > 1 else { continue }
            guard preferNewest else {
                throw ConversionError.exportsConflict("space \(key) is in both \(parts[list[0]].name) and \(parts[list[1]].name); give it once, or pass --prefer newest to take the copy changed last")
            }
            let changed = list.map { parts[$0].index.lastChange(ofSpace: key) }
            var keep = 0
            for i in 1..<list.count where changed[i] > changed[keep] { keep = i }
            for (i, k) in list.enumerated() where i != keep {
                parts[k].index.removeSpace(key)
                diagnostics.append(Diagnostic(.spaceSuperseded, .info,
                    message: "space \(key) of \(parts[k].name) (last change \(changed[i].isEmpty ? "unknown" : changed[i])) is left out: \(parts[list[keep]].name) holds a newer copy (last change \(changed[keep].isEmpty ? "unknown" : changed[keep])); --prefer newest"))
            }
        }
    }

    /// The latest modification or creation date of the space's content, as the export writes it (comparable text).
    func lastChange(ofSpace key: String) -> String {
        let ids = Set(spaces.values.filter { $0.key == key }.map(\.id))
        return contents.values.filter { $0.spaceId.map(ids.contains) ?? false }
            .map { max($0.lastModified ?? "", $0.created ?? "") }.max() ?? ""
    }

    /// Takes a space and everything in it out of the index: its content, their bodies, attachments and files,
    /// comments, labels, restrictions and properties, and the space's permissions.
    mutating func removeSpace(_ key: String) {
        let removed = spaces.values.filter { $0.key == key }
        let ids = Set(removed.map(\.id))
        for id in ids { spaces[id] = nil }
        if spaces.isEmpty {
            // The export held only this space: nothing of it stays (objects attached to no content — a space
            // logo, say — cannot be told apart otherwise).
            contents = [:]; attachments = [:]; bodies = [:]; comments = [:]; labellings = [:]; contentProperties = [:]
            attachmentFiles = [:]; permissionSets = []; permissions = [:]; spacePermissions = [:]; unconverted = []
            spacesWithUnreadPermissions = []; permissionsNotUnderstood = []
            return
        }
        // Its content, and the space's own description (which holds its logo and its description's body).
        var gone = Set(contents.values.filter { $0.spaceId.map(ids.contains) ?? false }.map(\.id))
        gone.formUnion(removed.compactMap(\.descriptionId))
        for id in gone { contents[id] = nil; labellings[id] = nil; contentProperties[id] = nil }
        attachments = attachments.filter { !($0.value.containerId.map(gone.contains) ?? false) }
        bodies = bodies.filter { !($0.value.contentId.map(gone.contains) ?? false) }
        comments = comments.filter { !gone.contains($0.value.ownerId) }
        attachmentFiles = attachmentFiles.filter { !gone.contains(String($0.key.prefix { $0 != "/" })) }
        let sets = Set(permissionSets.filter { gone.contains($0.contentId) }.map(\.id))
        permissionSets.removeAll { gone.contains($0.contentId) }
        for s in sets { permissions[s] = nil }
        spacePermissions = spacePermissions.filter { !($0.value.spaceId.map(ids.contains) ?? false) }
        spacesWithUnreadPermissions.subtract(ids)
    }
}
