import ConfluenceKM
import Foundation
import Synchronization

/// `preview --html DIR`: a browsable static site of a bundle — an index with the page tree of each space, every
/// article rendered with libcmark-gfm, its metadata and access, and the report's diagnostics beside the page they
/// concern. Code is highlighted offline with Debian's highlight.js when it is installed. Shared assets (the scripts)
/// are written once under `assets/` and linked; headings carry the ids the
/// Markdown's `#anchor` links use, so a table of contents works in the site as in a Markdown viewer.
///
/// A bundle folder given to preview may be crafted, so it is read like any input: files through ``BundleFiles``
/// (no symbolic link followed, no path leaving the bundle), every value written into HTML through ``HTML``, and
/// every page carries a Content-Security-Policy that allows only the tool's own scripts (by a nonce drawn for each
/// site, so no bundle can know it), styles inline,
/// and images from the site itself: opening the preview fetches nothing from the network and runs no script of the
/// bundle's. The site is written into a temporary folder and renamed into place; an existing folder is replaced
/// only when it is empty or a site this tool wrote (it holds the marker file).
public enum SiteWriter {
    static let highlightJS = "/usr/share/javascript/highlight.js/highlight.min.js"
    static let highlightCSS = "/usr/share/javascript/highlight.js/styles/github.css"
    /// The file that marks a folder as a site written by `preview --html` (and so replaceable by the next one).
    public static let marker = ".confluence-km-site"
    /// Every page says who wrote it; `--page X --html FILE` replaces only a file that says so.
    static let generator = "confluence-km preview"

    struct Article: Decodable {
        var id: String
        var type: String
        var title: String
        var author: String?
        var created: String?
        var lastUpdated: String?
        var tags: [String]?
        var spaceKey: String
        var category: String?
        var parentId: String?
        var position: Int?
        var markdown: String
        var access: Access?

