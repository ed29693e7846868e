/// `info`, `tip`, `note`, `warning` → GFM alerts; `panel` → a blockquote with its title.
enum PanelMacro: MacroConverter {
    static let names = ["info", "tip", "note", "warning", "panel", "success", "error"]
    static let kinds: [String: PanelKind] = [
        "info": .note, "tip": .tip, "success": .tip, "note": .warning, "warning": .caution, "error": .caution,
    ]

    static func convert(_ m: Macro, in reader: StorageReader) -> [Piece] {
        let body = reader.body(m)
        if let kind = kinds[m.name] {
            let title = m.parameter("title").map { [Inline.text($0)] } ?? []
            return [.block(.panel(kind: kind, title: title, blocks: body))]
        }
        var inner: [Block] = []
        if let title = m.parameter("title") { inner.append(.paragraph([.strong([.text(title)])])) }
        inner.append(contentsOf: body)
        return [.block(.blockQuote(inner))]
    }
}

extension StorageReader {
    /// The converted rich-text body of a macro.
    func body(_ m: Macro) -> [Block] {
        m.richBody.map { blocks(from: $0.children.flatMap(convert)) } ?? []
    }
}
