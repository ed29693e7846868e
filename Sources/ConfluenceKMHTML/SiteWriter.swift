import ConfluenceKM
import Foundation

/// `preview --html DIR`: a browsable static site of a bundle — an index with the page tree of each space, every
/// article rendered with libcmark-gfm, its metadata and access, and the report's diagnostics beside the page they
/// concern. Code is highlighted offline with Debian's highlight.js, inlined into every page when it is installed.
public enum SiteWriter {
    static let highlightJS = "/usr/share/javascript/highlight.js/highlight.min.js"
    static let highlightCSS = "/usr/share/javascript/highlight.js/styles/github.css"

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
        var markdown: String
        var access: Access?
    }

    public static func write(bundle: String, to output: String) throws {
        let root = URL(fileURLWithPath: bundle).standardizedFileURL
        let out = URL(fileURLWithPath: output).standardizedFileURL
        let fm = FileManager.default
        try? fm.removeItem(at: out)
        try fm.createDirectory(at: out, withIntermediateDirectories: true)
        if fm.fileExists(atPath: root.appendingPathComponent("attachments").path) {
            try fm.copyItem(at: root.appendingPathComponent("attachments"), to: out.appendingPathComponent("attachments"))
        }
        let report = (try? Data(contentsOf: root.appendingPathComponent("report.json"))).flatMap { try? JSONDecoder().decode(ConversionReport.self, from: $0) }
        var diagnostics: [String: [Diagnostic]] = [:]
        for d in report?.diagnostics ?? [] { if let id = d.contentId { diagnostics[id, default: []].append(d) } }
        var articles: [Article] = []
        let articlesDir = root.appendingPathComponent("articles")
        for space in (try? fm.contentsOfDirectory(atPath: articlesDir.path))?.sorted() ?? [] {
            for f in (try? fm.contentsOfDirectory(atPath: articlesDir.appendingPathComponent(space).path))?.sorted() ?? [] where f.hasSuffix(".json") {
                if let a = try? JSONDecoder().decode(Article.self, from: Data(contentsOf: articlesDir.appendingPathComponent(space).appendingPathComponent(f))) {
                    articles.append(a)
                }
            }
        }
        let script = (try? String(contentsOfFile: highlightJS, encoding: .utf8)).map { $0.replacingOccurrences(of: "</script", with: "<\\/script") }.map { "<script>\($0)</script><script>document.addEventListener('DOMContentLoaded',function(){document.querySelectorAll('pre code').forEach(function(b){(hljs.highlightElement||hljs.highlightBlock).call(hljs,b);});});</script>" } ?? ""
        let style = (try? String(contentsOfFile: highlightCSS, encoding: .utf8)) ?? ""
        let imageCheck = "<script>window.addEventListener('load',function(){document.querySelectorAll('img').forEach(function(i){i.setAttribute('data-loaded',String(i.complete&&i.naturalWidth>0));});});</script>"
        func page(_ title: String, _ body: String, depth: Int) -> String {
            """
            <!DOCTYPE html>
            <html><head><meta charset="utf-8"><title>\(escape(title))</title>
            <style>body{font-family:sans-serif;max-width:60em;margin:2em auto}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3em}
            .meta{background:#f6f8fa;padding:.5em 1em}.diag{background:#fff8e1;padding:.5em 1em}\(style)</style>
            \(script)\(imageCheck)</head><body>
            <p><a href="\(String(repeating: "../", count: depth))index.html">Index</a></p>
            \(body)
            </body></html>
            """
        }
        for a in articles {
            let md = (try? String(contentsOf: root.appendingPathComponent(a.markdown), encoding: .utf8)) ?? ""
            var html = GFMRenderer.html(md)
            // Links between articles point at their pages.
            html = html.replacingOccurrences(of: ##"href="([^"#:]+)\.md(#[^"]*)?""##, with: "href=\"$1.html$2\"", options: .regularExpression)
            var meta = "<div class=\"meta\"><p><b>\(escape(a.title))</b> (\(a.type) \(a.id), space \(escape(a.spaceKey)))</p><p>author \(escape(a.author ?? "-")), created \(a.created ?? "-"), updated \(a.lastUpdated ?? "-")</p>"
            if let tags = a.tags, !tags.isEmpty { meta += "<p>tags: \(tags.map(escape).joined(separator: ", "))</p>" }
            if let access = a.access {
                meta += access.restricted
                    ? "<p class=\"access\">restricted — roles: \(access.roles.map(escape).joined(separator: ", ")); users: \(access.users.map(escape).joined(separator: ", "))</p>"
                    : "<p class=\"access\">open</p>"
            }
            meta += "</div>"
            var diag = ""
            if let ds = diagnostics[a.id], !ds.isEmpty {
                diag = "<div class=\"diag\"><p>Conversion notes:</p><ul>" + ds.map { "<li>\($0.severity.rawValue) <code>\($0.code)</code>: \(escape($0.message))</li>" }.joined() + "</ul></div>"
            }
            let target = out.appendingPathComponent(String(a.markdown.dropLast(3)) + ".html")
            try fm.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(page(a.title, meta + diag + "<article>\(html)</article>", depth: a.markdown.split(separator: "/").count - 1).utf8).write(to: target)
        }
        // The index: each space's page tree, then its blog posts.
        var index = "<h1>Bundle</h1>"
        let bySpace = Dictionary(grouping: articles, by: \.spaceKey)
        for space in bySpace.keys.sorted() {
            let list = bySpace[space]!
            let ids = Set(list.map(\.id))
            let children = Dictionary(grouping: list.filter { $0.type != "blogpost" }, by: { $0.parentId.flatMap { ids.contains($0) ? $0 : nil } ?? "" })
            func tree(_ parent: String) -> String {
                guard let kids = children[parent], !kids.isEmpty else { return "" }
                return "<ul>" + kids.map { "<li><a href=\"\(String($0.markdown.dropLast(3))).html\">\(escape($0.title))</a>\(tree($0.id))</li>" }.joined() + "</ul>"
            }
            index += "<h2>\(escape(space)) — \(escape(list.first?.category ?? ""))</h2>" + tree("")
            let blogs = list.filter { $0.type == "blogpost" }
            if !blogs.isEmpty { index += "<h3>Blog posts</h3><ul>" + blogs.map { "<li><a href=\"\(String($0.markdown.dropLast(3))).html\">\(escape($0.title))</a></li>" }.joined() + "</ul>" }
        }
        try Data(page("Bundle", index, depth: 0).utf8).write(to: out.appendingPathComponent("index.html"))
    }

    /// One article of a site as a standalone file: images and attachment links become data: URIs.
    public static func standalone(site: String, markdownPath: String, to file: String) throws {
        let root = URL(fileURLWithPath: site).standardizedFileURL
        let pageURL = root.appendingPathComponent(String(markdownPath.dropLast(3)) + ".html")
        var html = try String(contentsOf: pageURL, encoding: .utf8)
        let re = try NSRegularExpression(pattern: #"(src|href)="((?:\.\./)*attachments/[^"]+)""#)
        for m in re.matches(in: html, range: NSRange(html.startIndex..., in: html)).reversed() {
            let range = Range(m.range, in: html)!
            let attr = String(html[Range(m.range(at: 1), in: html)!]), rel = String(html[Range(m.range(at: 2), in: html)!])
            let target = pageURL.deletingLastPathComponent().appendingPathComponent(rel.removingPercentEncoding ?? rel).standardizedFileURL
            guard target.path.hasPrefix(root.path + "/"), let data = try? Data(contentsOf: target) else { continue }
            let types = ["png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "gif": "image/gif", "svg": "image/svg+xml",
                         "pdf": "application/pdf", "txt": "text/plain"]
            let type = types[target.pathExtension.lowercased()] ?? "application/octet-stream"
            html.replaceSubrange(range, with: "\(attr)=\"data:\(type);base64,\(data.base64EncodedString())\"")
        }
        try Data(html.utf8).write(to: URL(fileURLWithPath: file))
    }

    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
