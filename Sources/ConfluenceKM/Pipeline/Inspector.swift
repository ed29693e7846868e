import Foundation

/// `confluence-km inspect`: what an export holds, from its metadata (one pass; bodies are only scanned for macro
/// names, and only those of current content).
public struct InspectReport: Codable, Sendable {
    public struct Space: Codable, Sendable {
        public var key: String
        public var name: String
        public var type: String?
        public var pages: Int
        public var blogposts: Int
        public var attachments: Int
        public var comments: Int
    }
    public struct Count: Codable, Sendable {
        public var name: String
        public var count: Int
    }
    public struct Macro: Codable, Sendable {
        public var name: String
        public var count: Int
        /// `converted`, `dropped` (content computed by Confluence at view time) or `kept-raw` (not converted).
        public var outcome: String
    }
    public var format: String
    public var source: String
    public var exportType: String?
    public var buildNumber: String?
    public var version: String?
    /// Several exports inspected together (as `convert` would merge them): each one's header, in the order given;
    /// the fields above are then the first one's. Absent for one export.
    public var exports: [Export]?
    public var spaces: [Space]
    public var counts: [String: Int]
    public var labels: [Count]
    public var macros: [Macro]
    public var users: Int
    public var groups: Int
    public var restrictions: [String: Int]
    public var cloudOnly: [Count]
    public var sizes: [String: Int64]
    /// Every group the export knows (defined, or named by a permission), for writing `--role` values.
    public var groupDetails: [Group]
    /// The top of each space's page tree, for writing `--spaces` and `--subtree` values.
    public var pageTrees: [PageTree]

    public struct Group: Codable, Sendable {
        public var name: String
        public var users: Int
        /// Spaces whose VIEWSPACE permission names the group.
        public var viewSpaces: [String]
        /// Page restrictions that name the group.
        public var restrictions: Int
    }
    public struct Export: Codable, Sendable {
        /// The export's file name (numbered when two share one), never its path.
        public var name: String
        public var format: String
        public var source: String
        public var exportType: String?
        public var buildNumber: String?
        public var version: String?

        init(name: String, descriptor d: [String: String], csv: Bool) {
            self.name = name
            format = csv ? "csv" : "xml"
            source = d["source"] == "cloud" ? "cloud" : "server"
            exportType = d["exportType"]
            buildNumber = d["buildNumber"] ?? d["createdByBuildNumber"]
            version = d["createdByVersionNumber"]
        }

        var line: String { Self.line(format, source, exportType, buildNumber, version) }

        static func line(_ format: String, _ source: String, _ exportType: String?, _ buildNumber: String?, _ version: String?) -> String {
            "format: \(format) (\(source)), export type: \(exportType ?? "?"), build \(buildNumber ?? "?")\(version.map { ", version \($0)" } ?? "")"
        }
    }
    public struct PageTree: Codable, Sendable {
        public var space: String
        /// `SPACEKEY/Title` of each top-level current page (a `--subtree` value), at most 25.
        public var top: [String]
        public var more: Int
    }

    /// A commented YAML configuration prefilled with the export's spaces, page trees and groups.
    public func configTemplate() -> String {
        // Every value and every name in a comment goes through the one YAML emitter: a newline in a space or group
        // name once became live YAML (a role granted, keep-secrets turned on) when the template was used unedited.
        let q = YAMLText.quoted
        var out = "# confluence-km configuration, written by `inspect --config-template` for "
            + (exports.map { "these exports: " + $0.map { q($0.name) }.joined(separator: ", ") } ?? "this export") + ".\n"
        out += "# Every value below exists in the export. Uncomment a section's header lines and the entries you want;\n"
        out += "# as written, the file changes nothing but the defaults it states.\n"
        out += "# filters:\n#   spaces:\n#     include:\n"
        for s in spaces { out += "#       - \(q(s.key))    # \(q(s.name)): \(s.pages) pages, \(s.blogposts) blog posts\n" }
        out += "#   subtrees:\n#     include:\n"
        for t in pageTrees {
            for p in t.top { out += "#       - \(q(p))\n" }
            if t.more > 0 { out += "#       # (\(t.more) more top-level pages in \(q(t.space)))\n" }
        }
        if !labels.isEmpty {
            out += "#   labels:\n#     any:\n"
            for l in labels.prefix(30) { out += "#       - \(q(l.name))    # \(l.count) pages\n" }
        }
        out += "permissions:\n"
        out += "  # Each group that grants access needs a KM role, or it grants nothing (fail closed).\n"
        out += "  # roles:\n"
        for g in groupDetails {
            let spacesText = g.viewSpaces.isEmpty ? "no space" : g.viewSpaces.map(q).joined(separator: ", ")
            out += "  #   \(q(g.name)): ROLE    # \(g.users) users; views \(spacesText); named by \(g.restrictions) restrictions\n"
        }
        out += "  strict: false\n  space-without-permissions: restricted\n"
        return out
    }

