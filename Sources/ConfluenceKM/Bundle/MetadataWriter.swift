import Foundation

/// A JSON value, for metadata whose fields the mapping renames, drops or adds.
public indirect enum JSONValue: Codable, Sendable, Equatable {
    case null, bool(Bool), number(Double), string(String), array([JSONValue]), object([String: JSONValue])

    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let n = try? c.decode(Double.self) { self = .number(n) }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else if let a = try? c.decode([JSONValue].self) { self = .array(a) }
        else { self = .object(try c.decode([String: JSONValue].self)) }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .null: try c.encodeNil()
        case .bool(let b): try c.encode(b)
        case .number(let n):
            if n == n.rounded(), abs(n) < 1e15 { try c.encode(Int64(n)) } else { try c.encode(n) }
        case .string(let s): try c.encode(s)
        case .array(let a): try c.encode(a)
        case .object(let o): try c.encode(o)
        }
    }
}

/// Writes article metadata as JSON (sorted keys) and as YAML front matter, with the mapping applied:
/// renamed and dropped fields, constants, and fields from content properties.
struct MetadataWriter {
    let mapping: Mapping

    func fields(_ meta: ArticleMetadata) throws -> [String: JSONValue] {
        let plain = JSONEncoder()
        guard case .object(var fields) = try JSONDecoder().decode(JSONValue.self, from: plain.encode(meta)) else { return [:] }
        for (k, v) in meta.extra { fields[k] = .string(v) }
        for (k, v) in mapping.constants { fields[k] = .string(v) }
        for k in mapping.dropFields { fields[k] = nil }
        for (from, to) in mapping.renameFields.sorted(by: { $0.key < $1.key }) {
            if let v = fields.removeValue(forKey: from) { fields[to] = v }
        }
        return fields
    }

    func json(_ meta: ArticleMetadata) throws -> Data {
        if mapping.renameFields.isEmpty && mapping.dropFields.isEmpty && mapping.constants.isEmpty && meta.extra.isEmpty {
            return Data(JSONText.document { meta.writeJSON(&$0) })  // the same bytes, without the round trip
        }
        let fields = try fields(meta)
        return Data(JSONText.document { $0.value(.object(fields)) })
    }

    /// YAML front matter for Markdown-first KM systems: each field on one line, values in JSON flow style (which
    /// YAML reads as is); the attachment list and the Markdown path stay in the JSON file.
    /// The metadata as YAML front matter; with `aliases`, the Confluence title as an alias when the file is named
    /// otherwise (Obsidian finds a note by its aliases).
    func frontMatter(_ meta: ArticleMetadata, aliases: Bool = false) throws -> String {
        let compact = JSONEncoder()
        compact.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var out = "---\n"
        let renamedAttachments = mapping.renameFields["attachments"] ?? "attachments"
        let renamedMarkdown = mapping.renameFields["markdown"] ?? "markdown"
        for (k, v) in try fields(meta).sorted(by: { $0.key < $1.key }) where k != renamedAttachments && k != renamedMarkdown {
            let key = k.unicodeScalars.allSatisfy({ $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_" || $0 == "-") }) ? k : YAMLText.quoted(k)
            out += key + ": " + YAMLText.flow(json: String(decoding: try compact.encode(v), as: UTF8.self)) + "\n"
        }
        if aliases {
            let fileName = String((meta.markdown as NSString).lastPathComponent.dropLast(3))
            if fileName != meta.title { out += "aliases: [" + YAMLText.quoted(meta.title) + "]\n" }
        }
        return out + "---\n\n"
    }
}
