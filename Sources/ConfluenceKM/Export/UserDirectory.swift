import Foundation

/// `--users FILE`: names for the user keys and account ids of an export (Cloud exports hold ids, not names).
///
/// CSV with a header: an id column (`accountId`, `aaid`, `key`, `userKey`, `id` or `username`) and a name column
/// (`name`, `displayName`, `fullName`); `email` is read and ignored. YAML (`.yaml`/`.yml`) maps id → name, or
/// id → {name, email}.
public enum UserDirectory {
    public static func load(_ path: String) throws -> [String: String] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConversionError.invalidOption("\(path): cannot read the --users file")
        }
        let text = String(decoding: data, as: UTF8.self)
        if path.hasSuffix(".yaml") || path.hasSuffix(".yml") { return try yaml(text, path: path) }
        var out: [String: String] = [:]
        var header: CSVTable?
        var offset = 0
        let bytes = Array(text.utf8)
        try CSVReader().read({ buffer in
            let n = min(buffer.count, bytes.count - offset)
            if n > 0 { bytes.withUnsafeBytes { buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[offset..<(offset + n)])) } }
            offset += n
            return n
        }) { row in
            guard let h = header else { header = CSVTable(name: "users", header: row); return }
            let ids = ["accountid", "aaid", "key", "userkey", "user_key", "id", "username"].compactMap { h.value(row, $0) }
            guard let name = h.value(row, "name") ?? h.value(row, "displayname") ?? h.value(row, "fullname") else { return }
            for id in ids { out[id] = name }
        }
        guard let h = header, h.columns.keys.contains(where: { ["name", "displayname", "fullname"].contains($0) }) else {
            throw ConversionError.invalidOption("\(path): the --users CSV needs a header with an id column (accountId, key, username) and a name column (name, displayName)")
        }
        return out
    }

    /// The small YAML subset a users file needs: `id: name` or `id:` followed by indented `name:`/`email:`.
    static func yaml(_ text: String, path: String) throws -> [String: String] {
        var out: [String: String] = [:]
        var current: String?
        for (n, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
            if line.trimmingCharacters(in: .whitespaces).isEmpty { continue }
            let indented = line.first == " " || line.first == "\t"
            guard let colon = line.firstIndex(of: ":") ?? (indented ? nil : nil) else {
                throw ConversionError.invalidOption("\(path):\(n + 1): expected 'id: name'")
            }
            // Account ids contain a colon ("557058:uuid"): split at the last ": " or a trailing ":".
            let t = line.trimmingCharacters(in: .whitespaces)
            let sep = t.range(of: ": ", options: .backwards)
            let key = unquote(sep.map { String(t[..<$0.lowerBound]) } ?? String(t.dropLast(t.hasSuffix(":") ? 1 : 0)))
            let value = sep.map { unquote(String(t[$0.upperBound...])) } ?? ""
            _ = colon
            if indented {
                guard let c = current else { throw ConversionError.invalidOption("\(path):\(n + 1): indented line outside an entry") }
                if key == "name" || key == "displayName" { out[c] = value }
            } else if value.isEmpty {
                current = key
            } else {
                out[key] = value
                current = nil
            }
        }
        return out
    }

    private static func unquote(_ s: String) -> String {
        let t = s.trimmingCharacters(in: .whitespaces)
        if t.count >= 2, (t.hasPrefix("\"") && t.hasSuffix("\"")) || (t.hasPrefix("'") && t.hasSuffix("'")) {
            return String(t.dropFirst().dropLast())
        }
        return t
    }
}
