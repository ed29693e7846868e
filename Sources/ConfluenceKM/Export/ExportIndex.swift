import Foundation

/// A space of the export.
public struct SpaceInfo: Sendable, Equatable {
    public var id: String
    public var key: String
    public var name: String
    public var type: String?
    public var homePageId: String?
    /// The SpaceDescription object the space's labels (its categories) are attached to.
    public var descriptionId: String? = nil
}

/// A page, blog post or folder of the export (any status; historical versions are only counted).
public struct ContentInfo: Sendable {
    public enum Kind: String, Sendable, Codable { case page, blogpost, folder }
    public var id: String
    public var kind: Kind
    public var title: String
    public var spaceId: String?
    public var parentId: String?
    public var position: Int?
    public var version: Int?
    public var creator: UserRef?
    public var lastModifier: UserRef?
    public var created: String?
    public var lastModified: String?
    /// `current` when the property is absent.
    public var status: String
    public var bodyContentIds: [String]
}

/// An attachment object (any status; historical versions are only counted).
public struct AttachmentInfo: Sendable {
    public var id: String
    public var fileName: String
    public var containerId: String?
    public var version: Int
    public var mediaType: String?
    public var size: Int64?
    public var status: String
}

/// Who created or changed content: a user key (ConfluenceUserImpl, 5.x and later) or a plain username (older).
public enum UserRef: Sendable, Equatable {
    case key(String)
    case name(String)
}

/// A BodyContent object, without its body text.
public struct BodyInfo: Sendable {
    public var id: String
    public var contentId: String?
    public var bodyType: Int
}

/// Everything pass 1 learns from the export: metadata only, never bodies or attachment bytes.
public struct ExportIndex: Sendable {
    public var descriptor: [String: String] = [:]
    public var spaces: [String: SpaceInfo] = [:]
    /// Pages, blog posts and folders that are not historical versions (any status).
    public var contents: [String: ContentInfo] = [:]
    /// Attachments that are not historical versions (any status).
    public var attachments: [String: AttachmentInfo] = [:]
    /// Historical versions (`originalVersion`/`originalVersionId` set) are counted, never kept: memory follows the
    /// current content, not the length of its history.
    public var historicalContents = 0
    public var historicalAttachments = 0
    public var bodies: [String: BodyInfo] = [:]
    public var labels: [String: (name: String, namespace: String)] = [:]
    /// content id → label ids
    public var labellings: [String: [String]] = [:]
    /// user key → username
    public var users: [String: String] = [:]
    /// Before ``qualifySubjects(with:)``: the export's own user keys, for resolving mentions in its bodies.
    var unqualifiedUsers: [String: String] = [:]
    /// Attachment files present in the archive: "contentId/attachmentId/version" → size.
    public var attachmentFiles: [String: Int64] = [:]
    /// Several exports merged (``merging(_:preferNewest:)``): which export (its number in the list) holds each
    /// attachment file, and each body. Empty for one export.
    public var attachmentOrigin: [String: Int] = [:]
    public var bodyOrigin: [String: Int] = [:]
    /// What merging several exports decided (`space-superseded`), for the report.
    public var mergeDiagnostics: [Diagnostic] = []
    /// Several exports merged: each one's file name (numbered when two share one), descriptor and format, in the
    /// order given. Empty for one export.
    public var sources: [Source] = []

