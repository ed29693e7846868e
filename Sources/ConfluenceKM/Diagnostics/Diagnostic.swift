/// A recoverable problem found while converting: something dropped, filtered or only partly converted.
///
/// Diagnostics are collected into `report.json`; the library never prints them.
public struct Diagnostic: Codable, Hashable, Sendable {
    public enum Severity: String, Codable, Sendable, Comparable {
        case info, warning, error

        private var rank: Int {
            switch self {
            case .info: 0
            case .warning: 1
            case .error: 2
            }
        }
        public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
    }

    /// A stable, kebab-case code such as `unsupported-macro` (``DiagnosticCode``; README explains each).
    public var code: DiagnosticCode
    public var severity: Severity
    /// The content (page, blog post, attachment) the diagnostic concerns, if any.
    public var contentId: String?
    public var title: String?
    public var message: String

    public init(_ code: DiagnosticCode, _ severity: Severity, contentId: String? = nil, title: String? = nil, message: String) {
        self.code = code
        self.severity = severity
        self.contentId = contentId
        self.title = title
        self.message = message
    }
}

extension Diagnostic {
    /// The deterministic order used in reports: by content id (numeric-aware), then code, then message.
    public static func reportOrder(_ a: Diagnostic, _ b: Diagnostic) -> Bool {
        let ai = a.contentId ?? "", bi = b.contentId ?? ""
        if ai != bi { return IDOrder.less(ai, bi) }
        if a.code != b.code { return a.code.rawValue < b.code.rawValue }
        if a.message != b.message { return a.message < b.message }
        return (a.title ?? "") < (b.title ?? "")
    }
}

/// Numeric-aware ordering of content ids: ids are usually decimal numbers, but keys may be any string.
public enum IDOrder {
    public static func less(_ a: String, _ b: String) -> Bool {
        // Over the UTF-8 bytes (every sort of the plan compares ids): ASCII ids compare as bytes, which is what
        // String's `<` gives them; any other id falls back to String's order.
        var a = a, b = b
        let byBytes: Bool? = a.withUTF8 { x in
            b.withUTF8 { y in
                let xn = isDigits(x), yn = isDigits(y)
                if xn && yn && x.count != y.count { return x.count < y.count }
                if xn != yn { return xn }  // numeric ids first
                if !xn && (x.contains { $0 >= 0x80 } || y.contains { $0 >= 0x80 }) { return nil }
                let n = min(x.count, y.count)
                for i in 0..<n where x[i] != y[i] { return x[i] < y[i] }
                return x.count < y.count
            }
        }
        return byBytes ?? (a < b)
    }

    private static func isDigits(_ s: UnsafeBufferPointer<UInt8>) -> Bool {
        !s.isEmpty && s.allSatisfy { $0 >= 48 && $0 <= 57 }
    }

    static func isDigits(_ s: String) -> Bool {
        !s.isEmpty && s.utf8.allSatisfy { $0 >= 48 && $0 <= 57 }
    }

}

extension Diagnostic {
    /// A value from the export as it appears inside a message: at most 120 characters, control characters and
    /// other invisible formatting shown as `\u{…}` (a message is one line, safe on a terminal).
    public static func shown(_ value: String, limit: Int = 120) -> String {
        var out = ""
        var count = 0
        for scalar in value.unicodeScalars {
            if count >= limit { out += "…"; break }
            count += 1
            if TerminalText.isUnsafe(scalar) {
                out += "\\u{" + String(scalar.value, radix: 16) + "}"
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}

/// Text bound for a terminal or a one-line message: every control character (C0, DEL, C1) and every invisible
/// direction override is shown escaped, so that no value from an export can move the cursor, change colours,
/// retitle the window or reorder what the reader sees. Newlines and tabs are kept only where asked.
public enum TerminalText {
    static func isUnsafe(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        return v < 0x20 || (v >= 0x7f && v < 0xa0) || (v >= 0x202a && v <= 0x202e) || (v >= 0x2066 && v <= 0x2069)
            || v == 0x200e || v == 0x200f || v == 0x061c
    }

    /// `text` with every unsafe character escaped; `keepLines` keeps `\n` and `\t` (whole lines of output).
    public static func safe(_ text: String, keepLines: Bool = true) -> String {
        if !text.unicodeScalars.contains(where: isUnsafe) { return text }
        var out = ""
        for scalar in text.unicodeScalars {
            if isUnsafe(scalar) && !(keepLines && (scalar == "\n" || scalar == "\t")) {
                switch scalar {
                case "\u{1b}": out += "\\e"
                case "\r": out += "\\r"
                default: out += "\\u{" + String(scalar.value, radix: 16) + "}"
                }
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
