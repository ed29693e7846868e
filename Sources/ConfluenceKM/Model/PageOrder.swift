/// Confluence's order of sibling pages, the one order every list of pages follows (children and pagetree lists,
/// the preview's index, the MkDocs nav): position first (pages without one after those with one), then title,
/// then id.
public enum PageOrder {
    public static func less(_ a: (position: Int?, title: String, id: String), _ b: (position: Int?, title: String, id: String)) -> Bool {
        less(a.position, a.title, b.position, b.title) ?? IDOrder.less(a.id, b.id)
    }

    /// The order by position and title alone; nil when both are the same (then the ids decide).
    static func less(_ p: Int?, _ t: String, _ q: Int?, _ u: String) -> Bool? {
        switch (p, q) {
        case let (x?, y?) where x != y: return x < y
        case (.some, nil): return true
        case (nil, .some): return false
        default: return t != u ? t < u : nil
        }
    }
}
