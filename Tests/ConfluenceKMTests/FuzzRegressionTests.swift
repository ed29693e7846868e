import ConfluenceKM
import ConfluenceKMHTML
import Foundation
import Testing

/// Every input kept in Fuzz/regressions (crashes and hangs found by `make fuzz`, and hand-made hostile inputs)
/// goes through its fuzz entry point again: none may crash.
@Suite struct FuzzRegressionTests {
    static func inputs(_ kind: String) -> [String] {
        let dir = Support.repoRoot.appendingPathComponent("Fuzz/regressions/\(kind)")
        return ((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []).filter { !$0.hasPrefix(".") }.sorted()
            .map { dir.appendingPathComponent($0).path }
    }

    @Test func thereAreRegressionInputs() {
        #expect(Self.inputs("body").count + Self.inputs("entities").count + Self.inputs("archive").count >= 3)
    }

    @Test(arguments: inputs("body")) func body(_ path: String) throws {
        FuzzEntryPoints.body(try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    @Test(arguments: inputs("wiki")) func wiki(_ path: String) throws {
        FuzzEntryPoints.wiki(try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    @Test(arguments: inputs("entities")) func entities(_ path: String) throws {
        FuzzEntryPoints.entities(try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    @Test(arguments: inputs("archive")) func archive(_ path: String) throws {
        FuzzEntryPoints.archive(try Data(contentsOf: URL(fileURLWithPath: path)), scratch: Support.tempDir("fuzz").path)
    }

    @Test(arguments: inputs("url")) func url(_ path: String) throws {
        FuzzEntryPoints.url(try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    @Test(arguments: inputs("apply")) func apply(_ path: String) throws {
        FuzzEntryPoints.apply(try Data(contentsOf: URL(fileURLWithPath: path)), scratch: Support.tempDir("fuzz").path)
    }

    @Test(arguments: inputs("preview")) func preview(_ path: String) throws {
        SiteFuzzEntry.preview(try Data(contentsOf: URL(fileURLWithPath: path)), scratch: Support.tempDir("fuzz").path)
    }
}
