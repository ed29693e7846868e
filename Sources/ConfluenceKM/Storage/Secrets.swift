import Foundation

/// The one secret detector. Macro parameters that hold credentials (an OpenAPI viewer's `token`, a gadget's
/// `password`, a JDBC macro's connection string …) are replaced by `[redacted]` before anything is written — the
/// keep-raw comment of an unknown macro, a parameter a converter shows, a diagnostic's message, `preview --storage`
/// — with a `secret-redacted` diagnostic. `--keep-secrets` turns it off. It judges the parameter, not its text:
///
/// - by name: a parameter whose name holds one of ``secretWords`` or is one of ``secretTokens`` (a word of the name,
///   split at `-`, `_`, `.` and case changes) is secret whatever its value is — text, or elements such as
///   `<ri:user>`, `<ri:page>`, `<ri:url>`; a name with `key` is secret when its value is long and random;
/// - by value, whatever the name (the unnamed default parameter of 4.x storage and wiki markup included): a
///   connection-string field `Password=…` (also `pwd=`, `secret=`, `token=` …) and the password of a URL's
///   `user:password@` have that part replaced.
public enum Secrets {
    public static let placeholder = "[redacted]"
    /// Substrings of a parameter name that make it secret.
    static let secretWords = ["password", "passwd", "passphrase", "secret", "token", "apikey", "api-key", "api_key",
                              "credential", "authorization", "private-key", "privatekey", "private_key", "bearer", "cookie"]
    /// Whole words of a parameter name that make it secret (too short to match inside other words).
    /// (`auth` is a word, not a substring: an `author` parameter holds no credential.)
    static let secretTokens: Set<String> = ["pwd", "pw", "pass", "auth", "oauth"]

    /// The words of a parameter name: `dbPassword` → db, password; `private_key` → private, key.
    static func words(_ name: String) -> [String] {
        var out: [String] = [], current = ""
        var previousLower = false
        for c in name.unicodeScalars {
            let isUpper = c.properties.isUppercase
            if !(c.properties.isAlphabetic || ("0"..."9").contains(c)) || (isUpper && previousLower) {
                if !current.isEmpty { out.append(current.lowercased()) }
                current = ""
            }
            if c.properties.isAlphabetic || ("0"..."9").contains(c) { current.unicodeScalars.append(c) }
            previousLower = c.properties.isLowercase
        }
        if !current.isEmpty { out.append(current.lowercased()) }
        return out
    }

    /// Whether a parameter of this name holds a credential, whatever its value.
    public static func isSecretName(_ name: String) -> Bool {
        let n = name.lowercased()
        if secretWords.contains(where: { n.contains($0) }) { return true }
        return words(name).contains { secretTokens.contains($0) }
    }

    /// Whether a parameter named `name` with this value is a credential: a secret name, or a name with `key` whose
    /// value is long and random (letters and digits mixed, no spaces).
    public static func isSecret(name: String, value: String) -> Bool {
        if value.isEmpty || value == placeholder { return false }
        if isSecretName(name) { return true }
        if name.lowercased().contains("key") {
            let v = value.unicodeScalars
            let letters = v.contains { ($0 >= "a" && $0 <= "z") || ($0 >= "A" && $0 <= "Z") }
            let digits = v.contains { $0 >= "0" && $0 <= "9" }
            return v.count >= 16 && letters && digits && !v.contains { $0 == " " }
        }
        return false
    }

    /// Field names of a connection string (`Server=x;User Id=u;Password=p`) whose value is a credential.
    static let fieldNames = ["password", "passwd", "pwd", "pass", "secret", "token", "apikey", "api_key", "api-key"]

