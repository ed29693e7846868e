/// `toc` → a nested list of links to the page's headings (GitHub-style anchors).
enum TocMacro: MacroConverter {
    static let names = ["toc", "toc-zone"]

    static func convert(_ m: Macro, in reader: StorageReader) -> [Piece] {
        let minLevel = Int(m.parameter("minLevel") ?? "") ?? 1
        let maxLevel = Int(m.parameter("maxLevel") ?? "") ?? 6
        reader.pendingTOC.append((minLevel, maxLevel))
        var out: [Piece] = [.block(.raw(StorageReader.tocMarker(reader.pendingTOC.count - 1)))]
        if m.name == "toc-zone", let rich = m.richBody { out += rich.children.flatMap(reader.convert) }
        return out
    }
}

/// `children` and `pagetree` → a list of links to the page's child articles (from the export's page tree).
enum ChildrenMacro: MacroConverter {
    static let names = ["children", "pagetree"]

    static func convert(_ m: Macro, in reader: StorageReader) -> [Piece] {
        let depth = m.parameter("all") == "true" || m.name == "pagetree" ? 6 : max(1, Int(m.parameter("depth") ?? "") ?? 1)
        let root: String
        if let title = m.parameter("page", "root"), !title.hasPrefix("@"),
           let id = reader.targets.contentId(spaceKey: m.parameters["page@space"] ?? reader.page.spaceKey, title: title, blogPost: false) {
            root = id
        } else {
            root = reader.page.id
        }
        guard let list = childList(of: root, depth: depth, reader: reader) else { return [] }
        return [.block(.list(list))]
    }

    static func childList(of id: String, depth: Int, reader: StorageReader) -> List? {
        let kids = reader.targets.children(of: id)
        if kids.isEmpty || depth < 1 { return nil }
        let items = kids.compactMap { child -> ListItem? in
            guard let path = reader.targets.articlePath(id: child) else { return nil }
            var blocks: [Block] = [.paragraph([.link(destination: reader.relative(path), title: nil, [.text(reader.targets.title(of: child) ?? child)])])]
            if let sub = childList(of: child, depth: depth - 1, reader: reader) { blocks.append(.list(sub)) }
            return ListItem(blocks: blocks)
        }
        return List(ordered: false, items: items)
    }
}

/// `include` and `excerpt-include` → the other page's content, inlined from the export (see Converter's
/// third pass), or a link to it when it is not available.
enum IncludeMacro: MacroConverter {
    static let names = ["include", "excerpt-include"]

    static func convert(_ m: Macro, in reader: StorageReader) -> [Piece] {
        let title = m.parameter("", "0", "page", "default-parameter") ?? ""
        let space = m.parameters["@space"] ?? m.parameters["page@space"] ?? m.parameters["0@space"] ?? reader.page.spaceKey
        guard let id = reader.targets.contentId(spaceKey: space, title: title, blogPost: false)
                ?? reader.targets.contentId(spaceKey: space, title: title, blogPost: true) else {
            reader.diagnose("broken-link", .warning, "macro '\(m.name)' includes '\(title)' in space \(space), which is not in the bundle")
            return [.inline(.text(title))]
        }
        if let included = reader.included(id: id, excerptOnly: m.name == "excerpt-include") {
            return included.map { .block($0) }
        }
        let path = reader.targets.articlePath(id: id)!
        reader.diagnose("include-as-link", .info, "macro '\(m.name)' of '\(title)' is written as a link (the included content is not available)")
        return [.block(.paragraph([.link(destination: reader.relative(path), title: nil, [.text(title)])]))]
    }
}
