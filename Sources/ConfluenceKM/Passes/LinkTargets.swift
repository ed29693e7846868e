/// What links and images of a body can point to: the articles and attachments of the bundle.
public protocol LinkTargets: Sendable {
    /// The article id of a current page or blog post with this title in this space.
    func contentId(spaceKey: String, title: String, blogPost: Bool) -> String?
    /// The bundle path of an article.
    func articlePath(id: String) -> String?
    /// The bundle path of an attachment written for an article.
    func attachmentPath(contentId: String, fileName: String) -> String?
    /// The username (or display name) of a user key, account id or username.
    func userName(_ key: String) -> String?
    /// The article id of a space's home page.
    func spaceHome(spaceKey: String) -> String?
    /// Child articles of an article, in page-tree order.
    func children(of id: String) -> [String]
    func title(of id: String) -> String?
    /// The attachments written for an article, by file name.
    func attachments(of id: String) -> [(fileName: String, path: String)]
    /// The parent article of an article in the bundle's page tree.
    func parent(of id: String) -> String?
    /// The top-level pages of a space, in page-tree order.
    func roots(spaceKey: String) -> [String]
}

extension LinkTargets {
    public func parent(of id: String) -> String? { nil }
    public func roots(spaceKey: String) -> [String] { [] }

    /// The content id a reference in `page`'s body names, when it is in the plan: a title is looked up in its space
    /// (the page's when it gives none), and a page title that only a blog post has reaches the blog post (Cloud
    /// writes `ri:page` for both). The one lookup links, images, page lists and includes share.
    func contentId(_ ref: PageRef, in page: PageContext) -> String? {
        switch ref {
        case .current: return page.id
        case .id(let id): return id
        case .title(let space, let title, let blogPost):
            let space = space ?? page.spaceKey
            return contentId(spaceKey: space, title: title, blogPost: blogPost)
                ?? (!blogPost ? contentId(spaceKey: space, title: title, blogPost: true) : nil)
        }
    }
}
