import Crypto
import Foundation

/// Entry points for the libFuzzer targets (`make fuzz`) and their regression replays: each takes arbitrary bytes and
/// must return without crashing, hanging or leaking, whatever they hold.
public enum FuzzEntryPoints {
    struct NoTargets: LinkTargets {
        func contentId(spaceKey: String, title: String, blogPost: Bool) -> String? { title.isEmpty ? nil : "2" }
        func articlePath(id: String) -> String? { "articles/S/\(id).md" }
        func attachmentPath(contentId: String, fileName: String) -> String? { fileName.isEmpty ? nil : "attachments/S/1/x" }
        func userName(_ key: String) -> String? { nil }
        func spaceHome(spaceKey: String) -> String? { nil }
        func children(of id: String) -> [String] { id == "1" ? ["2"] : [] }
        func title(of id: String) -> String? { "T" }
        func attachments(of id: String) -> [(fileName: String, path: String)] { [("x", "attachments/S/1/x")] }
    }

    /// A storage-format body (and, from the same bytes, a wiki-markup body) through the converter.
    public static func body(_ data: Data) {
        let text = String(decoding: data, as: UTF8.self)
        let page = PageContext(id: "1", title: "T", spaceKey: "S", path: "articles/S/1.md")
        let pipeline = BodyPipeline(targets: NoTargets())
        _ = pipeline.convert(StoredBody(text: text, bodyType: 2, page: page))
        _ = pipeline.convert(StoredBody(text: text, bodyType: 0, page: page))
    }

    /// Bytes as an old wiki-markup body, through the wiki reader and the writer of every flavour; then the same
    /// text repeated eight times, which must not take more than about eight times as long (the reader was
    /// quadratic on runs of `[`, `{`, `||`: a hang libFuzzer's time-out alone finds only on long inputs).
    public static func wiki(_ data: Data) {
        let text = String(decoding: data, as: UTF8.self)
        let page = PageContext(id: "1", title: "T", spaceKey: "S", path: "articles/S/1.md")
        let reader = WikiMarkupReader(page: page, log: DiagnosticLog(page: page))
        func timed(_ t: String) -> (Document, Double) {
            let start = DispatchTime.now().uptimeNanoseconds
            let d = Document(blocks: reader.read(t))
            return (d, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        let (document, once) = timed(text)
        for flavor in Flavor.allCases { _ = flavor.writer(tables: .auto).render(document.blocks) }
        guard text.utf8.count >= 256 else { return }
        let (_, eight) = timed(String(repeating: text + "\n", count: 8))
        if eight > 0.05 && eight > 40 * once { fatalError("wiki markup: 8× the text took \(eight) s, once \(once) s") }
    }

    /// Bytes as `entities.xml`, through the streaming reader and the index builder.
    public static func entities(_ data: Data) {
        var offset = 0
        let clean = UTF8Sanitizer { buffer in
            let n = min(buffer.count, data.count - offset)
            if n > 0 { data.withUnsafeBytes { buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[offset..<(offset + n)])) } }
            offset += n
            return n
        }
        guard let reader = try? EntitiesReader(displayPath: "fuzz", source: { try clean.read(into: $0) }) else { return }
        var builder = ExportIndexBuilder()
        try? reader.forEachObject(wantsClass: { _ in true }, captureText: ExportIndexBuilder.capture, handle: { builder.add($0) })
        let index = builder.finish()
        _ = ConversionPlan(index: index, options: ConvertOptions())
    }

