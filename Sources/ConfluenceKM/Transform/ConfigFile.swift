import Foundation
import Yams

/// A configuration error: names the file, line, key and what is allowed. The CLI exits 64 on it.
public struct ConfigError: Error, CustomStringConvertible, Sendable {
    public var description: String
}

/// `--config km.yaml`: every setting of a conversion; CLI flags override it. README lists every key.
public enum ConfigFile {
    static let topKeys = ["timezone", "include-archived", "allow-unmatched", "keep-secrets", "tables", "base-url", "source-urls", "macros", "users", "front-matter", "layout", "flavor", "jobs",
                          "exports", "prefer", "filters", "mapping", "permissions", "limits"]
    static let filterKeys = ["types", "labels", "created-after", "modified-after", "modified-before", "spaces",
                             "personal-spaces", "subtrees", "attachments"]
    static let mappingKeys = ["fields", "labels", "category", "author", "properties"]
    static let permissionKeys = ["roles", "strict", "space-without-permissions", "shared-directory"]

    /// Applies the file onto `options`; relative paths (users) are resolved against the file's folder.
    public static func apply(_ path: String, to options: inout ConvertOptions) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigError(description: "\(path): cannot read the --config file")
        }
        let text = String(decoding: data, as: UTF8.self)
        let node: Node?
        do {
            node = try Yams.compose(yaml: text)
        } catch {
            throw ConfigError(description: "\(path): not valid YAML: \(error)".replacingOccurrences(of: "\n", with: " "))
        }
        guard let root = node else { return }
        let r = Reader(path: path)
        let top = try r.mapping(root, "the file")
        for (key, value) in top {
            switch key.name {
            case "timezone":
                let z = try r.string(value, key.name)
                guard let tz = TimeZone(identifier: z) else { throw r.error(value, key.name, "a time zone such as UTC or Europe/Berlin") }
                options.timeZone = tz
            case "include-archived": options.includeArchived = try r.bool(value, key.name)
            case "allow-unmatched": options.allowUnmatched = try r.bool(value, key.name)
            case "keep-secrets": options.conversion.keepSecrets = try r.bool(value, key.name)
            case "tables": options.conversion.tables = try r.choice(value, key.name, ConversionSettings.TableMode.self)
            case "base-url":
                let u = try r.string(value, key.name)
                guard u.hasPrefix("http://") || u.hasPrefix("https://") else { throw r.error(value, key.name, "an http(s) URL") }
                options.conversion.baseURL = u.hasSuffix("/") ? String(u.dropLast()) : u
            case "source-urls":
                for u in try r.strings(value, key.name) {
                    guard u.hasPrefix("http://") || u.hasPrefix("https://") else { throw r.error(value, key.name, "http(s) URLs") }
                    options.conversion.sourceURLs.append(u.hasSuffix("/") ? String(u.dropLast()) : u)
                }
            case "macros":
                for (m, p) in try r.mapping(value, key.name) {
                    options.conversion.macros[m.name.lowercased()] = try r.choice(p, "macros.\(m.name)", ConversionSettings.MacroPolicy.self)
                }
            case "users":
                let file = try r.string(value, key.name)
                let resolved = file.hasPrefix("/") ? file : URL(fileURLWithPath: path).deletingLastPathComponent().appendingPathComponent(file).path
                options.userNames = try UserDirectory.load(resolved)
            case "front-matter": options.frontMatter = try r.choice(value, key.name, FrontMatter.self)
            case "exports":
                // Relative to the file's folder, like `users`.
                options.exports = try r.strings(value, key.name).map {
                    $0.hasPrefix("/") ? $0 : URL(fileURLWithPath: path).deletingLastPathComponent().appendingPathComponent($0).path
                }
            case "prefer": options.preferNewest = try r.choice(value, key.name, ConvertOptions.Preference.self) == .newest
            case "layout": options.layout = try r.choice(value, key.name, Layout.self)
            case "flavor": options.conversion.flavor = try r.choice(value, key.name, Flavor.self)
            case "jobs":
                let j = try r.int(value, key.name)
                guard (1...256).contains(j) else { throw r.error(value, key.name, "a number from 1 to 256") }
                options.jobs = j
            case "filters": try filters(value, r, &options.filters)
            case "mapping": try mapping(value, r, &options.mapping)
            case "permissions": try permissions(value, r, &options.permissions)
            case "limits":
                for (lk, lv) in try r.mapping(value, "limits") {
                    let k = "limits." + lk.name
                    switch lk.name {
                    case "total-bytes": options.limits.maxTotalBytes = Int64(try r.positive(lv, k))
                    case "entry-bytes": options.limits.maxEntryBytes = Int64(try r.positive(lv, k))
                    case "entries": options.limits.maxEntries = try r.positive(lv, k)
                    case "ratio": options.limits.maxRatio = Double(try r.positive(lv, k))
                    case "body-bytes": options.limits.maxBodyBytes = try r.positive(lv, k)
                    default: throw r.unknown(lk, "limits.", ["total-bytes", "entry-bytes", "entries", "ratio", "body-bytes"])
                    }
                }
            default: throw r.unknown(key, "", topKeys)
            }
        }
    }

    static func filters(_ node: Node, _ r: Reader, _ f: inout Filters) throws {
        for (key, value) in try r.mapping(node, "filters") {
            let k = "filters." + key.name
            switch key.name {
            case "types":
                f.types = Set(try r.strings(value, k).map { s -> Filters.ContentType in
                    guard let t = Filters.ContentType(rawValue: s) else { throw r.error(value, k, Filters.ContentType.allCases.map(\.rawValue).joined(separator: ", ")) }
                    return t
                })
            case "labels":
                for (lk, lv) in try r.mapping(value, k) {
                    switch lk.name {
                    case "any": f.labelsAny = try r.strings(lv, k + ".any")
                    case "all": f.labelsAll = try r.strings(lv, k + ".all")
                    case "exclude": f.labelsExclude = try r.strings(lv, k + ".exclude")
                    default: throw r.unknown(lk, k + ".", ["any", "all", "exclude"])
                    }
                }
            case "created-after", "modified-after", "modified-before":
                guard let d = Filters.normalizeDate(try r.string(value, k)) else { throw r.error(value, k, "a date such as 2023-01-31 or 2023-01-31T08:00:00Z") }
                if key.name == "created-after" { f.createdAfter = d } else if key.name == "modified-after" { f.modifiedAfter = d } else { f.modifiedBefore = d }
            case "spaces", "subtrees":
                for (sk, sv) in try r.mapping(value, k) {
                    switch (key.name, sk.name) {
                    case ("spaces", "include"): f.spacesInclude = try r.strings(sv, k + ".include")
                    case ("spaces", "exclude"): f.spacesExclude = try r.strings(sv, k + ".exclude")
                    case ("subtrees", "include"): f.subtreesInclude = try r.strings(sv, k + ".include")
                    case ("subtrees", "exclude"): f.subtreesExclude = try r.strings(sv, k + ".exclude")
                    default: throw r.unknown(sk, k + ".", ["include", "exclude"])
                    }
                }
            case "personal-spaces": f.personalSpaces = try r.bool(value, k)
            case "attachments":
                for (ak, av) in try r.mapping(value, k) {
                    switch ak.name {
                    case "mode": f.attachments = try r.choice(av, k + ".mode", Filters.AttachmentMode.self)
                    case "media-types": f.attachmentTypes = try r.strings(av, k + ".media-types")
                    case "max-bytes": f.attachmentMaxBytes = Int64(try r.int(av, k + ".max-bytes"))
                    default: throw r.unknown(ak, k + ".", ["mode", "media-types", "max-bytes"])
                    }
                }
            default: throw r.unknown(key, "filters.", filterKeys)
            }
        }
    }

    static func mapping(_ node: Node, _ r: Reader, _ m: inout Mapping) throws {
        for (key, value) in try r.mapping(node, "mapping") {
            let k = "mapping." + key.name
            switch key.name {
            case "fields":
                for (fk, fv) in try r.mapping(value, k) {
                    switch fk.name {
                    case "rename":
                        for (from, to) in try r.mapping(fv, k + ".rename") {
                            guard Mapping.fields.contains(from.name) else { throw r.unknown(from, k + ".rename.", Mapping.fields.sorted()) }
                            m.renameFields[from.name] = try r.string(to, k + ".rename." + from.name)
                        }
                    case "drop":
                        for name in try r.strings(fv, k + ".drop") {
                            guard Mapping.fields.contains(name), name != "id" else {
                                throw r.error(fv, k + ".drop", "field names other than id: " + Mapping.fields.subtracting(["id"]).sorted().joined(separator: ", "))
                            }
                            m.dropFields.insert(name)
                        }
                    case "constants":
                        for (ck, cv) in try r.mapping(fv, k + ".constants") { m.constants[ck.name] = try r.string(cv, k + ".constants." + ck.name) }
                    default: throw r.unknown(fk, k + ".", ["rename", "drop", "constants"])
                    }
                }
            case "labels":
                for (lk, lv) in try r.mapping(value, k) {
                    switch lk.name {
                    case "rename": for (a, b) in try r.mapping(lv, k + ".rename") { m.labelRename[a.name] = try r.string(b, k + ".rename." + a.name) }
                    case "drop": m.labelDrop = Set(try r.strings(lv, k + ".drop"))
                    case "merge": for (t, src) in try r.mapping(lv, k + ".merge") { m.labelMerge[t.name] = try r.strings(src, k + ".merge." + t.name) }
                    default: throw r.unknown(lk, k + ".", ["rename", "drop", "merge"])
                    }
                }
            case "category": m.category = try r.choice(value, k, Mapping.Category.self)
            case "author": m.author = try r.choice(value, k, Mapping.Author.self)
            case "properties":
                for (f, p) in try r.mapping(value, k) { m.properties[f.name] = try r.string(p, k + "." + f.name) }
            default: throw r.unknown(key, "mapping.", mappingKeys)
            }
        }
    }

    static func permissions(_ node: Node, _ r: Reader, _ p: inout PermissionOptions) throws {
        for (key, value) in try r.mapping(node, "permissions") {
            let k = "permissions." + key.name
            switch key.name {
            case "roles": for (g, role) in try r.mapping(value, k) { p.roles[g.name] = try r.string(role, k + "." + g.name) }
            case "strict": p.strict = try r.bool(value, k)
            case "space-without-permissions": p.spaceWithoutPermissions = try r.choice(value, k, PermissionOptions.SpaceDefault.self)
            case "shared-directory": p.sharedDirectory = try r.bool(value, k)
            default: throw r.unknown(key, "permissions.", permissionKeys)
            }
        }
    }

    /// Typed reads of YAML nodes with errors that name the line and the key.
    struct Reader {
        let path: String
        struct Key { let name: String; let node: Node }

        func line(_ n: Node) -> Int { (n.mark?.line ?? 0) }

        func error(_ n: Node, _ key: String, _ allowed: String) -> ConfigError {
            ConfigError(description: "\(path):\(line(n)): '\(key)' must be \(allowed)")
        }

        func unknown(_ k: Key, _ prefix: String, _ allowed: [String]) -> ConfigError {
            ConfigError(description: "\(path):\(line(k.node)): unknown key '\(prefix)\(k.name)'; allowed: \(allowed.joined(separator: ", "))")
        }

        func mapping(_ n: Node, _ key: String) throws -> [(Key, Node)] {
            guard let m = n.mapping else { throw error(n, key, "a mapping of keys to values") }
            return try m.map { k, v in
                guard let s = k.scalar?.string else { throw error(k, key, "a mapping with plain keys") }
                return (Key(name: s, node: k), v)
            }
        }

        func string(_ n: Node, _ key: String) throws -> String {
            guard let s = n.scalar?.string else { throw error(n, key, "a text value") }
            return s
        }

        func strings(_ n: Node, _ key: String) throws -> [String] {
            if let s = n.scalar?.string { return [s] }
            guard let seq = n.sequence else { throw error(n, key, "a list of text values") }
            return try seq.map { try string($0, key) }
        }

        func bool(_ n: Node, _ key: String) throws -> Bool {
            switch n.scalar?.string.lowercased() {
            case "true", "yes", "on": return true
            case "false", "no", "off": return false
            default: throw error(n, key, "true or false")
            }
        }

        func int(_ n: Node, _ key: String) throws -> Int {
            guard let s = n.scalar?.string, let i = Int(s) else { throw error(n, key, "a whole number") }
            return i
        }

        /// A limit: a whole number of at least 1.
        func positive(_ n: Node, _ key: String) throws -> Int {
            guard let s = n.scalar?.string, let i = Int(s), i >= 1 else { throw error(n, key, "a whole number of at least 1") }
            return i
        }

        func choice<T: RawRepresentable & CaseIterable>(_ n: Node, _ key: String, _ type: T.Type) throws -> T where T.RawValue == String {
            guard let s = n.scalar?.string, let v = T(rawValue: s) else {
                throw error(n, key, "one of " + T.allCases.map(\.rawValue).joined(separator: ", "))
            }
            return v
        }
    }
}
