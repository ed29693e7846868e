import ArgumentParser
import ConfluenceKM
import Foundation

struct Apply: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Apply a delta (convert --since) to the bundle it was made against, atomically; the result is checked against the new manifest before it replaces the bundle.")

    @Argument(help: "The delta written by convert --since (a folder, or an archive).")
    var delta: String

    @Option(help: "The bundle to update (a folder, or an archive: written anew, atomically).")
    var to: String

    func run() throws {
        try Delta.apply(delta: delta, to: to)
        Console.err("confluence-km: applied \(delta) to \(to)\n")
    }
}
