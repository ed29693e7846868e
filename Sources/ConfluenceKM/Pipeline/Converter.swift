import Crypto
import Foundation

/// The conversion, as named stages:
///
/// 1. **index** — read the archive once: the descriptor, which attachment files exist, and every object of
///    `entities.xml` (or row of the CSV tables) reduced to its metadata; bodies go to a spool file, not to memory.
/// 2. **plan** — choose current content, apply options, name every file of the bundle, resolve the page tree.
/// 3. **content** — read back the chosen bodies from the spool and convert them (on all cores, a bounded number in
///    flight); then one more pass over the archive copies each chosen attachment's bytes, hashed as they are written.
/// 4. **bundle** — write metadata, `report.json` and `manifest.json`, then rename the staging folder into place.
public struct Converter {
    public static let toolVersion = "0.1.0"

    /// The exports, in the order given: one, or several merged into one bundle (``ExportIndex/merging(_:preferNewest:timeZoneGiven:sharedDirectory:)``).
    public let exportPaths: [String]
    /// The first export: the one messages about the export as a whole name.
    public var exportPath: String { exportPaths[0] }
    public let options: ConvertOptions
    /// Called with the phase, items done and items in all (0 when unknown); from the converting thread only.
    public var progress: (@Sendable (String, Int, Int) -> Void)?

    public init(exportPath: String, options: ConvertOptions = ConvertOptions()) {
        self.init(exportPaths: [exportPath], options: options)
    }

    public init(exportPaths: [String], options: ConvertOptions = ConvertOptions()) {
        precondition(!exportPaths.isEmpty, "at least one export")
        self.exportPaths = exportPaths
        self.options = options
    }

    // MARK: Stage 1

    /// Reads the archive's metadata: the index. Fails on anything that is not a readable XML export.
    public func index() throws -> ExportIndex { try index(spool: nil) }

    /// The index pass; with a spool, every body is set aside as it streams past (see ``BodySpool``); without one
    /// (dry run), bodies are skipped. Several exports are indexed one after the other and merged; each body is
    /// read back from the export that holds it.
    func index(spool: BodySpool?) throws -> ExportIndex {
        if exportPaths.count == 1 {
            let index = try index(exportPaths[0], spool: spool)
            // Bodies of historical versions (and of anything else not indexed) were spooled as they streamed past;
            // their offsets are dropped now.
            spool?.keep { index.bodies[$0] != nil }
            return index
        }
        var parts: [ExportIndex.Part] = [], written: [[BodySpool.Written]] = []
        for path in exportPaths {
            parts.append(ExportIndex.Part(name: path, index: try index(path, spool: spool)))
            written.append(spool?.takeWritten() ?? [])
        }
        let merged = try ExportIndex.merging(parts, preferNewest: options.preferNewest, timeZoneGiven: options.timeZone != nil,
                                              sharedDirectory: options.permissions.sharedDirectory)
        for (k, list) in written.enumerated() { spool?.keep(list) { merged.bodyOrigin[$0] == k } }
        return merged
    }

