/// How bodies are converted: table mode, macro policy, base URL for links to content outside the export.
public struct ConversionSettings: Sendable, Equatable {
    /// How tables GFM cannot hold are written (the GFM writer's choice, ``MarkdownWriter/TableMode``).
    public typealias TableMode = MarkdownWriter.TableMode

    public enum MacroPolicy: String, Sendable, CaseIterable {
        /// The built-in converter (for unknown macros: keep-raw).
        case convert
        /// Nothing is written; an info diagnostic records it.
        case drop
        /// The macro's body text is kept and its storage source is kept in an HTML comment.
        case keepRaw = "keep-raw"
        /// The conversion stops (exit 1) when the macro is met.
        case fail
    }

    public var tables: TableMode = .auto
    /// Policy by macro name (lower case); macros not listed use `convert`.
    public var macros: [String: MacroPolicy] = [:]
    /// Links to content missing from the export become absolute URLs under this base (else plain text).
    public var baseURL: String?
    /// The Markdown flavour the articles are written in.
    public var flavor: Flavor = .gfm
    /// The addresses of the Confluence the export came from (`--source-url`): absolute links into it become bundle
    /// links when their target is in the bundle. Without a trailing slash.
    public var sourceURLs: [String] = []
    /// Keep parameter values that look like credentials (off: they are written as `[redacted]`).
    public var keepSecrets = false

    public init() {}

    func policy(_ macro: String) -> MacroPolicy { macros[macro] ?? .convert }
}
