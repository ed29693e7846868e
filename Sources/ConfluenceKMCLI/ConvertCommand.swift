import ArgumentParser
import ConfluenceKM
import Foundation

struct Convert: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Convert an export ZIP (XML space or site export, or Cloud CSV export) into a bundle folder.",
        discussion: """
            The bundle is written into a temporary folder beside --output and renamed into place at the end:
            on failure nothing is left at --output. The same export and options always give a byte-identical bundle.
            """)

    @Argument(help: "The export ZIP written by Confluence (XML space export, site backup or Cloud CSV export), or its unzipped folder. Several exports make one bundle: links between their spaces resolve; a space in two of them is an error unless --prefer newest. None: the config file's exports.")
    var exports: [String] = []

    @OptionGroup var merge: MergeOptions

    @Option(name: [.short, .long], help: "The bundle folder to write. It must not exist or be empty, unless --force. A name ending in .zip, .tar or .tar.zst writes the bundle as one deterministic archive.")
    var output: String = ""

    @Flag(help: "Replace a non-empty --output folder (the old bundle is removed only once the new one is in place).")
    var force = false

    @Flag(help: "Also convert archived pages and blog posts (left out and counted by default).")
    var includeArchived = false

    @Option(help: ArgumentHelp(
        "How tables are written: auto, gfm or html (default auto).",
        discussion: "auto (default): GFM where it is faithful, an HTML table where it is not (merged cells, block content, no header row); gfm: always GFM, flattening what it cannot hold; html: always HTML."))
    var tables: String?

    @Option(name: .customLong("macro"), help: ArgumentHelp(
        "A macro policy NAME=convert|drop|keep-raw|fail (repeatable).",
        discussion: "convert: the built-in converter (unknown macros: keep-raw); drop: nothing is written; keep-raw: the body text is kept and the macro's storage source is kept in an HTML comment; fail: exit 1 when the macro is met."))
    var macros: [String] = []

    @Option(help: "Links to content missing from the export become absolute URLs under this base (e.g. https://wiki.example.com), else plain text.")
    var baseURL: String?

    @Option(name: .customLong("source-url"), help: "The address of the Confluence the export came from (repeatable): absolute links into it (/display/…, viewpage.action?pageId=…, /x/… tiny links, /spaces/…/pages/…) become bundle links when the page is in the bundle.")
    var sourceURLs: [String] = []

    @Flag(help: "Keep macro parameter values that look like credentials (password, token, secret, apikey, auth …); by default they are written as [redacted].")
    var keepSecrets = false

    @Option(help: ArgumentHelp(
        "Names for user keys and account ids (CSV or YAML).",
        discussion: "CSV: a header with an id column (accountId, key, username) and a name column (name, displayName). YAML: 'id: name' per line. Cloud exports hold account ids where names were; unmapped ids stay ids, reported once."))
    var users: String?

    @Option(help: "Worker threads converting bodies (default: the number of cores).")
    var jobs: Int?

    @Option(help: "A YAML configuration file (README lists every key); the flags below override it.")
    var config: String?

    @OptionGroup(title: "Filters") var filters: FilterOptions
    @OptionGroup(title: "Mapping") var mapping: MappingOptions
    @OptionGroup(title: "Permissions") var permissions: PermissionFlags

    @Option(help: "Also write the metadata as front matter at the top of each .md: none or yaml.")
    var frontMatter: String?

    @Option(help: "The Markdown flavour: gfm (default: GitHub's alerts and <details>), mkdocs (MkDocs Material: admonitions, ??? for expands, mkdocs.yml with the page tree as nav, attachments under articles/_attachments) or obsidian (a vault: callouts, folded callouts for expands, front matter with tags and aliases, .obsidian/app.json).")
    var flavor: String?

    @Option(help: "flat (default): every article of a space in its folder; tree: the folder tree is the page tree (a page with children is Parent/index.md, its children in Parent/).")
    var layout: String?

    @Option(help: "Refuse an export that decompresses to more than this many bytes in all (default 256 GiB).")
    var maxTotalBytes: Int64?
    @Option(help: "Refuse an archive entry larger than this many bytes (default 32 GiB).")
    var maxEntryBytes: Int64?
    @Option(help: "Refuse an archive with more entries than this (default 5,000,000).")
    var maxEntries: Int?
    @Option(help: "Refuse an entry that expands more than this ratio, uncompressed to compressed (default 1000).")
    var maxRatio: Double?
    @Option(help: "Do not convert a page body larger than this many bytes (default 64 MiB); its article is written empty.")
    var maxBodyBytes: Int?

    @Option(help: "Sign manifest.json with this Ed25519 private key (PEM, PKCS#8: openssl genpkey -algorithm ed25519); writes manifest.json.sig.")
    var sign: String?

    @Option(help: "Write a delta against this previous bundle: only new and changed files, the new manifest, and delta.json with the deletions (confluence-km apply brings the previous bundle up to date).")
    var since: String?

    @Flag(help: "Write nothing: print what would be converted, filtered (with reasons) and restricted.")
    var dryRun = false

    @Option(help: "With --dry-run: text or json.")
    var format: String = "text"

    @Flag(name: [.short, .long], help: "Print nothing but errors (no summary, no progress).")
    var quiet = false

    @Flag(name: [.short, .long], help: "Print every diagnostic to stderr as well.")
    var verbose = false

    @Option(help: "How --verbose prints diagnostics: text, or json (one JSON object per line).")
    var logFormat: String = "text"

    @Option(help: "Also write report.json to this path.")
    var report: String?

    @Flag(help: "Treat warnings as errors: exit 1, and write no bundle, when any warning is reported.")
    var strict = false

    @Flag(help: "A --spaces, --subtree, --labels-* or --role value that matches nothing in the export is a warning (unmatched-filter) instead of an error.")
    var allowUnmatched = false

    @Flag(help: "Print the time each stage took (index, plan, content, bundle, commit) to stderr.")
    var stats = false

    func validate() throws {
        if let jobs, jobs < 1 || jobs > 256 { throw ValidationError("--jobs must be between 1 and 256") }
        if output.isEmpty && !dryRun { throw ValidationError("--output is required (or --dry-run)") }
        var probe = ConversionSettings()
        try applyConversionFlags(&probe)
    }

    /// `--report PATH` must be writable before anything is converted: a bundle never ends up written while the run
    /// exits 1 for a report it could not write.
    func checkReportPath() throws {
        guard let path = report else { return }
        let url = URL(fileURLWithPath: path).standardizedFileURL
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir), isDir.boolValue {
            throw ConversionError.invalidOption("\(path): --report names a folder; give a file path")
        }
        let parent = url.deletingLastPathComponent().path
        guard FileManager.default.fileExists(atPath: parent, isDirectory: &isDir), isDir.boolValue else {
            throw ConversionError.invalidOption("\(path): the folder of --report does not exist; nothing was converted")
        }
        if access(parent, W_OK) != 0 || (FileManager.default.fileExists(atPath: url.path) && access(url.path, W_OK) != 0) {
            throw ConversionError.invalidOption("\(path): --report cannot be written (\(String(cString: strerror(errno)))); nothing was converted")
        }
        if !Self.isReplaceableReport(url.path) {
            throw ConversionError.invalidOption("\(path): exists and is not a report written by confluence-km; it is never replaced, give --report another path")
        }
    }

    /// Whether a report may be written at `path`: nothing is there, or a report this tool wrote (a regular file that
    /// decodes as one). Never a file of someone else's, `--strict` or not.
    static func isReplaceableReport(_ path: String) -> Bool {
        var st = stat()
        guard lstat(path, &st) == 0 else { return true }
        guard st.st_mode & S_IFMT == S_IFREG, st.st_size < 1 << 30, let existing = FileManager.default.contents(atPath: path) else { return false }
        return (try? JSONDecoder().decode(ConversionReport.self, from: existing)) != nil
    }

    /// Writes a report where ``isReplaceableReport(_:)`` allows it: into a new file beside it, renamed over it.
    static func writeReport(_ r: ConversionReport, to path: String) throws {
        guard isReplaceableReport(path) else {
            throw ConversionError.invalidOption("\(path): exists and is not a report written by confluence-km; it is never replaced")
        }
        let temporary = path + ".ckm-tmp-\(getpid())"
        TemporaryPaths.register(temporary)
        defer { TemporaryPaths.unregister(temporary) }
        try TemporaryPaths.checkNotStopping()
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw ConversionError.outputFailed(path: path, reason: "cannot write the report (\(String(cString: strerror(errno))))") }
        let data = Data((try encodeJSON(r) + "\n").utf8)
        let ok = data.withUnsafeBytes { b in Foundation.write(fd, b.baseAddress, b.count) == b.count }
        close(fd)
        guard ok, rename(temporary, path) == 0 else {
            unlink(temporary)
            throw ConversionError.outputFailed(path: path, reason: "cannot write the report")
        }
    }

    /// With --strict and warnings no bundle is written, but the report is: to --report, or beside the would-be
    /// output as OUTPUT.report.json (never over a file that is not such a report), so CI can show why.
    /// A dry run without `-o` has no output to put the report beside: only `--report`, when given (it wrote
    /// `FOLDER.report.json` beside the current folder).
    func writeStrictReport(_ r: ConversionReport) throws {
        if dryRun && report == nil && output.isEmpty { return }
        let path = report ?? (URL(fileURLWithPath: output).standardizedFileURL.path + ".report.json")
        if report == nil && !Self.isReplaceableReport(path) {
            Console.err("confluence-km: \(path) exists and is not a report; the report was not written\n")
            return
        }
        try Self.writeReport(r, to: path)
        Console.err("confluence-km: report written to \(path)\n")
    }

    func printDiagnostics(_ report: ConversionReport) {
        guard verbose else { return }
        for d in report.diagnostics {
            let line: String
            if logFormat == "json" {
                line = (try? encodeJSON(d, pretty: false)) ?? ""
            } else {
                line = "confluence-km: \(d.severity.rawValue): \(d.code)\(d.contentId.map { " [\($0)\(d.title.map { " '\($0)'" } ?? "")]" } ?? ""): \(d.message)"
            }
            Console.err(line + "\n")
        }
    }

    func applyConversionFlags(_ settings: inout ConversionSettings) throws {
        if let tables {
            guard let mode = ConversionSettings.TableMode(rawValue: tables) else {
                throw ValidationError("--tables '\(tables)' is not one of auto, gfm, html")
            }
            settings.tables = mode
        }
        for m in macros {
            let parts = m.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, !parts[0].isEmpty, let policy = ConversionSettings.MacroPolicy(rawValue: parts[1]) else {
                throw ValidationError("--macro '\(m)' must be NAME=convert|drop|keep-raw|fail")
            }
            settings.macros[parts[0].lowercased()] = policy
        }
        if let baseURL {
            guard baseURL.hasPrefix("http://") || baseURL.hasPrefix("https://") else {
                throw ValidationError("--base-url '\(baseURL)' must start with http:// or https://")
            }
            settings.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        }
        for u in sourceURLs {
            guard u.hasPrefix("http://") || u.hasPrefix("https://") else {
                throw ValidationError("--source-url '\(u)' must start with http:// or https://")
            }
            settings.sourceURLs.append(u.hasSuffix("/") ? String(u.dropLast()) : u)
        }
        if keepSecrets { settings.keepSecrets = true }
    }

    func run() throws {
        var options = ConvertOptions()
        if let config { try ConfigFile.apply(config, to: &options) }
        options.force = force
        if includeArchived { options.includeArchived = true }
        merge.apply(to: &options)
        let exports = self.exports.isEmpty ? options.exports : self.exports
        guard !exports.isEmpty else { throw ValidationError("name the export to convert (a .zip or its unzipped folder), or list exports: in --config") }
        if let jobs { options.jobs = jobs }
        try applyConversionFlags(&options.conversion)
        if let users { options.userNames = try UserDirectory.load(users) }
        try filters.apply(&options.filters)
        try mapping.apply(&options.mapping)
        try options.mapping.validate()
        try permissions.apply(&options.permissions)
        if let flavor {
            guard let f = Flavor(rawValue: flavor) else { throw ValidationError("--flavor must be one of " + Flavor.allCases.map(\.rawValue).joined(separator: ", ")) }
            options.conversion.flavor = f
        }
        if let layout {
            guard let l = Layout(rawValue: layout) else { throw ValidationError("--layout must be flat or tree") }
            options.layout = l
        }
        if let frontMatter {
            guard let f = FrontMatter(rawValue: frontMatter) else { throw ValidationError("--front-matter must be none or yaml") }
            options.frontMatter = f
        }
        options.since = since
        if let sign { options.signingKey = try ManifestSigning.privateKey(pemFile: sign).rawRepresentation }
        if let maxTotalBytes { options.limits.maxTotalBytes = maxTotalBytes }
        if let maxEntryBytes { options.limits.maxEntryBytes = maxEntryBytes }
        for (value, flag) in [(maxTotalBytes.map(Double.init), "--max-total-bytes"), (maxEntryBytes.map(Double.init), "--max-entry-bytes"), (maxEntries.map(Double.init), "--max-entries"), (maxRatio, "--max-ratio"), (maxBodyBytes.map(Double.init), "--max-body-bytes")] {
            if let value, !(value >= 1) { throw ValidationError("\(flag) must be at least 1") }
        }
        if let maxEntries { options.limits.maxEntries = maxEntries }
        if let maxRatio { options.limits.maxRatio = maxRatio }
        if let maxBodyBytes { options.limits.maxBodyBytes = maxBodyBytes }
        guard format == "text" || format == "json" else { throw ValidationError("--format must be text or json") }
        options.strict = strict
        if allowUnmatched { options.allowUnmatched = true }
        try checkReportPath()
        if dryRun {
            let plan: DryRunReport
            do {
                plan = try Converter(exportPaths: exports, options: options).dryRun()
            } catch let ConversionError.strictWarnings(count, report) {
                printDiagnostics(report)
                try writeStrictReport(report)
                throw ConversionError.strictWarnings(count: count, report: report)
            }
            Console.out(format == "json" ? try plan.json() : plan.text(), terminator: format == "json" ? "\n" : "")
            return
        }
        guard logFormat == "text" || logFormat == "json" else { throw ValidationError("--log-format must be text or json") }
        let timings = stats ? ConversionStats() : nil
        let progress = quiet ? nil : ProgressBar.forStandardError()
        var converter = Converter(exportPaths: exports, options: options)
        if let bar = progress {
            converter.progress = { @Sendable (phase: String, done: Int, total: Int) in bar.update(phase: phase, done: done, total: total) }
        }
        let result: ConversionReport
        do {
            result = try converter.convert(to: output, stats: timings)
            progress?.finish()
        } catch let ConversionError.strictWarnings(count, report) {
            progress?.finish()
            printDiagnostics(report)
            try writeStrictReport(report)
            throw ConversionError.strictWarnings(count: count, report: report)
        }
        let report = result
        printDiagnostics(report)
        if let path = self.report { try Self.writeReport(report, to: path) }
        if let timings {
            let line = timings.stages.map { stage in
                "\(stage.name) \(String(format: "%.3f", stage.seconds))s" + (stage.peakBytes.map { " (peak \($0 >> 20) MB)" } ?? "")
            }.joined(separator: ", ")
            Console.err("confluence-km: stages: \(line)\n")
        }
        if !quiet {
            let c = report.converted
            let line = "confluence-km: wrote \(URL(fileURLWithPath: output).standardizedFileURL.path): "
                + "\(c["pages"] ?? 0) pages, \(c["blogposts"] ?? 0) blog posts, \(c["attachments"] ?? 0) attachments; "
                + "\(report.summary["warnings"] ?? 0) warnings, \(report.summary["info"] ?? 0) notes (see report.json)\n"
            Console.err(line)
        }
    }
}
