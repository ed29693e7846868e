import ArgumentParser
import ConfluenceKM

/// Splits "a,b" lists and repeated options alike.
func list(_ values: [String]) -> [String] {
    values.flatMap { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }.filter { !$0.isEmpty }
}

/// "key=value" pairs of repeatable options.
func pairs(_ values: [String], _ flag: String) throws -> [(String, String)] {
    try values.map { v in
        let parts = v.split(separator: "=", maxSplits: 1).map(String.init)
        guard parts.count == 2, !parts[0].isEmpty else { throw ValidationError("\(flag) '\(v)' must be NAME=VALUE") }
        return (parts[0], parts[1])
    }
}

/// How several exports are taken together, and the zone of their dates (convert, inspect, preview).
struct MergeOptions: ParsableArguments {
    @Option(help: "With several exports holding one space: newest takes the copy changed last (the other is reported as space-superseded) instead of refusing.")
    var prefer: String?

    @Option(help: ArgumentHelp(
        "The time zone of the export's dates (an IANA name such as Europe/Berlin).",
        discussion: "Default: the export descriptor's timezoneId, else UTC. Several exports made in different zones need it."))
    var timezone: String?

    func validate() throws {
        if let timezone, TimeZone(identifier: timezone) == nil {
            throw ValidationError("--timezone '\(timezone)' is not a known time zone; use an IANA name such as UTC or Europe/Berlin")
        }
        if let prefer, ConvertOptions.Preference(rawValue: prefer) != .newest { throw ValidationError("--prefer must be newest") }
    }

    func apply(to options: inout ConvertOptions) {
        if let timezone { options.timeZone = TimeZone(identifier: timezone) }
        if prefer != nil { options.preferNewest = true }
    }
}

struct FilterOptions: ParsableArguments {
    @Option(help: "Content types to import, comma-separated: pages, blogposts, attachments, comments (default: pages,blogposts,attachments).")
    var types: [String] = []
    @Option(help: "Keep only content with any of these labels (comma-separated).") var labelsAny: [String] = []
    @Option(help: "Keep only content with all of these labels.") var labelsAll: [String] = []
    @Option(help: "Leave out content with any of these labels.") var labelsExclude: [String] = []
    @Option(help: "Keep content created on or after this date (2023-01-31 or ISO 8601, UTC).") var createdAfter: String?
    @Option(help: "Keep content last modified on or after this date.") var modifiedAfter: String?
    @Option(help: "Keep content last modified before this date.") var modifiedBefore: String?
    @Option(help: "Keep only these space keys (comma-separated).") var spaces: [String] = []
    @Option(help: "Leave out these space keys.") var excludeSpaces: [String] = []
    @Option(help: "Import personal spaces (~user): true or false (default true).") var personalSpaces: Bool?
    @Option(help: "Keep only this page and everything under it: a page id or SPACEKEY/Title/Child title (repeatable).")
    var subtree: [String] = []
    @Option(help: "Leave out this page and everything under it (repeatable).") var excludeSubtree: [String] = []
    @Option(help: "Attachments to keep: all (default: every current attachment of a kept page) or referenced (only those the body links or shows).")
    var attachments: String?
    @Option(help: "Keep only attachments of these media types (image/*, application/pdf …).") var attachmentTypes: [String] = []
    @Option(help: "Leave out attachments larger than this many bytes.") var attachmentMaxBytes: Int64?