    /// One export's index pass.
    private func index(_ exportPath: String, spool: BodySpool?) throws -> ExportIndex {
        let archive = try ArchiveReader(path: exportPath, limits: options.limits)
        var builder = ExportIndexBuilder()
        builder.wantedProperties = Set(options.mapping.properties.values)
        var descriptor: [String: String]?
        var tables: Set<String> = []
        var attachmentFiles: [String: Int64] = [:]
        var seen: Set<String> = []
        func skip(_ entry: ArchiveEntry, _ why: String) {
            builder.index.archiveDiagnostics.append(Diagnostic(.unsafeEntry, .warning,
                message: "archive entry '\(entry.path.prefix(200))' skipped: \(why); nothing is written for it"))
        }
        while let entry = try archive.nextEntry() {
            let path = entry.path
            if let reason = entry.unsafeNameReason {
                skip(entry, "its name has \(reason)")
                continue
            }
            switch entry.kind {
            case .file: builder.index.fileBytes = Checked.add(builder.index.fileBytes, Checked.size(entry.size))
            case .directory: continue
            case .symlink: skip(entry, "it is a symbolic link, never followed"); continue
            case .hardlink: skip(entry, "it is a hard link, never followed"); continue
            case .other: skip(entry, "it is a device or other special file"); continue
            }
            let isKnown = path == "entities.xml" || path == "exportDescriptor.properties" || CSVExport.isDescriptor(path)
                || CSVExport.tableName(path).map(CSVExport.indexTables.contains) == true
            if !seen.insert(path).inserted {
                if isKnown { throw ConversionError.duplicateEntry(path: exportPath, entry: path) }
                skip(entry, "the archive holds this name more than once; the first one is used")
                continue
            }
            if entry.isEncrypted {
                if isKnown { throw ConversionError.encryptedEntry(path: exportPath, entry: path) }
                skip(entry, "it is encrypted")
                continue
            }
            if path == "exportDescriptor.properties" || CSVExport.isDescriptor(path) {
                let stream = try FilteredStream(name: "\(exportPath): \(path)") { try archive.read(into: $0) }
                var bytes: [UInt8] = []
                var chunk = [UInt8](repeating: 0, count: 1 << 14)
                while true {
                    let n = try chunk.withUnsafeMutableBytes { try stream.read(into: $0) }
                    if n == 0 { break }
                    bytes += chunk[0..<n]
                    if bytes.count > 1 << 20 { break }
                }
                descriptor = parseProperties(bytes)
            } else if path == "entities.xml" {
                builder.index.sawEntities = true
                builder.index.metadataBytes = Checked.add(builder.index.metadataBytes, Checked.size(entry.size))
                // Decompressing and checking UTF-8 run on a second thread, ahead of the parser.
                let clean = UTF8Sanitizer { try archive.read(into: $0) }
                let ahead = ReadAhead { try clean.read(into: $0) }
                defer { ahead.finish() }
                let reader = try EntitiesReader(displayPath: "\(exportPath): entities.xml") { try ahead.read(into: $0) }
                var objects = 0
                try reader.forEachObject(
                    wantsClass: { ExportIndexBuilder.indexedClasses.contains($0) },
                    captureText: ExportIndexBuilder.capture,
                    spool: spool,
                    handle: {
                        builder.add($0)
                        objects += 1
                        if objects % 2000 == 0 { progress?("reading entities.xml", objects, 0) }
                    })
            } else if let table = CSVExport.tableName(path), CSVExport.indexTables.contains(table) {
                tables.insert(table)
                builder.index.metadataBytes = Checked.add(builder.index.metadataBytes, Checked.size(entry.size))
                try CSVExport.index(table, exportPath: exportPath, source: { try archive.read(into: $0) }, into: &builder, spool: spool)
            } else if path.hasPrefix("attachments/") {
                let parts = path.split(separator: "/", omittingEmptySubsequences: false)
                if parts.count == 4, parts[1...].allSatisfy({ !$0.isEmpty }) {
                    attachmentFiles[parts[1...].joined(separator: "/")] = Checked.size(entry.size)
                }
            }
        }
        let isCSV = descriptor?["exportFormat"] == "csv" || tables.contains("content")
        if isCSV && !builder.index.sawEntities {
            builder.index.sawCSV = true
            for t in ["content", "bodycontent", "spaces"] where !tables.contains(t) {
                throw ConversionError.missingTable(path: exportPath, table: t)
            }
        } else if !builder.index.sawEntities {
            throw ConversionError.missingEntities(path: exportPath)
        }
        var index = builder.finish()
        index.descriptor = descriptor ?? [:]
        index.attachmentFiles = attachmentFiles
        return index
    }

    /// The entries pass 1 accepted, in archive order: regular files with safe names, first of duplicates, not encrypted.
    func safeEntries(_ archive: ArchiveReader, _ body: (ArchiveEntry) throws -> Void) throws {
        var seen: Set<String> = []
        while let entry = try archive.nextEntry() {
            guard entry.kind == .file, entry.unsafeNameReason == nil, !entry.isEncrypted, seen.insert(entry.path).inserted else { continue }
            try body(entry)
        }
    }

    /// The index pass with every body set aside in a temporary spool (for inspect, preview and the dry run); the
    /// spool has no name on disk and is gone when the last reference to it is.
    func spooledIndex(_ purpose: String) throws -> (ExportIndex, BodySpool) {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("ckm-\(purpose)-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).spool").path
        let spool = try BodySpool(path: path, maxBodyBytes: options.limits.maxBodyBytes)
        let index = try self.index(spool: spool)
        try spool.finishWriting()
        return (index, spool)
    }

