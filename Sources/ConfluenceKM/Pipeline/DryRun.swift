import Foundation

/// What `convert --dry-run` prints: the plan of a conversion, with nothing written.
public struct DryRunReport: Codable, Sendable {
    public struct Article: Codable, Sendable {
        public var id: String
        public var type: String
        public var title: String
        public var spaceKey: String
        public var markdown: String
        public var parentId: String?
        public var access: Access
        public var attachments: [String]

        enum CodingKeys: String, CodingKey { case id, type, title, spaceKey, markdown, parentId, access, attachments }
        public func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(id, forKey: .id)
            try c.encode(type, forKey: .type)
            try c.encode(title, forKey: .title)
            try c.encode(spaceKey, forKey: .spaceKey)
            try c.encode(markdown, forKey: .markdown)
            try c.encode(parentId, forKey: .parentId)
            try c.encode(access, forKey: .access)
            try c.encode(attachments, forKey: .attachments)
        }
    }
    public var articles: [Article]
    public var skipped: [String: Int]
    /// Every plan-time diagnostic: filtered items with their reasons, unmapped groups, re-parented pages …
    public var diagnostics: [Diagnostic]

    public func json() throws -> String {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try e.encode(self), as: UTF8.self)
    }

    public func text() -> String {
        var out = "would convert \(articles.count) articles (\(articles.filter { $0.access.restricted }.count) restricted), "
            + "\(articles.reduce(0) { $0 + $1.attachments.count }) attachments\n"
        for a in articles {
            let access = a.access.restricted
                ? "restricted to roles [\(a.access.roles.joined(separator: ", "))] users [\(a.access.users.joined(separator: ", "))]"
                : "open"
            out += "  \(a.markdown)  \(a.type) \(a.id) '\(a.title)'  \(access)\n"
        }
        let filtered = diagnostics.filter { $0.code == .filtered }
        if !filtered.isEmpty {
            out += "filtered out: \(filtered.count)\n"
            for d in filtered { out += "  \(d.contentId ?? "-") '\(d.title ?? "")': \(d.message)\n" }
        }
        if !skipped.isEmpty {
            out += "skipped: " + skipped.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ") + "\n"
        }
        let others = diagnostics.filter { $0.code != .filtered }
        if !others.isEmpty {
            out += "notes:\n"
            for d in others { out += "  [\(d.severity.rawValue)] \(d.code) \(d.contentId ?? "-"): \(d.message)\n" }
        }
        return out
    }
}

extension Converter {
    /// The plan, and every body converted through the same pipeline as `convert` (nothing written), so that its
    /// warnings — broken links, unsupported macros, redacted secrets included — are the ones `convert` reports, and
    /// `--dry-run --strict` fails exactly when `--strict` would.
    public func dryRun() throws -> DryRunReport {
        let (index, spool) = try spooledIndex("dry-run")
        let plan = ConversionPlan(index: index, options: options)
        try checkUnmatched(plan)
        try checkStrictPermissions(plan.diagnostics)
        let ids = plan.order
        let jobs = max(1, min(options.jobs, ids.count))
        let planned = plan.articles
        let pipeline = plan.bodyPipeline(spool: spool, options: options)
        final class Collected: @unchecked Sendable {
            let lock = NSLock()
            var diagnostics: [Diagnostic] = []
            var failed: Error?
        }
        let collected = Collected()
        DispatchQueue.concurrentPerform(iterations: jobs) { worker in
            for i in stride(from: worker, to: ids.count, by: jobs) {
                let a = planned[ids[i]]!
                // As convert: the body through the pipeline, or the article without one.
                let out = a.storedBody(spool).map { pipeline.convert($0) } ?? pipeline.convertWithoutBody(a)
                collected.lock.lock()
                collected.diagnostics += out.diagnostics
                if let m = out.failedMacro, collected.failed == nil {
                    collected.failed = ConversionError.macroFailed(macro: m, contentId: a.content.id, title: a.content.title)
                }
                collected.lock.unlock()
            }
        }
        if let failed = collected.failed { throw failed }
        // As convert: a --macro that no body holds is a typo, never a guard (comments are not read here).
        try checkUnmatched(pipeline.unmatchedMacroPolicies())
        let diagnostics = (plan.diagnostics + collected.diagnostics).sorted(by: Diagnostic.reportOrder)
        if options.strict {
            let warnings = diagnostics.filter { $0.severity >= .warning }.count
            if warnings > 0 {
                throw ConversionError.strictWarnings(count: warnings, report: ConversionReport(converted: [:], skipped: plan.skipped, diagnostics: diagnostics))
            }
        }
        let articles = plan.order.map { id -> DryRunReport.Article in
            let a = plan.articles[id]!
            return .init(id: id, type: a.metadata.type.rawValue, title: a.metadata.title, spaceKey: a.metadata.spaceKey,
                         markdown: a.metadata.markdown, parentId: a.metadata.parentId, access: a.metadata.access,
                         attachments: a.attachments.map(\.path).sorted())
        }
        return DryRunReport(articles: articles, skipped: plan.skipped, diagnostics: diagnostics)
    }

    /// A filter or role that matches nothing is an error, unless `--allow-unmatched` made it a warning.
    func checkUnmatched(_ plan: ConversionPlan) throws { try checkUnmatched(plan.unmatched) }

    /// Values that match nothing: an error naming the first, unless `--allow-unmatched`.
    func checkUnmatched(_ unmatched: [Unmatched]) throws {
        if let first = unmatched.first, !options.allowUnmatched {
            throw ConversionError.unmatched(first.message, more: unmatched.count - 1)
        }
    }

    /// `--strict-permissions`: a group that grants access without a KM role, or a permission not understood, stops
    /// the conversion.
    func checkStrictPermissions(_ diagnostics: [Diagnostic]) throws {
        guard options.permissions.strict else { return }
        let notUnderstood = diagnostics.filter { $0.code == .permissionNotUnderstood }
        if let first = notUnderstood.first {
            throw ConversionError.permissionsNotUnderstood(count: notUnderstood.count, first: first.message)
        }
        let groups = diagnostics.filter { $0.code == .unmappedGroup }.compactMap { d in
            d.message.split(separator: "'").dropFirst().first.map(String.init)
        }
        if !groups.isEmpty { throw ConversionError.unmappedGroups(groups.sorted()) }
    }
}
