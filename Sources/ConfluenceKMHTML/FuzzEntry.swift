import ConfluenceKM
import Foundation

/// The preview's fuzz entry point (`make fuzz`, target FuzzPreview) and its regression replay.
public enum SiteFuzzEntry {
    /// Bytes as a hand-made bundle for `preview --html`: the first part (up to a NUL byte) is an article's
    /// metadata, the rest its Markdown. Whatever they hold, the site is written inside its folder only, every page
    /// carries the Content-Security-Policy, and the tree is walked to the end.
    public static func preview(_ data: Data, scratch: String) {
        let split = data.firstIndex(of: 0) ?? data.endIndex
        let meta = data[..<split], markdown = split < data.endIndex ? data[(split + 1)...] : Data()
        let fm = FileManager.default
        let root = scratch + "/preview-\(getpid())"
        try? fm.removeItem(atPath: root)
        let bundle = root + "/in/bundle", site = root + "/in/site"
        do {
            try fm.createDirectory(atPath: bundle + "/articles/S", withIntermediateDirectories: true)
            try Data(meta).write(to: URL(fileURLWithPath: bundle + "/articles/S/a.json"))
            try Data(#"{"id":"2","type":"page","title":"B","spaceKey":"S","markdown":"articles/S/b.md","parentId":"1"}"#.utf8)
                .write(to: URL(fileURLWithPath: bundle + "/articles/S/b.json"))
            try Data(markdown).write(to: URL(fileURLWithPath: bundle + "/articles/S/a.md"))
            try Data(markdown).write(to: URL(fileURLWithPath: bundle + "/articles/S/b.md"))
        } catch { return }
        try? SiteWriter.write(bundle: bundle, to: site)
        for path in BundleFiles.list(root: root).files {
            guard path.hasPrefix("in/bundle/") || path.hasPrefix("in/site/") else { fatalError("written outside the site: \(path)") }
            if path.hasPrefix("in/site/"), path.hasSuffix(".html"),
               let html = try? String(contentsOfFile: root + "/" + path, encoding: .utf8),
               !html.contains("http-equiv=\"Content-Security-Policy\"") {
                fatalError("a page without the Content-Security-Policy: \(path)")
            }
        }
        try? fm.removeItem(atPath: root)
    }
}