    public func json() throws -> String {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try e.encode(self), as: UTF8.self)
    }

    public func text() -> String {
        var out = ""
        if let exports {
            out += "exports: \(exports.count)\n"
            for e in exports { out += "  \(e.name): \(e.line)\n" }
        } else {
            out += Export.line(format, source, exportType, buildNumber, version) + "\n"
        }
        out += "spaces: \(spaces.count)\n"
        for s in spaces {
            out += "  \(s.key)  '\(s.name)'\(s.type.map { " (\($0))" } ?? ""): \(s.pages) pages, \(s.blogposts) blog posts, \(s.attachments) attachments, \(s.comments) comments\n"
        }
        out += "content: " + counts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ") + "\n"
        out += "labels: " + (labels.isEmpty ? "none" : labels.map { "\($0.name) (\($0.count))" }.joined(separator: ", ")) + "\n"
        out += "macros: " + (macros.isEmpty ? "none" : macros.map { "\($0.name) \($0.count)\($0.outcome == "converted" ? "" : " [\($0.outcome)]")" }.joined(separator: ", ")) + "\n"
        out += "users: \(users), groups: \(groups), restrictions: view \(restrictions["view"] ?? 0), edit \(restrictions["edit"] ?? 0)\n"
        for g in groupDetails {
            out += "  group '\(g.name)': \(g.users) users, views \(g.viewSpaces.isEmpty ? "no space" : g.viewSpaces.joined(separator: ", ")), named by \(g.restrictions) restrictions\n"
        }
        for t in pageTrees where !t.top.isEmpty {
            out += "  tree \(t.space): " + t.top.map { "'\($0)'" }.joined(separator: ", ") + (t.more > 0 ? " (+\(t.more))" : "") + "\n"
        }
        if !cloudOnly.isEmpty { out += "cloud-only content (not exportable): " + cloudOnly.map { "\($0.name) (\($0.count))" }.joined(separator: ", ") + "\n" }
        out += "sizes: " + sizes.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value) bytes" }.joined(separator: ", ") + "\n"
        return out
    }
}

