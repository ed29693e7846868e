import Foundation

/// ``LinkTargets`` over the planned bundle.
struct BundleTargets: LinkTargets {
    var byTitle: [String: String]
    var articlePaths: [String: String]
    var titles: [String: String]
    var attachmentPaths: [String: String]
    var users: [String: String]
    var homes: [String: String]
    var childrenOf: [String: [String]]
    var attachmentLists: [String: [(fileName: String, path: String)]] = [:]
    /// Each kept page's parent, and each space's top-level pages in page-tree order.
    var parents: [String: String] = [:]
    var spaceRoots: [String: [String]] = [:]
    /// The attachments bodies linked or showed, for `--attachments referenced`.
    let references = AttachmentReferences()

    init(byTitle: [String: String], articlePaths: [String: String], titles: [String: String],
         attachmentPaths: [String: String], users: [String: String], homes: [String: String], children: [String: [String]]) {
        self.byTitle = byTitle
        self.articlePaths = articlePaths
        self.titles = titles
        self.attachmentPaths = attachmentPaths
        self.users = users
        self.homes = homes
        self.childrenOf = children
    }

    /// The key under which a title is found whatever its case.
    static func foldedKey(_ key: String) -> String { "\u{2}" + key.lowercased() }

    static func titleKey(_ space: String, _ title: String, _ blog: Bool) -> String {
        (blog ? "b" : "p") + "\u{1}" + space + "\u{1}" + title
    }

    func contentId(spaceKey: String, title: String, blogPost: Bool) -> String? {
        let key = Self.titleKey(spaceKey, title, blogPost)
        return byTitle[key] ?? byTitle[Self.foldedKey(key)]
    }
    func articlePath(id: String) -> String? { articlePaths[id] }
    func attachmentPath(contentId: String, fileName: String) -> String? {
        let p = attachmentPaths[contentId + "\u{1}" + fileName]
        if let p { references.insert(p) }
        return p
    }
    func userName(_ key: String) -> String? { users[key] }
    func spaceHome(spaceKey: String) -> String? { homes[spaceKey] }
    func children(of id: String) -> [String] { childrenOf[id] ?? [] }
    func parent(of id: String) -> String? { parents[id] }
    func roots(spaceKey: String) -> [String] { spaceRoots[spaceKey] ?? [] }
    func title(of id: String) -> String? { titles[id] }
    func attachments(of id: String) -> [(fileName: String, path: String)] {
        let list = attachmentLists[id] ?? []
        for a in list { references.insert(a.path) }
        return list
    }
}

/// Attachment paths that conversion referenced; filled concurrently by the workers.
final class AttachmentReferences: @unchecked Sendable {
    private let lock = NSLock()
    private var set: Set<String> = []
    func insert(_ p: String) { lock.lock(); set.insert(p); lock.unlock() }
    var paths: Set<String> { lock.lock(); defer { lock.unlock() }; return set }
}
