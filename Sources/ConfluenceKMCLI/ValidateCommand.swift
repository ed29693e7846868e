import ArgumentParser
import ConfluenceKM
import Foundation

struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check a bundle: manifest hashes and sizes, missing or unlisted files, metadata against the schema, links, attachments; optionally its signature, or compare it with an expected bundle.",
        discussion: "Exit codes: 0 the bundle is valid (and equal to --against); 1 a problem or a difference was found; 64 usage error.")

    @Argument(help: "The bundle folder, or the bundle as one archive (.zip, .tar, .tar.zst).")
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
        // A bundle archive (convert -o BUNDLE.zip|.tar|.tar.zst) is checked in its unpacked copy.
        let unpacked = try UnpackedBundle(bundle)
        defer { withExtendedLifetime(unpacked) {} }  // its folder stays until the end
        let validator = BundleValidator(bundle: unpacked.folder.path)
        let key = try verify.map { try ManifestSigning.publicKey(pemFile: $0) }
        let problems = try validator.validate(publicKey: key)
        var differences: [String] = []
        if let against {
            let expected = try UnpackedBundle(against)
            differences = try withExtendedLifetime(expected) { try validator.diff(against: expected.folder.path) }
        }
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
