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
        CodeMacro.self, PanelMacro.self, ExpandMacro.self, TransparentMacro.self, StatusMacro.self, AnchorMacro.self,
        TocMacro.self, ChildrenMacro.self, JiraMacro.self, AttachmentsMacro.self, ViewFileMacro.self, MarkdownMacro.self,
        DiagramMacro.self, IncludeMacro.self, DroppedMacro.self,
    ]
    static let byName: [String: MacroConverter.Type] = {
        var out: [String: MacroConverter.Type] = [:]
        for c in all { for n in c.names { out[n] = c } }
        return out
    }()
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
            if let converter = MacroRegistry.byName[m.name] { return converter.convert(m, in: self) }
            diagnose(.unsupportedMacro, .warning, "macro '\(m.name)' is not converted; its body text is kept and its source is kept in an HTML comment")
            return keepRaw(m)
        }
    }

    /// The macro's body text is kept; its storage source goes into an HTML comment beside it.
    func keepRaw(_ m: Macro) -> [Piece] {
        var out: [Piece] = [.block(.raw(.storage(macro: m.name), m.node.outerXML))]
        if let rich = m.richBody {
            out.append(contentsOf: rich.children.flatMap(convert))
        } else if let plain = m.plainBody, !plain.isEmpty {
            out.append(.block(.codeBlock(language: nil, text: plain)))
        }
        return out
    }
}
