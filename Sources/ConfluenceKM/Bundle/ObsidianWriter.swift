/// Obsidian's callouts: `> [!info] Title` for panels (kinds by meaning: a red error box is `danger`), and a folded
/// callout `> [!note]- Summary` for an expand, which Obsidian shows closed until clicked.
struct ObsidianHooks: MarkdownHooks {
    func panel(_ kind: PanelKind, title: String, plainTitle: String, body: [String]) -> [String] {
        quoted("[!\(kind.calloutName)]" + (title.isEmpty ? "" : " " + title), body)
    }

    func details(summary: String, plainSummary: String, body: [String]) -> [String] {
        quoted("[!note]- " + (summary.isEmpty ? "Details" : summary), body)
    }

    private func quoted(_ head: String, _ body: [String]) -> [String] {
        ([head] + body).map { $0.isEmpty ? ">" : "> " + $0 }
    }

    // Obsidian's own syntax in text: `[[link]]` and `![[embed]]`, `%%comment%%`, `==highlight==`, `$math$`. Each is
    // broken at its first character by a character reference, which every Markdown renderer reads as that
    // character and never as the start of markup.
    var specialBytes: Set<UInt8> { Self.special }
    private static let special: Set<UInt8> = [UInt8(ascii: "%"), UInt8(ascii: "="), UInt8(ascii: "$")]

    func escape(_ c: Unicode.Scalar, next: Unicode.Scalar?) -> String? {
        switch c {
        case "[" where next == "[": return "&#91;"
        case "%" where next == "%": return "&#37;"
        case "=" where next == "=": return "&#61;"
        case "$": return "&#36;"
        default: return nil
        }
    }
}

extension PanelKind {
    /// The callout (Obsidian) or admonition (MkDocs Material) type of a panel: both name them alike — a red error
    /// box is `danger`, a panel with no meaning of its own a `quote`.
    var calloutName: String {
        switch self {
        case .info: "info"
        case .note: "note"
        case .tip: "tip"
        case .success: "success"
        case .warning: "warning"
        case .error: "danger"
        case .plain: "quote"
        }
    }
}
