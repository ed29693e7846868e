/// Filters and role mappings that name something absent from the export. A filter that matches nothing would
/// otherwise silently widen the result (an unknown subtree kept every space) or empty it (`--spaces space1` when
/// the key is `SPACE1`): each is an error with the closest existing names, or with `--allow-unmatched` a warning
/// (`unmatched-filter`).
public struct Unmatched: Sendable, Equatable {
    public var option: String
    public var value: String
    public var suggestions: [String]

    public var message: String {
        let hint = suggestions.isEmpty ? "" : " (did you mean \(suggestions.map { "'\(Diagnostic.shown($0, limit: 60))'" }.joined(separator: ", "))?)"
        return "\(option) '\(Diagnostic.shown(value, limit: 80))' matches nothing in the export\(hint)"
    }

    /// The names closest to `value`: the same ignoring case first, then by edit distance (at most 3 names).
    static func suggestions(for value: String, among names: [String]) -> [String] {
        let lower = value.lowercased()
        let same = names.filter { $0.lowercased() == lower }
        if !same.isEmpty { return Array(same.sorted().prefix(3)) }
        let scored = names.map { ($0, distance(lower, $0.lowercased())) }
            .filter { $0.1 <= max(2, value.count / 2) }
            .sorted { ($0.1, $0.0) < ($1.1, $1.0) }
        return scored.prefix(3).map(\.0)
    }

    /// Levenshtein distance, bounded to names of a sane length.
    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a.prefix(200)), b = Array(b.prefix(200))
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = previous
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }

    /// Everything the options name that the export does not hold.
    static func find(index: ExportIndex, options: ConvertOptions, subtreeResolved: (String) -> Bool) -> [Unmatched] {
        var out: [Unmatched] = []
        let f = options.filters
        let keys = index.spaces.values.map(\.key)
        for (option, values) in [("--spaces", f.spacesInclude), ("--exclude-spaces", f.spacesExclude)] {
            for v in values where !keys.contains(v) {
                out.append(Unmatched(option: option, value: v, suggestions: suggestions(for: v, among: keys)))
            }
        }
        let labels = Set(index.labels.values.filter { $0.namespace == "global" }.map(\.name))
        for (option, values) in [("--labels-any", f.labelsAny), ("--labels-all", f.labelsAll), ("--labels-exclude", f.labelsExclude)] {
            for v in values where !labels.contains(v) {
                out.append(Unmatched(option: option, value: v, suggestions: suggestions(for: v, among: Array(labels))))
            }
        }
        // The top pages (suggestions for a subtree), listed only when a subtree names nothing.
        lazy var tops = index.contents.values.filter { $0.kind != .blogpost && $0.status == "current" && ($0.parentId == nil || index.contents[$0.parentId!] == nil) }
            .compactMap { c in c.spaceId.flatMap { index.spaces[$0] }.map { "\($0.key)/\(c.title)" } }
        for (option, values) in [("--subtree", f.subtreesInclude), ("--exclude-subtree", f.subtreesExclude)] {
            for v in values where !subtreeResolved(v) {
                out.append(Unmatched(option: option, value: v, suggestions: suggestions(for: v, among: tops)))
            }
        }
        // Label renames and merges that name no label would silently do nothing.
        for old in options.mapping.labelRename.keys.sorted() where !labels.contains(old) {
            out.append(Unmatched(option: "--rename-label", value: old, suggestions: suggestions(for: old, among: Array(labels))))
        }
        for target in options.mapping.labelMerge.keys.sorted() {
            // A merge may take a label by the name a rename gives it.
            let renamed = Set(options.mapping.labelRename.values)
            for source in options.mapping.labelMerge[target] ?? [] where !labels.contains(source) && !renamed.contains(source) {
                out.append(Unmatched(option: "--merge-labels", value: source, suggestions: suggestions(for: source, among: Array(labels))))
            }
        }
        let groups = index.knownGroups
        for g in options.permissions.roles.keys.sorted() where !groups.contains(g) {
            out.append(Unmatched(option: "--role", value: g, suggestions: suggestions(for: g, among: Array(groups))))
        }
        return out.sorted { ($0.option, $0.value) < ($1.option, $1.value) }
    }
}
