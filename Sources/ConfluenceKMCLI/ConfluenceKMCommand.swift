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
        do {
            var command = try parseAsRoot()
            try command.run()
            Interrupts.waitIfStopping()
        } catch let error as ConversionError {
            // A signal's cleanup is running: what failed here failed because of it; the handler exits.
            Interrupts.waitIfStopping()
            if case .invalidOption = error {
                Console.err("confluence-km: error: " + error.description + "\n")
                Foundation.exit(64)
            }
            Console.err("confluence-km: error: " + error.description + "\n")
            Foundation.exit(1)
        } catch let error as ConfigError {
            Interrupts.waitIfStopping()
            Console.err("confluence-km: error: " + error.description + "\n")
            Foundation.exit(64)
        } catch let error as ExitCode {
            Interrupts.waitIfStopping()
            Foundation.exit(error.rawValue)
        } catch {
            Interrupts.waitIfStopping()
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
