/// The export's pages, blog posts and folders (every status) numbered in id order (``IDOrder``): the plan keeps its
/// tables as arrays indexed by these numbers, so walking the tree, testing what is kept and visiting pages in id
/// order cost an array read, not a String hash per question. Ids become Strings again only in what the plan hands
/// on (its articles, order and link targets).
struct PageTable {
    /// By number: the id, its content, and its parent's number in the raw page tree (-1: no parent, or a parent
    /// the export does not hold).
    let ids: [String]
    let contents: [ContentInfo]
    let rawParent: [Int]
    private let numbers: [String: Int]

    init(_ all: [String: ContentInfo]) {
        ids = IDOrder.sorted(Array(all.keys))
        var numbers: [String: Int] = [:]
        numbers.reserveCapacity(ids.count)
        for (n, id) in ids.enumerated() { numbers[id] = n }
        self.numbers = numbers
        contents = ids.map { all[$0]! }
        rawParent = contents.map { c in c.parentId.flatMap { numbers[$0] } ?? -1 }
    }

    var count: Int { ids.count }

    /// The number of a content id of the export, nil for an id it does not hold.
    func number(_ id: String) -> Int? { numbers[id] }
}

extension IDOrder {
    /// Ids in ``less(_:_:)`` order. Numeric ids (nearly all) are sorted by (digit count, value), which is the same
    /// order computed once per id instead of twice per comparison; numeric ids come first, as `less` puts them.
    static func sorted(_ ids: [String]) -> [String] {
        var numeric: [(count: Int, value: UInt64, id: String)] = []
        var long: [String] = []  // digits only, too many for a UInt64: compared by `less`, after the shorter ones
        var other: [String] = []
        numeric.reserveCapacity(ids.count)
        for id in ids {
            var value: UInt64 = 0, count = 0, digits = true
            for b in id.utf8 {
                guard b >= 48 && b <= 57 else { digits = false; break }
                count += 1
                if count <= 19 { value = value * 10 + UInt64(b - 48) }
            }
            if !digits || count == 0 { other.append(id) } else if count <= 19 { numeric.append((count, value, id)) } else { long.append(id) }
        }
        numeric.sort { $0.count != $1.count ? $0.count < $1.count : $0.value < $1.value }
        return numeric.map(\.id) + long.sorted(by: less) + other.sorted(by: less)
    }
}
