/// The bundle's JSON, written straight into bytes: two-space indent, `"key" : value`, object keys in the order of
/// their UTF-8 bytes, `/` not escaped, control characters as `\n`, `\t`, … or `\u00XX`. Deterministic, and an order
/// of magnitude cheaper than JSONEncoder with sorted keys for the ~10⁵ small files and the manifest of a large export.
///
/// Objects of fixed fields are written by the caller in sorted key order (a test checks each against JSONEncoder);
/// ``JSONText/value(_:)`` sorts the keys of a ``JSONValue`` itself. With `flush`, the bytes are handed out in
/// pieces of about `flushAt` bytes as they are written (the manifest of a large export never sits whole in memory).
struct JSONText {
    private(set) var bytes: [UInt8] = []
    private var empty: [Bool] = []  // per open container: nothing written in it yet
    private let flush: ((inout [UInt8]) throws -> Void)?
    private let flushAt: Int

    init(flushAt: Int = 1 << 20, flush: ((inout [UInt8]) throws -> Void)? = nil) {
        self.flush = flush
        self.flushAt = flushAt
        bytes.reserveCapacity(flush == nil ? 1024 : flushAt + 4096)
    }

    // MARK: Containers

    mutating func beginObject() { open(UInt8(ascii: "{")) }
    mutating func endObject() { close(UInt8(ascii: "}")) }
    mutating func beginArray() { open(UInt8(ascii: "[")) }
    mutating func endArray() { close(UInt8(ascii: "]")) }

    /// Starts the next member of the open object: separator, newline, indent, `"key" : `.
    mutating func key(_ k: String) {
        element()
        string(k)
        bytes.append(contentsOf: [0x20, UInt8(ascii: ":"), 0x20])
    }

    /// Starts the next element of the open array.
    mutating func element() {
        if empty.last == false { bytes.append(UInt8(ascii: ",")) }
        if !empty.isEmpty { empty[empty.count - 1] = false }
        newline()
    }

    private mutating func open(_ b: UInt8) {
        bytes.append(b)
        empty.append(true)
    }

    private mutating func close(_ b: UInt8) {
        if empty.removeLast() == false { newline() }
        bytes.append(b)
    }

    private mutating func newline() {
        bytes.append(0x0A)
        for _ in 0..<empty.count { bytes.append(0x20); bytes.append(0x20) }
    }

    /// Hands out what is written so far, when a `flush` was given and enough has gathered.
    mutating func flushIfNeeded() throws {
        guard let flush, bytes.count >= flushAt else { return }
        try flush(&bytes)
        bytes.removeAll(keepingCapacity: true)
    }

    /// The final newline, and the last piece to `flush`.
    mutating func finish() throws {
        bytes.append(0x0A)
        if let flush { try flush(&bytes); bytes.removeAll(keepingCapacity: true) }
    }

    // MARK: Scalars

    mutating func null() { bytes.append(contentsOf: [0x6E, 0x75, 0x6C, 0x6C]) }
    mutating func bool(_ b: Bool) { bytes.append(contentsOf: b ? Array("true".utf8) : Array("false".utf8)) }
    mutating func int<I: BinaryInteger>(_ i: I) { bytes.append(contentsOf: String(i).utf8) }
    mutating func string(_ s: String?) {
        guard let s else { return null() }
        bytes.append(UInt8(ascii: "\""))
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "\""): bytes.append(contentsOf: [0x5C, 0x22])
            case UInt8(ascii: "\\"): bytes.append(contentsOf: [0x5C, 0x5C])
            case 0x0A: bytes.append(contentsOf: [0x5C, UInt8(ascii: "n")])
            case 0x0D: bytes.append(contentsOf: [0x5C, UInt8(ascii: "r")])
            case 0x09: bytes.append(contentsOf: [0x5C, UInt8(ascii: "t")])
            case 0x08: bytes.append(contentsOf: [0x5C, UInt8(ascii: "b")])
            case 0x0C: bytes.append(contentsOf: [0x5C, UInt8(ascii: "f")])
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                bytes.append(contentsOf: [0x5C, UInt8(ascii: "u"), 0x30, 0x30, hex[Int(b >> 4)], hex[Int(b & 0xF)]])
            default: bytes.append(b)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    mutating func int<I: BinaryInteger>(_ i: I?) {
        if let i { int(i) } else { null() }
    }

    mutating func strings(_ list: [String]) {
        beginArray()
        for s in list { element(); string(s) }
        endArray()
    }

    /// Any JSON value; object keys sorted by their UTF-8 bytes.
    mutating func value(_ v: JSONValue) {
        switch v {
        case .null: null()
        case .bool(let b): bool(b)
        case .number(let n):
            if n == n.rounded(), abs(n) < 1e15 { int(Int64(n)) } else { bytes.append(contentsOf: "\(n)".utf8) }
        case .string(let s): string(s)
        case .array(let a):
            beginArray()
            for x in a { element(); value(x) }
            endArray()
        case .object(let o):
            beginObject()
            for k in o.keys.sorted(by: JSONText.keyOrder) { key(k); value(o[k]!) }
            endObject()
        }
    }

    /// The order of object keys: by UTF-8 bytes.
    static func keyOrder(_ a: String, _ b: String) -> Bool { a.utf8.lexicographicallyPrecedes(b.utf8) }

    /// A whole document, with its final newline.
    static func document(_ write: (inout JSONText) -> Void) -> [UInt8] {
        var t = JSONText()
        write(&t)
        t.bytes.append(0x0A)
        return t.bytes
    }
}

extension ArticleMetadata {
    /// The metadata file's JSON (every field, `null` where absent), keys in sorted order.
    func writeJSON(_ t: inout JSONText) {
        t.beginObject()
        for key in Self.sortedKeys {
            if key == .comments && comments == nil { continue }
            t.key(key.rawValue)
            switch key {
            case .access: access.writeJSON(&t)
            case .ancestors: t.strings(ancestors)
            case .attachments:
                t.beginArray()
                for a in attachments { t.element(); a.writeJSON(&t) }
                t.endArray()
            case .author: t.string(author)
            case .category: t.string(category)
            case .comments: t.string(comments)
            case .created: t.string(created)
            case .id: t.string(id)
            case .lastUpdated: t.string(lastUpdated)
            case .lastModifier: t.string(lastModifier)
            case .markdown: t.string(markdown)
            case .parentId: t.string(parentId)
            case .position: t.int(position)
            case .spaceKey: t.string(spaceKey)
            case .tags: t.strings(tags)
            case .title: t.string(title)
            case .type: t.string(type.rawValue)
            case .version: t.int(version)
            }
        }
        t.endObject()
    }

    /// The fields in the order sorted-keys JSON writes them.
    static let sortedKeys = CodingKeys.allCases.sorted { $0.rawValue < $1.rawValue }
}

extension AttachmentMetadata {
    func writeJSON(_ t: inout JSONText) {
        t.beginObject()
        t.key("bytes"); t.int(bytes)
        t.key("fileName"); t.string(fileName)
        t.key("id"); t.string(id)
        t.key("mediaType"); t.string(mediaType)
        t.key("path"); t.string(path)
        t.key("sha256"); t.string(sha256)
        t.key("version"); t.int(version)
        t.endObject()
    }
}

extension Access {
    func writeJSON(_ t: inout JSONText) {
        t.beginObject()
        t.key("editRoles"); t.strings(editRoles)
        t.key("editUsers"); t.strings(editUsers)
        t.key("restricted"); t.bool(restricted)
        t.key("roles"); t.strings(roles)
        t.key("users"); t.strings(users)
        t.endObject()
    }
}
