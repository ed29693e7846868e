import ArgumentParser
import ConfluenceKM
import ConfluenceKMHTML
import Foundation

/// JSON for people and pipelines: sorted keys, no escaped slashes; pretty unless one object per line is wanted.
func encodeJSON<T: Encodable>(_ value: T, pretty: Bool = true) throws -> String {
    let e = JSONEncoder()
    e.outputFormatting = pretty ? [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
    return String(decoding: try e.encode(value), as: UTF8.self)
}

/// The `confluence-km` command line. Exit codes: 0 success, 1 failure, 64 usage error.
public struct ConfluenceKMCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "confluence-km",
        abstract: "Convert Confluence space exports into a Knowledge Management bundle, fully offline.",
        discussion: """
            Exit codes: 0 success; 1 the command failed (bad input, cannot write, --strict warnings, validate found a problem); 64 usage error (bad option, value or --config key).
            """,
        version: Converter.toolVersion,
        subcommands: [Convert.self, Inspect.self, Preview.self, Validate.self, Apply.self])

    public init() {}

    /// Runs the command and exits with the documented codes.
    public static func main() {
        Interrupts.install()
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let error as ConversionError {
            if case .invalidOption = error {
                Console.err("confluence-km: error: " + error.description + "\n")
                Foundation.exit(64)
            }
            Console.err("confluence-km: error: " + error.description + "\n")
            Foundation.exit(1)
        } catch let error as ConfigError {
            Console.err("confluence-km: error: " + error.description + "\n")
            Foundation.exit(64)
        } catch let error as ExitCode {
            Foundation.exit(error.rawValue)
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                Console.out(fullMessage(for: error))
            } else {
                Console.err(fullMessage(for: error) + "\n")
            }
            // argument-parser reports validation errors with 64 (EX_USAGE).
            Foundation.exit(code.rawValue)
        }
    }
}

struct Convert: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Convert an export ZIP (XML space or site export, or Cloud CSV export) into a bundle folder.",
        discussion: """
            The bundle is written into a temporary folder beside --output and renamed into place at the end:
            on failure nothing is left at --output. The same export and options always give a byte-identical bundle.
            """)

    @Argument(help: "The export ZIP written by Confluence (XML space export or site backup).")
    var export: String

    @Option(name: [.short, .long], help: "The bundle folder to write. It must not exist or be empty, unless --force.")
    var output: String = ""

    @Flag(help: "Replace a non-empty --output folder (the old bundle is removed only once the new one is in place).")
    var force = false

    @Flag(help: "Also convert archived pages and blog posts (left out and counted by default).")
    var includeArchived = false

    @Option(help: ArgumentHelp(
        "The time zone of the export's dates (an IANA name such as Europe/Berlin).",
        discussion: "Default: the export descriptor's timezoneId, else UTC."))
    var timezone: String?

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
        if let timezone, TimeZone(identifier: timezone) == nil {
            throw ValidationError("--timezone '\(timezone)' is not a known time zone; use an IANA name such as UTC or Europe/Berlin")
        }
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
    }

    /// With --strict and warnings no bundle is written, but the report is: to --report, or beside the would-be
    /// output as OUTPUT.report.json (never over a file that is not such a report), so CI can show why.
    func writeStrictReport(_ r: ConversionReport) throws {
        let path = report ?? (URL(fileURLWithPath: output).standardizedFileURL.path + ".report.json")
        if report == nil, let existing = FileManager.default.contents(atPath: path),
           (try? JSONDecoder().decode(ConversionReport.self, from: existing)) == nil {
            Console.err("confluence-km: \(path) exists and is not a report; the report was not written\n")
            return
        }
        guard FileManager.default.createFile(atPath: path, contents: Data((try encodeJSON(r) + "\n").utf8)) else {
            throw ConversionError.outputFailed(path: path, reason: "cannot write the report")
        }
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
        if keepSecrets { settings.keepSecrets = true }
    }

    func run() throws {
        var options = ConvertOptions()
        if let config { try ConfigFile.apply(config, to: &options) }
        options.force = force
        if includeArchived { options.includeArchived = true }
        if let timezone { options.timeZone = TimeZone(identifier: timezone) }
        if let jobs { options.jobs = jobs }
        try applyConversionFlags(&options.conversion)
        if let users { options.userNames = try UserDirectory.load(users) }
        try filters.apply(&options.filters)
        try mapping.apply(&options.mapping)
        try options.mapping.validate()
        try permissions.apply(&options.permissions)
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
                plan = try Converter(exportPath: export, options: options).dryRun()
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
        var converter = Converter(exportPath: export, options: options)
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
        if let path = self.report {
            guard FileManager.default.createFile(atPath: path, contents: Data((try encodeJSON(report) + "\n").utf8)) else {
                throw ConversionError.outputFailed(path: path, reason: "cannot write --report")
            }
        }
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

struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check a bundle: manifest hashes and sizes, missing or unlisted files, metadata against the schema, links, attachments; optionally its signature, or compare it with an expected bundle.",
        discussion: "Exit codes: 0 the bundle is valid (and equal to --against); 1 a problem or a difference was found; 64 usage error.")

    @Argument(help: "The bundle folder.")
    var bundle: String

    @Option(help: "Compare with this expected bundle and print a per-article diff (metadata fields and Markdown lines).")
    var against: String?

    @Option(help: "Verify manifest.json.sig with this Ed25519 public key (PEM: openssl pkey -in key.pem -pubout).")
    var verify: String?

    @Option(help: "text or json.")
    var format: String = "text"

    func run() throws {
        guard FileManager.default.fileExists(atPath: bundle) else {
            throw ConversionError.invalidOption("\(bundle): no such bundle folder")
        }
        let validator = BundleValidator(bundle: bundle)
        let key = try verify.map { try ManifestSigning.publicKey(pemFile: $0) }
        let problems = try validator.validate(publicKey: key)
        var differences: [String] = []
        if let against { differences = try validator.diff(against: against) }
        if format == "json" {
            struct Out: Encodable { var valid: Bool; var problems: [BundleValidator.Problem]; var differences: [String] }
            Console.out(try encodeJSON(Out(valid: problems.isEmpty && differences.isEmpty, problems: problems, differences: differences)))
        } else {
            for p in problems { Console.out(p.description) }
            if !differences.isEmpty {
                Console.out("differences from \(against!):")
                for d in differences { Console.out(d) }
            }
            if problems.isEmpty && differences.isEmpty { Console.out("valid: \(bundle)") }
        }
        if !problems.isEmpty || !differences.isEmpty { throw ExitCode(1) }
    }
}

