import Crypto
import Foundation
import Testing

/// Paths and helpers shared by the tests.
enum Support {
    static let repoRoot: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let fixtures = repoRoot.appendingPathComponent("Fixtures/exports")
    static let referenceExports = repoRoot.deletingLastPathComponent().appendingPathComponent("shared/reference-exports")
    /// Tests on ../shared/reference-exports skip, saying so, where the folder is absent.
    static let hasReferenceExports = FileManager.default.fileExists(atPath: referenceExports.path)
    static let referenceExportsMissing: Comment = "../shared/reference-exports is not present; skipped"

    static var binary: String {
        if let b = ProcessInfo.processInfo.environment["CKM_BIN"], !b.isEmpty { return b }
        return repoRoot.appendingPathComponent(".build/debug/confluence-km").path
    }

    static func tempDir(_ name: String = #function) -> URL {
        let safe = name.filter { $0.isLetter || $0.isNumber }
        let u = FileManager.default.temporaryDirectory.appendingPathComponent("ckm-tests-\(getpid())/\(safe)-\(UUID().uuidString.prefix(8))")
        try? FileManager.default.createDirectory(at: u, withIntermediateDirectories: true)
        return u
    }

    /// Zips an export folder as Confluence lays it out; attachments first, so that entry order is exercised.
    static func zip(folder: URL, to zipURL: URL) throws {
        let fm = FileManager.default
        try? fm.removeItem(at: zipURL)
        var first: [String] = []
        var rest: [String] = []
        for item in try fm.contentsOfDirectory(atPath: folder.path).sorted() {
            if item == "attachments" { first.append(item) } else { rest.append(item) }
        }
        for group in [first, rest] where !group.isEmpty {
            let r = try run("/usr/bin/zip", ["-qrX", zipURL.path] + group, in: folder)
            #expect(r.status == 0, "zip failed: \(r.stderr)")
        }
    }

    struct Result { var status: Int32; var stdout: String; var stderr: String }

    @discardableResult
    static func run(_ exe: String, _ args: [String], in dir: URL? = nil) throws -> Result {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: exe)
        p.arguments = args
        if let dir { p.currentDirectoryURL = dir }
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Result(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
    }

    static func cli(_ args: [String]) throws -> Result { try run(binary, args) }

    /// Every regular file below a folder, relative path → bytes.
    static func files(in root: URL) throws -> [String: Data] {
        var out: [String: Data] = [:]
        let fm = FileManager.default
        guard let e = fm.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey]) else { return out }
        for case let u as URL in e {
            if (try u.resourceValues(forKeys: [.isRegularFileKey])).isRegularFile == true {
                let rel = String(u.standardizedFileURL.path.dropFirst(root.standardizedFileURL.path.count + 1))
                out[rel] = try Data(contentsOf: u)
            }
        }
        return out
    }

    static func sha256(_ d: Data) -> String { SHA256.hash(data: d).map { String(format: "%02x", $0) }.joined() }

    static func json(_ d: Data) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: d) as? [String: Any])
    }

    /// Relative link and image destinations of a Markdown file (inline form `](dest)` and HTML `src`/`href`).
    static func relativeLinks(_ markdown: String) -> [String] {
        var out: [String] = []
        let patterns = [#"\]\(([^)\s]+)(?:\s+"[^"]*")?\)"#, #"(?:src|href)="([^"]+)""#]
        for p in patterns {
            let re = try! NSRegularExpression(pattern: p)
            for m in re.matches(in: markdown, range: NSRange(markdown.startIndex..., in: markdown)) {
                let dest = String(markdown[Range(m.range(at: 1), in: markdown)!])
                if dest.contains("://") || dest.hasPrefix("mailto:") || dest.hasPrefix("#") { continue }
                out.append(dest)
            }
        }
        return out
    }

    /// Asserts every relative link of every article resolves to a file inside the bundle.
    static func expectLinksResolve(bundle: URL, files: [String: Data]) {
        for (path, data) in files where path.hasSuffix(".md") {
            let md = String(decoding: data, as: UTF8.self)
            for link in relativeLinks(md) {
                let target = link.split(separator: "#").first.map(String.init) ?? link
                let decoded = target.removingPercentEncoding ?? target
                let resolved = bundle.appendingPathComponent(path).deletingLastPathComponent()
                    .appendingPathComponent(decoded).standardizedFileURL.path
                let rootPath = bundle.standardizedFileURL.path
                #expect(resolved.hasPrefix(rootPath + "/"), "\(path): link \(link) leaves the bundle")
                let rel = String(resolved.dropFirst(rootPath.count + 1))
                #expect(files[rel] != nil, "\(path): link \(link) does not resolve (\(rel))")
            }
        }
    }

    /// A JSON value as canonical text (sorted keys), for comparing parsed JSON.
    static func canonical(_ value: Any) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .fragmentsAllowed]), as: UTF8.self)
    }

    /// Markdown without HTML comments (where keep-raw keeps a macro's storage source).
    static func withoutComments(_ md: String) -> String {
        md.replacingOccurrences(of: "<!--[\\s\\S]*?-->", with: "", options: .regularExpression)
    }

    /// Converts a zip with the CLI into a fresh folder, expecting success.
    static func convert(_ zip: URL, name: String = #function, extra: [String] = []) throws -> (URL, [String: Data]) {
        let out = tempDir(name).appendingPathComponent("bundle")
        let r = try cli(["convert", zip.path, "--output", out.path] + extra)
        #expect(r.status == 0, "convert failed: \(r.stderr)")
        return (out, try files(in: out))
    }
}