    public struct Source: Sendable {
        public var name: String
        public var descriptor: [String: String]
        public var csv: Bool
    }
    /// Objects counted but not converted, by class (Draft, Comment, …).
    public var classCounts: [String: Int] = [:]
    public var sawEntities = false
    public var sawCSV = false
    /// Space permissions (VIEWSPACE and the rest), by id.
    public var spacePermissions: [String: SpacePermission] = [:]
    /// Page restrictions, every ContentPermissionSet as met (two with one id are both kept).
    public var permissionSets: [PermissionSet] = []
    /// ContentPermission entries: set id → (the entry's own type, if any; its subject).
    public var permissions: [String: [(type: String?, subject: Subject)]] = [:]
    /// Permissions the tool did not fully understand: each grants nothing, restricts the content it names (a
    /// View restriction that admits nobody), and is reported as `permission-not-understood`.
    public var permissionsNotUnderstood: [(contentId: String?, reason: String)] = []
    /// Spaces with a VIEWSPACE permission not understood: they have permissions (never "without permissions", which
    /// `--space-without-permissions open` would open), and that one grants nothing.
    public var spacesWithUnreadPermissions: Set<String> = []
    /// Spaces restricted to no one whatever their permissions say: the export holds a restriction whose page
    /// cannot be told (an entry whose set is missing), which must restrict rather than open.
    public var closedSpaces: Set<String> = []

    /// Every group the export knows: defined (with members or not), or named by a space permission or a restriction.
    public var knownGroups: Set<String> {
        var groups = groupNames.union(groupMembers.keys)
        for p in spacePermissions.values { if case .group(let g) = p.subject { groups.insert(g) } }
        for entries in permissions.values { for e in entries { if case .group(let g) = e.subject { groups.insert(g) } } }
        return groups
    }

    public struct PermissionSet: Sendable {
        public enum Kind: Sendable, Equatable {
            case view, edit, notUnderstood

            /// A set's or an entry's `type`: View or Edit (any case); anything else is not understood.
            init(type: String) {
                switch type.lowercased() {
                case "view": self = .view
                case "edit": self = .edit
                default: self = .notUnderstood
                }
            }
        }
        public var id: String
        public var kind: Kind
        public var contentId: String
    }
    /// Groups and memberships (site backups of Server/Data Center): group name → user names.
    public var groupMembers: [String: Set<String>] = [:]
    /// Every group the export defines (InternalGroup objects), members or not.
    public var groupNames: Set<String> = []
    /// username → display name (InternalUser), for `author: display-name`.
    public var displayNames: [String: String] = [:]
    /// Content properties asked for by the mapping: content id → name → value.
    public var contentProperties: [String: [String: String]] = [:]

    /// Who a permission names: a user (by name or key), a group, anonymous users or all signed-in users.
    public enum Subject: Sendable, Hashable {
        case user(String)
        case userKey(String)
        case group(String)
        case anonymous
        case allUsers
    }

    public struct SpacePermission: Sendable {
        public var type: String
        public var spaceId: String?
        public var subject: Subject
    }

    /// Sizes of the archive's metadata entries (entities.xml, CSV tables), for `inspect`.
    public var metadataBytes: Int64 = 0
    /// The sizes of every regular file of the export as it lists them (uncompressed), for `inspect` of a folder.
    public var fileBytes: Int64 = 0
    /// Entries of the archive that were skipped (unsafe names, links, devices, duplicates, encrypted).
    public var archiveDiagnostics: [Diagnostic] = []

    /// Comments (any version): written per article when comments are imported.
    public var comments: [String: CommentInfo] = [:]

    public struct CommentInfo: Sendable {
        public var id: String
        public var ownerId: String
        public var parentId: String?
        public var creator: UserRef?
        public var created: String?
        public var status: String
        public var isHistorical: Bool
    }

    /// CSV exports: user key → Atlassian account id (`user_mapping.aaid`).
    public var accountIds: [String: String] = [:]
    /// Content of a type this tool does not convert (Cloud whiteboards, databases …), listed in the report.
    public var unconverted: [Unconverted] = []

    public struct Unconverted: Sendable {
        public var id: String
        public var type: String
        public var title: String
        public var cloudOnly: Bool
        public var status: String
    }

    public init() {}
}

