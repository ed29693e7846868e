/// The one judge of URLs that reach a bundle: links, images, macro parameters and links inside markdown macros.
///
/// Renderers decode character references in link destinations (`javascript&#58;`, `&colon;`, `&amp;#58;` …) and
/// browsers drop tabs, newlines and leading control characters from URLs, so the judge first decodes references
/// (repeatedly, until nothing changes) and removes what a browser would ignore, then admits only a list:
/// `http`, `https`, `mailto`, `tel`, `ftp`, fragment-only (`#…`) and relative references without a scheme. The URL
/// it returns is the decoded one, the one it judged; ``MarkdownWriter`` writes any `&` that could still start a
/// reference as `%26`, so no renderer decodes it into something else.
public enum URLJudge {
    public static let allowedSchemes: Set<String> = ["http", "https", "mailto", "tel", "ftp"]

    /// The URL to write, or nil when it must not be written as a link or image.
    public static func judge(_ raw: String) -> String? {
        // Decoded and stripped of tabs and newlines (which browsers drop anywhere in a URL) until neither changes
        // anything: a tab inside a reference cannot hide it from one round and reveal it to a renderer later.
        var url = raw
        for round in 0..<16 {
            let next = String(String.UnicodeScalarView(decodeReferences(url).unicodeScalars.filter { $0 != "\t" && $0 != "\n" && $0 != "\r" }))
            if next == url { break }
            if round == 15 { return nil }  // still changing: not a URL anybody wrote
            url = next
        }
        // What a browser ignores: leading and trailing C0 controls and spaces.
        var scalars = url.unicodeScalars
        while let f = scalars.first, f.value <= 0x20 { scalars.removeFirst() }
        while let l = scalars.last, l.value <= 0x20 { scalars.removeLast() }
        if scalars.contains(where: { $0.value < 0x20 || $0.value == 0x7f }) { return nil }
        url = String(String.UnicodeScalarView(scalars))
        if url.isEmpty { return nil }
        if let scheme = scheme(url) {
            return allowedSchemes.contains(scheme.lowercased()) ? url : nil
        }
        // `//host/x` (and `/\host`, which browsers read alike) is not relative to the bundle but to the reader's
        // scheme: another site. Written as the https link it is, never as a path that validate would refuse.
        let lead = url.unicodeScalars.prefix(2)
        if lead.count == 2, lead.allSatisfy({ $0 == "/" || $0 == "\\" }) {
            let rest = String(String.UnicodeScalarView(url.unicodeScalars.drop { $0 == "/" || $0 == "\\" }))
            return rest.isEmpty ? nil : "https://" + rest
        }
        return url  // a fragment or a relative reference
    }

    /// The scheme of a URL (`[A-Za-z][A-Za-z0-9+.-]*:` at the start), or nil for a relative reference.
    static func scheme(_ url: String) -> String? {
        var out = ""
        for (i, c) in url.unicodeScalars.enumerated() {
            if c == ":" { return i == 0 ? nil : out }
            let alpha = (c >= "a" && c <= "z") || (c >= "A" && c <= "Z")
            let ok = i == 0 ? alpha : alpha || (c >= "0" && c <= "9") || c == "+" || c == "-" || c == "."
            if !ok { return nil }
            out.unicodeScalars.append(c)
        }
        return nil
    }

    /// Decodes numeric references (`&#58;`, `&#x3A;`, with or without `;`) and the named references that matter
    /// for URLs (the XHTML set plus HTML5's punctuation names such as `&colon;`, `&sol;`, `&Tab;`). A reference it
    /// does not know stays as it is (and is written so that nobody decodes it later).
    static func decodeReferences(_ s: String) -> String {
        guard s.contains("&") else { return s }
        let chars = Array(s.unicodeScalars)
        var out = String.UnicodeScalarView()
        var i = 0
        while i < chars.count {
            guard chars[i] == "&" else { out.append(chars[i]); i += 1; continue }
            var j = i + 1
            if j < chars.count, chars[j] == "#" {
                j += 1
                var hex = false
                if j < chars.count, chars[j] == "x" || chars[j] == "X" { hex = true; j += 1 }
                let start = j
                var value: UInt32 = 0
                while j < chars.count, j - start < 8, let d = digit(chars[j], hex: hex) {
                    value = value &* (hex ? 16 : 10) &+ d
                    j += 1
                }
                if j > start {
                    if j < chars.count, chars[j] == ";" { j += 1 }
                    out.append(Unicode.Scalar(value).flatMap { $0.value == 0 ? nil : $0 } ?? "\u{FFFD}")
                    i = j
                    continue
                }
            } else {
                var name = ""
                while j < chars.count, j - i <= 32, (chars[j].properties.isAlphabetic && chars[j].isASCII) || (chars[j] >= "0" && chars[j] <= "9") {
                    name.unicodeScalars.append(chars[j])
                    j += 1
                }
                if !name.isEmpty, let v = namedReferences[name] {
                    if j < chars.count, chars[j] == ";" { j += 1 }
                    out.append(v)
                    i = j
                    continue
                }
            }
            out.append(chars[i])
            i += 1
        }
        return String(out)
    }

    private static func digit(_ c: Unicode.Scalar, hex: Bool) -> UInt32? {
        switch c {
        case "0"..."9": return c.value - 48
        case "a"..."f" where hex: return c.value - 87
        case "A"..."F" where hex: return c.value - 55
        default: return nil
        }
    }

    /// Named references: XML's, HTML5's names for ASCII punctuation and whitespace, and the XHTML set.
    static let namedReferences: [String: Unicode.Scalar] = {
        var table: [String: Unicode.Scalar] = [
            "amp": "&", "AMP": "&", "lt": "<", "LT": "<", "gt": ">", "GT": ">", "quot": "\"", "QUOT": "\"", "apos": "'",
            "colon": ":", "Colon": "\u{2237}", "sol": "/", "bsol": "\\", "Tab": "\t", "NewLine": "\n", "excl": "!",
            "num": "#", "dollar": "$", "percnt": "%", "lpar": "(", "rpar": ")", "ast": "*", "plus": "+", "comma": ",",
            "period": ".", "semi": ";", "equals": "=", "quest": "?", "commat": "@", "lsqb": "[", "lbrack": "[",
            "rsqb": "]", "rbrack": "]", "Hat": "^", "lowbar": "_", "grave": "`", "lcub": "{", "lbrace": "{",
            "verbar": "|", "vert": "|", "VerticalLine": "|", "rcub": "}", "rbrace": "}", "nbsp": "\u{a0}",
        ]
        // The XHTML (HTML 4) set the storage-format parser knows: `<!ENTITY name "&#N;">`.
        for decl in xhtmlEntityDeclarations.split(separator: "<") {
            let parts = decl.split(separator: " ")
            guard parts.count >= 3, parts[0] == "!ENTITY" else { continue }
            let digits = parts[2].filter(\.isNumber)
            if let v = UInt32(digits), let scalar = Unicode.Scalar(v) { table[String(parts[1])] = table[String(parts[1])] ?? scalar }
        }
        return table
    }()
}