    /// A current page or blog post with its body, as `preview` and the fidelity tests need it.
    public struct CurrentBody: Sendable {
        public var id: String
        public var title: String
        public var spaceKey: String
        public var markdownPath: String
        public var body: String
        public var bodyType: Int
    }

    /// The bodies of the content a conversion would write (the spooled index pass, then the current bodies read back).
    /// `only` limits the result to some ids; without it, every body is held in memory: use it for small exports.
    public func currentBodies(only: Set<String>? = nil) throws -> [CurrentBody] {
        let (index, spool) = try spooledIndex("bodies")
        let plan = ConversionPlan(index: index, options: options)
        return try plan.order.compactMap { id -> CurrentBody? in
            guard only?.contains(id) ?? true, let a = plan.articles[id], let bodyId = a.bodyId, let body = try spool.body(bodyId) else { return nil }
            return CurrentBody(id: id, title: a.content.title, spaceKey: a.context.spaceKey,
                               markdownPath: a.metadata.markdown, body: body, bodyType: a.bodyType)
        }.sorted { IDOrder.less($0.id, $1.id) }
    }

    // MARK: Stages 2–4

    /// Converts the export into a bundle at `output`. Nothing is left at `output` if it throws.
    @discardableResult
    public func convert(to output: String, stats: ConversionStats? = nil) throws -> ConversionReport {
        // An archive output may be staged in memory when there is room for 20 times the exports' bytes (their
        // uncompressed bodies, history included, are spooled there too) plus 256 MiB.
        let exportBytes = exportPaths.reduce(Int64(0)) { sum, p in
            var st = stat()
            return lstat(p, &st) == 0 && st.st_mode & S_IFMT == S_IFREG ? Checked.add(sum, Int64(st.st_size)) : Int64.max / 64
        }
        let staging = try StagingFolder(destination: URL(fileURLWithPath: output), force: options.force,
                                        scratchBytes: Checked.add(Checked.multiply(exportBytes, 20), 256 << 20))
        do {
            return try convert(into: staging, stats: stats)
        } catch {
            // Never a half bundle: the temporary folder goes, whatever failed.
            staging.discard()
            throw error
        }
    }

    private func convert(into staging: StagingFolder, stats: ConversionStats?) throws -> ConversionReport {
        let spool = try BodySpool(path: staging.root.path + "/.ckm-spool", maxBodyBytes: options.limits.maxBodyBytes)
        // The index lives only until the plan is made: the later stages need the plan (and the descriptor), and the
        // memory the index held is reused by them instead of adding to the peak.
        let plan: ConversionPlan
        let descriptor: [String: String]
        let origins: [String: Int]
        do {
            let index = try stats.measure("index") { try self.index(spool: spool) }
            try spool.finishWriting()
            plan = stats.measure("plan") { ConversionPlan(index: index, options: options) }
            try checkUnmatched(plan)
            try checkStrictPermissions(plan.diagnostics)
            try staging.checkFreeSpace(needed: Checked.add(64 << 20, Checked.sum(plan.attachmentEntries.keys.map {
                index.attachmentFiles[String($0.dropFirst("attachments/".count))] ?? 0
            })))
            descriptor = index.descriptor
            origins = index.attachmentOrigin
        }
        let results = try stats.measure("content") { try content(plan: plan, staging: staging, spool: spool, origins: origins) }
        let report = try stats.measure("bundle") { try writeBundle(descriptor: descriptor, plan: plan, results: results, staging: staging) }
        let warnings = (report.summary["warnings"] ?? 0) + (report.summary["errors"] ?? 0)
        if options.strict && warnings > 0 { throw ConversionError.strictWarnings(count: warnings, report: report) }
        if let previous = options.since {
            let unpacked = try UnpackedBundle(previous)  // removed when the delta is made
            try withExtendedLifetime(unpacked) { try Delta.reduce(staging: staging, previous: unpacked.folder) }
        }
        try stats.measure("commit") { try staging.commit() }
        return report
    }

    struct ArticleResult: Sendable {
        var bytes: Int64
        var sha256: String
        var diagnostics: [Diagnostic]
    }