        /// Read by the article's own field names (``ArticleMetadata/CodingKeys``), leniently: a bundle whose mapping
        /// renamed or dropped a field still previews.
        init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: ArticleMetadata.CodingKeys.self)
            id = try c.decode(String.self, forKey: .id)
            type = (try? c.decode(String.self, forKey: .type)) ?? "page"
            title = try c.decode(String.self, forKey: .title)
            author = try? c.decode(String.self, forKey: .author)
            created = try? c.decode(String.self, forKey: .created)
            lastUpdated = try? c.decode(String.self, forKey: .lastUpdated)
            tags = try? c.decode([String].self, forKey: .tags)
            spaceKey = try c.decode(String.self, forKey: .spaceKey)
            category = try? c.decode(String.self, forKey: .category)
            parentId = try? c.decode(String.self, forKey: .parentId)
            position = try? c.decode(Int.self, forKey: .position)
            markdown = try c.decode(String.self, forKey: .markdown)
            access = try? c.decode(Access.self, forKey: .access)
        }
    }

    public static func write(bundle: String, to output: String) throws {
        let root = URL(fileURLWithPath: bundle).standardizedFileURL
        let out = URL(fileURLWithPath: output).standardizedFileURL
        if out.path == root.path || out.path.hasPrefix(root.path + "/") || root.path.hasPrefix(out.path + "/") {
            throw ConversionError.invalidOption("\(output): the site folder must lie outside the bundle \(bundle) (and not hold it)")
        }
        let site = try OutputFolder(destination: out, marker: marker)
        defer { site.discard() }
        let listing = BundleFiles.list(root: root.path)
        // Attachments: under attachments/, or under articles/_attachments/ in the mkdocs flavour.
        // An attachment a browser would run as a document (SVG, HTML, XML …) is copied under a name ending in
        // `.txt`, and every link to it leads there: opened from the site it is text, never a page with script and
        // no policy. Shown as an image it is inlined as `data:` (an image runs no script).
        var active: Set<String> = []
        for path in listing.files where path.hasPrefix("attachments/") || path.hasPrefix(Flavor.mkdocs.attachmentsRoot + "/") {
            if HTML.isActive(path) {
                active.insert(path)
                try site.copy(from: root.path, path, to: path + ".txt")
            } else {
                try site.copy(from: root.path, path)
            }
        }
        let activeAttachments = active
        let report = (try? BundleFiles.read(root: root.path, "report.json")).flatMap { try? JSONDecoder().decode(ConversionReport.self, from: $0) }
        var diagnostics: [String: [Diagnostic]] = [:]
        for d in report?.diagnostics ?? [] { if let id = d.contentId { diagnostics[id, default: []].append(d) } }
        var articles: [Article] = []
        for path in listing.files where path.hasPrefix("articles/") && path.hasSuffix(".json") {
            guard let data = try? BundleFiles.read(root: root.path, path, maxBytes: 64 << 20),
                  let a = try? JSONDecoder().decode(Article.self, from: data) else { continue }
            // The page is written where its Markdown is: only a plain path inside articles/, ending in .md.
            guard BundlePath.isSafe(a.markdown), a.markdown.hasPrefix("articles/"), a.markdown.hasSuffix(".md") else { continue }
            articles.append(a)
        }
        // Shared assets, written once: highlight.js (when installed) and the site's own script.
        let highlight = (try? String(contentsOfFile: highlightJS, encoding: .utf8)) ?? ""
        let siteScript = (highlight.isEmpty ? "" : "document.addEventListener('DOMContentLoaded',function(){document.querySelectorAll('pre code').forEach(function(b){(hljs.highlightElement||hljs.highlightBlock).call(hljs,b);});});")
            + "window.addEventListener('load',function(){document.querySelectorAll('img').forEach(function(i){i.setAttribute('data-loaded',String(i.complete&&i.naturalWidth>0));});});"
        var assets: [(path: String, text: String)] = []
        if !highlight.isEmpty { assets.append(("assets/highlight.min.js", highlight)) }
        assets.append(("assets/site.js", siteScript))
        for asset in assets { try site.write(Data(asset.text.utf8), to: asset.path) }
        let style = ((try? String(contentsOfFile: highlightCSS, encoding: .utf8)) ?? "").replacingOccurrences(of: "</style", with: "<\\/style")
        // A site's scripts are allowed by a nonce drawn for this site: file:// pages cannot check an `integrity`
        // (it needs CORS), and a nonce the bundle could not know when it was made is stricter than `'self'`.
        let nonce = HTML.nonce()
        let csp = HTML.contentSecurityPolicy(nonce: nonce)
        let notes = diagnostics, shared = assets
        // A bundle in the mkdocs flavour numbers repeated headings as MkDocs does (`x_1`): its links say so.
        let repeatSeparator = listing.files.contains("mkdocs.yml") ? Flavor.mkdocs.repeatedHeadingSeparator : Flavor.gfm.repeatedHeadingSeparator
        @Sendable func page(_ title: String, _ body: String, depth: Int) -> String {
            let up = String(repeating: "../", count: depth)
            return """
            <!DOCTYPE html>
            <html><head><meta charset="utf-8">
            <meta http-equiv="Content-Security-Policy" content="\(HTML.attr(csp))">
            <meta name="referrer" content="no-referrer">
            <meta name="generator" content="\(generator)">
            <title>\(HTML.text(title))</title>
            <style>body{font-family:sans-serif;max-width:60em;margin:2em auto}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3em}
            .meta{background:#f6f8fa;padding:.5em 1em}.diag{background:#fff8e1;padding:.5em 1em}\(style)</style>
            \(shared.map { "<script nonce=\"\(nonce)\" src=\"\(up)\($0.path)\"></script>" }.joined(separator: "\n"))
            </head><body>
            \(depth == 0 ? "" : "<p class=\"site-nav\"><a href=\"\(up)index.html\">Index</a></p>")
            \(body)
            </body></html>
            """
        }
        // Every article's page, on all cores (each reads its own Markdown and writes its own file).
        @Sendable func render(_ a: Article) throws {
            let md = (try? BundleFiles.read(root: root.path, a.markdown, maxBytes: 256 << 20)).map { String(decoding: $0, as: UTF8.self) } ?? ""
            var html = HTML.headingIds(GFMRenderer.html(md), repeatSeparator: repeatSeparator)
            // Links between articles point at their pages.
            html = HTML.markdownLink.stringByReplacingMatches(in: html, range: NSRange(html.startIndex..., in: html), withTemplate: "href=\"$1.html$2\"")
            if !activeAttachments.isEmpty { html = HTML.defuseActiveAttachments(html, page: a.markdown, active: activeAttachments, root: root.path) }
            var meta = "<div class=\"meta\"><p><b>\(HTML.text(a.title))</b> (\(HTML.text(a.type)) \(HTML.text(a.id)), space \(HTML.text(a.spaceKey)))</p>"
                + "<p>author \(HTML.text(a.author ?? "-")), created \(HTML.text(a.created ?? "-")), updated \(HTML.text(a.lastUpdated ?? "-"))</p>"
            if let tags = a.tags, !tags.isEmpty { meta += "<p>tags: \(tags.map(HTML.text).joined(separator: ", "))</p>" }
            if let access = a.access {
                meta += access.restricted
                    ? "<p class=\"access\">restricted — roles: \(access.roles.map(HTML.text).joined(separator: ", ")); users: \(access.users.map(HTML.text).joined(separator: ", "))</p>"
                    : "<p class=\"access\">open</p>"
            }
            meta += "</div>"
            var diag = ""
            if let ds = notes[a.id], !ds.isEmpty {
                diag = "<div class=\"diag\"><p>Conversion notes:</p><ul>" + ds.map { "<li>\(HTML.text($0.severity.rawValue)) <code>\(HTML.text($0.code.rawValue))</code>: \(HTML.text($0.message))</li>" }.joined() + "</ul></div>"
            }
            let target = String(a.markdown.dropLast(3)) + ".html"
            try site.write(Data(page(a.title, meta + diag + "<article>\(html)</article>", depth: a.markdown.split(separator: "/").count - 1).utf8), to: target)
        }
        let failure = Mutex<Error?>(nil), all = articles
        DispatchQueue.concurrentPerform(iterations: all.count) { i in
            do { try render(all[i]) } catch { failure.withLock { if $0 == nil { $0 = error } } }
        }
        if let error = failure.withLock({ $0 }) { throw error }
        // The index: each space's page tree in Confluence's order, then its blog posts, newest first.
        var index = "<h1>Bundle</h1>"
        let bySpace = Dictionary(grouping: articles, by: \.spaceKey)
        for space in bySpace.keys.sorted() {
            let list = bySpace[space]!.sorted { PageOrder.less(($0.position, $0.title, $0.id), ($1.position, $1.title, $1.id)) }
            index += "<h2>\(HTML.text(space)) — \(HTML.text(list.first?.category ?? ""))</h2>" + tree(list.filter { $0.type != "blogpost" })
            let blogs = list.filter { $0.type == "blogpost" }
                .sorted { ($0.created ?? "", $1.title, $1.id) > ($1.created ?? "", $0.title, $0.id) }
            if !blogs.isEmpty { index += "<h3>Blog posts</h3><ul>" + blogs.map { "<li>\(link($0))</li>" }.joined() + "</ul>" }
        }
        try site.write(Data(page("Bundle", index, depth: 0).utf8), to: "index.html")
        try site.commit()
    }

    static func link(_ a: Article) -> String {
        "<a href=\"\(HTML.attr(HTML.pathHref(String(a.markdown.dropLast(3)) + ".html")))\">\(HTML.text(a.title))</a>"
    }

    /// The page tree as nested lists, built without recursion: each article is listed once (a visited set), under
    /// its parent when the parent is listed, else at the top; a parent cycle or an id shared by two articles cannot
    /// loop. Nesting deeper than `maxDepth` continues at that depth.
    static func tree(_ list: [Article], maxDepth: Int = 100) -> String {
        var byId: [String: Int] = [:]
        for (i, a) in list.enumerated() where byId[a.id] == nil { byId[a.id] = i }
        var children: [Int: [Int]] = [:]
        var roots: [Int] = []
        for (i, a) in list.enumerated() {
            if let p = a.parentId, let pi = byId[p], pi != i { children[pi, default: []].append(i) } else { roots.append(i) }
        }
        var visited = Set<Int>()
        var out = ""
        // A stack of pending lists, each the remaining siblings at one level, reversed (popLast takes the next).
        var stack: [[Int]] = []
        func open(_ items: [Int]) {
            let fresh = items.filter { !visited.contains($0) }
            guard !fresh.isEmpty else { return }
            out += "<ul>"
            stack.append(fresh.reversed())
        }
        open(roots)
        // Articles only reachable through a cycle of parents are listed at the top too.
        var next = 0
        while true {
            if stack.isEmpty {
                while next < list.count, visited.contains(next) { next += 1 }
                guard next < list.count else { break }
                open([next])
                continue
            }
            guard let i = stack[stack.count - 1].popLast() else {
                stack.removeLast()
                out += "</ul>"
                if !stack.isEmpty { out += "</li>" }
                continue
            }
            if !visited.insert(i).inserted { continue }
            out += "<li>" + link(list[i])
            let kids = (children[i] ?? []).filter { !visited.contains($0) }
            if !kids.isEmpty && stack.count < maxDepth {
                open(kids)
            } else {
                if !kids.isEmpty { stack[stack.count - 1].insert(contentsOf: kids.reversed(), at: 0) }
                out += "</li>"
            }
        }
        return out
    }

    /// One article of a site as a standalone file: the site's scripts inlined (the same nonce allows them), images
    /// and attachments as data: URIs, and links to other pages of the site (which the file does not carry) kept as
    /// text with the page they named as a title — a standalone page links to nothing that is not in it.
    public static func standalone(site: String, markdownPath: String, to file: String) throws {
        let root = URL(fileURLWithPath: site).standardizedFileURL
        guard BundlePath.isSafe(markdownPath), markdownPath.hasSuffix(".md") else {
            throw ConversionError.unsafePath(path: markdownPath, origin: site)
        }
        let pagePath = String(markdownPath.dropLast(3)) + ".html"
        var html = String(decoding: try BundleFiles.read(root: root.path, pagePath), as: UTF8.self)
        let pageDir = URL(fileURLWithPath: "/" + pagePath).deletingLastPathComponent()
        for (range, attr, _, target) in HTML.attachmentReferences(in: html, page: pagePath).reversed() {
            guard let data = try? BundleFiles.read(root: root.path, target) else { continue }
            let types = ["png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "gif": "image/gif",
                         "pdf": "application/pdf", "txt": "text/plain"]
            let type = types[URL(fileURLWithPath: target).pathExtension.lowercased()] ?? "application/octet-stream"
            html.replaceSubrange(range, with: "\(attr)=\"data:\(type);base64,\(data.base64EncodedString())\"")
        }
        html = try inlineScripts(html, site: root.path, pageDirectory: pageDir)
        html = html.replacingOccurrences(of: #"<p class="site-nav">.*?</p>"#, with: "", options: .regularExpression)
        // What is still a relative link (another page, an attachment too large or missing) becomes text.
        html = html.replacingOccurrences(of: #"<a href="(?![#]|data:|[a-zA-Z][a-zA-Z0-9+.-]*:)([^"]*)""#,
                                         with: "<a title=\"not in this file: $1\"", options: .regularExpression)
        // Never over a file this tool did not write: only a missing file or an earlier preview page is replaced.
        let target = URL(fileURLWithPath: file).standardizedFileURL
        var st = stat()
        if lstat(target.path, &st) == 0 {
            let existing = (st.st_mode & S_IFMT == S_IFREG) ? (try? Data(contentsOf: target)).map { String(decoding: $0.prefix(4096), as: UTF8.self) } : nil
            guard existing?.contains("<meta name=\"generator\" content=\"\(generator)\">") == true else {
                throw ConversionError.invalidOption("\(file): exists and is not a page written by preview; it is never replaced, choose another file")
            }
        }
        let temporary = target.deletingLastPathComponent().appendingPathComponent("." + target.lastPathComponent + ".ckm-tmp-\(getpid())")
        TemporaryPaths.register(temporary.path)
        defer { TemporaryPaths.unregister(temporary.path) }
        try TemporaryPaths.checkNotStopping()
        try Data(html.utf8).write(to: temporary)
        guard rename(temporary.path, target.path) == 0 else {
            try? FileManager.default.removeItem(at: temporary)
            throw ConversionError.outputFailed(path: file, reason: String(cString: strerror(errno)))
        }
    }
}

