import Foundation

/// Absolute links into the Confluence an export came from, read as the page they name:
/// `/display/SPACE/Page+Title`, `/display/SPACE/2024/01/31/Blog+Title`, `/pages/viewpage.action?pageId=123`,
/// `/x/AbC` (tiny links), `/spaces/SPACE/pages/123/Title` (Cloud, under `/wiki` too); `#PageTitle-Heading`
/// fragments become the heading's anchor.
enum SourceLinks {
    static func target(_ url: String, sources: [String]) -> LinkTarget? {
        guard let base = sources.first(where: { url == $0 || url.hasPrefix($0 + "/") }) else { return nil }
        var rest = Substring(url.dropFirst(base.count))
        var fragment: String?
        if let hash = rest.firstIndex(of: "#") {
            fragment = String(rest[rest.index(after: hash)...]).removingPercentEncoding
            rest = rest[..<hash]
        }
        var query = ""
        if let q = rest.firstIndex(of: "?") {
            query = String(rest[rest.index(after: q)...])
            rest = rest[..<q]
        }
        if rest.hasPrefix("/wiki/") { rest = rest.dropFirst(5) }
        let parts = rest.split(separator: "/").map { decode(String($0)) }
        func page(_ ref: PageRef) -> LinkTarget { .page(ref, anchor: fragment.flatMap { $0.isEmpty ? nil : $0 }) }
        if parts.first == "display", parts.count >= 3 {
            // A blog post: /display/SPACE/YYYY/MM/DD/Title.
            if parts.count == 6, parts[2].count == 4, parts[2].allSatisfy(\.isNumber) {
                return page(.title(space: parts[1], title: parts[5], blogPost: true))
            }
            return page(.title(space: parts[1], title: parts[2], blogPost: false))
        }
        if parts.last == "viewpage.action" || parts.last == "viewpage.action;" {
            for pair in query.split(separator: "&") where pair.hasPrefix("pageId=") {
                return page(.id(String(pair.dropFirst(7))))
            }
            return nil
        }
        if parts.first == "x", parts.count == 2, let id = tinyId(parts[1]) { return page(.id(String(id))) }
        if parts.first == "spaces", parts.count >= 4, parts[2] == "pages" || parts[2] == "blog", IDOrder.isDigits(parts[3]) {
            return page(.id(parts[3]))
        }
        return nil
    }

    /// A path segment: percent-decoded, `+` as a space (Confluence writes titles that way).
    static func decode(_ s: String) -> String {
        (s.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? s)
    }

    /// A tiny link's page id: URL-safe base64 of the id's little-endian bytes, with trailing `A`s and padding cut.
    static func tinyId(_ s: String) -> UInt64? {
        guard !s.isEmpty, s.count <= 12 else { return nil }
        var b64 = s.replacingOccurrences(of: "-", with: "/").replacingOccurrences(of: "_", with: "+")
        while b64.count % 4 != 0 { b64 += "A" }
        guard let data = Data(base64Encoded: b64), !data.isEmpty else { return nil }
        var id: UInt64 = 0
        for (i, byte) in data.prefix(8).enumerated() { id |= UInt64(byte) << (8 * UInt64(i)) }
        return id == 0 ? nil : id
    }

    /// Confluence's heading anchors are `PageTitle-HeadingText` (spaces dropped): the page's part goes, and the rest
    /// becomes this bundle's anchor form.
    static func slug(_ fragment: String, title: String) -> String {
        let prefix = title.replacingOccurrences(of: " ", with: "") + "-"
        let rest = fragment.hasPrefix(prefix) ? String(fragment.dropFirst(prefix.count)) : fragment
        return anchorSlug(rest)
    }
}
