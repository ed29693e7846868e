import Foundation
import Testing
@testable import ConfluenceKM

/// `--flavor mkdocs`: a bundle MkDocs Material builds with `--strict` (make test installs mkdocs, mkdocs-material and
/// pymdown-extensions), whose every construct renders as MkDocs means it.
@Suite struct MkDocsFlavorTests {
    /// `mkdocs build --strict` of a bundle into `site`; the log when it failed or warned.
    static func build(_ bundle: URL, site: URL) throws -> (ok: Bool, log: String) {
        var env = ProcessInfo.processInfo.environment
        env["NO_MKDOCS_2_WARNING"] = "1"
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-m", "mkdocs", "build", "--strict", "-f", bundle.appendingPathComponent("mkdocs.yml").path, "-d", site.path]
        p.environment = env
        let err = Pipe()
        p.standardError = err
        p.standardOutput = err
        try p.run()
        let log = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        return (p.terminationStatus == 0 && !log.contains("WARNING"), log)
    }

    static let constructs = """
        <ac:structured-macro ac:name="toc"/><h1>First part</h1><p>Text with <b>bold</b>, a literal &lt;b&gt; tag, 1 &amp;amp; 2, x_y_z and <s>gone</s>.<br/>After a break.</p>\
        <ac:structured-macro ac:name="info"><ac:parameter ac:name="title">Heads "up"</ac:parameter><ac:rich-text-body><p>Info body.</p><ul><li>in a panel</li></ul></ac:rich-text-body></ac:structured-macro>\
        <ac:structured-macro ac:name="note"><ac:rich-text-body><p>Careful.</p></ac:rich-text-body></ac:structured-macro>\
        <ac:structured-macro ac:name="warning"><ac:parameter ac:name="title">Danger</ac:parameter><ac:rich-text-body><p>Red.</p></ac:rich-text-body></ac:structured-macro>\
        <ac:structured-macro ac:name="expand"><ac:parameter ac:name="title">More</ac:parameter><ac:rich-text-body><p>Hidden text.</p></ac:rich-text-body></ac:structured-macro>\
        <h2>Tasks and lists</h2><ac:task-list><ac:task><ac:task-id>1</ac:task-id><ac:task-status>complete</ac:task-status><ac:task-body>done task</ac:task-body></ac:task><ac:task><ac:task-id>2</ac:task-id><ac:task-status>incomplete</ac:task-status><ac:task-body>open task</ac:task-body></ac:task></ac:task-list>\
        <ul><li>outer<ul><li>inner</li></ul></li><li><p>with code</p><ac:structured-macro ac:name="code"><ac:parameter ac:name="language">python</ac:parameter><ac:plain-text-body><![CDATA[print("in a list")]]></ac:plain-text-body></ac:structured-macro></li></ul>\
        <table><tbody><tr><th>Name</th><th>Value</th></tr><tr><td>a</td><td>1</td></tr></tbody></table>\
        <p><ac:image ac:width="120"><ri:attachment ri:filename="pic.png"/></ac:image></p>\
        <p>See <ac:link><ri:page ri:content-title="Files"/></ac:link> and <a href="#first-part">the top</a>.</p><h1>First part</h1><p>A heading repeated.</p>
        """

