import ArgumentParser
import ConfluenceKM
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
        let failure: Error
        do {
            var command = try parseAsRoot()
            try command.run()
            Interrupts.waitIfStopping()
            return
        } catch {
            failure = error
        }
        // A signal's cleanup is running: what failed here failed because of it, and the handler exits.
        Interrupts.waitIfStopping()
        switch failure {
        case let error as ConversionError:
            Console.err("confluence-km: error: " + error.description + "\n")
            if case .invalidOption = error { Foundation.exit(64) }
            Foundation.exit(1)
        case let error as ConfigError:
            Console.err("confluence-km: error: " + error.description + "\n")
            Foundation.exit(64)
        case let error as ExitCode:
            Foundation.exit(error.rawValue)
        default:
            let code = exitCode(for: failure)
            if code == .success {
                Console.out(fullMessage(for: failure))
            } else {
                Console.err(fullMessage(for: failure) + "\n")
            }
            // argument-parser reports validation errors with 64 (EX_USAGE).
            Foundation.exit(code.rawValue)
        }
    }
}
