/// Walks up a parent relation (the raw page tree of an export, or the tree of kept pages) without recursion,
/// each node at most once per question: answers are memoized along the path walked, so asking for every page of a
/// 20,000-deep chain costs linear time, and a parent cycle ends the walk instead of looping.
struct TreeWalk {
    let parent: (String) -> String?
    private var nearestMemo: [String: String] = [:]
    private var noneMemo: Set<String> = []

    init(parent: @escaping (String) -> String?) { self.parent = parent }

    /// The nearest node at or above `id` for which `test` holds (memoized: `test` must not change between calls).
    mutating func nearest(_ id: String, where test: (String) -> Bool) -> String? {
        var path: [String] = []
        var seen: Set<String> = []
        var cur: String? = id
        var found: String?
        while let c = cur {
            if let m = nearestMemo[c] { found = m; break }
            if noneMemo.contains(c) { break }
            if !seen.insert(c).inserted { break }  // a cycle: nothing above
            if test(c) { found = c; break }
            path.append(c)
            cur = parent(c)
        }
        for p in path {
            if let found { nearestMemo[p] = found } else { noneMemo.insert(p) }
        }
        if let found { nearestMemo[found] = found }
        return found
    }

    /// For each node, the nodes at or above it that `marked` selects, root first, at most `limit` of them (nil
    /// when there are more). Memoized per node; a cycle counts each node once.
    struct Marked {
        private var memo: [String: [String]?] = [:]
        let limit: Int

        init(limit: Int) { self.limit = limit }

        mutating func list(_ id: String, parent: (String) -> String?, marked: (String) -> Bool) -> [String]? {
            var path: [String] = []
            var seen: Set<String> = []
            var cur: String? = id
            var base: [String]? = []
            while let c = cur {
                if let m = memo[c] { base = m; break }
                if !seen.insert(c).inserted { break }
                path.append(c)
                cur = parent(c)
            }
            for p in path.reversed() {
                if var b = base, marked(p) {
                    b.append(p)
                    base = b.count > limit ? nil : b
                }
                memo[p] = .some(base)
            }
            return memo[id] ?? base
        }
    }
}
