/// Resolves what a body names against the plan: links and images to pages, blog posts, spaces and attachments
/// become bundle-relative paths (or broken-link text, or an absolute URL under `--base-url`, with a diagnostic);
/// the `children`/`pagetree`, `attachments` and diagram placeholders become their lists and pictures.
final class ResolvePass: DocumentRewriter {
    let page: PageContext
    let targets: LinkTargets
    let baseURL: String?
    /// The Confluence the export came from: absolute links into it are read as links to pages.
    let sourceURLs: [String]
    let log: DiagnosticLog

    init(page: PageContext, targets: LinkTargets, baseURL: String?, sourceURLs: [String] = [], log: DiagnosticLog) {
        self.page = page
        self.targets = targets
        self.baseURL = baseURL
        self.sourceURLs = sourceURLs
        self.log = log
    }

    private func relative(_ target: String) -> String { relativePath(from: page.path, to: target) }

    /// The content id a reference names, when it is in the bundle's plan.
    func contentId(_ ref: PageRef) -> String? { targets.contentId(ref, in: page) }

    // MARK: Inlines

    func inline(_ inline: Inline) -> [Inline] {
        switch inline {
        case .link(let target, let title, let content):
            return link(target, title: title, content: inlines(content))
        case .image(let image):
            return self.image(image)
        default:
            return [descend(inline)]
        }
    }

    private func link(_ target: LinkTarget, title: String?, content: [Inline]) -> [Inline] {
        func linked(_ destination: String, _ defaultText: String) -> [Inline] {
            [.link(.url(destination), title: title, content.isEmpty ? [.text(defaultText)] : content)]
        }
        func broken(_ what: String, _ text: String, absolute: String) -> [Inline] {
            if let base = baseURL {
                log.add(.brokenLink, .warning, "link to \(what) not in the bundle; written as an absolute URL under --base-url")
                return linked(base + absolute, text)
            }
            log.add(.brokenLink, .warning, "link to \(what) not in the bundle; kept as text")
            return content.isEmpty ? [.text(text)] : content
        }
        switch target {
        case .url(let url):
            // A link into the Confluence the export came from reaches the page in the bundle, when it is there.
            if let into = SourceLinks.target(url, sources: sourceURLs),
               case .page(let ref, let anchor) = into, let id = contentId(ref), let path = targets.articlePath(id: id) {
                return linked(relative(path) + (anchor.map { "#" + SourceLinks.slug($0, title: targets.title(of: id) ?? "") } ?? ""),
                              targets.title(of: id) ?? url)
            }
            return [.link(target, title: title, content)]
        case .anchor(let name):
            return linked("#" + anchorSlug(name), name)
        case .page(let ref, let anchor):
            let fragment = anchor.map { "#" + anchorSlug($0) } ?? ""
            switch ref {
            case .title(let space, let pageTitle, let blogPost):
                let space = space ?? page.spaceKey
                if let id = contentId(ref), let path = targets.articlePath(id: id) {
                    return linked(relative(path) + fragment, pageTitle)
                }
                let path = blogPost
                    ? "/pages/viewrecentblogposts.action?key=\(urlComponent(space))"
                    : "/display/\(urlComponent(space))/\(urlComponent(pageTitle).replacingOccurrences(of: "%20", with: "+"))"
                return broken("\(blogPost ? "blog post" : "page") '\(pageTitle)' in space \(space)", pageTitle, absolute: path)
            case .id(let id):
                if let path = targets.articlePath(id: id) { return linked(relative(path) + fragment, targets.title(of: id) ?? id) }
                return broken("content \(id)", id, absolute: "/pages/viewpage.action?pageId=\(urlComponent(id))")
            case .current:
                return linked(relative(page.path) + fragment, page.title)
            }
        case .attachment(let owner, let fileName):
            if let path = attachmentPath(owner, fileName) { return linked(relative(path), fileName) }
            log.add(.missingAttachment, .warning, "link to attachment '\(fileName)'\(Self.owner(owner)) that is not in the bundle; kept as text")
            return content.isEmpty ? [.text(fileName)] : content
        case .space(let key):
            if let home = targets.spaceHome(spaceKey: key), let path = targets.articlePath(id: home) {
                return linked(relative(path), key)
            }
            return broken("space \(key)", key, absolute: "/display/\(urlComponent(key))")
        }
    }

    /// " of page 'Title'" when an attachment belongs to another page than this one.
    static func owner(_ ref: PageRef) -> String {
        switch ref {
        case .current: ""
        case .title(_, let title, let blogPost): " of \(blogPost ? "blog post" : "page") '\(title)'"
        case .id(let id): " of content \(id)"
        }
    }

    private func attachmentPath(_ owner: PageRef, _ fileName: String) -> String? {
        contentId(owner).flatMap { targets.attachmentPath(contentId: $0, fileName: fileName) }
    }

