/// A macro of a body (`ac:structured-macro`, or `ac:macro` of 4.x exports), with its parameters and bodies.
struct Macro {
    let name: String
    let parameters: [String: String]
    let richBody: XNode?
    let plainBody: String?
    let node: XNode

    func parameter(_ names: String...) -> String? {
        for n in names { if let v = parameters[n], !v.isEmpty { return v } }
        return nil
    }
}

/// One family of macros → the document model. Each converter lives in its own file; its cases are in the spec files
/// under Tests/ConfluenceKMTests/Specs.
protocol MacroConverter: Sendable {
    static var names: [String] { get }
    static func convert(_ macro: Macro, in reader: StorageReader) -> [Piece]
}

enum MacroRegistry {
    static let all: [MacroConverter.Type] = [
        CodeMacro.self, PanelMacro.self, MessageBoxMacro.self, StepsMacro.self, TabMacro.self, LanguageMacro.self,
        ConditionalMacro.self, FootnoteMacro.self, MathMacro.self,
        ExpandMacro.self, TransparentMacro.self, StatusMacro.self, AnchorMacro.self,
        TocMacro.self, ChildrenMacro.self, JiraMacro.self, AttachmentsMacro.self, ViewFileMacro.self, MarkdownMacro.self,
        DiagramMacro.self, IncludeMacro.self, DroppedMacro.self,
    ]
    static let byName: [String: MacroConverter.Type] = {
        var out: [String: MacroConverter.Type] = [:]
        for c in all { for n in c.names { out[n] = c } }
        return out
    }()

    /// Every macro name a converter handles (for suggestions).
    static var knownNames: [String] { Array(byName.keys) }

    /// The converter of a macro: by name, and `lang-xx` language macros by their prefix.
    static func converter(for name: String) -> MacroConverter.Type? {
        if let c = byName[name] { return c }
        if name.hasPrefix("lang-"), name.count > 5 { return LanguageMacro.self }
        return nil
    }
}

extension StorageReader {
    func parseMacro(_ node: XNode) -> Macro {
        var params: [String: String] = [:]
        for p in node.elementChildren where p.name == "ac:parameter" {
            let key = p.attr("ac:name") ?? ""
            // A parameter may hold a resource (ri:user, ri:page …), possibly inside an ac:link, instead of text.
            var resource = p.elementChildren.first
            if let link = resource, link.name == "ac:link" { resource = link.elementChildren.first { $0.name.hasPrefix("ri:") } }
            if let r = resource, r.name == "ri:user" {
                params[key] = userParameter(r)
            } else if let r = resource, r.name.hasPrefix("ri:") {
                params[key] = r.attr("ri:content-title") ?? r.attr("ri:filename") ?? r.attr("ri:value") ?? r.attr("ri:space-key") ?? p.textContent
                if r.name == "ri:page" || r.name == "ri:attachment" { params[key + "@space"] = r.attr("ri:space-key") }
            } else {
                params[key] = p.textContent
            }
        }
        // 4.x exports (`ac:macro`) give the default parameter as an element of its own.
        if params[""] == nil, let d = node.child("ac:default-parameter") { params[""] = d.textContent }
        return Macro(
            name: (node.attr("ac:name") ?? "").lowercased(), parameters: params,
            richBody: node.child("ac:rich-text-body"), plainBody: node.child("ac:plain-text-body")?.textContent, node: node)
    }

    func macro(_ node: XNode) -> [Piece] {
        if !settings.keepSecrets {
            let n = redactSecrets(node)
            if n > 0 {
                diagnose(.secretRedacted, .warning, "macro '\((node.attr("ac:name") ?? "").lowercased())': \(n) parameter value\(n == 1 ? "" : "s") that look like credentials written as \(Secrets.placeholder) (--keep-secrets keeps them)")
            }
        }
        let m = parseMacro(node)
        macros[m.name, default: 0] += 1
        switch settings.policy(m.name) {
        case .drop:
            diagnose(.macroDropped, .info, "macro '\(m.name)' dropped (--macro \(m.name)=drop)")
            return []
        case .fail:
            failedMacro = failedMacro ?? m.name
            return []
        case .keepRaw:
            return keepRaw(m)
        case .convert:
            if let converter = MacroRegistry.converter(for: m.name) { return converter.convert(m, in: self) }
            diagnose(.unsupportedMacro, .warning, "macro '\(m.name)' is not converted; its parameters and body text are kept and its source is kept in an HTML comment")
            return keepRaw(m)
        }
    }

    /// Elements that make a macro body block content (a macro holding only inline content stays in its paragraph).
    static let blockElements: Set<String> = ["p", "table", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "blockquote",
                                             "div", "hr", "ac:task-list", "ac:layout", "ac:image"]

    func hasBlockContent(_ node: XNode) -> Bool {
        node.elementChildren.contains { Self.blockElements.contains($0.name) || ($0.name == "ac:structured-macro" && hasBlockContent($0.child("ac:rich-text-body") ?? $0)) }
    }

    /// An unknown macro (or one whose policy is keep-raw): its storage source in one HTML comment (only the outermost
    /// such macro writes one: nested ones are inside its source), then what a reader of the page saw — its visible
    /// parameters and its body. A macro without block content stays inline, in its paragraph.
    func keepRaw(_ m: Macro) -> [Piece] {
        let outermost = rawDepth == 0
        rawDepth += 1
        defer { rawDepth -= 1 }
        let inline = m.richBody.map { !hasBlockContent($0) } ?? (m.plainBody ?? "").isEmpty
        var out: [Piece] = []
        if outermost {
            out.append(inline ? .inline(.raw(.storage(macro: m.name), m.node.outerXML)) : .block(.raw(.storage(macro: m.name), m.node.outerXML)))
        }
        let visible = visibleParameters(m)
        if !visible.isEmpty {
            out.append(contentsOf: inline ? visible.map { .inline($0) } : [.block(.paragraph(visible))])
        }
        if let rich = m.richBody {
            out.append(contentsOf: rich.children.flatMap(convert))
        } else if let plain = m.plainBody, !plain.isEmpty {
            let language = m.parameter("language", "lang", "syntax").map(CodeMacro.normalize)
            out.append(.block(.codeBlock(language: language, text: plain)))
        }
        return out
    }

    /// Whether a URL is absolute (a scheme before any `/`, `?` or `#`).
    static func hasScheme(_ url: String) -> Bool {
        guard let colon = url.firstIndex(of: ":") else { return false }
        return !url[..<colon].contains { $0 == "/" || $0 == "?" || $0 == "#" } && url.first?.isLetter == true
    }

    /// The parameters a reader of the page saw: a title, text or tooltip as text, a URL as a link.
    func visibleParameters(_ m: Macro) -> [Inline] {
        var out: [Inline] = []
        let text = [m.parameter("title"), m.parameter("text"), m.parameter("tooltip"), m.parameter("footnote")].compactMap { $0 }
        // An absolute URL only: a relative one (a gadget's `rest/…` path) means something only on the Confluence server.
        if let url = m.parameter("url", "href"), let safe = safeURL(url), Self.hasScheme(safe) {
            out.append(.link(.url(safe), title: nil, [.text(text.first ?? url)]))
            out += text.dropFirst().map { .text(" " + $0) }
        } else if !text.isEmpty {
            out.append(.text(text.joined(separator: " ")))
        }
        return out
    }
}
