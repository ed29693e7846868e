/// Walks up a parent relation over page numbers (``PageTable``: the raw page tree of an export, or the tree of kept
/// pages; -1 is "no parent") without recursion, each node at most once per question: answers are memoized along
/// the path walked, so asking for every page of a 20,000-deep chain costs linear time, and a parent cycle ends the
/// walk instead of looping.
struct TreeWalk {
    let parent: [Int]
    /// Per node: -2 not asked yet, -1 nothing at or above it, otherwise the nearest node found.
    private var memo: [Int]
    private var visits: Visits

    init(parent: [Int]) {
        self.parent = parent
        memo = [Int](repeating: -2, count: parent.count)
        visits = Visits(count: parent.count)
    }

    /// The nearest node at or above `node` for which `test` holds (memoized: `test` must not change between calls).
    mutating func nearest(_ node: Int, where test: (Int) -> Bool) -> Int? {
        var path: [Int] = []
        visits.begin()
        var cur = node
        var found = -1
        while cur >= 0 {
            if memo[cur] != -2 { found = memo[cur]; break }
            if !visits.insert(cur) { break }  // a cycle: nothing above
            if test(cur) { found = cur; break }
            path.append(cur)
            cur = parent[cur]
        }
        for p in path { memo[p] = found }
        if found >= 0 { memo[found] = found }
        return found >= 0 ? found : nil
    }

    /// For each node, the nodes at or above it that `marked` selects, root first, at most `limit` of them (nil
    /// when there are more). Memoized per node; a cycle counts each node once.
    struct Marked {
        private var memo: [[Int]??]
        private var visits: Visits
        let limit: Int

        init(count: Int, limit: Int) {
            memo = Array(repeating: nil, count: count)
            visits = Visits(count: count)
            self.limit = limit
        }

        mutating func list(_ node: Int, parent: [Int], marked: [Bool]) -> [Int]? {
            var path: [Int] = []
            visits.begin()
            var cur = node
            var base: [Int]? = []
            while cur >= 0 {
                if let m = memo[cur] { base = m; break }
                if !visits.insert(cur) { break }
                path.append(cur)
                cur = parent[cur]
            }
            for p in path.reversed() {
                if var b = base, marked[p] {
                    b.append(p)
                    base = b.count > limit ? nil : b
                }
                memo[p] = .some(base)
            }
            return memo[node] ?? base
        }
    }

    /// The nodes met by one walk (a cycle check without a Set): a node is in when its stamp is the walk's.
    struct Visits {
        private var stamps: [UInt32]
        private var stamp: UInt32 = 0

        init(count: Int) { stamps = [UInt32](repeating: 0, count: count) }

        mutating func begin() {
            if stamp == .max { stamps = [UInt32](repeating: 0, count: stamps.count); stamp = 0 }
            stamp += 1
        }

        /// False when the node was already met in this walk.
        mutating func insert(_ node: Int) -> Bool {
            if stamps[node] == stamp { return false }
            stamps[node] = stamp
            return true
        }
    }
}
