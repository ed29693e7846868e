/// `info`, `tip`, `note`, `warning`, `panel` → panels. Confluence's `note` macro draws a yellow warning box and its
/// `warning` macro a red one: the kinds say what the reader sees, not the macro's name.
enum PanelMacro: MacroConverter {
    static let names = ["info", "tip", "note", "warning", "panel", "success", "error"]
    static let kinds: [String: PanelKind] = [
        "info": .info, "tip": .tip, "success": .success, "note": .warning, "warning": .error, "error": .error, "panel": .plain,
    ]

    static func convert(_ m: Macro, in reader: StorageReader) -> [Piece] {
        let title = m.parameter("title").map { [Inline.text($0)] } ?? []
        return [.block(.panel(Panel(kind: kinds[m.name] ?? .plain, title: title, blocks: reader.body(m))))]
    }
}

extension StorageReader {
    /// The converted rich-text body of a macro.
    func body(_ m: Macro) -> [Block] {
        m.richBody.map { blocks(from: $0.children.flatMap(convert)) } ?? []
    }
}