extension SiteWriter {
    /// The site's `<script nonce=… src=…>` elements of a page, each replaced by its file's text inline (same nonce).
    static func inlineScripts(_ html: String, site: String, pageDirectory: URL) throws -> String {
        var html = html
        let re = try NSRegularExpression(pattern: #"<script (nonce="[^"]*") src="((?:\.\./)*assets/[a-z.]+\.js)"></script>"#)
        for m in re.matches(in: html, range: NSRange(html.startIndex..., in: html)).reversed() {
            let nonce = String(html[Range(m.range(at: 1), in: html)!]), rel = String(html[Range(m.range(at: 2), in: html)!])
            let path = String(pageDirectory.appendingPathComponent(rel).standardizedFileURL.path.dropFirst())
            let text = String(decoding: try BundleFiles.read(root: site, path), as: UTF8.self)
            html.replaceSubrange(Range(m.range, in: html)!, with: "<script \(nonce)>" + text.replacingOccurrences(of: "</script", with: "<\\/script") + "</script>")
        }
        return html
    }
}

/// Every value written into the preview's HTML goes through here.
enum HTML {
    /// Text content: `&`, `<`, `>`, quotes escaped.
    static func text(_ s: String) -> String { HTMLText.escape(s, apostrophe: true) }

    /// An attribute value (always written inside double quotes: `'` may stay).
    static func attr(_ s: String) -> String { HTMLText.escape(s) }