/// Builds an ``ExportIndex`` from the objects of `entities.xml`, in whatever order they come.
struct ExportIndexBuilder {
    var index = ExportIndex()
    /// Every BodyContent object, in the order met (see ``finish()``).
    private var bodyObjects: [BodyInfo] = []
    /// ContentProperty objects that do not point back to their attachment: id → (name, value).
    private var propertiesById: [String: (name: String, value: String?)] = [:]
    /// An attachment's `contentProperties` collection (5.x links them from the attachment): attachment → property ids.
    private var attachmentPropertyIds: [String: [String]] = [:]
    /// Attachment properties kept in ContentProperty objects (8.x): attachment id → name → value.
    private var contentProperties: [String: [String: String]] = [:]
    /// SpacePermission ids listed by a Space's `permissions` collection (4.x), → space id.
    private var permissionSpace: [String: String] = [:]
    private var groupNames: [String: String] = [:]
    private var userNamesById: [String: String] = [:]
    private var memberships: [(group: String, user: String)] = []
    /// Content property names the mapping wants (extra fields).
    var wantedProperties: Set<String> = []

    static let indexedClasses: Set<String> = [
        "Space", "Page", "BlogPost", "Attachment", "BodyContent", "Label", "Labelling", "ConfluenceUserImpl",
        "ContentProperty", "Draft", "Comment", "Folder", "SpacePermission", "ContentPermissionSet", "ContentPermission",
        "InternalGroup", "InternalUser", "HibernateMembership",
    ]

    /// Which property texts pass 1 keeps: everything small, never a body.
    static func capture(_ cls: String, _ property: String, _ id: String?) -> Bool {
        if property == "body" { return false }
        if cls == "ContentProperty" { return property == "name" || property == "stringValue" || property == "longValue" || property == "content" }
        if cls == "InternalUser" { return property == "name" || property == "displayName" }
        return true
    }

    /// Characters XML forbids (stand-ins from the sanitizer, or raw ones from CSV tables) become U+FFFD in every
    /// text property; one `invalid-xml-char` diagnostic per object names the code points.
    private mutating func repairCharacters(_ o: inout RawObject) {
        var found: Set<UInt32> = []
        for name in o.properties.propertyNames {
            guard case .text(let t)? = o.properties[name] else { continue }
            let (fixed, points) = XMLChars.repair(t)
            if !points.isEmpty { o.properties[name] = .text(fixed); found.formUnion(points) }
        }
        if let id = o.id {
            let (fixed, points) = XMLChars.repair(id)
            if !points.isEmpty { o.id = fixed; found.formUnion(points) }
        }
        guard !found.isEmpty else { return }
        index.archiveDiagnostics.append(Diagnostic(.invalidXmlChar, .warning, contentId: o.id,
            title: o.text("title"),
            message: "\(o.className) holds characters XML forbids (\(XMLChars.describe(found.sorted()))); each is written as U+FFFD"))
    }

    /// A title, name, key or label: at most ``Limits/maxTitleCharacters`` characters, cut with a diagnostic.
    private mutating func capped(_ value: String?, _ what: String, _ o: RawObject) -> String? {
        guard let value, value.utf8.count > Limits.maxTitleCharacters else { return value }
        let scalars = value.unicodeScalars
        guard let end = scalars.index(scalars.startIndex, offsetBy: Limits.maxTitleCharacters, limitedBy: scalars.endIndex),
              end != scalars.endIndex else { return value }
        index.archiveDiagnostics.append(Diagnostic(.valueTruncated, .warning, contentId: o.id, title: nil,
            message: "\(o.className) \(what) of \(value.utf8.count) bytes is cut to \(Limits.maxTitleCharacters) characters"))
        return String(scalars[..<end])
    }