    /// Copies the planned attachment files (those `only` accepts, by bundle path) from the export that holds each,
    /// hashing them as they are written; `origins` says which export that is when there are several.
    private func copyAttachments(plan: ConversionPlan, staging: StagingFolder, origins: [String: Int], into results: inout ContentResults,
                                 only: (String) -> Bool = { _ in true }, copied: (String) -> Void) throws {
        for (k, path) in exportPaths.enumerated() {
            let archive = try ArchiveReader(path: path, limits: options.limits)
            try safeEntries(archive) { entry in
                guard let dest = plan.attachmentEntries[entry.path], only(dest),
                      exportPaths.count == 1 || origins[String(entry.path.dropFirst("attachments/".count))] == k else { return }
                let sink = try staging.sink(dest)
                try archive.stream { try sink.write($0) }
                let sha = try sink.finish()
                results.attachments[entry.path] = (sink.bytes, sha)
                copied(dest)
            }
        }
    }

    struct ContentResults {
        var articles: [String: ArticleResult] = [:]
        var attachments: [String: (bytes: Int64, sha256: String)] = [:]
    }

    private func content(plan: ConversionPlan, staging: StagingFolder, spool: BodySpool, origins: [String: Int]) throws -> ContentResults {
        let referencedOnly = options.filters.attachments == .referenced
        var frontMatter: (@Sendable (ArticleMetadata) throws -> String)?
        let obsidian = options.conversion.flavor == .obsidian
        if options.frontMatter == .yaml || options.conversion.flavor.writesFrontMatter {
            let writer = MetadataWriter(mapping: options.mapping)
            frontMatter = { meta in try writer.frontMatter(meta, aliases: obsidian) }
        }
        let pipeline = plan.bodyPipeline(spool: spool, options: options)
        let pool = ConversionPool(jobs: options.jobs, pipeline: pipeline, staging: staging, frontMatter: frontMatter)
        let total = plan.bodyOwners.count
        if let progress { pool.onArticle = { done in progress("converting", done, total) } }
        var copied = 0
        let attachmentTotal = plan.attachmentEntries.count
        var results = ContentResults()
        func submit(_ id: String, _ body: String) {
            if let comment = plan.commentBodies[id], let article = plan.articles[comment.ownerId] {
                pool.submitComment(StoredBody(text: body, repairedCharacters: spool.repairedCharacters(id), page: article.context),
                                   comment: comment)
                return
            }
            guard let owner = plan.bodyOwners[id], let article = plan.articles[owner] else { return }
            pool.submit(StoredBody(text: body, bodyType: article.bodyType, repairedCharacters: spool.repairedCharacters(id),
                                   page: article.context), article: article)
        }
        do {
        // The bodies were set aside in the index pass: read back the wanted ones, in file order.
        let wanted = (Array(plan.bodyOwners.keys) + Array(plan.commentBodies.keys)).compactMap { id in spool.ranges[id].map { (id, $0.offset) } }
        for (id, _) in wanted.sorted(by: { $0.1 < $1.1 }) {
            if let body = try spool.body(id) { submit(id, body) }
        }
        // Then one pass over each export for the attachments (entities.xml and the tables are skipped by seeking).
        if !referencedOnly {
            try copyAttachments(plan: plan, staging: staging, origins: origins, into: &results) { _ in
                copied += 1
                progress?("copying attachments", copied, attachmentTotal)
            }
        }
        } catch {
            _ = try? pool.finish()  // let the workers stop writing before the folder is removed
            throw error
        }
        let converted = try pool.finish()
        results.articles = converted
        try checkUnmatched(pipeline.unmatchedMacroPolicies())
        if referencedOnly {
            // Only now is it known which attachments the bodies link or show: copy those in one more pass.
            let wanted = plan.targets.references.paths
            try copyAttachments(plan: plan, staging: staging, origins: origins, into: &results, only: wanted.contains) { _ in }
        }
        let comments = pool.comments
        for (articleId, list) in plan.commentsOf {
            guard let article = plan.articles[articleId], let path = article.metadata.comments else { continue }
            var md = "# Comments on \(MarkdownWriter().escapeText(article.content.title, context: .heading, previous: nil))\n"
            var diagnostics: [Diagnostic] = []
            for c in list {
                guard let converted = comments[c.id] else { continue }
                let when = c.created.flatMap { ConversionPlan.isoDate($0, plan.zone) } ?? ""
                let reply = c.parentId.map { " (reply to comment \($0))" } ?? ""
                md += "\n## \(MarkdownWriter().escapeText(plan.commentAuthors[c.id] ?? "unknown", context: .heading, previous: nil)) \(when)\(reply)\n\n"
                md += converted.markdown.isEmpty ? "" : converted.markdown
                diagnostics += converted.diagnostics
            }
            try staging.write(Data(md.utf8), to: path)
            results.articles[articleId]?.diagnostics += diagnostics
        }
        // Articles whose body object was missing still get an article: a folder's index, else an empty one.
        for id in plan.order where results.articles[id] == nil {
            let article = plan.articles[id]!
            let out = pipeline.convertWithoutBody(article)
            let md = Data((((try frontMatter?(article.metadata)) ?? "") + out.markdown).utf8)
            let digest = try staging.write(md, to: article.metadata.markdown)
            results.articles[id] = ArticleResult(bytes: Int64(md.count), sha256: digest, diagnostics: out.diagnostics)
        }
        return results
    }

