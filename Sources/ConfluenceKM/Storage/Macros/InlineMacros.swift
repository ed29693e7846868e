/// `status` → a bold lozenge text `[TITLE]`.
enum StatusMacro: MacroConverter {
    static let names = ["status"]

    static func convert(_ m: Macro, in reader: StorageReader) -> [Piece] {
        [.inline(.status(text: m.parameter("title") ?? "", colour: m.parameter("colour", "color")))]
    }
}

/// `anchor` → an HTML anchor that links with `#name` reach.
enum AnchorMacro: MacroConverter {
    static let names = ["anchor"]

    static func convert(_ m: Macro, in reader: StorageReader) -> [Piece] {
        [.inline(.anchor(m.parameter("", "0", "name") ?? m.parameters.sorted { $0.key < $1.key }.first?.value ?? ""))]
    }
}

/// `jira` → a link to the issue when `--base-url`-style server URL is known from the macro, else the key as code.
enum JiraMacro: MacroConverter {
    static let names = ["jira", "jiraissues"]

    static func convert(_ m: Macro, in reader: StorageReader) -> [Piece] {
        guard let key = m.parameter("key") else {
            reader.diagnose(.unsupportedMacro, .warning, "macro 'jira' with a query (\(m.parameter("jqlQuery", "url") ?? "no key")) lists issues live from Jira; it is kept as text", once: "jira-query")
            if let q = m.parameter("jqlQuery") { return [.inline(.text("Jira issues: ")), .inline(.code(q))] }
            return []
        }
        if let server = m.parameter("serverUrl", "server-url"), let safe = reader.safeURL(server), safe.hasPrefix("http") {
            let base = safe.hasSuffix("/") ? String(safe.dropLast()) : safe
            return [.inline(.link(.url(base + "/browse/" + key), title: nil, [.text(key)]))]
        }
        return [.inline(.code(key))]
    }
}
