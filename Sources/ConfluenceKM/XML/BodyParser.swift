import CLibXML2
import Foundation

/// A parsed storage-format body: the node list libxml2 built, freed in `deinit`.
final class ParsedBody {
    /// The first top-level node of the body.
    let nodes: xmlNodePtr?
    /// The first error libxml2 reported, when the body was only parsed in recovery mode.
    let error: String?
    /// Set when the nodes belong to a document of their own (the HTML recovery parse), which is freed instead.
    private let ownDocument: xmlDocPtr?

    init(nodes: xmlNodePtr?, error: String?, ownDocument: xmlDocPtr? = nil) {
        self.nodes = nodes
        self.error = error
        self.ownDocument = ownDocument
    }
    deinit {
        if let ownDocument { xmlFreeDoc(ownDocument) } else if let nodes { xmlFreeNodeList(nodes) }
    }
}

/// Parses storage-format XHTML fragments with libxml2.
///
/// One template document per parser (and so per thread): an internal DTD subset that declares the XHTML entities,
/// and a root element that declares the `ac`/`ri`/`at` prefixes. Each body is parsed in that root's context with
/// `XML_PARSE_NONET|XML_PARSE_NOENT`: entities are those of the template only, nothing is loaded from anywhere.
final class BodyParser {
    private let document: xmlDocPtr
    private let root: xmlNodePtr

    init() {
        initializeLibXML()
        let template = """
            <?xml version="1.0" encoding="UTF-8"?>
            <!DOCTYPE ckm-root [\(xhtmlEntityDeclarations)]>
            <ckm-root xmlns="http://www.w3.org/1999/xhtml" xmlns:ac="http://atlassian.com/content" \
            xmlns:ri="http://atlassian.com/resource/identifier" xmlns:at="http://atlassian.com/template"/>
            """
        let options = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue | XML_PARSE_NOWARNING.rawValue)
        let doc = template.withCString { xmlReadMemory($0, Int32(strlen($0)), "template.xml", "UTF-8", options) }
        guard let doc, let root = xmlDocGetRootElement(doc) else {
            fatalError("libxml2 could not parse the built-in template document")
        }
        document = doc
        self.root = root
    }

    deinit { xmlFreeDoc(document) }

    /// Parses one body. Malformed bodies are parsed again in recovery mode; `error` then says what was wrong.
    func parse(_ body: String) -> ParsedBody {
        var utf8 = restoreCDATAEnds(Array(body.utf8))
        if utf8.isEmpty { return ParsedBody(nodes: nil, error: nil) }
        let strict = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOENT.rawValue | XML_PARSE_NOERROR.rawValue
            | XML_PARSE_NOWARNING.rawValue | XML_PARSE_HUGE.rawValue)
        var list: xmlNodePtr?
        let status = utf8.withUnsafeMutableBufferPointer { buf in
            buf.withMemoryRebound(to: CChar.self) { chars in
                xmlParseInNodeContext(root, chars.baseAddress, Int32(chars.count), strict, &list)
            }
        }
        if status == XML_ERR_OK { return ParsedBody(nodes: list, error: nil) }
        if let list { xmlFreeNodeList(list) }
        let message = lastErrorMessage(status)
        let text = String(decoding: utf8, as: UTF8.self)
        utf8 = []
        return recoverAsHTML(text, error: message)
    }

    /// Recovery for a body that is not well-formed: libxml2's HTML parser, which mends unclosed and misnested tags
    /// as browsers do (and as Confluence's own renderer did). Prefixed names (`ac:link`, `ri:page`) survive as plain
    /// names; CDATA sections, which HTML does not know, are turned into escaped text first.
    private func recoverAsHTML(_ text: String, error: String) -> ParsedBody {
        var escaped = ""
        var rest = Substring(text)
        while let open = rest.range(of: "<![CDATA[") {
            escaped += rest[..<open.lowerBound]
            let after = rest[open.upperBound...]
            let close = after.range(of: "]]>")
            let inner = close.map { after[..<$0.lowerBound] } ?? after
            escaped += inner.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            rest = close.map { after[$0.upperBound...] } ?? ""
        }
        escaped += rest
        // The HTML parser drops element prefixes (`ac:link` would become the void element `link`): rename them to
        // `ac-link`, which XNode maps back.
        for prefix in ["ac", "ri", "at"] {
            escaped = escaped.replacingOccurrences(of: "<\(prefix):", with: "<\(prefix)-")
                .replacingOccurrences(of: "</\(prefix):", with: "</\(prefix)-")
        }
        let options = Int32(HTML_PARSE_RECOVER.rawValue | HTML_PARSE_NONET.rawValue | HTML_PARSE_NOERROR.rawValue
            | HTML_PARSE_NOWARNING.rawValue | HTML_PARSE_NOBLANKS.rawValue)
        let wrapped = "<html><body>" + escaped + "</body></html>"
        let doc = wrapped.withCString { htmlReadMemory($0, Int32(strlen($0)), "body.html", "UTF-8", options) }
        guard let doc else { return ParsedBody(nodes: nil, error: error) }
        var node = xmlDocGetRootElement(doc)?.pointee.children
        while let n = node, n.pointee.type != XML_ELEMENT_NODE || String(cString: n.pointee.name) != "body" { node = n.pointee.next }
        return ParsedBody(nodes: node?.pointee.children, error: error, ownDocument: doc)
    }

    private func lastErrorMessage(_ status: xmlParserErrors) -> String {
        if let e = xmlGetLastError(), let m = e.pointee.message {
            let line = Int(e.pointee.line)
            let text = String(cString: m).trimmingCharacters(in: .whitespacesAndNewlines)
            return line > 0 ? "\(text) (line \(line) of the body)" : text
        }
        return "libxml2 error \(status.rawValue)"
    }
}

/// Older exports write a CDATA end inside a body as `]] >`; put back `]]>` where it closes a CDATA section
/// that the body opened, and nowhere else. Works on bytes: this runs on every body.
func restoreCDATAEnds(_ body: [UInt8]) -> [UInt8] {
    let open = Array("<![CDATA[".utf8), proper = Array("]]>".utf8), old = Array("]] >".utf8)
    return body.withUnsafeBufferPointer { bytes in
        guard var start = firstIndex(of: old, in: bytes, from: 0).flatMap({ _ in firstIndex(of: open, in: bytes, from: 0) })
        else { return body }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var copied = 0
        while true {
            let inside = start + open.count
            let p = firstIndex(of: proper, in: bytes, from: inside)
            guard let o = firstIndex(of: old, in: bytes, from: inside), p == nil || o < p! else {
                guard let p, let next = firstIndex(of: open, in: bytes, from: p + proper.count) else { break }
                start = next
                continue
            }
            out.append(contentsOf: bytes[copied..<o])
            out.append(contentsOf: proper)
            copied = o + old.count
            guard let next = firstIndex(of: open, in: bytes, from: copied) else { break }
            start = next
        }
        out.append(contentsOf: bytes[copied...])
        return out
    }
}

/// The first position of `needle` in `bytes` at or after `from` (memchr for its first byte, then a compare).
func firstIndex(of needle: [UInt8], in bytes: UnsafeBufferPointer<UInt8>, from: Int) -> Int? {
    guard let base = bytes.baseAddress, let first = needle.first else { return nil }
    var i = from
    while i + needle.count <= bytes.count {
        guard let hit = memchr(base + i, Int32(first), bytes.count - needle.count + 1 - i) else { return nil }
        let at = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
        if needle.withUnsafeBufferPointer({ memcmp(base + at, $0.baseAddress!, needle.count) == 0 }) { return at }
        i = at + 1
    }
    return nil
}