    mutating func add(_ o: RawObject) {
        var o = o
        repairCharacters(&o)
        guard let id = o.id, !id.isEmpty else { return }
        for p in o.cutProperties {
            index.archiveDiagnostics.append(Diagnostic(.valueTruncated, .warning, contentId: id,
                message: "\(o.className) property '\(Diagnostic.shown(p, limit: 40))' is over \(Limits.maxPropertyBytes) bytes; the rest was not read"))
        }
        switch o.className {
        case "Space":
            for p in o.collections["permissions"] ?? [] { permissionSpace[p] = id }
            index.spaces[id] = SpaceInfo(
                id: id, key: capped(o.text("key"), "key", o) ?? id, name: capped(o.text("name") ?? o.text("key"), "name", o) ?? id,
                type: o.text("spaceType"), homePageId: o.ref("homePage"), descriptionId: o.ref("description"))
        case "Page", "BlogPost", "Folder":
            let original = o.ref("originalVersion") ?? o.text("originalVersionId").flatMap { $0.isEmpty ? nil : $0 }
            if original != nil { index.historicalContents += 1; return }
            var bodyIds = o.collections["bodyContents"] ?? []
            bodyIds.sort(by: IDOrder.less)
            index.contents[id] = ContentInfo(
                id: id, kind: o.className == "Page" ? .page : o.className == "Folder" ? .folder : .blogpost,
                title: capped(o.text("title"), "title", o) ?? "",
                spaceId: o.ref("space"), parentId: o.ref("parent"),
                position: o.text("position").flatMap { Int($0.trimmingCharacters(in: .whitespaces)) },
                version: o.text("version").flatMap { Int($0) },
                creator: userName(o, "creator", legacy: "creatorName"),
                lastModifier: userName(o, "lastModifier", legacy: "lastModifierName"),
                created: o.value("creationDate"), lastModified: o.value("lastModificationDate"),
                status: (o.text("contentStatus").flatMap { $0.isEmpty ? nil : $0 } ?? "current").lowercased(),
                bodyContentIds: bodyIds)
        case "Attachment":
            let original = o.ref("originalVersion") ?? o.text("originalVersionId").flatMap { $0.isEmpty ? nil : $0 }
            if original != nil { index.historicalAttachments += 1; return }
            if let listed = o.collections["contentProperties"], !listed.isEmpty { attachmentPropertyIds[id] = listed }
            index.attachments[id] = AttachmentInfo(
                id: id, fileName: capped(o.text("title") ?? o.text("fileName"), "file name", o) ?? id,
                containerId: o.ref("containerContent") ?? o.ref("content"),
                version: (o.text("version") ?? o.text("attachmentVersion")).flatMap { Int($0) } ?? 1,
                mediaType: o.value("contentType") ?? o.value("mediaType"),
                size: o.text("fileSize").flatMap { Int64($0) },
                status: (o.text("contentStatus").flatMap { $0.isEmpty ? nil : $0 } ?? "current").lowercased())
        case "BodyContent":
            // Gathered in order, hashed only in finish() and only those of indexed content: with history, most
            // bodies belong to historical versions.
            bodyObjects.append(BodyInfo(id: id, contentId: o.ref("content"), bodyType: o.text("bodyType").flatMap { Int($0) } ?? 2))
        case "Label":
            index.labels[id] = (capped(o.text("name"), "label", o) ?? "", (o.text("namespace") ?? "global").lowercased())
        case "Labelling":
            if let content = o.ref("content") ?? o.text("labelableId"), let label = o.ref("label") {
                index.labellings[content, default: []].append(label)
            }
        case "ConfluenceUserImpl":
            if let name = o.text("name"), !name.isEmpty { index.users[id] = name }
        case "ContentProperty":
            if let name = o.text("name"), name == "MEDIA_TYPE" || name == "FILESIZE", o.ref("content") == nil {
                // Linked only from the attachment's contentProperties collection (5.x): kept by its own id.
                propertiesById[id] = (name, o.value("stringValue") ?? o.value("longValue"))
            } else if let name = o.text("name"), name == "MEDIA_TYPE" || name == "FILESIZE", let content = o.ref("content") {
                contentProperties[content, default: [:]][name] = o.value("stringValue") ?? o.value("longValue")
            } else if let name = o.text("name"), wantedProperties.contains(name), let content = o.ref("content") {
                index.contentProperties[content, default: [:]][name] = o.value("stringValue") ?? o.value("longValue") ?? ""
            }
        case "Comment":
            index.classCounts["Comment", default: 0] += 1
            guard let owner = o.ref("owner") ?? o.ref("containerContent") ?? o.ref("content") else { return }
            index.comments[id] = ExportIndex.CommentInfo(
                id: id, ownerId: owner, parentId: o.ref("parent"), creator: userName(o, "creator", legacy: "creatorName"),
                created: o.value("creationDate"),
                status: (o.text("contentStatus").flatMap { $0.isEmpty ? nil : $0 } ?? "current").lowercased(),
                isHistorical: o.ref("originalVersion") != nil || (o.text("originalVersionId").map { !$0.isEmpty } ?? false))
        case "SpacePermission":
            guard let type = o.value("type") else { return }
            let viewSpace = type.uppercased() == "VIEWSPACE"
            if let active = o.text("active"), !["true", "t", "1"].contains(active.lowercased()) {
                // CSV exports list revoked permissions with active=false: they grant nothing, but the space does
                // have permissions (it is never "without permissions", which could open it).
                if let space = o.ref("space") { index.spacesWithUnreadPermissions.insert(space) }
                if viewSpace, !["false", "f", "0"].contains(active.lowercased()) {
                    index.permissionsNotUnderstood.append((nil, "space permission \(id) has active=\(Diagnostic.shown(active, limit: 20)); it grants nothing"))
                }
                return
            }
            if !viewSpace && type.trimmingCharacters(in: .whitespacesAndNewlines).uppercased() == "VIEWSPACE" {
                index.permissionsNotUnderstood.append((nil, "space permission \(id) has the type '\(Diagnostic.shown(type, limit: 30))'; it grants nothing"))
                return
            }
            // A space permission with no subject is Confluence's grant to anonymous users, but only when the object
            // holds nothing else: a subject in a property this tool does not read grants nothing.
            var subject = subject(o, group: "group")
            if subject == nil, let all = o.value("allUsersSubject") ?? o.value("permAllUsersSubject") {
                if viewSpace {
                    if let space = o.ref("space") { index.spacesWithUnreadPermissions.insert(space) }
                    index.permissionsNotUnderstood.append((nil, "space permission \(id) names the all-users subject '\(Diagnostic.shown(all, limit: 40))', which this tool does not know; it grants nothing"))
                }
                return
            }
            if subject == nil {
                let unknown = o.properties.propertyNames.filter { !Self.spacePermissionProperties.contains($0) }
                if !unknown.isEmpty {
                    if viewSpace {
                        if let space = o.ref("space") { index.spacesWithUnreadPermissions.insert(space) }
                        index.permissionsNotUnderstood.append((nil, "space permission \(id) names its subject in \(unknown.map { "'\(Diagnostic.shown($0, limit: 40))'" }.joined(separator: ", ")), which this tool does not read; it grants nothing"))
                    }
                    return
                }
                subject = .anonymous
            }
            index.spacePermissions[id] = ExportIndex.SpacePermission(type: type.uppercased(), spaceId: o.ref("space"), subject: subject!)
        case "ContentPermissionSet":
            for p in o.collections["contentPermissions"] ?? [] { permissionOwner[p] = id }
            let type = o.value("type") ?? "View"
            var kind = ExportIndex.PermissionSet.Kind(type: type)
            let content: String?
            if let ref = o.ref("owningContent") {
                content = ref
            } else if let text = o.text("owningContent")?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty {
                content = text
                kind = .notUnderstood
                index.permissionsNotUnderstood.append((text, "restriction \(id) names its page as text, not as a reference"))
            } else {
                content = nil
                index.permissionsNotUnderstood.append((nil, "restriction \(id) names no page"))
            }
            if kind == .notUnderstood && o.ref("owningContent") != nil {
                index.permissionsNotUnderstood.append((content, "restriction \(id) has the type '\(Diagnostic.shown(type, limit: 30))' (not View or Edit)"))
            }
            if !permissionSetIds.insert(id).inserted {
                index.permissionsNotUnderstood.append((content, "two restrictions share the id \(id)"))
                duplicateSetIds.insert(id)
            }
            if let content { index.permissionSets.append(.init(id: id, kind: kind, contentId: content)) }
        case "ContentPermission":
            contentPermissions.append((id, o.ref("owningSet"), o.value("type"), subject(o, group: "groupName"),
                                       o.properties.propertyNames.filter { !Self.contentPermissionProperties.contains($0) }))
        case "InternalGroup":
            if let name = o.text("name") { groupNames[id] = name }
        case "InternalUser":
            if let name = o.text("name") {
                userNamesById[id] = name
                if let d = o.text("displayName"), !d.isEmpty { index.displayNames[name] = d }
            }
        case "HibernateMembership":
            if let g = o.ref("parentGroup"), let u = o.ref("userMember") { memberships.append((g, u)) }
        default:
            index.classCounts[o.className, default: 0] += 1
        }
    }

