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
        let converter = BodyConverter()
        _ = converter.convert(body: text, bodyType: 2, page: page, targets: NoTargets())
        _ = converter.convert(body: text, bodyType: 0, page: page, targets: NoTargets())
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

    /// Bytes as an export ZIP: the index pass, the plan and the dry run, with small limits.
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
    }
}