    private func image(_ image: Image) -> [Inline] {
        switch image.target {
        case .url:
            return [.image(image)]
        case .attachment(let owner, let fileName):
            guard let path = attachmentPath(owner, fileName) else {
                if let base = baseURL, let id = contentId(owner) {
                    log.add(.missingAttachment, .warning, "image '\(fileName)'\(Self.owner(owner)) is not in the bundle; linked under --base-url")
                    let url = base + "/download/attachments/\(urlComponent(id))/\(urlComponent(fileName))"
                    return [.link(.url(url), title: nil, [.text(image.alt.isEmpty ? fileName : image.alt)])]
                }
                log.add(.missingAttachment, .warning, "image '\(fileName)'\(Self.owner(owner)) is not in the bundle; its name is kept as text")
                // Its name (and alt text, when it says more), set apart: several missing images never run together.
                let label = image.alt.isEmpty || image.alt == fileName ? fileName : "\(fileName): \(image.alt)"
                return [.span(Attr(classes: [Attr.missingImageClass]), [.text("[image " + label + "]")])]
            }
            var resolved = image
            resolved.target = .url(relative(path))
            return [.image(resolved)]
        case .page, .anchor, .space:
            log.add(.unsupportedElement, .warning, "an image that shows a page or space is dropped; its text is kept", once: "image-target")
            return image.alt.isEmpty ? [] : [.text(image.alt)]
        }
    }

    // MARK: Generated blocks

    func block(_ block: Block) -> [Block] {
        guard case .generated(let g) = block else { return [descend(block)] }
        switch g {
        case .children(let root, let depth):
            let ids: [String]
            switch root {
            case .page(let ref): ids = targets.children(of: contentId(ref) ?? page.id)
            case .home: ids = targets.spaceHome(spaceKey: page.spaceKey).map { targets.children(of: $0) } ?? targets.roots(spaceKey: page.spaceKey)
            case .parent: ids = targets.parent(of: page.id).map { targets.children(of: $0) } ?? targets.roots(spaceKey: page.spaceKey)
            case .spaceRoots: ids = targets.roots(spaceKey: page.spaceKey)
            }
            return childList(ids, depth: depth).map { [.list($0)] } ?? []
        case .attachments:
            let files = targets.attachments(of: page.id)
            if files.isEmpty { return [] }
            let items = files.map { f in
                ListItem(blocks: [.paragraph([.link(.url(relative(f.path)), title: nil, [.text(f.fileName)])])])
            }
            return [.list(List(ordered: false, items: items))]
        case .diagram(let name, let macro):
            return diagram(name, macro: macro)
        case .toc, .include:
            return [block]
        }
    }

    private func childList(_ kids: [String], depth: Int) -> List? {
        if kids.isEmpty || depth < 1 { return nil }
        let items = kids.compactMap { child -> ListItem? in
            guard let path = targets.articlePath(id: child) else { return nil }
            var blocks: [Block] = [.paragraph([.link(.url(relative(path)), title: nil, [.text(targets.title(of: child) ?? child)])])]
            if let sub = childList(targets.children(of: child), depth: depth - 1) { blocks.append(.list(sub)) }
            return ListItem(blocks: blocks)
        }
        return List(ordered: false, items: items)
    }

    private func diagram(_ name: String, macro: String) -> [Block] {
        var out: [Inline] = []
        if let png = targets.attachmentPath(contentId: page.id, fileName: name + ".png")
            ?? targets.attachmentPath(contentId: page.id, fileName: name + ".svg") {
            out.append(.image(Image(target: .url(relative(png)), alt: name)))
        }
        if let file = targets.attachmentPath(contentId: page.id, fileName: name)
            ?? targets.attachmentPath(contentId: page.id, fileName: name + ".drawio") {
            if !out.isEmpty { out.append(.text(" ")) }
            out.append(.link(.url(relative(file)), title: nil, [.text("\(name) (\(macro) source)")]))
        }
        if out.isEmpty {
            log.add(.missingAttachment, .warning, "macro '\(macro)' diagram '\(name)' has no image or source attachment in the bundle")
            return name.isEmpty ? [] : [.paragraph([.text(name)])]
        }
        return [.paragraph(out)]
    }
}

/// Names the users a body mentions by key or account id (the export's user directory); an unknown key is kept,
/// with a diagnostic.
final class NamingPass: DocumentRewriter {
    let targets: LinkTargets
    let log: DiagnosticLog
    init(targets: LinkTargets, log: DiagnosticLog) {
        self.targets = targets
        self.log = log
    }

    func inline(_ inline: Inline) -> [Inline] {
        guard case .mention(let user, nil) = inline else { return [descend(inline)] }
        let key = user.key ?? user.username ?? ""
        // Named like authors: --users first, then the export's users (display names with --author display-name).
        if let name = targets.userName(key) { return [.mention(user, name: name)] }
        if user.key == nil, let username = user.username { return [.mention(user, name: username)] }
        log.add(.unresolvedUser, .info, "user \(key) is not in the export; the key is kept", once: key)
        return [.mention(user, name: key)]
    }
}
