/// Confluence's order of sibling pages, the one order every list of pages follows (children and pagetree lists,
/// the preview's index, the MkDocs nav): position first (pages without one after those with one), then title,
/// then id.
public enum PageOrder {
    public static func less(_ a: (position: Int?, title: String, id: String), _ b: (position: Int?, title: String, id: String)) -> Bool {
        switch (a.position, b.position) {
        case let (x?, y?) where x != y: return x < y
        case (.some, nil): return true
        case (nil, .some): return false
        default: return a.title != b.title ? a.title < b.title : IDOrder.less(a.id, b.id)
        }
    }
}
