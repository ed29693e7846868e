/// Caps on numbers and sizes that come from the export. Every number read from an export may be crafted, so it is
/// checked against these (with a diagnostic where it changes the output) and added up with ``Checked``, never
/// with `+`, which traps on overflow.
public enum Limits {
    /// CommonMark list numbers have at most 9 digits.
    static let maxListStart = 999_999_999
    /// A table cell spans at most this many columns or rows.
    static let maxSpan = 1000
    /// Text of a captured property (id, title, label, name, date …) beyond this is cut while it streams in.
    static let maxPropertyBytes = 1 << 20
    /// Titles, labels and names beyond this many characters are cut (Confluence allows 255).
    static let maxTitleCharacters = 1000
    /// The page tree is at most this deep in a bundle; deeper pages hang under the page at this depth.
    public static let maxTreeDepth = 64
    /// A GFM table is at most this wide: cmark-gfm's table extension is quadratic in the columns of a row (20,000
    /// columns took it 29 s). The writer writes a wider table as HTML, and every parse of Markdown the tool did not
    /// write itself (validate, preview) reads a line with more cells than this as text.
    public static let maxGFMTableColumns = 128
}

/// Arithmetic on numbers from the input: saturating, never trapping.
enum Checked {
    static func add(_ a: Int64, _ b: Int64) -> Int64 {
        let (r, overflow) = a.addingReportingOverflow(b)
        return overflow ? (b > 0 ? .max : .min) : r
    }

    static func multiply(_ a: Int64, _ b: Int64) -> Int64 {
        let (r, overflow) = a.multipliedReportingOverflow(by: b)
        return overflow ? ((a < 0) != (b < 0) ? .min : .max) : r
    }

    /// A size declared by the archive: negative is unknown.
    static func size(_ declared: Int64?) -> Int64 {
        guard let d = declared, d >= 0 else { return 0 }
        return d
    }

    static func sum<S: Sequence>(_ values: S) -> Int64 where S.Element == Int64 {
        values.reduce(0) { add($0, max(0, $1)) }
    }
}