    private func writeBundle(descriptor: [String: String], plan: ConversionPlan, results: ContentResults, staging: StagingFolder) throws -> ConversionReport {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var diagnostics = plan.diagnostics
        var convertedAttachments = 0
        var counts = ["page": 0, "blogpost": 0, "folder": 0]
        var skippedExtra: [String: Int] = [:]
        // Metadata files in batches: each batch's metadata is completed in order, then written on all cores (each
        // file is independent, and the manifest sorts what they record). Memory holds one batch, not every article.
        let failure = ErrorBox()
        let jobs = max(1, options.jobs), mapping = options.mapping
        var batch: [ArticleMetadata] = []
        func writeBatch() {
            let all = batch
            DispatchQueue.concurrentPerform(iterations: min(jobs, all.count)) { worker in
                let writer = MetadataWriter(mapping: mapping)
                for i in stride(from: worker, to: all.count, by: jobs) {
                    do {
                        try staging.write(try writer.json(all[i]), to: String(all[i].markdown.dropLast(3)) + ".json")
                    } catch {
                        failure.set(error)
                    }
                }
            }
            batch.removeAll(keepingCapacity: true)
        }
        for id in plan.order {
            let article = plan.articles[id]!
            var meta = article.metadata
            for a in article.attachments {
                if options.filters.attachments == .referenced && !plan.targets.references.paths.contains(a.path) {
                    diagnostics.append(Diagnostic(.filtered, .info, contentId: id, title: meta.title,
                        message: "attachment '\(a.info.fileName)' filtered out: the body does not reference it (--attachments referenced)"))
                    skippedExtra["filtered-attachment", default: 0] += 1
                    continue
                }
                guard let r = results.attachments[a.entry] else {
                    diagnostics.append(Diagnostic(.missingAttachmentFile, .warning, contentId: id, title: meta.title,
                        message: "attachment '\(a.info.fileName)' could not be read from the archive; left out"))
                    continue
                }
                meta.attachments.append(AttachmentMetadata(
                    id: a.info.id, fileName: a.info.fileName, mediaType: a.info.mediaType, bytes: r.bytes, sha256: r.sha256,
                    path: a.path, version: a.version))
                convertedAttachments += 1
            }
            meta.attachments.sort { $0.path < $1.path }
            diagnostics.append(contentsOf: results.articles[id]?.diagnostics ?? [])
            counts[meta.type.rawValue, default: 0] += 1
            batch.append(meta)
            if batch.count >= 1024 { writeBatch() }
        }
        writeBatch()
        if let error = failure.error { throw error }
        diagnostics.sort(by: Diagnostic.reportOrder)
        let report = ConversionReport(
            converted: ["pages": counts["page"]!, "blogposts": counts["blogpost"]!, "attachments": convertedAttachments]
                .merging(counts["folder"]! > 0 ? ["folders": counts["folder"]!] : [:]) { a, _ in a },
            skipped: plan.skipped.merging(skippedExtra, uniquingKeysWith: +), diagnostics: diagnostics)
        try staging.write(try encoder.encode(report) + Data("\n".utf8), to: "report.json")
        if let record = FieldMappingRecord(options.mapping) {
            try staging.write(try encoder.encode(record) + Data("\n".utf8), to: "mapping.json")
        }
        if options.conversion.flavor == .mkdocs {
            let entries = plan.order.compactMap { plan.articles[$0]?.metadata }.map {
                MkDocsConfig.Entry(id: $0.id, title: $0.title, markdown: $0.markdown, spaceKey: $0.spaceKey, category: $0.category,
                                   blogPost: $0.type == .blogpost, created: $0.created)
            }
            let yaml = MkDocsConfig.yaml(entries: entries, spaceRoots: plan.targets.spaceRoots, children: plan.targets.childrenOf)
            try staging.write(Data(yaml.utf8), to: "mkdocs.yml")
        }
        if options.conversion.flavor == .obsidian {
            // The vault's settings: links as relative Markdown paths (as written), attachments in attachments/.
            try staging.write(Data(#"{"attachmentFolderPath":"attachments","newLinkFormat":"relative","useMarkdownLinks":true}"#.utf8 + [0x0A]),
                              to: ".obsidian/app.json")
        }
        try writeManifest(descriptor: descriptor, staging: staging)
        if let raw = options.signingKey {
            let key = try Curve25519.Signing.PrivateKey(rawRepresentation: raw)
            let data = try Data(contentsOf: staging.url("manifest.json"))
            try staging.write(try ManifestSigning.sign(manifest: data, key: key), to: ManifestSigning.signatureFile)
        }
        return report
    }

    /// `manifest.json`: every file of the bundle with its size and SHA-256, streamed to disk as it is written.
    private func writeManifest(descriptor: [String: String], staging: StagingFolder) throws {
        let files = staging.recordedFiles
        let sink = try staging.sink("manifest.json")
        var t = JSONText { try $0.withUnsafeBytes { try sink.write($0) } }
        t.beginObject()
        t.key("export")
        t.beginObject()
        t.key("descriptor")
        t.value(.object(descriptor.mapValues(JSONValue.string)))
        t.endObject()
        t.key("files")
        t.beginArray()
        for f in files {
            t.element()
            t.beginObject()
            t.key("bytes"); t.int(f.bytes)
            t.key("path"); t.string(f.path)
            t.key("sha256"); t.string(f.sha256)
            t.endObject()
            try t.flushIfNeeded()
        }
        t.endArray()
        t.key("formatVersion"); t.int(1)
        t.key("tool")
        t.beginObject()
        t.key("name"); t.string("confluence-km")
        t.key("version"); t.string(Self.toolVersion)
        t.endObject()
        t.endObject()
        try t.finish()
        try sink.finish()
    }
}

/// Parses a Java `.properties` file (the export descriptor): `key=value` lines, `#` comments.
func parseProperties(_ bytes: [UInt8]) -> [String: String] {
    var out: [String: String] = [:]
    for line in String(decoding: bytes, as: UTF8.self).split(whereSeparator: \.isNewline) {
        let t = line.trimmingCharacters(in: .whitespaces)
        if t.isEmpty || t.hasPrefix("#") || t.hasPrefix("!") { continue }
        guard let eq = t.firstIndex(where: { $0 == "=" || $0 == ":" }) else { out[t] = ""; continue }
        let key = t[..<eq].trimmingCharacters(in: .whitespaces)
        let value = t[t.index(after: eq)...].trimmingCharacters(in: .whitespaces)
        out[key] = value.replacingOccurrences(of: "\\:", with: ":").replacingOccurrences(of: "\\=", with: "=")
    }
    return out
}

/// Wall-clock time per stage, and the process's peak resident memory when each stage ended (so the stage that
/// raised it shows), for `--stats` and benchmarks. Never written into the bundle.
public final class ConversionStats: @unchecked Sendable {
    public private(set) var stages: [(name: String, seconds: Double, peakBytes: Int64?)] = []
    public init() {}

    func record<T>(_ name: String, _ body: () throws -> T) rethrows -> T {
        let start = DispatchTime.now().uptimeNanoseconds
        defer { stages.append((name, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9, Self.peakResidentBytes())) }
        return try body()
    }

    /// VmHWM from /proc/self/status (Linux); nil where it cannot be read.
    static func peakResidentBytes() -> Int64? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
              let kb = line.split(separator: " ").dropFirst().first.flatMap({ Int64($0) }) else { return nil }
        return kb * 1024
    }
}

extension Optional where Wrapped == ConversionStats {
    func measure<T>(_ name: String, _ body: () throws -> T) rethrows -> T {
        if let s = self { return try s.record(name, body) }
        return try body()
    }
}

/// The first error of concurrent work.
final class ErrorBox: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var error: Error?
    func set(_ e: Error) { lock.lock(); if error == nil { error = e }; lock.unlock() }
}
