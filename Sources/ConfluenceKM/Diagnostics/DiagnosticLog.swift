/// The diagnostics of one body, shared by its reader, the passes and the writer: each is stamped with the page,
/// and a `once` key keeps a repeated finding (the same unknown element a hundred times) to one entry.
final class DiagnosticLog {
    let page: PageContext
    private(set) var items: [Diagnostic] = []
    private var reported: Set<String> = []

    init(page: PageContext) { self.page = page }

    func add(_ code: DiagnosticCode, _ severity: Diagnostic.Severity, _ message: String, once key: String? = nil) {
        if let key {
            guard reported.insert(code.rawValue + "\u{1}" + key).inserted else { return }
        }
        items.append(Diagnostic(code, severity, contentId: page.id, title: page.title, message: message))
    }

    /// Diagnostics found elsewhere (an included page), reported on this page.
    func append(contentsOf others: [Diagnostic]) {
        for d in others {
            items.append(Diagnostic(d.code, d.severity, contentId: page.id, title: page.title, message: d.message))
        }
    }
}
