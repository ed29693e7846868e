/// Macros of popular apps whose structure has a meaning of its own: message boxes, steps, tabs, languages,
/// conditional content, footnotes and math. Each keeps what a reader of the page saw.

/// `alert`, `auimessage`, `aui-message` (message boxes of apps) → the same panels as info, note and warning.
enum MessageBoxMacro: MacroConverter {
    static let names = ["alert", "auimessage", "aui-message", "message", "ui-message"]
    static let kinds: [String: PanelKind] = [
        "success": .success, "info": .info, "information": .info, "generic": .note, "note": .note, "hint": .tip,
        "tip": .tip, "warning": .warning, "warn": .warning, "error": .error, "danger": .error,
    ]

    static func convert(_ m: Macro, in reader: StorageReader) -> [Piece] {
        let type = (m.parameter("type", "messageType", "") ?? "info").lowercased()
        let title = m.parameter("title").map { [Inline.text($0)] } ?? []
        var body = reader.body(m)
        if body.isEmpty, let plain = m.plainBody, !plain.isEmpty { body = [.paragraph([.text(plain)])] }
        return [.block(.panel(Panel(kind: kinds[type] ?? .info, title: title, blocks: body)))]
    }
}

/// `ui-steps` / `ui-step` → an ordered list, one item per step.
enum StepsMacro: MacroConverter {
    static let names = ["ui-steps", "ui-step"]

    static func convert(_ m: Macro, in reader: StorageReader) -> [Piece] {
        if m.name == "ui-step" { return [.paragraphBreak, .block(.div(Attr(classes: ["step"]), reader.body(m))), .paragraphBreak] }
        // The steps are the body's ui-step macros (each may sit in a paragraph of its own).
        let blocks = reader.body(m)
        var items: [ListItem] = []
        var loose: [Block] = []
        func collect(_ bs: [Block]) {
            for b in bs {
                if case .div(let attr, let inner) = b, attr.classes.contains("step") {
                    items.append(ListItem(blocks: inner))
                } else if case .div(let attr, let inner) = b, attr.isEmpty {
                    collect(inner)
                } else if items.isEmpty {
                    loose.append(b)
                } else {
                    items[items.count - 1].blocks.append(b)
                }
            }
        }
        collect(blocks)
        return loose.map { .block($0) } + (items.isEmpty ? [] : [.block(.list(List(ordered: true, items: items)))])
    }
}

/// `ui-tab`, `card`, `localtab` (and their groups `ui-tabs`, `deck`, `localtabgroup`, `auitabs`) → one section per
/// tab, its title as a bold line: every tab's content is on the page, as a reader could see by clicking.
enum TabMacro: MacroConverter {
    static let names = ["ui-tabs", "ui-tab", "deck", "card", "localtabgroup", "localtab", "auitabs", "auitab", "tabs", "tab"]
    static let groups: Set<String> = ["ui-tabs", "deck", "localtabgroup", "auitabs", "tabs"]

    static func convert(_ m: Macro, in reader: StorageReader) -> [Piece] {
        if groups.contains(m.name) {
            return [.paragraphBreak, .block(.div(Attr(classes: ["tabs"]), reader.body(m))), .paragraphBreak]
        }
        var blocks: [Block] = []
        if let title = m.parameter("title", "label", "name", "") { blocks.append(.paragraph([.strong([.text(title)])])) }
        blocks += reader.body(m)
        return [.paragraphBreak, .block(.div(Attr(classes: ["tab"]), blocks)), .paragraphBreak]
    }
}

/// `lang-xx` and `sv-translation` (Multilingual and Translations apps) → each language's content under a bold label
/// with its code.
enum LanguageMacro: MacroConverter {
    static let names = ["sv-translation", "translation", "language"]

    static func convert(_ m: Macro, in reader: StorageReader) -> [Piece] {
        let code = m.name.hasPrefix("lang-") ? String(m.name.dropFirst(5)) : (m.parameter("language", "lang", "locale", "") ?? "")
        var blocks: [Block] = []
        if !code.isEmpty { blocks.append(.paragraph([.strong([.text("Language: " + code)])])) }
        blocks += reader.body(m)
        return [.paragraphBreak, .block(.div(Attr(classes: ["language"], pairs: [.init("lang", code)]), blocks)), .paragraphBreak]
    }
}

/// `show-if` / `hide-if` (Visibility apps): the content is kept, marked with the condition Confluence applied; the
/// bundle cannot apply it, so it is reported (the article's own access is unchanged: never wider than the page's).
enum ConditionalMacro: MacroConverter {
    static let names = ["show-if", "hide-if", "showif", "hideif", "show-to", "hide-from"]

    static func convert(_ m: Macro, in reader: StorageReader) -> [Piece] {
        let show = m.name.hasPrefix("show")
        var who: [String] = []
        for key in ["group", "groups", "user", "users", "type", "special", "role"] {
            if let v = m.parameter(key) { who.append("\(key) \(v)") }
        }
        let condition = who.isEmpty ? "a condition" : who.joined(separator: "; ")
        reader.diagnose(.conditionalContent, .warning, "macro '\(m.name)' (\(condition)): its content is kept for every reader of the article, marked with the condition")
        let note = Block.paragraph([.emphasis([.text((show ? "Shown in Confluence only to " : "Hidden in Confluence from ") + condition + ":")])])
        return [.paragraphBreak, .block(.div(Attr(classes: ["conditional"]), [note] + reader.body(m))), .paragraphBreak]
    }
}

/// `cfm-footnote`, `footnote` → a footnote (`[^1]`, its text at the end of the article).
enum FootnoteMacro: MacroConverter {
    static let names = ["cfm-footnote", "footnote", "footnote-macro", "easy-footnote"]

    static func convert(_ m: Macro, in reader: StorageReader) -> [Piece] {
        var blocks = reader.body(m)
        if blocks.isEmpty, let text = m.plainBody ?? m.parameter("footnote", "text", "") , !text.isEmpty { blocks = [.paragraph([.text(text)])] }
        return blocks.isEmpty ? [] : [.inline(.note(blocks))]
    }
}

/// `mathinline`, `mathblock`, `latex`, `mathjax` … → `$…$` inline, a fenced `math` block otherwise.
enum MathMacro: MacroConverter {
    static let names = ["mathinline", "mathblock", "math-inline", "math-block", "latex", "latex-formatting", "mathjax",
                        "mathjax-block", "mathjax-inline", "mathjax-inline-macro", "latex-block", "latex-inline", "eazy-math-inline"]

    static func convert(_ m: Macro, in reader: StorageReader) -> [Piece] {
        let tex = (m.plainBody ?? m.parameter("body", "equation", "formula", "") ?? m.richBody?.textContent ?? "")
            .trimmingCharacters(in: .whitespacesAndNewlines)
        if tex.isEmpty { return [] }
        if m.name.contains("inline") { return [.inline(.math(tex))] }
        return [.block(.codeBlock(language: "math", text: tex))]
    }
}