    /// What a SpacePermission or ContentPermission may hold besides its subject.
    static let spacePermissionProperties: Set<String> = [
        "type", "space", "creationDate", "lastModificationDate", "creator", "lastModifier", "creatorName",
        "lastModifierName", "group", "userSubject", "userName", "allUsersSubject", "permAllUsersSubject", "active",
    ]
    static let contentPermissionProperties: Set<String> = [
        "type", "owningSet", "creationDate", "lastModificationDate", "creator", "lastModifier", "creatorName",
        "lastModifierName", "groupName", "userSubject", "userName", "allUsersSubject", "permAllUsersSubject",
    ]

    /// Restriction entries, resolved in finish(): (id, set, own type, subject, properties not understood).
    private var contentPermissions: [(id: String, set: String?, type: String?, subject: ExportIndex.Subject?, unknown: [String])] = []
    /// Sets that list their entries (a `contentPermissions` collection): entry id → set id.
    private var permissionOwner: [String: String] = [:]
    private var permissionSetIds: Set<String> = []
    private var duplicateSetIds: Set<String> = []
    private var unplacedRestriction = false

    /// Attaches restriction entries to their sets. An entry grants someone only when everything about it is
    /// understood: its set is known (by reference or listed by the set), its subject is in a property this tool
    /// reads, and its own type (if any) matches its set's. Otherwise it grants nothing, and its set (still a
    /// restriction) is reported.
    private mutating func resolvePermissions() {
        var kinds: [String: Set<ExportIndex.PermissionSet.Kind>] = [:]
        var contentOf: [String: String] = [:]
        for s in index.permissionSets { kinds[s.id, default: []].insert(s.kind); contentOf[s.id] = s.contentId }
        for p in contentPermissions {
            guard let set = p.set ?? permissionOwner[p.id], let setKinds = kinds[set] else {
                // Its page cannot be told, so it cannot be restricted alone: every space of the export is
                // restricted to no one rather than leave that page open.
                index.permissionsNotUnderstood.append((nil, "restriction entry \(p.id) belongs to no restriction in the export, so the page it restricts is unknown; every space of this export is restricted to no one"))
                unplacedRestriction = true
                continue
            }
            guard let subject = p.subject else {
                let where_ = p.unknown.isEmpty ? "names no subject" : "names its subject in \(p.unknown.map { "'\(Diagnostic.shown($0, limit: 40))'" }.joined(separator: ", ")), which this tool does not read"
                index.permissionsNotUnderstood.append((contentOf[set], "restriction entry \(p.id) \(where_); it grants nothing"))
                continue
            }
            if let t = p.type {
                let own = ExportIndex.PermissionSet.Kind(type: t)
                if own == .notUnderstood || !setKinds.contains(own) {
                    index.permissionsNotUnderstood.append((contentOf[set], "restriction entry \(p.id) has the type '\(Diagnostic.shown(t, limit: 30))', which its restriction \(set) does not have; it grants nothing"))
                    continue
                }
            }
            if duplicateSetIds.contains(set) && p.type == nil {
                index.permissionsNotUnderstood.append((contentOf[set], "restriction entry \(p.id) belongs to the shared id \(set) and has no type; it grants nothing"))
                continue
            }
            index.permissions[set, default: []].append((p.type, subject))
        }
        contentPermissions = []
    }

