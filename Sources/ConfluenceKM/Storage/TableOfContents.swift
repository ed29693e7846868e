/// Builds the lists of `toc` macros once every heading of the page is known.
enum TableOfContents {
    static func resolve(_ blocks: [Block], tocs: [(minLevel: Int, maxLevel: Int)], reader: StorageReader) -> [Block] {
        var headings: [(level: Int, text: [Inline], slug: String)] = []
        var used: [String: Int] = [:]
        func collect(_ bs: [Block]) {
            for b in bs {
                switch b {
                case .heading(let level, let inlines):
                    var slug = anchorSlug(Inline.plainText(inlines))
                    if let n = used[slug] { used[slug] = n + 1; slug += "-\(n + 1)" } else { used[slug] = 0 }
                    headings.append((level, inlines, slug))
                case .container(let inner), .blockQuote(let inner), .panel(_, _, let inner), .details(_, let inner):
                    collect(inner)
                default: break
                }
            }
        }
        collect(blocks)
        func list(_ toc: (minLevel: Int, maxLevel: Int)) -> Block? {
            let hs = headings.filter { $0.level >= toc.minLevel && $0.level <= toc.maxLevel }
            guard !hs.isEmpty else { return nil }
            // Nest by level: each heading goes under the nearest preceding heading of a smaller level.
            func build(_ slice: ArraySlice<(level: Int, text: [Inline], slug: String)>) -> List {
                var items: [ListItem] = []
                var i = slice.startIndex
                while i < slice.endIndex {
                    let h = slice[i]
                    var j = i + 1
                    while j < slice.endIndex && slice[j].level > h.level { j += 1 }
                    var item = ListItem(blocks: [.paragraph([.link(destination: "#" + h.slug, title: nil, h.text)])])
                    if j > i + 1 { item.blocks.append(.list(build(slice[(i + 1)..<j]))) }
                    items.append(item)
                    i = j
                }
                return List(ordered: false, items: items)
            }
            return .list(build(hs[...]))
        }
        func replace(_ bs: [Block]) -> [Block] {
            bs.compactMap { b -> Block? in
                switch b {
                case .raw(let s) where s.hasPrefix("\u{0}toc:"):
                    let i = Int(s.dropFirst(5).dropLast()) ?? 0
                    return i < tocs.count ? list(tocs[i]) : nil
                case .container(let inner): return .container(replace(inner))
                case .details(let s, let inner): return .details(summary: s, blocks: replace(inner))
                case .panel(let k, let t, let inner): return .panel(kind: k, title: t, blocks: replace(inner))
                case .blockQuote(let inner): return .blockQuote(replace(inner))
                default: return b
                }
            }
        }
        return replace(blocks)
    }
}