    /// A relative path as an href: each component percent-encoded, so no `:`, `#`, `?` or `%` of a name changes
    /// what the link means.
    static func pathHref(_ path: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return path.split(separator: "/", omittingEmptySubsequences: false)
            .map { $0.addingPercentEncoding(withAllowedCharacters: allowed) ?? "" }.joined(separator: "/")
    }

    /// 128 random bits, base64: the nonce that allows a site's own scripts.
    static func nonce() -> String {
        var g = SystemRandomNumberGenerator()
        return Data((0..<16).map { _ in UInt8.random(in: 0...255, using: &g) }).base64EncodedString()
    }

    /// A link to an article's Markdown (relative, no scheme), to point at its page.
    static let markdownLink = try! NSRegularExpression(pattern: ##"href="([^"#:]+)\.md(#[^"]*)?""##)
    static let heading = try! NSRegularExpression(pattern: #"<h([1-6])>(.*?)</h\1>"#, options: [.dotMatchesLineSeparators])
    static let tag = try! NSRegularExpression(pattern: "<[^>]*>")

    /// Every `<hN>` of rendered Markdown with the id its `#anchor` links use: GitHub's slug of the heading's text,
    /// numbered when repeated (`x`, `x-1`, …; `x_1` for the mkdocs flavour) — the rule the table-of-contents pass
    /// writes links with.
    static func headingIds(_ html: String, repeatSeparator: String = "-") -> String {
        let re = heading
        var ids = HeadingIds(separator: repeatSeparator)
        var out = ""
        var last = html.startIndex
        for m in re.matches(in: html, range: NSRange(html.startIndex..., in: html)) {
            let whole = Range(m.range, in: html)!, level = String(html[Range(m.range(at: 1), in: html)!])
            let inner = String(html[Range(m.range(at: 2), in: html)!])
            let text = tag.stringByReplacingMatches(in: inner, range: NSRange(inner.startIndex..., in: inner), withTemplate: "")
            let slug = ids.next(HTMLText.unescape(text))
            out += html[last..<whole.lowerBound] + "<h\(level) id=\"\(attr(slug))\">\(inner)</h\(level)>"
            last = whole.upperBound
        }
        return out + html[last...]
    }

    /// No script but the tool's own (by the site's nonce), no network: images from the site's own files or inlined.
    /// Extensions a browser opens as a document that may run script (by name: the site is read from disk, where
    /// the name decides the type).
    static let activeExtensions: Set<String> = ["svg", "svgz", "html", "htm", "xhtml", "xht", "xml", "xsl", "xslt",
                                                "shtml", "mht", "mhtml", "js", "mjs", "hta"]

    static func isActive(_ path: String) -> Bool {
        activeExtensions.contains(URL(fileURLWithPath: path).pathExtension.lowercased())
    }

    static let attachmentReference = try! NSRegularExpression(pattern: #"(src|href)="((?:\.\./)*_?attachments/[^"]+)""#)

    /// Every `src`/`href` of a page that points into the site's attachments: where it stands, the attribute, the
    /// reference as written and the file it names (relative to the site).
    static func attachmentReferences(in html: String, page: String) -> [(range: Range<String.Index>, attr: String, rel: String, target: String)] {
        let pageDir = URL(fileURLWithPath: "/" + page).deletingLastPathComponent()
        return attachmentReference.matches(in: html, range: NSRange(html.startIndex..., in: html)).map { m in
            let rel = String(html[Range(m.range(at: 2), in: html)!])
            let target = String(pageDir.appendingPathComponent(rel.removingPercentEncoding ?? rel).standardizedFileURL.path.dropFirst())
            return (Range(m.range, in: html)!, String(html[Range(m.range(at: 1), in: html)!]), rel, target)
        }
    }

    /// Links to active attachments lead to their `.txt` copy; images of them become `data:` URIs (at most 8 MiB,
    /// else a link to the copy).
    static func defuseActiveAttachments(_ html: String, page: String, active: Set<String>, root: String) -> String {
        var html = html
        for (range, attr, rel, target) in attachmentReferences(in: html, page: page).reversed() {
            guard active.contains(target) else { continue }
            var replacement = "href=\"\(rel).txt\""
            if attr == "src" {
                let type = URL(fileURLWithPath: target).pathExtension.lowercased().hasPrefix("svg") ? "image/svg+xml" : "text/plain"
                if let data = try? BundleFiles.read(root: root, target, maxBytes: 8 << 20) {
                    replacement = "src=\"data:\(type);base64,\(data.base64EncodedString())\""
                } else {
                    replacement = "src=\"\""
                }
            }
            html.replaceSubrange(range, with: replacement)
        }
        return html
    }

    static func contentSecurityPolicy(nonce: String) -> String {
        "default-src 'none'; script-src 'nonce-\(nonce)'; style-src 'unsafe-inline'; "
            + "img-src 'self' data:; media-src 'self' data:; base-uri 'none'; form-action 'none'"
    }
}