    /// The subject of a space or content permission, in any export version.
    private func subject(_ o: RawObject, group: String) -> ExportIndex.Subject? {
        if let g = o.value(group) { return .group(g) }
        if let k = o.ref("userSubject") { return .userKey(k) }
        if let u = o.value("userName") { return .user(u) }
        if let all = o.value("allUsersSubject") ?? o.value("permAllUsersSubject") { return Self.allUsers(all) }
        return nil
    }

    /// The all-users subjects Confluence writes; any other value is not understood (nil) and grants nothing — a
    /// crafted `permalluserssubject=x` once opened its space.
    static func allUsers(_ value: String) -> ExportIndex.Subject? {
        switch value.lowercased() {
        case "anonymous", "anonymous-users", "anonymous_users": return .anonymous
        case "all-licensed-users", "all_licensed_users", "all-users", "authenticated-users", "logged-in-users": return .allUsers
        default: return nil
        }
    }

    private func userName(_ o: RawObject, _ property: String, legacy: String) -> UserRef? {
        if let key = o.ref(property), !key.isEmpty { return .key(key) }
        if let name = o.text(legacy), !name.isEmpty { return .name(name) }
        return nil
    }

    /// Resolves what needed every object: content properties onto attachments, user keys onto names.
    mutating func finish() -> ExportIndex {
        // Properties linked from the attachment (5.x): both directions are read.
        for (attachment, ids) in attachmentPropertyIds {
            for pid in ids {
                guard let p = propertiesById[pid], let v = p.value else { continue }
                if contentProperties[attachment]?[p.name] == nil { contentProperties[attachment, default: [:]][p.name] = v }
            }
        }
        for (id, props) in contentProperties {
            guard var a = index.attachments[id] else { continue }
            if a.mediaType == nil { a.mediaType = props["MEDIA_TYPE"] }
            if a.size == nil, let s = props["FILESIZE"] { a.size = Int64(s) }
            index.attachments[id] = a
        }
        resolvePermissions()
        if unplacedRestriction { index.closedSpaces = Set(index.spaces.keys) }
        for (perm, space) in permissionSpace where index.spacePermissions[perm]?.spaceId == nil {
            index.spacePermissions[perm]?.spaceId = space
        }
        for m in memberships {
            if let g = groupNames[m.group], let u = userNamesById[m.user] { index.groupMembers[g, default: []].insert(u) }
        }
        index.groupNames = Set(groupNames.values)
        // Only bodies of indexed content and comments can be converted: those of historical versions (most of them,
        // in an export with history) are forgotten here. A body may also be found through its page's bodyContents
        // collection only (no `content` property).
        var listedBy: [String: String] = [:]
        for c in index.contents.values { for b in c.bodyContentIds { listedBy[b] = c.id } }
        let index = self.index
        func kept(_ content: String?) -> Bool { content.map { index.contents[$0] != nil || index.comments[$0] != nil } ?? false }
        var wanted: Set<String> = []
        for b in bodyObjects where kept(b.contentId) || listedBy[b.id] != nil { wanted.insert(b.id) }
        var bodies: [String: BodyInfo] = [:]
        for b in bodyObjects where wanted.contains(b.id) {
            // A body object met twice: the later wins, keeping a content id only the earlier had.
            bodies[b.id] = BodyInfo(id: b.id, contentId: b.contentId ?? bodies[b.id]?.contentId, bodyType: b.bodyType)
        }
        for (b, content) in listedBy where bodies[b] != nil && bodies[b]?.contentId == nil { bodies[b]?.contentId = content }
        bodyObjects = []
        self.index.bodies = bodies.filter { kept($0.value.contentId) }
        return self.index
    }
}
