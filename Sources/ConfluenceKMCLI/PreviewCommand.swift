import ArgumentParser
import ConfluenceKM
import ConfluenceKMHTML
import Foundation

struct Preview: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print one page's Markdown and metadata (or every page's, with --all), converted as convert would; nothing is written.")

    @Argument(help: "The export ZIP, or its unzipped folder; or a bundle (folder or archive) to show as written. Several exports: converted together, as convert merges them.")
    var sources: [String]

    @OptionGroup var merge: MergeOptions

    @Option(help: "The page or blog post: its content id or exact title.")
    var page: String?

    @Flag(help: "Every current page and blog post (use with --format json: one JSON object per line).")
    var all = false

    @Flag(help: "Also print the storage-format source.")
    var storage = false

    @Flag(help: "Also print the document model the Markdown is written from (after links, includes and generated lists are resolved), one node per line.")
    var model = false

    @Option(help: "text or json.")
    var format: String = "text"

    @Option(help: "A YAML configuration file, as for convert.")
    var config: String?

    @Option(help: "With --page: a standalone HTML file of that page (libcmark-gfm, images and attachments inlined). Without: a browsable static site of the whole export (or of a bundle folder) in this folder — index with the page tree, every article with its metadata, access and diagnostics.")
    var html: String?

    func validate() throws {
        if html != nil { return }
        if (page == nil) == !all { throw ValidationError("give --page ID|TITLE or --all") }
        guard format == "text" || format == "json" else { throw ValidationError("--format must be text or json") }
    }

    func run() throws {
        var options = ConvertOptions()
        if let config { try ConfigFile.apply(config, to: &options) }
        merge.apply(to: &options)
        try options.mapping.validate()
        guard let first = sources.first else { throw ValidationError("name the export to preview (a .zip or its unzipped folder), or a bundle") }
        if sources.count > 1, let bundle = sources.first(where: { BundleArchive.isBundleArchive($0) || Self.isBundle($0) }) {
            throw ValidationError("\(bundle) is a bundle: preview shows one bundle as written, or one or more exports converted together")
        }
        // A bundle written as one archive is shown from its unpacked copy, like a bundle folder.
        let unpacked = BundleArchive.isBundleArchive(first) ? try UnpackedBundle(first) : nil
        defer { withExtendedLifetime(unpacked) {} }  // its folder stays until the end
        let export = unpacked?.folder.path ?? first
        let exports = unpacked == nil ? sources : [export]
        if let html, let page {
            let site = FileManager.default.temporaryDirectory.appendingPathComponent("ckm-page-\(getpid())").path
            let bundle = site + "-bundle"
            TemporaryPaths.register(site)
            TemporaryPaths.register(bundle)
            defer { try? FileManager.default.removeItem(atPath: site); try? FileManager.default.removeItem(atPath: bundle) }
            if Self.isBundle(export) {
                // A bundle folder: its page, as written.
                let one = try PreviewPage.fromBundle(export, page: page)
                try SiteWriter.write(bundle: export, to: site)
                try SiteWriter.standalone(site: site, markdownPath: one[0].markdownPath, to: html)
                Console.err("confluence-km: page written to \(html)\n")
                return
            }
            let one = try Converter(exportPaths: exports, options: options).preview(page: page)
            options.force = true
            try Converter(exportPaths: exports, options: options).convert(to: bundle)
            try SiteWriter.write(bundle: bundle, to: site)
            try SiteWriter.standalone(site: site, markdownPath: one[0].markdownPath, to: html)
            Console.err("confluence-km: page written to \(html)\n")
            return
        }
        if let html {
            // A bundle folder (it has a manifest) is shown as it is; an unzipped export folder is converted first.
            if Self.isBundle(export) {
                try SiteWriter.write(bundle: export, to: html)
            } else {
                let tmp = FileManager.default.temporaryDirectory.appendingPathComponent("ckm-site-\(getpid())").path
                TemporaryPaths.register(tmp)
                defer { try? FileManager.default.removeItem(atPath: tmp) }
                options.force = true
                try Converter(exportPaths: exports, options: options).convert(to: tmp)
                try SiteWriter.write(bundle: tmp, to: html)
            }
            Console.err("confluence-km: site written to \(html)/index.html\n")
            return
        }
        let pages = Self.isBundle(export)
            ? try PreviewPage.fromBundle(export, page: all ? nil : page)
            : try Converter(exportPaths: exports, options: options).preview(page: all ? nil : page, includeStorage: storage, includeModel: model)
        for p in pages {
            if format == "json" {
                Console.out(try encodeJSON(p, pretty: false))
                continue
            }
            Console.out("=== \(p.markdownPath) (\(p.id) '\(p.title)')")
            if let s = p.storage { Console.out("--- storage\n\(s)") }
            if let m = p.model { Console.out("--- model\n" + m, terminator: "") }
            Console.out("--- metadata\n" + (try encodeJSON(p.metadata)))
            Console.out("--- markdown\n" + p.markdown, terminator: "")
            for d in p.diagnostics { Console.out("--- \(d.severity.rawValue) \(d.code): \(d.message)") }
        }
    }

    /// A bundle folder: a folder with a manifest (an unzipped export folder has none).
    static func isBundle(_ path: String) -> Bool {
        var isDir: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDir) && isDir.boolValue
            && FileManager.default.fileExists(atPath: (path as NSString).appendingPathComponent("manifest.json"))
    }
}
