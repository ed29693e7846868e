import ConfluenceKM
import ConfluenceKMHTML
import Foundation

/// Bytes as a hand-made bundle for `preview --html`: the first part (up to a NUL byte) is an article's metadata, the
/// rest its Markdown. Whatever they hold, the site is written inside its folder only, every page carries the
/// Content-Security-Policy, and the tree is walked to the end.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTestOneInput(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let data = Data(bytes: start, count: count)
    let split = data.firstIndex(of: 0) ?? data.endIndex
    let meta = data[..<split], markdown = split < data.endIndex ? data[(split + 1)...] : Data()
    let fm = FileManager.default
    let root = "/dev/shm/preview-\(getpid())"
    try? fm.removeItem(atPath: root)
    let bundle = root + "/in/bundle", site = root + "/in/site"
    do {
        try fm.createDirectory(atPath: bundle + "/articles/S", withIntermediateDirectories: true)
        try Data(meta).write(to: URL(fileURLWithPath: bundle + "/articles/S/a.json"))
        try Data(#"{"id":"2","type":"page","title":"B","spaceKey":"S","markdown":"articles/S/b.md","parentId":"1"}"#.utf8)
            .write(to: URL(fileURLWithPath: bundle + "/articles/S/b.json"))
        try Data(markdown).write(to: URL(fileURLWithPath: bundle + "/articles/S/a.md"))
        try Data(markdown).write(to: URL(fileURLWithPath: bundle + "/articles/S/b.md"))
    } catch { return 0 }
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
    return 0
}

@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafeRawPointer, Int) -> CInt) -> CInt

/// SwiftPM names an executable's entry point <module>_main; it hands over to libFuzzer's driver.
@_cdecl("FuzzPreview_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var c = argc
    var v = argv
    return LLVMFuzzerRunDriver(&c, &v, fuzzTestOneInput)
}