    func apply(_ f: inout Filters) throws {
        if !types.isEmpty {
            f.types = Set(try list(types).map { t in
                guard let v = Filters.ContentType(rawValue: t) else { throw ValidationError("--types '\(t)' is not one of pages, blogposts, attachments, comments") }
                return v
            })
        }
        if !labelsAny.isEmpty { f.labelsAny = list(labelsAny) }
        if !labelsAll.isEmpty { f.labelsAll = list(labelsAll) }
        if !labelsExclude.isEmpty { f.labelsExclude = list(labelsExclude) }
        for (value, name, set) in [(createdAfter, "--created-after", 0), (modifiedAfter, "--modified-after", 1), (modifiedBefore, "--modified-before", 2)] {
            guard let value else { continue }
            guard let d = Filters.normalizeDate(value) else { throw ValidationError("\(name) '\(value)' must be a date such as 2023-01-31") }
            switch set { case 0: f.createdAfter = d; case 1: f.modifiedAfter = d; default: f.modifiedBefore = d }
        }
        if !spaces.isEmpty { f.spacesInclude = list(spaces) }
        if !excludeSpaces.isEmpty { f.spacesExclude = list(excludeSpaces) }
        if let personalSpaces { f.personalSpaces = personalSpaces }
        if !subtree.isEmpty { f.subtreesInclude = subtree }
        if !excludeSubtree.isEmpty { f.subtreesExclude = excludeSubtree }
        if let attachments {
            guard let m = Filters.AttachmentMode(rawValue: attachments) else { throw ValidationError("--attachments must be all or referenced") }
            f.attachments = m
        }
        if !attachmentTypes.isEmpty { f.attachmentTypes = list(attachmentTypes) }
        if let attachmentMaxBytes { f.attachmentMaxBytes = attachmentMaxBytes }
    }
}

struct MappingOptions: ParsableArguments {
    @Option(help: "Rename an output field: FIELD=NEW (repeatable).") var renameField: [String] = []
    @Option(help: "Drop an output field (repeatable).") var dropField: [String] = []
    @Option(help: "Add a constant field: NAME=VALUE (repeatable).") var constant: [String] = []
    @Option(help: "Rename a label: OLD=NEW (repeatable).") var renameLabel: [String] = []
    @Option(help: "Drop a label (repeatable).") var dropLabel: [String] = []
    @Option(help: "Merge labels: TARGET=a,b (repeatable).") var mergeLabels: [String] = []
    @Option(help: "Category from: space (default) or top-ancestor.") var category: String?
    @Option(help: "Author as: username (default) or display-name.") var author: String?
    @Option(help: "Extra field from a content property: FIELD=PROPERTY (repeatable).") var property: [String] = []

    func apply(_ m: inout Mapping) throws {
        for (a, b) in try pairs(renameField, "--rename-field") {
            guard Mapping.fields.contains(a) else { throw ValidationError("--rename-field: '\(a)' is not a field; fields: \(Mapping.fields.sorted().joined(separator: ", "))") }
            m.renameFields[a] = b
        }
        for d in list(dropField) {
            guard Mapping.fields.contains(d), d != "id" else { throw ValidationError("--drop-field: '\(d)' is not a field that can be dropped") }
            m.dropFields.insert(d)
        }
        for (a, b) in try pairs(constant, "--constant") { m.constants[a] = b }
        for (a, b) in try pairs(renameLabel, "--rename-label") { m.labelRename[a] = b }
        for d in list(dropLabel) { m.labelDrop.insert(d) }
        for (t, src) in try pairs(mergeLabels, "--merge-labels") { m.labelMerge[t] = list([src]) }
        if let category {
            guard let c = Mapping.Category(rawValue: category) else { throw ValidationError("--category must be space or top-ancestor") }
            m.category = c
        }
        if let author {
            guard let a = Mapping.Author(rawValue: author) else { throw ValidationError("--author must be username or display-name") }
            m.author = a
        }
        for (f, p) in try pairs(property, "--property") { m.properties[f] = p }
    }
}

struct PermissionFlags: ParsableArguments {
    @Option(help: "Map a Confluence group to a KM role: GROUP=ROLE (repeatable). An unmapped group never grants access.")
    var role: [String] = []
    @Flag(help: "Exit 1 when a group that grants access has no role.") var strictPermissions = false
    @Flag(help: "Several exports: their sites share one user directory, so users and groups of the same name are one subject (default: each export's own, named NAME@EXPORT).")
    var sharedDirectory = false
    @Option(help: "Spaces whose permissions the export does not hold: restricted (default) or open.")
    var spaceWithoutPermissions: String?

    func apply(_ p: inout PermissionOptions) throws {
        for (g, r) in try pairs(role, "--role") { p.roles[g] = r }
        if strictPermissions { p.strict = true }
        if sharedDirectory { p.sharedDirectory = true }
        if let spaceWithoutPermissions {
            guard let v = PermissionOptions.SpaceDefault(rawValue: spaceWithoutPermissions) else {
                throw ValidationError("--space-without-permissions must be restricted or open")
            }
            p.spaceWithoutPermissions = v
        }
    }
}

import Foundation
