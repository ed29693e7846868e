/// `status` → a bold lozenge text `[TITLE]`.
enum StatusMacro: MacroConverter {
    static let names = ["status"]

    static func convert(_ m: Macro, in reader: StorageReader) -> [Piece] {
        let title = m.parameter("title") ?? m.parameter("colour", "color") ?? "status"
        return [.inline(.strong([.text("[" + title.uppercased() + "]")]))]
    }
}

/// `anchor` → an HTML anchor that links with `#name` reach.
enum AnchorMacro: MacroConverter {
    static let names = ["anchor"]

    static func convert(_ m: Macro, in reader: StorageReader) -> [Piece] {
        let slug = anchorSlug(m.parameter("", "0", "name") ?? m.parameters.values.first ?? "")
        return slug.isEmpty ? [] : [.inline(.rawHTML("<a id=\"\(slug)\"></a>"))]
    }
}

/// `jira` → a link to the issue when `--base-url`-style server URL is known from the macro, else the key as code.
enum JiraMacro: MacroConverter {
    static let names = ["jira", "jiraissues"]

    static func convert(_ m: Macro, in reader: StorageReader) -> [Piece] {
        guard let key = m.parameter("key") else {
            reader.diagnose("unsupported-macro", .warning, "macro 'jira' with a query (\(m.parameter("jqlQuery", "url") ?? "no key")) lists issues live from Jira; it is kept as text", once: "jira-query")
            if let q = m.parameter("jqlQuery") { return [.inline(.text("Jira issues: ")), .inline(.code(q))] }
            return []
        }
        if let server = m.parameter("serverUrl", "server-url"), let safe = reader.safeURL(server), safe.hasPrefix("http") {
            let base = safe.hasSuffix("/") ? String(safe.dropLast()) : safe
            return [.inline(.link(destination: base + "/browse/" + key, title: nil, [.text(key)]))]
        }
        return [.inline(.code(key))]
    }
}