    /// The value with its credential parts replaced: `Password=…` fields up to `;`, `&` or a blank, and the
    /// password of `scheme://user:password@host`; nil when it holds none.
    public static func redactedValue(_ value: String) -> String? {
        let s = Array(value.unicodeScalars)
        var out = String.UnicodeScalarView()
        var changed = false
        var i = 0
        func isWordChar(_ c: Unicode.Scalar) -> Bool { c.properties.isAlphabetic || ("0"..."9").contains(c) || c == "_" || c == "-" }
        while i < s.count {
            // `name=` at a word start.
            if isWordChar(s[i]), i == 0 || !isWordChar(s[i - 1]) {
                var j = i
                while j < s.count && isWordChar(s[j]) { j += 1 }
                var k = j
                while k < s.count && s[k] == " " { k += 1 }
                let word = String(String.UnicodeScalarView(s[i..<j])).lowercased()
                if k < s.count, s[k] == "=", fieldNames.contains(word) {
                    var end = k + 1
                    while end < s.count && s[end] != ";" && s[end] != "&" && s[end] != " " && s[end] != "\n" { end += 1 }
                    if end > k + 1 && String(String.UnicodeScalarView(s[(k + 1)..<end])) != placeholder {
                        out.append(contentsOf: s[i...k])
                        out.append(contentsOf: placeholder.unicodeScalars)
                        changed = true
                        i = end
                        continue
                    }
                }
                out.append(contentsOf: s[i..<j])
                i = j
                continue
            }
            // `://user:password@`
            if s[i] == ":", i + 2 < s.count, s[i + 1] == "/", s[i + 2] == "/" {
                var j = i + 3
                while j < s.count && !"/@ ?#\n".unicodeScalars.contains(s[j]) { j += 1 }
                if j < s.count, s[j] == "@", let colon = s[(i + 3)..<j].firstIndex(of: ":"), colon + 1 < j,
                   String(String.UnicodeScalarView(s[(colon + 1)..<j])) != placeholder {
                    out.append(contentsOf: s[i...colon])
                    out.append(contentsOf: placeholder.unicodeScalars)
                    changed = true
                    i = j
                    continue
                }
            }
            out.append(s[i])
            i += 1
        }
        return changed ? String(out) : nil
    }

    /// What a parameter's content becomes: the placeholder when it is secret by name (whatever its content) or by
    /// name and value, its text with the credential parts replaced when it holds only text, nil when it stays.
    static func redaction(name: String, text: String, hasElements: Bool) -> String? {
        if isSecret(name: name, value: text) || (isSecretName(name) && hasElements) { return placeholder }
        return hasElements ? nil : redactedValue(text)
    }

    /// Storage XHTML as written with every secret parameter's content replaced (for `preview --storage`, which
    /// shows the source): each `ac:parameter` and `ac:default-parameter` judged as the reader judges it.
    public static func redactedStorage(_ body: String) -> String {
        var out = ""
        var rest = Substring(body)
        while let open = rest.range(of: "<ac:") {
            let tagStart = open.lowerBound
            guard let tagEnd = rest[tagStart...].firstIndex(of: ">") else { break }
            let tag = rest[tagStart...tagEnd]
            let element: String
            if tag.hasPrefix("<ac:parameter") { element = "ac:parameter" } else if tag.hasPrefix("<ac:default-parameter") { element = "ac:default-parameter" } else {
                out += rest[..<rest.index(after: tagEnd)]
                rest = rest[rest.index(after: tagEnd)...]
                continue
            }
            out += rest[...tagEnd]
            rest = rest[rest.index(after: tagEnd)...]
            if tag.hasSuffix("/>") { continue }
            guard let close = rest.range(of: "</" + element + ">") else { continue }
            let content = String(rest[..<close.lowerBound])
            var name = ""
            if let n = tag.range(of: "ac:name=\"") {
                name = String(tag[n.upperBound...].prefix { $0 != "\"" })
            }
            let hasElements = content.contains("<")
            let text = hasElements ? content.replacingOccurrences(of: "<[^>]*>", with: "", options: .regularExpression) : content
            out += redaction(name: name, text: text, hasElements: hasElements) ?? content
            out += rest[close]
            rest = rest[close.upperBound...]
        }
        return out + rest
    }
}

extension StorageReader {
    /// Replaces the value of every secret parameter below `node` (nested macros included; the default parameter
    /// of 4.x storage too) in the body's own DOM, so that no later step can see it; returns how many were replaced.
    /// A replaced parameter's subtree is gone (freed by libxml2), so the walk never enters it afterwards — a
    /// parameter nested in another (a malformed body) is not visited twice (a fuzzer found that use-after-free).
    func redactSecrets(_ node: XNode) -> Int {
        var count = 0
        func visit(_ n: XNode) {
            if n.name == "ac:parameter" || n.name == "ac:default-parameter",
               let replacement = Secrets.redaction(name: n.attr("ac:name") ?? "", text: n.textContent, hasElements: !n.elementChildren.isEmpty) {
                n.replaceContent(replacement)
                count += 1
                return
            }
            for c in n.elementChildren { visit(c) }
        }
        visit(node)
        return count
    }
}
