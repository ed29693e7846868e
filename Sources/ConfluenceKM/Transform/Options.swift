import Foundation

/// What to import: content types, labels, dates, spaces, subtrees, attachments. Each excluded item is listed in the
/// report with its reason.
public struct Filters: Sendable, Equatable {
    public enum ContentType: String, Sendable, CaseIterable { case pages, blogposts, attachments, comments }
    public enum AttachmentMode: String, Sendable, CaseIterable { case all, referenced }

    public var types: Set<ContentType> = [.pages, .blogposts, .attachments]
    public var labelsAny: [String] = []
    public var labelsAll: [String] = []
    public var labelsExclude: [String] = []
    /// ISO 8601 bounds (UTC), compared with the article's `created` / `lastUpdated`.
    public var createdAfter: String?
    public var modifiedAfter: String?
    public var modifiedBefore: String?
    public var spacesInclude: [String] = []
    public var spacesExclude: [String] = []
    public var personalSpaces = true
    /// A page id, or a title path `SPACEKEY/Top title/Child title`.
    public var subtreesInclude: [String] = []
    public var subtreesExclude: [String] = []
    public var attachments: AttachmentMode = .all
    /// Media types to keep (`image/*` style patterns); empty keeps all.
    public var attachmentTypes: [String] = []
    public var attachmentMaxBytes: Int64?

    public init() {}

    /// "2022-01-01" or "2022-01-01T10:00:00Z" → "2022-01-01T00:00:00Z", comparable with metadata dates.
    public static func normalizeDate(_ s: String) -> String? {
        let digits = s.split(whereSeparator: { !$0.isNumber }).map(String.init)
        guard digits.count >= 3, digits[0].count == 4 else { return nil }
        var parts = digits.prefix(6).map { Int($0) ?? 0 }
        while parts.count < 6 { parts.append(0) }
        guard (1...12).contains(parts[1]), parts[3] < 24, parts[4] < 60, parts[5] < 61 else { return nil }
        // A day that exists in that month (2023-02-30 is no date; 2024-02-29 is).
        let leap = parts[0] % 4 == 0 && (parts[0] % 100 != 0 || parts[0] % 400 == 0)
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][parts[1] - 1]
        guard (1...days).contains(parts[2]) else { return nil }
        func p(_ v: Int, _ w: Int = 2) -> String { String(repeating: "0", count: max(0, w - String(v).count)) + String(v) }
        return "\(p(parts[0], 4))-\(p(parts[1]))-\(p(parts[2]))T\(p(parts[3])):\(p(parts[4])):\(p(parts[5]))Z"
    }

    static func matches(mediaType: String?, patterns: [String]) -> Bool {
        if patterns.isEmpty { return true }
        let t = (mediaType ?? "application/octet-stream").lowercased()
        return patterns.contains { p in
            let p = p.lowercased()
            if p.hasSuffix("/*") { return t.hasPrefix(String(p.dropLast(1))) }
            return p == t
        }
    }
}

/// How Confluence fields become KM fields.
public struct Mapping: Sendable, Equatable {
    public enum Category: String, Sendable, CaseIterable { case space, topAncestor = "top-ancestor" }
    public enum Author: String, Sendable, CaseIterable { case username, displayName = "display-name" }

    /// Output field renames (`author` → `creator`).
    public var renameFields: [String: String] = [:]
    public var dropFields: Set<String> = []
    /// Fields with a constant value on every article.
    public var constants: [String: String] = [:]
    public var labelRename: [String: String] = [:]
    public var labelDrop: Set<String> = []
    /// Target label ← source labels.
    public var labelMerge: [String: [String]] = [:]
    public var category: Category = .space
    public var author: Author = .username
    /// Extra output field ← content property name.
    public var properties: [String: String] = [:]

    public init() {}

    /// The fields the metadata always has; renames and drops may only name these.
    public static let fields: Set<String> = Set(ArticleMetadata.CodingKeys.allCases.map(\.rawValue))

    /// Fields that identify an article: no rule may rename, drop or overwrite them.
    public static let identity: [String] = ["id", "type", "title", "markdown", "path"]

    /// Checks that no rule overwrites an identity field or a field another rule (or the metadata itself) already
    /// produces; the message names both rules.
    public func validate() throws {
        func fail(_ s: String) -> ConversionError { .invalidOption("mapping: " + s + "; mapping never overwrites a field") }
        for (from, to) in renameFields.sorted(by: { $0.key < $1.key }) {
            if Self.identity.contains(from) { throw fail("--rename-field \(from)=\(to) renames the identity field \(from)") }
            if Self.identity.contains(to) { throw fail("--rename-field \(from)=\(to) overwrites the identity field \(to)") }
        }
        for d in dropFields.sorted() where Self.identity.contains(d) { throw fail("--drop-field \(d) drops the identity field \(d)") }
        for k in constants.keys.sorted() where Self.identity.contains(k) { throw fail("--constant \(k)=… overwrites the identity field \(k)") }
        for k in properties.keys.sorted() where Self.identity.contains(k) { throw fail("mapping.properties \(k) overwrites the identity field \(k)") }
        // Every field the rules produce, with the rule that produces it.
        var producedBy: [String: String] = [:]
        func produce(_ field: String, _ rule: String) throws {
            if let other = producedBy[field] { throw fail("\(rule) writes the field \(field), which \(other) already writes") }
            producedBy[field] = rule
        }
        for f in Self.fields.sorted() where renameFields[f] == nil && !dropFields.contains(f) { try produce(f, "the metadata field \(f)") }
        for (from, to) in renameFields.sorted(by: { $0.key < $1.key }) { try produce(to, "--rename-field \(from)=\(to)") }
        for k in constants.keys.sorted() { try produce(k, "--constant \(k)") }
        for k in properties.keys.sorted() { try produce(k, "mapping.properties \(k)") }
    }

    /// Whether any rule renames, merges or drops labels (without one, tags are the labels, sorted).
    var rewritesLabels: Bool { !labelDrop.isEmpty || !labelRename.isEmpty || !labelMerge.isEmpty }

    func tags(_ labels: [String]) -> [String] {
        if !rewritesLabels { return Set(labels).sorted() }
        var out = Set<String>()
        for l in labels {
            if labelDrop.contains(l) { continue }
            var t = labelRename[l] ?? l
            for (target, sources) in labelMerge where sources.contains(t) { t = target }
            if !labelDrop.contains(t) { out.insert(t) }
        }
        return out.sorted()
    }
}

/// Confluence groups → KM roles, and how strict to be about what cannot be mapped.
public struct PermissionOptions: Sendable, Equatable {
    /// Group name → KM role. A group with no entry never grants access.
    public var roles: [String: String] = [:]
    /// Exit 1 when a group that grants access has no role.
    public var strict = false
    /// When the export holds no space permissions for a space: treat it as restricted (default) or open.
    public var spaceWithoutPermissions: SpaceDefault = .restricted
    /// Several exports: their sites share one user directory (an LDAP-backed pair, say), so users and groups of
    /// the same name are the same subject. Without it each export's users and groups stay its own.
    public var sharedDirectory = false

    public enum SpaceDefault: String, Sendable, CaseIterable { case restricted, open }

    public init() {}
}

public enum FrontMatter: String, Sendable, CaseIterable { case none, yaml }

/// Where articles go: `flat` (every article of a space in its folder) or `tree` (the folder tree is the page tree:
/// a page with children is `Parent/index.md`, its children beside it in `Parent/`).
public enum Layout: String, Sendable, CaseIterable { case flat, tree }
