/// The one emitter of every value the tool writes into YAML — front matter, `mkdocs.yml`, `inspect
/// --config-template` (its values and every name in its comments) — and into the model dump: text from an export goes in only as a double-quoted scalar in the
/// escapes JSON and YAML share, so no title, name or label can end its value, start a key or make the file invalid.
///
/// Escaped beyond JSON's own: every character YAML does not allow raw (C0 and C1 controls, DEL, U+FFFE, U+FFFF) and
/// the ones a YAML 1.1 reader such as PyYAML takes as line ends or marks (NEL U+0085, U+2028, U+2029, the BOM
/// U+FEFF). A C1 control made PyYAML reject front matter, and MkDocs then printed it, access lists and all.
public enum YAMLText {
    /// `"…"`: a YAML (and JSON) double-quoted scalar.
    public static func quoted(_ s: String) -> String {
        var out = "\""
        for c in s.unicodeScalars {
            switch c {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                if needsEscape(c) { out += escape(c) } else { out.unicodeScalars.append(c) }
            }
        }
        return out + "\""
    }

    /// JSON text (an encoder's output) made safe to stand as a YAML flow value: JSON leaves C1 controls and the
    /// line separators raw inside strings, where YAML refuses or splits them; they become `\uXXXX`, which both read
    /// as the same character. Outside strings JSON holds only ASCII, so nothing else changes.
    public static func flow(json: String) -> String {
        guard json.unicodeScalars.contains(where: needsEscape) else { return json }
        var out = String.UnicodeScalarView()
        for c in json.unicodeScalars {
            if needsEscape(c) { out.append(contentsOf: escape(c).unicodeScalars) } else { out.append(c) }
        }
        return String(out)
    }

    static func needsEscape(_ c: Unicode.Scalar) -> Bool {
        c.value < 0x20 || (0x7F...0x9F).contains(c.value) || c == "\u{2028}" || c == "\u{2029}" || c == "\u{FEFF}"
            || c == "\u{FFFE}" || c == "\u{FFFF}"
    }

    private static func escape(_ c: Unicode.Scalar) -> String {
        let hex = String(c.value, radix: 16, uppercase: true)
        return "\\u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }
}