struct Inspect: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show what an export holds, offline: format, version, spaces with counts, history, drafts, trash, archived, labels, macros (and which are not converted), users, groups, restrictions, sizes.")

    @Argument(help: "The export ZIP.")
    var export: String

    @Option(help: "text or json.")
    var format: String = "text"

    @Flag(help: "Print a commented YAML configuration prefilled with the export's spaces, page trees, labels and groups (for --config).")
    var configTemplate = false

    func run() throws {
        guard format == "text" || format == "json" else { throw ValidationError("--format must be text or json") }
        let report = try Converter(exportPath: export).inspect()
        if configTemplate {
            Console.out(report.configTemplate(), terminator: "")
            return
        }
        Console.out(format == "json" ? try report.json() : report.text(), terminator: format == "json" ? "\n" : "")
    }
}

struct Preview: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print one page's Markdown and metadata (or every page's, with --all), converted as convert would; nothing is written.")

    @Argument(help: "The export ZIP.")
    var export: String

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
        try options.mapping.validate()
        if let html, let page {
            let site = FileManager.default.temporaryDirectory.appendingPathComponent("ckm-page-\(getpid())").path
            let bundle = site + "-bundle"
            TemporaryPaths.register(site)
            TemporaryPaths.register(bundle)
            defer { try? FileManager.default.removeItem(atPath: site); try? FileManager.default.removeItem(atPath: bundle) }
            let one = try Converter(exportPath: export, options: options).preview(page: page)
            options.force = true
            try Converter(exportPath: export, options: options).convert(to: bundle)
            try SiteWriter.write(bundle: bundle, to: site)
            try SiteWriter.standalone(site: site, markdownPath: one[0].markdownPath, to: html)
            Console.err("confluence-km: page written to \(html)\n")
            return
        }
        if let html {
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: export, isDirectory: &isDir), isDir.boolValue {
                try SiteWriter.write(bundle: export, to: html)
            } else {
                let tmp = FileManager.default.temporaryDirectory.appendingPathComponent("ckm-site-\(getpid())").path
                TemporaryPaths.register(tmp)
                defer { try? FileManager.default.removeItem(atPath: tmp) }
                options.force = true
                try Converter(exportPath: export, options: options).convert(to: tmp)
                try SiteWriter.write(bundle: tmp, to: html)
            }
            Console.err("confluence-km: site written to \(html)/index.html\n")
            return
        }
        let pages = try Converter(exportPath: export, options: options).preview(page: all ? nil : page, includeStorage: storage, includeModel: model)
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
}

struct Apply: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Apply a delta (convert --since) to the bundle it was made against, atomically; the result is checked against the new manifest before it replaces the bundle.")

    @Argument(help: "The delta folder written by convert --since.")
    var delta: String

    @Option(help: "The bundle to update.")
    var to: String

    func run() throws {
        try Delta.apply(delta: delta, to: to)
        Console.err("confluence-km: applied \(delta) to \(to)\n")
    }
}
