import ArgumentParser
import ConfluenceKM
import Foundation

struct Inspect: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show what an export holds, offline: format, version, spaces with counts, history, drafts, trash, archived, labels, macros (and which are not converted), users, groups, restrictions, sizes.")

    @Argument(help: "The export ZIP, or its unzipped folder. Several: inspected together, as convert would merge them into one bundle (a space in two of them is an error unless --prefer newest).")
    var exports: [String]

    @OptionGroup var merge: MergeOptions

    @Option(help: "text or json.")
    var format: String = "text"

    @Flag(help: "Print a commented YAML configuration prefilled with the export's spaces, page trees, labels and groups (for --config).")
    var configTemplate = false

    func run() throws {
        guard format == "text" || format == "json" else { throw ValidationError("--format must be text or json") }
        guard !exports.isEmpty else { throw ValidationError("name the export to inspect (a .zip or its unzipped folder)") }
        var options = ConvertOptions()
        merge.apply(to: &options)
        let report = try Converter(exportPaths: exports, options: options).inspect()
        if configTemplate {
            Console.out(report.configTemplate(), terminator: "")
            return
        }
        Console.out(format == "json" ? try report.json() : report.text(), terminator: format == "json" ? "\n" : "")
    }
}
