/// Macro parameters that look like credentials (an OpenAPI viewer's `token`, a gadget's `password` …): their
/// values are replaced by `[redacted]` before anything is written — the keep-raw comment of an unknown macro, a
/// parameter a converter shows, a diagnostic's message, the preview — with a `secret-redacted` diagnostic.
/// `--keep-secrets` turns it off.
public enum Secrets {
    public static let placeholder = "[redacted]"
    static let secretWords = ["password", "passwd", "pwd", "secret", "token", "apikey", "api-key", "api_key",
                              "credential", "auth", "private-key", "privatekey", "passphrase", "client-secret"]

    /// Whether a parameter named `name` with this value is a credential: a secret-looking name, or a name with
    /// `key` whose value is long and random (letters and digits mixed, no spaces).
    public static func isSecret(name: String, value: String) -> Bool {
        let n = name.lowercased()
        if value.isEmpty || value == placeholder { return false }
        if secretWords.contains(where: { n.contains($0) }) { return true }
        if n.contains("key") {
            let v = value.unicodeScalars
            let letters = v.contains { ($0 >= "a" && $0 <= "z") || ($0 >= "A" && $0 <= "Z") }
            let digits = v.contains { $0 >= "0" && $0 <= "9" }
            return v.count >= 16 && letters && digits && !v.contains { $0 == " " }
        }
        return false
    }
}

extension StorageReader {
    /// Replaces the value of every secret-looking `ac:parameter` below `node` (nested macros included) in the
    /// body's own DOM, so that no later step can see it; returns how many were replaced. A replaced parameter's
    /// subtree is gone (freed by libxml2), so the walk never enters it afterwards — a parameter nested in another
    /// (a malformed body) is not visited twice (a fuzzer found that use-after-free).
    func redactSecrets(_ node: XNode) -> Int {
        var count = 0
        func visit(_ n: XNode) {
            if n.name == "ac:parameter", Secrets.isSecret(name: n.attr("ac:name") ?? "", value: n.textContent) {
                n.replaceContent(Secrets.placeholder)
                count += 1
                return
            }
            for c in n.elementChildren { visit(c) }
        }
        visit(node)
        return count
    }
}
