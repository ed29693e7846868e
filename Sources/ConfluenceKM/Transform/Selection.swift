/// The content the plan keeps, as ids: the fields are read from the index. (A copy of every kept page's fields in
/// a table of its own was, at tens of thousands of pages, the plan's largest allocation.)
struct Selection {
    let contents: [String: ContentInfo]
    private(set) var keys: Set<String> = []

    /// Setting keeps (any value: it must be the index's own) or drops (`nil`) the id.
    subscript(id: String) -> ContentInfo? {
        get { keys.contains(id) ? contents[id] : nil }
        set { if newValue == nil { keys.remove(id) } else { keys.insert(id) } }
    }

    var values: [ContentInfo] { keys.map { contents[$0]! } }

    func mapValues<T>(_ transform: (ContentInfo) -> T) -> [String: T] {
        var out: [String: T] = [:]
        out.reserveCapacity(keys.count)
        for id in keys { out[id] = transform(contents[id]!) }
        return out
    }
}

/// The space of each kept page, as a space id into the index's spaces.
struct SpaceLookup {
    let spaces: [String: SpaceInfo]
    private var ids: [String: String] = [:]

    init(spaces: [String: SpaceInfo]) { self.spaces = spaces }

    subscript(id: String) -> SpaceInfo? {
        get { ids[id].flatMap { spaces[$0] } }
        set { ids[id] = newValue?.id }
    }
}
