import Foundation

/// Confluence macros (`ac:structured-macro`, and `ac:macro` of 4.x exports) → the document model.
extension StorageReader {
    struct Macro {
        let name: String
        let parameters: [String: String]
        let richBody: XNode?
        let plainBody: String?
    }

    func parseMacro(_ node: XNode) -> Macro {
        var params: [String: String] = [:]
        for p in node.elementChildren where p.name == "ac:parameter" {
            let key = p.attr("ac:name") ?? ""
            // A parameter may hold a resource (ri:user, ri:page …) instead of text.
            if let r = p.elementChildren.first, r.name == "ri:user" {
                params[key] = userName(r)
            } else if let r = p.elementChildren.first, r.name.hasPrefix("ri:") {
                params[key] = r.attr("ri:content-title") ?? r.attr("ri:value") ?? r.attr("ri:space-key") ?? p.textContent
            } else {
                params[key] = p.textContent
            }
        }
        return Macro(
            name: (node.attr("ac:name") ?? "").lowercased(), parameters: params,
            richBody: node.child("ac:rich-text-body"), plainBody: node.child("ac:plain-text-body")?.textContent)
    }

    func macro(_ node: XNode) -> [Piece] {
        let m = parseMacro(node)
        func body() -> [Block] { m.richBody.map { blocks(from: $0.children.flatMap(convert)) } ?? [] }
        switch m.name {
        case "code", "code-block", "sourcecode":
            let language = (m.parameters["language"] ?? m.parameters["lang"]).map { $0.lowercased() }
            var out: [Piece] = []
            if let t = m.parameters["title"], !t.isEmpty { out.append(.block(.paragraph([.strong([.text(t)])]))) }
            out.append(.block(.codeBlock(language: language.flatMap { $0.isEmpty ? nil : $0 }, text: m.plainBody ?? "")))
            return out
        case "noformat", "preformatted":
            return [.block(.codeBlock(language: nil, text: m.plainBody ?? m.richBody?.textContent ?? ""))]
        case "info", "tip", "note", "warning":
            let kind: PanelKind = ["info": .note, "tip": .tip, "note": .warning, "warning": .caution][m.name]!
            let title = m.parameters["title"].map { [Inline.text($0)] } ?? []
            return [.block(.panel(kind: kind, title: title, blocks: body()))]
        case "panel":
            let title = m.parameters["title"].map { [Inline.strong([.text($0)])] } ?? []
            var inner: [Block] = []
            if !title.isEmpty { inner.append(.paragraph(title)) }
            inner.append(contentsOf: body())
            return [.block(.blockQuote(inner))]
        case "expand", "ui-expand":
            let title = m.parameters["title"].flatMap { $0.isEmpty ? nil : $0 } ?? "Click here to expand..."
            return [.block(.details(summary: [.text(title)], blocks: body()))]
        case "excerpt", "section", "column", "div", "span", "ui-tabs", "ui-tab", "details":
            if m.name == "excerpt", m.parameters["hidden"] == "true" { return [] }
            return m.richBody.map { $0.children.flatMap(convert) } ?? []
        case "status":
            let title = m.parameters["title"].flatMap { $0.isEmpty ? nil : $0 } ?? (m.parameters["colour"] ?? "status")
            return [.inline(.strong([.text("[" + title.uppercased() + "]")]))]
        case "anchor":
            let name = m.parameters[""] ?? m.parameters["0"] ?? m.parameters.values.first ?? ""
            let slug = anchorSlug(name)
            return slug.isEmpty ? [] : [.inline(.rawHTML("<a id=\"\(slug)\"></a>"))]
        case "children", "pagetree":
            return childrenList()
        case "jira":
            let key = m.parameters["key"] ?? ""
            if key.isEmpty {
                diagnose("unsupported-macro", .warning, "macro 'jira' with a query (not a single issue) is not converted", once: "jira-query")
                return []
            }
            return [.inline(.code(key))]
        default:
            return unsupported(m)
        }
    }

    /// An unknown macro: its body is kept (text or code), and a diagnostic names it.
    func unsupported(_ m: Macro) -> [Piece] {
        diagnose("unsupported-macro", .warning, "macro '\(m.name)' is not converted; \(m.richBody != nil || m.plainBody != nil ? "its body is kept" : "it had no body to keep")")
        if let rich = m.richBody { return rich.children.flatMap(convert) }
        if let plain = m.plainBody, !plain.isEmpty { return [.block(.codeBlock(language: nil, text: plain))] }
        return []
    }

    /// The `children` macro: a list of links to the page's child articles.
    func childrenList() -> [Piece] {
        let kids = targets.children(of: page.id)
        if kids.isEmpty { return [] }
        let items = kids.compactMap { id -> ListItem? in
            guard let path = targets.articlePath(id: id) else { return nil }
            return ListItem(blocks: [.paragraph([.link(destination: relative(path), title: nil, [.text(targets.title(of: id) ?? id)])])])
        }
        return [.block(.list(List(ordered: false, items: items)))]
    }

    /// Cloud's `ac:adf-extension`: a known node (panel, decision list) converts; otherwise its fallback does.
    func adfExtension(_ node: XNode) -> [Piece] {
        if let adf = node.child("ac:adf-node") {
            let type = adf.attr("type") ?? ""
            if type == "panel" {
                let panelType = adf.elementChildren.first { $0.name == "ac:adf-attribute" && $0.attr("key") == "panel-type" }?.textContent ?? "info"
                let kind: PanelKind = ["info": .note, "note": .note, "tip": .tip, "success": .tip, "warning": .warning, "error": .caution][panelType] ?? .note
                let content = adf.child("ac:adf-content").map { blocks(from: $0.children.flatMap(convert)) } ?? []
                return [.block(.panel(kind: kind, title: [], blocks: content))]
            }
        }
        if let fallback = node.child("ac:adf-fallback") {
            return fallback.children.flatMap(convert)
        }
        diagnose("unsupported-element", .warning, "an ADF extension without a fallback is dropped", once: "adf")
        return []
    }
}
