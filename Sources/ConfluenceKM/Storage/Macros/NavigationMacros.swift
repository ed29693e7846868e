/// `toc` → a nested list of links to the page's headings (filled in by ``TableOfContentsPass``).
enum TocMacro: MacroConverter {
    static let names = ["toc", "toc-zone"]

    static func convert(_ m: Macro, in reader: StorageReader) -> [Piece] {
        let minLevel = Int(m.parameter("minLevel") ?? "") ?? 1
        let maxLevel = Int(m.parameter("maxLevel") ?? "") ?? 6
        reader.features.insert(.tableOfContents)
        var out: [Piece] = [.block(.generated(.toc(minLevel: minLevel, maxLevel: maxLevel)))]
        if m.name == "toc-zone", let rich = m.richBody { out += rich.children.flatMap(reader.convert) }
        return out
    }
}

/// `children` and `pagetree` → a list of links to the child articles of a page (filled in by ``ResolvePass``
/// from the export's page tree).
enum ChildrenMacro: MacroConverter {
    static let names = ["children", "pagetree"]

    static func convert(_ m: Macro, in reader: StorageReader) -> [Piece] {
        reader.features.insert(.references)
        if m.name == "pagetree" {
            // pagetree: the tree from its root (the space home by default) down to startDepth levels (all, unset).
            let depth = Int(m.parameter("startDepth", "startdepth") ?? "").map { min(max(1, $0), 6) } ?? 6
            let root: TreeRoot
            switch m.parameter("root", "") {
            case nil, "@home"?: root = .home
            case "@parent"?: root = .parent
            case "@self"?: root = .page(.current)
            case "@none"?: root = .spaceRoots
            case let title?: root = .page(.title(space: m.parameters["root@space"] ?? m.parameters["@space"], title: title, blogPost: false))
            }
            return [.block(.generated(.children(root: root, depth: depth)))]
        }
        let depth = m.parameter("all") == "true" ? 6 : max(1, Int(m.parameter("depth") ?? "") ?? 1)
        var root = TreeRoot.page(.current)
        if let title = m.parameter("page", "root"), !title.hasPrefix("@") {
            root = .page(.title(space: m.parameters["page@space"], title: title, blogPost: false))
        }
        return [.block(.generated(.children(root: root, depth: depth)))]
    }
}

/// `include` and `excerpt-include` → the other page's content (expanded by ``IncludePass``), or a link to it when
/// it is not available.
enum IncludeMacro: MacroConverter {
    static let names = ["include", "excerpt-include"]

    static func convert(_ m: Macro, in reader: StorageReader) -> [Piece] {
        let title = m.parameter("", "0", "page", "default-parameter") ?? ""
        let space = m.parameters["@space"] ?? m.parameters["page@space"] ?? m.parameters["0@space"]
        reader.features.insert(.includes)
        return [.block(.generated(.include(.title(space: space, title: title, blogPost: false), excerptOnly: m.name == "excerpt-include")))]
    }
}