    /// Bytes as an export ZIP: the index pass, the plan and the dry run, with small limits; then as a bundle archive.
    public static func archive(_ data: Data, scratch: String) {
        let path = scratch + "/fuzz-\(getpid()).zip"
        guard FileManager.default.createFile(atPath: path, contents: data) else { return }
        defer { try? FileManager.default.removeItem(atPath: path) }
        var options = ConvertOptions()
        options.limits.maxTotalBytes = 64 << 20
        options.limits.maxEntryBytes = 16 << 20
        options.limits.maxEntries = 10_000
        _ = try? Converter(exportPath: path, options: options).dryRun()
        _ = try? Converter(exportPath: path, options: options).currentBodies()
        // The same bytes as a bundle archive (ZIP, tar or zstd tar): whatever unpacks lies inside the folder and is
        // a regular file or a folder — never a link, never outside.
        let folder = URL(fileURLWithPath: scratch + "/fuzz-\(getpid())-bundle")
        try? FileManager.default.removeItem(at: folder)
        defer { try? FileManager.default.removeItem(at: folder) }
        guard (try? BundleArchive.unpack(path, into: folder, limits: options.limits)) != nil else { return }
        for rel in BundleFiles.list(root: folder.path).files {
            guard BundlePath.isSafe(rel) else { fatalError("unpacked an unsafe path: \(rel.debugDescription)") }
        }
        if let e = FileManager.default.enumerator(atPath: folder.path) {
            for case let rel as String in e {
                var st = stat()
                guard lstat(folder.path + "/" + rel, &st) == 0 else { continue }
                let kind = st.st_mode & S_IFMT
                if kind != S_IFREG && kind != S_IFDIR { fatalError("unpacked something that is not a file or a folder: \(rel.debugDescription)") }
            }
        }
    }
}

extension FuzzEntryPoints {
    /// A URL through the judge and the Markdown writer: whatever libcmark-gfm then reads as the destination must
    /// itself pass the judge (no reference, control character or escape turns an allowed URL into another scheme).
    public static func url(_ data: Data) {
        let raw = String(decoding: data, as: UTF8.self)
        guard let judged = URLJudge.judge(raw) else { return }
        let markdown = "[x](" + MarkdownWriter().escapeDestination(judged) + ") ![y](" + MarkdownWriter().escapeDestination(judged) + ")\n"
        for seen in MarkdownLinks.destinations(markdown) {
            guard let again = URLJudge.judge(seen) else { fatalError("the writer turned an allowed URL into a refused one: \(raw.debugDescription) → \(seen.debugDescription)") }
            if let scheme = URLJudge.scheme(again), !URLJudge.allowedSchemes.contains(scheme.lowercased()) {
                fatalError("scheme \(scheme) reached a destination from \(raw.debugDescription)")
            }
        }
    }

    /// Bytes as `delta.json` applied to a small bundle in `scratch`: whatever it says, nothing outside the bundle is
    /// written or deleted, and the bundle changes only if the delta checked out whole.
    public static func apply(_ data: Data, scratch: String) {
        let fm = FileManager.default
        let root = scratch + "/apply-\(getpid())"
        try? fm.removeItem(atPath: root)
        let bundle = root + "/work/bundle", delta = root + "/work/delta", victim = root + "/victim"
        do {
            for d in [bundle + "/articles/S", delta + "/articles/S", victim] { try fm.createDirectory(atPath: d, withIntermediateDirectories: true) }
            try Data("keep".utf8).write(to: URL(fileURLWithPath: victim + "/data.txt"))
            let md = Data("# A\n".utf8), json = Data("{}".utf8)
            try md.write(to: URL(fileURLWithPath: bundle + "/articles/S/a.md"))
            try json.write(to: URL(fileURLWithPath: bundle + "/articles/S/a.json"))
            let manifest = Data(#"{"export":{"descriptor":{}},"files":[{"bytes":4,"path":"articles/S/a.md","sha256":"\#(Crypto.SHA256.hash(data: md).hex)"}],"formatVersion":1,"tool":{"name":"confluence-km","version":"0"}}"#.utf8)
            try manifest.write(to: URL(fileURLWithPath: bundle + "/manifest.json"))
            try manifest.write(to: URL(fileURLWithPath: delta + "/manifest.json"))
            try Data("# B\n".utf8).write(to: URL(fileURLWithPath: delta + "/articles/S/a.md"))
            try data.write(to: URL(fileURLWithPath: delta + "/delta.json"))
        } catch { return }
        let before = Set(BundleFiles.list(root: root).files.filter { !$0.hasPrefix("work/bundle/") && !$0.hasPrefix("work/delta/") })
        _ = try? Delta.apply(delta: delta, to: bundle)
        let after = Set(BundleFiles.list(root: root).files.filter { !$0.hasPrefix("work/bundle/") && !$0.hasPrefix("work/delta/") })
        if before != after { fatalError("apply changed files outside the bundle: \(before.symmetricDifference(after))") }
        if (try? Data(contentsOf: URL(fileURLWithPath: victim + "/data.txt"))) != Data("keep".utf8) { fatalError("apply touched a file outside") }
        try? fm.removeItem(atPath: root)
    }
}
