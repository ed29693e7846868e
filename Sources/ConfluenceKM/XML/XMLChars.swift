/// Characters XML 1.0 forbids (C0 controls other than tab, LF and CR; U+FFFE, U+FFFF), which real Confluence exports
/// hold anyway (a backspace in a user's name in a title, 0x02 and 0x1C inside bodies).
///
/// ``UTF8Sanitizer`` turns each into a stand-in from Supplementary Private Use Area-B (U+F0000 + the control's value,
/// U+F00FE and U+F00FF) before libxml2 sees the bytes, so the file parses and the character's identity survives;
/// ``repair(_:)`` then replaces every stand-in (and any forbidden character that came by another way, as in CSV
/// tables) with U+FFFD and says which code points it met, for one `invalid-xml-char` diagnostic per object.
enum XMLChars {
    static func isForbidden(_ b: UInt8) -> Bool { b < 0x20 && b != 0x09 && b != 0x0A && b != 0x0D }

    /// The UTF-8 of the stand-in for a forbidden C0 byte.
    static func standIn(_ b: UInt8) -> [UInt8] { [0xF3, 0xB0, 0x80, 0x80 | b] }
    /// The stand-ins for U+FFFE and U+FFFF (U+F00FE, U+F00FF).
    static let standInFFFE: [UInt8] = [0xF3, 0xB0, 0x83, 0xBE]
    static let standInFFFF: [UInt8] = [0xF3, 0xB0, 0x83, 0xBF]

    /// `text` with stand-ins and forbidden characters replaced by U+FFFD, and the code points met (sorted, once each).
    static func repair(_ text: String) -> (text: String, codePoints: [UInt32]) {
        var probe = text
        let suspect = probe.withUTF8 { bytes in
            bytes.contains { $0 == 0xF3 || $0 == 0xEF || isForbidden($0) }
        }
        guard suspect else { return (text, []) }
        var found: Set<UInt32> = []
        var out = String.UnicodeScalarView()
        for s in text.unicodeScalars {
            let v = s.value
            if v < 0x20 && v != 0x09 && v != 0x0A && v != 0x0D || v == 0xFFFE || v == 0xFFFF {
                found.insert(v)
                out.append("\u{FFFD}")
            } else if v >= 0xF0000 && v <= 0xF001F {
                found.insert(v - 0xF0000)
                out.append("\u{FFFD}")
            } else if v == 0xF00FE || v == 0xF00FF {
                found.insert(v - 0xF0000 + 0xFF00)
                out.append("\u{FFFD}")
            } else {
                out.append(s)
            }
        }
        return found.isEmpty ? (text, []) : (String(out), found.sorted())
    }

    static func describe(_ codePoints: [UInt32]) -> String {
        codePoints.map { "U+" + String(repeating: "0", count: max(0, 4 - String($0, radix: 16).count)) + String($0, radix: 16, uppercase: true) }
            .joined(separator: ", ")
    }
}