extension Converter {
    public func inspect() throws -> InspectReport {
        let (index, spool) = try spooledIndex("inspect")
        var all = options
        all.includeArchived = true
        all.filters = Filters()
        let plan = ConversionPlan(index: index, options: all)

        var spaces: [String: InspectReport.Space] = [:]
        for s in index.spaces.values { spaces[s.id] = .init(key: s.key, name: s.name, type: s.type, pages: 0, blogposts: 0, attachments: 0, comments: 0) }
        for a in plan.articles.values where a.content.status != "archived" {
            guard let sid = a.content.spaceId ?? index.spaces.values.first(where: { $0.key == a.metadata.spaceKey })?.id else { continue }
            if a.content.kind == .blogpost { spaces[sid]?.blogposts += 1 } else { spaces[sid]?.pages += 1 }
            spaces[sid]?.attachments += a.attachments.count
        }
        for c in index.comments.values where !c.isHistorical && c.status == "current" {
            if let sid = index.contents[c.ownerId]?.spaceId { spaces[sid]?.comments += 1 }
        }
        var counts = plan.skipped
        counts["current"] = plan.articles.values.filter { $0.content.status != "archived" }.count
        counts["archived"] = plan.articles.values.filter { $0.content.status == "archived" }.count
        var labels: [String: Int] = [:]
        for (content, ls) in index.labellings where plan.articles[content] != nil {
            for l in ls { if let label = index.labels[l], label.namespace == "global" { labels[label.name, default: 0] += 1 } }
        }
        let macros = macroCensus(plan: plan, spool: spool, options: all)
        // Groups: defined ones and any a permission names, with the spaces they view and the restrictions naming them.
        var viewSpaces: [String: Set<String>] = [:]
        for p in index.spacePermissions.values {
            guard case .group(let g) = p.subject else { continue }
            if p.type == "VIEWSPACE", let sid = p.spaceId, let key = index.spaces[sid]?.key { viewSpaces[g, default: []].insert(key) }
        }
        var restrictionCount: [String: Int] = [:]
        for entries in index.permissions.values {
            for e in entries { if case .group(let g) = e.subject { restrictionCount[g, default: 0] += 1 } }
        }
        let groupDetails = index.knownGroups.sorted().map {
            InspectReport.Group(name: $0, users: index.groupMembers[$0]?.count ?? 0, viewSpaces: (viewSpaces[$0] ?? []).sorted(),
                                restrictions: restrictionCount[$0] ?? 0)
        }
        var tops: [String: [ContentInfo]] = [:]
        for c in index.contents.values where c.kind != .blogpost && c.status == "current" {
            if let p = c.parentId, index.contents[p] != nil { continue }
            if let sid = c.spaceId, let key = index.spaces[sid]?.key { tops[key, default: []].append(c) }
        }
        let pageTrees = index.spaces.values.map(\.key).sorted().map { key -> InspectReport.PageTree in
            let list = (tops[key] ?? []).sorted { ($0.position ?? Int.max, $0.title, $0.id) < ($1.position ?? Int.max, $1.title, $1.id) }
            return .init(space: key, top: list.prefix(25).map { "\(key)/\($0.title)" }, more: max(0, list.count - 25))
        }
        var restrictions = ["view": 0, "edit": 0]
        for set in index.permissionSets { restrictions[set.kind == .edit ? "edit" : "view", default: 0] += 1 }
        var cloudOnly: [String: Int] = [:]
        for u in index.unconverted where u.cloudOnly { cloudOnly[u.type.lowercased(), default: 0] += 1 }
        let exports = index.sources.map { InspectReport.Export(name: $0.name, descriptor: $0.descriptor, csv: $0.csv) }
        let head = exports.first ?? InspectReport.Export(name: exportPath, descriptor: index.descriptor, csv: index.sawCSV)
        // An unzipped export folder: the bytes of its files, not its inode; an archive: its size.
        let archives = exportPaths.filter { !ConversionError.isFolder($0) }
        var sizes: [String: Int64] = ["metadata": index.metadataBytes, "attachments": Checked.sum(index.attachmentFiles.values)]
        if archives.count < exportPaths.count { sizes["files"] = index.fileBytes }
        if !archives.isEmpty {
            sizes["archive"] = Checked.sum(archives.map { (try? FileManager.default.attributesOfItem(atPath: $0)[.size] as? Int64) ?? 0 })
        }
        return InspectReport(
            format: head.format, source: head.source, exportType: head.exportType, buildNumber: head.buildNumber, version: head.version,
            exports: exports.isEmpty ? nil : exports,
            spaces: spaces.values.sorted { $0.key < $1.key }, counts: counts,
            labels: labels.map { .init(name: $0.key, count: $0.value) }.sorted { ($1.count, $0.name) < ($0.count, $1.name) },
            macros: macros.map { m in
                let c = MacroRegistry.byName[m.key]
                return .init(name: m.key, count: m.value, outcome: c == nil ? "kept-raw" : c == DroppedMacro.self ? "dropped" : "converted")
            }
                .sorted { ($1.count, $0.name) < ($0.count, $1.name) },
            users: Set(index.users.values).union(index.displayNames.keys).count, groups: groupDetails.count,
            restrictions: restrictions, cloudOnly: cloudOnly.map { .init(name: $0.key, count: $0.value) }.sorted { $0.name < $1.name },
            sizes: sizes,
            groupDetails: groupDetails, pageTrees: pageTrees)
    }

    /// Macros by name over every current body, as the reader meets them (the one body pipeline: compressed
    /// bodies decoded, nested macros counted), on all cores.
    private func macroCensus(plan: ConversionPlan, spool: BodySpool, options: ConvertOptions) -> [String: Int] {
        let pipeline = plan.bodyPipeline(spool: spool, options: options)
        let articles = plan.bodyOwners.values.sorted().compactMap { plan.articles[$0] }
        let jobs = max(1, min(options.jobs, articles.count))
        final class Tally: @unchecked Sendable {
            let lock = NSLock()
            var macros: [String: Int] = [:]
        }
        let tally = Tally()
        DispatchQueue.concurrentPerform(iterations: jobs) { worker in
            var mine: [String: Int] = [:]
            for i in stride(from: worker, to: articles.count, by: jobs) {
                guard let body = articles[i].storedBody(spool) else { continue }
                let (document, _) = pipeline.read(body, log: DiagnosticLog(page: body.page))
                for (name, n) in document.macros { mine[name, default: 0] += n }
            }
            tally.lock.lock()
            for (name, n) in mine { tally.macros[name, default: 0] += n }
            tally.lock.unlock()
        }
        return tally.macros
    }
}
