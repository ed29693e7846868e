/// How links inside a bundle are spelled: relative paths, percent-encoding, heading anchors.

/// A path or query component: everything but unreserved characters percent-encoded.
func urlComponent(_ s: String) -> String {
    var out = ""
    for b in s.utf8 {
        if (b >= 48 && b <= 57) || (b >= 65 && b <= 90) || (b >= 97 && b <= 122) || b == 45 || b == 46 || b == 95 || b == 126 {
            out.unicodeScalars.append(Unicode.Scalar(b))
        } else {
            out += String(format2: UInt32(b))
        }
    }
    return out
}

/// A GitHub-style anchor slug for a heading or `ac:anchor` name.
public func anchorSlug(_ s: String) -> String {
    var out = ""
    for c in s.lowercased() {
        if c.isLetter || c.isNumber || c == "-" || c == "_" { out.append(c) } else if c == " " { out.append("-") }
    }
    return out
}

/// The ids of a page's headings, in order: the slug of each heading's text, numbered when repeated — `x`, then
/// `x-1`, `x-2` (GitHub) or `x_1`, `x_2` (Python-Markdown, the mkdocs flavour). The table-of-contents pass writes
/// its links with it and the preview site gives its headings these ids, so the two always agree.
public struct HeadingIds {
    private var used: [String: Int] = [:]
    private let separator: String

    public init(separator: String = "-") {
        self.separator = separator
    }

    public mutating func next(_ text: String) -> String {
        let slug = anchorSlug(text)
        guard let n = used[slug] else {
            used[slug] = 0
            return slug
        }
        used[slug] = n + 1
        return slug + separator + "\(n + 1)"
    }
}

/// The relative path from one bundle file to another ("articles/A/x.md" → "../../attachments/A/1/f.png").
public func relativePath(from source: String, to target: String) -> String {
    let from = source.split(separator: "/").dropLast()
    let to = target.split(separator: "/")
    var common = 0
    while common < from.count && common < to.count - 1 && from[from.startIndex + common] == to[common] { common += 1 }
    let ups = Array(repeating: "..", count: from.count - common)
    let parts = ups + to[common...].map(String.init)
    return parts.map { percentEncodePathComponent($0) }.joined(separator: "/")
}

/// Percent-encodes what a Markdown destination or a URL path cannot hold raw (spaces, `%`, `#`, `?` …);
/// non-ASCII letters stay readable.
func percentEncodePathComponent(_ s: String) -> String {
    if s == ".." { return s }
    var out = ""
    for b in s.unicodeScalars {
        if b.value >= 0x80 || (b.properties.isAlphabetic && b.isASCII) || ("0"..."9").contains(b)
            || "-._~".unicodeScalars.contains(b) {
            out.unicodeScalars.append(b)
        } else {
            for byte in String(b).utf8 { out += String(format2: UInt32(byte)) }
        }
    }
    return out
}
