/// The page a body belongs to, and where its article goes in the bundle.
public struct PageContext: Sendable {
    public var id: String
    public var title: String
    public var spaceKey: String
    /// Bundle-relative path of the article's Markdown file.
    public var path: String
    public init(id: String, title: String, spaceKey: String, path: String) {
        self.id = id
        self.title = title
        self.spaceKey = spaceKey
        self.path = path
    }
}
