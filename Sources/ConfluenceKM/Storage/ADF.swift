/// Cloud's `ac:adf-extension`: known ADF nodes (panels, decision lists) convert; anything else uses its
/// `ac:adf-fallback`, which Confluence writes for exactly that purpose.
extension StorageReader {
    func adfExtension(_ node: XNode) -> [Piece] {
        if let adf = node.child("ac:adf-node") {
            switch adf.attr("type") ?? "" {
            case "panel":
                let panelType = adfAttribute(adf, "panel-type") ?? "info"
                let kind: PanelKind = ["info": .info, "note": .note, "tip": .tip, "success": .success, "warning": .warning,
                                       "error": .error, "custom": .note][panelType] ?? .note
                let content = adf.child("ac:adf-content").map { blocks(from: $0.children.flatMap(convert)) } ?? []
                return [.block(.panel(Panel(kind: kind, blocks: content)))]
            case "decision-list":
                var items: [ListItem] = []
                for item in adf.elementChildren where item.name == "ac:adf-node" && item.attr("type") == "decision-item" {
                    let state = adfAttribute(item, "state") ?? "DECIDED"
                    let content = item.child("ac:adf-content").map { inlines($0.children) } ?? []
                    let mark: Inline = .text(state.uppercased() == "DECIDED" ? "✔ Decision: " : "Undecided: ")
                    items.append(ListItem(blocks: [.paragraph(trimInlines([mark] + content))]))
                }
                return [.block(.list(List(ordered: false, items: items)))]
            default:
                break
            }
        }
        if let fallback = node.child("ac:adf-fallback") {
            return fallback.children.flatMap(convert)
        }
        diagnose(.unsupportedElement, .warning, "an ADF extension without a fallback is dropped", once: "adf")
        return []
    }

    private func adfAttribute(_ node: XNode, _ key: String) -> String? {
        node.elementChildren.first { $0.name == "ac:adf-attribute" && $0.attr("key") == key }?.textContent
    }
}