    @Test func everyConstructRendersAsMkDocsMeansIt() throws {
        let png = Data(base64Encoded: "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==")!
        let body = Self.constructs.replacingOccurrences(of: "]]>", with: "]]]]><![CDATA[>")
        let zip = try TrustTests.export("""
            <object class="Page" package="com.atlassian.confluence.pages"><id name="id">12</id><property name="title"><![CDATA[Every construct]]></property><property name="version">1</property><property name="contentStatus"><![CDATA[current]]></property><property name="position">0</property><property name="space" class="Space" package="com.atlassian.confluence.spaces"><id name="id">1</id></property><property name="parent" class="Page" package="com.atlassian.confluence.pages"><id name="id">10</id></property></object>
            <object class="BodyContent" package="com.atlassian.confluence.core"><id name="id">13</id><property name="body"><![CDATA[\(body)]]></property><property name="bodyType">2</property><property name="content" class="Page" package="com.atlassian.confluence.pages"><id name="id">12</id></property></object>
            <object class="Attachment" package="com.atlassian.confluence.pages"><id name="id">20</id><property name="title"><![CDATA[pic.png]]></property><property name="version">1</property><property name="contentStatus"><![CDATA[current]]></property><property name="mediaType"><![CDATA[image/png]]></property><property name="containerContent" class="Page" package="com.atlassian.confluence.pages"><id name="id">12</id></property></object>
            """, files: ["attachments/12/20/1": png])
        let (bundle, files) = try Support.convert(zip, extra: ["--flavor", "mkdocs"])
        let md = String(decoding: try #require(files["articles/MT/every-construct.md"]), as: UTF8.self)
        #expect(md.contains("!!! info \"Heads &#34;up&#34;\"\n\n    Info body."), "a title's quotes as references: it stays one quoted title")
        #expect(md.contains("??? note \"More\""))
        #expect(files["articles/_attachments/MT/12/pic.png"] != nil, "attachments inside docs_dir")
        let yml = String(decoding: try #require(files["mkdocs.yml"]), as: UTF8.self)
        #expect(yml.contains("  - \"MT — Media\":\n    - \"Files\":\n      - \"Files\": \"MT/files.md\"\n      - \"Every construct\": \"MT/every-construct.md\"\n"), "\(yml)")
        #expect(try Support.cli(["validate", bundle.path]).status == 0)
        let site = Support.tempDir("mkdocs-site")
        let built = try Self.build(bundle, site: site)
        #expect(built.ok, "\(built.log)")
        let html = try String(contentsOf: site.appendingPathComponent("MT/every-construct/index.html"), encoding: .utf8)
        #expect(html.contains("<div class=\"admonition info\">") && html.contains("<p class=\"admonition-title\">Heads &#34;up&#34;</p>"), "an admonition with its title")
        #expect(html.contains("<div class=\"admonition warning\">") && html.contains("<div class=\"admonition danger\">"))
        #expect(html.contains("<details class=\"note\">") && html.contains("<summary>More</summary>"), "an expand folds")
        #expect(html.contains("class=\"task-list-item\"") && html.contains("checked"), "tasks are checkboxes")
        #expect(html.range(of: #"<li>\s*(<p>)?outer(</p>)?\s*<ul>\s*<li>inner</li>"#, options: .regularExpression) != nil, "a nested list nests")
        #expect(html.range(of: #"<li>\s*<p>with code</p>\s*<div class="(language-python )?highlight"><pre>.*print.*in a list"#, options: .regularExpression) != nil,
                "a code block inside a list item")
        #expect(html.contains("<table>") && html.contains("<th>Name</th>"))
        #expect(html.contains("width=\"120\"") && html.contains("_attachments/MT/12/pic.png"), "an image with its size")
        #expect(html.contains("a literal &lt;b&gt; tag, 1 &amp;amp; 2, x_y_z and <del>gone</del>.<br>"), "text as written, a hard break")
        #expect(html.contains("href=\"../files/\""), "a link to another page")
        #expect(html.contains("id=\"first-part\"") && html.contains("href=\"#first-part\""), "anchors land")
        #expect(md.contains("(#first-part_1)") && html.contains("id=\"first-part_1\"") && html.contains("href=\"#first-part_1\""),
                "a repeated heading is numbered as MkDocs numbers it")
        #expect(FileManager.default.fileExists(atPath: site.appendingPathComponent("_attachments/MT/12/pic.png").path))
        // The preview site of the same bundle carries the image too.
        let preview = Support.tempDir("mkdocs-preview").appendingPathComponent("site")
        #expect(try Support.cli(["preview", bundle.path, "--html", preview.path]).status == 0)
        #expect(FileManager.default.fileExists(atPath: preview.appendingPathComponent("articles/_attachments/MT/12/pic.png").path))
        let page = try String(contentsOf: preview.appendingPathComponent("articles/MT/every-construct.html"), encoding: .utf8)
        #expect(page.contains("<h1 id=\"first-part_1\">") && page.contains("href=\"#first-part_1\""), "the preview site numbers it alike")
    }

    /// Every real export: its mkdocs flavour builds with `--strict`, without a warning.
    @Test(.enabled(if: Support.hasReferenceExports), arguments: ReferenceExportTests.cases.map(\.name) + ["csv-RJTest.zip"])
    func everyReferenceExportBuilds(_ name: String) throws {
        let dir = Support.tempDir("mkdocs-\(name)")
        let bundle = dir.appendingPathComponent("bundle")
        let r = try Support.cli(["convert", Support.referenceExports.appendingPathComponent(name).path, "-o", bundle.path, "--flavor", "mkdocs"])
        #expect(r.status == 0, "\(r.stderr)")
        let built = try Self.build(bundle, site: dir.appendingPathComponent("site"))
        #expect(built.ok, "\(built.log)")
        #expect(try Support.cli(["validate", bundle.path]).status == 0)
    }

    /// A crafted title or space key stays one YAML value: the nav parses to exactly the pages given, with their
    /// titles as written.
    @Test func craftedTitlesStayValuesInMkDocsYml() throws {
        let evil = "Evil\"\n- x: !!python/object/apply:os.system [\"id\"]\u{2028}\t#"
        let entries = [
            MkDocsConfig.Entry(id: "1", title: evil, markdown: "articles/S/evil.md", spaceKey: "S\n- k", category: "C: {x}", blogPost: false, created: nil),
            MkDocsConfig.Entry(id: "2", title: "Child", markdown: "articles/S/child.md", spaceKey: "S\n- k", category: nil, blogPost: false, created: nil),
        ]
        let yaml = MkDocsConfig.yaml(entries: entries, spaceRoots: ["S\n- k": ["1"]], children: ["1": ["2"]])
            .replacingOccurrences(of: "!!python/object/apply:pymdownx.slugs.slugify {kwds: {case: lower}}", with: "lower")
        let file = Support.tempDir("yml").appendingPathComponent("mkdocs.yml")
        try Data(yaml.utf8).write(to: file)
        let r = try Support.run("/usr/bin/env", ["python3", "-c", "import yaml,json,sys; print(json.dumps(yaml.safe_load(open(sys.argv[1]))['nav']))", file.path])
        #expect(r.status == 0, "\(r.stderr)")
        let nav = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String: Any]]
        let space = try #require(nav?.first?["S\n- k — C: {x}"] as? [[String: Any]], "\(r.stdout)")
        let section = try #require(space.first?[evil] as? [[String: String]])
        #expect(section == [[evil: "S/evil.md"], ["Child": "S/child.md"]])
    }
}
