import Crypto
import Foundation

/// File and folder names for the bundle: deterministic, unique, safe on every filesystem, non-ASCII letters kept.
enum Naming {
    static let reserved: Set<String> = [
        "con", "prn", "aux", "nul", "com1", "com2", "com3", "com4", "com5", "com6", "com7", "com8", "com9",
        "lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9",
    ]

    /// A slug of a title: lower-case letters and digits (any script), runs of anything else as one `-`.
    static func slug(_ title: String, maxBytes: Int = 100) -> String {
        var out = ""
        var dash = false
        if isASCII(title) {
            // ASCII (most titles): the same rule over bytes — A–Z lowered, a–z and 0–9 kept, the rest a `-`.
            var bytes: [UInt8] = []
            bytes.reserveCapacity(title.utf8.count)
            for b in title.utf8 {
                let l = b >= 65 && b <= 90 ? b + 32 : b
                if (l >= 97 && l <= 122) || (l >= 48 && l <= 57) {
                    if dash && !bytes.isEmpty { bytes.append(45) }
                    dash = false
                    bytes.append(l)
                } else {
                    dash = true
                }
            }
            return finish(String(decoding: bytes, as: UTF8.self), maxBytes: maxBytes)
        }
        return unicodeSlug(title, maxBytes: maxBytes)
    }

    /// ``slug(_:maxBytes:)`` over Characters, for any script.
    static func unicodeSlug(_ title: String, maxBytes: Int = 100) -> String {
        var out = ""
        var dash = false
        for c in title.precomposedStringWithCanonicalMapping.lowercased() {
            if c.isLetter || c.isNumber {
                if dash && !out.isEmpty { out.append("-") }
                dash = false
                out.append(c)
            } else {
                dash = true
            }
        }
        return finish(out, maxBytes: maxBytes)
    }

    private static func finish(_ slug: String, maxBytes: Int) -> String {
        var out = truncate(slug, maxBytes: maxBytes)
        while out.hasSuffix("-") { out.removeLast() }
        if reserved.contains(out) { out += "-page" }
        return out
    }

    /// A safe file name: path separators, characters Windows forbids and control characters become `_`;
    /// no leading dot, no trailing dot or space, no reserved device name; at most `maxBytes` bytes, extension kept.
    static func safeFileName(_ name: String, maxBytes: Int = 150) -> String {
        var out = isASCII(name) ? asciiSafeCharacters(name) : safeCharacters(name)
        while out.hasPrefix(".") { out = "_" + out.dropFirst() }
        while out.hasSuffix(".") || out.hasSuffix(" ") { out.removeLast() }
        let (stem, ext) = splitExtension(out)
        if reserved.contains(stem.lowercased()) { out = "_" + out }
        if out.utf8.count > maxBytes {
            let e = ext.utf8.count < 20 ? ext : ""
            out = truncate(stem, maxBytes: maxBytes - e.utf8.count) + e
        }
        return out
    }

    /// The name in canonical composition, with path separators, characters Windows forbids and control characters
    /// made `_`.
    static func safeCharacters(_ name: String) -> String {
        var out = ""
        for c in name.precomposedStringWithCanonicalMapping.unicodeScalars {
            if c.value < 0x20 || c.value == 0x7f || "/\\:*?\"<>|".unicodeScalars.contains(c) {
                out.append("_")
            } else {
                out.unicodeScalars.append(c)
            }
        }
        return out
    }

    /// ``safeCharacters(_:)`` of an ASCII name (most names), over bytes: ASCII is its own canonical composition.
    static func asciiSafeCharacters(_ name: String) -> String {
        String(decoding: name.utf8.map { b in
            b < 0x20 || b == 0x7f || forbiddenBytes.contains(b) ? UInt8(ascii: "_") : b
        }, as: UTF8.self)
    }

    /// The characters Windows forbids in a file name (besides control characters), as bytes.
    private static let forbiddenBytes = Array("/\\:*?\"<>|".utf8)

    static func isASCII(_ s: String) -> Bool { s.utf8.allSatisfy { $0 < 0x80 } }

    /// "name.tar.gz" → ("name.tar", ".gz"); "name" → ("name", "").
    static func splitExtension(_ name: String) -> (String, String) {
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return (name, "") }
        return (String(name[..<dot]), String(name[dot...]))
    }

    static func truncate(_ s: String, maxBytes: Int) -> String {
        if s.utf8.count <= maxBytes { return s }
        var out = ""
        for c in s {
            if out.utf8.count + String(c).utf8.count > maxBytes { break }
            out.append(c)
        }
        return out
    }

    /// Whether an id has a form Confluence writes: a plain integer (Server, Data Center, Cloud XML and CSV), or
    /// letters, digits, `_` and `-` (Cloud's other id forms, user keys), at most 64 characters, starting with a
    /// letter or digit. Anything else is a crafted id.
    static func isWellFormedId(_ id: String) -> Bool {
        let bytes = id.utf8
        guard (1...64).contains(bytes.count), let first = bytes.first, isAlnum(first) else { return false }
        return bytes.allSatisfy { isAlnum($0) || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-") }
    }

    private static func isAlnum(_ b: UInt8) -> Bool {
        (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a)
    }

    /// An id as a piece of a file name: the id itself when well formed, otherwise `id-` and 16 hex digits of its
    /// SHA-256 (stable, distinct, safe). The only way an id from the export reaches a path.
    static func idComponent(_ id: String) -> String {
        if isWellFormedId(id) { return id }
        return "id-" + String(SHA256.hash(data: Data(id.utf8)).hex.prefix(16))
    }

    /// The key under which two names clash on a case-insensitive, normalising filesystem.
    static func clashKey(_ name: String) -> String {
        isASCII(name) ? name.lowercased() : name.precomposedStringWithCanonicalMapping.lowercased()
    }
}
