/// `code` and `noformat`: a fenced block (with the language), its title as a bold line before it.
enum CodeMacro: MacroConverter {
    static let names = ["code", "code-block", "sourcecode", "noformat", "preformatted"]

    static func convert(_ m: Macro, in reader: StorageReader) -> [Piece] {
        var out: [Piece] = []
        if let title = m.parameter("title") { out.append(.block(.paragraph([.strong([.text(title)])]))) }
        let text = m.plainBody ?? m.richBody?.textContent ?? ""
        if m.name == "noformat" || m.name == "preformatted" {
            out.append(.block(.codeBlock(language: nil, text: text)))
            return out
        }
        // `{code:java}` and 4.x's `<ac:default-parameter>` give the language as the default parameter.
        let language = m.parameter("language", "lang", "").map { normalize($0) }
        out.append(.block(.codeBlock(language: language, text: text)))
        return out
    }

    /// Confluence's language names → the names highlighters know.
    static func normalize(_ language: String) -> String {
        let l = language.lowercased()
        let map = ["c#": "csharp", "c++": "cpp", "js": "javascript", "actionscript3": "actionscript", "shell": "bash",
                   "sh": "bash", "py": "python", "text": "text", "none": "text", "html/xml": "xml", "vb": "vbnet"]
        return map[l] ?? l.filter { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "+" || $0 == "#" || $0 == "_" }
    }
}
