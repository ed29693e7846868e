import CLibXML2

/// A view of a libxml2 node of a parsed body, in Swift values: it owns nothing and is valid only while its
/// ``ParsedBody`` lives. The only way code outside `XML/` sees a body's nodes (no libxml2 pointer leaves this folder).
struct XNode {
    private let ptr: xmlNodePtr

    init(_ ptr: xmlNodePtr) { self.ptr = ptr }

    enum Kind { case element, text, other }

    var kind: Kind {
        switch ptr.pointee.type {
        case XML_ELEMENT_NODE: .element
        case XML_TEXT_NODE, XML_CDATA_SECTION_NODE: .text
        default: .other
        }
    }

    /// The qualified name: `p`, `ac:link`, `ri:page`.
    var name: String {
        guard let n = ptr.pointee.name else { return "" }
        let local = String(cString: n)
        if let ns = ptr.pointee.ns, let prefix = ns.pointee.prefix {
            return String(cString: prefix) + ":" + local
        }
        // Bodies recovered by the HTML parser carry `ac-link` for `ac:link` (see BodyParser).
        if local.hasPrefix("ac-") || local.hasPrefix("ri-") || local.hasPrefix("at-") {
            return local.prefix(2) + ":" + local.dropFirst(3)
        }
        return local.lowercased()
    }

    /// The text of a text or CDATA node.
    var text: String {
        guard let c = ptr.pointee.content else { return "" }
        return String(cString: c)
    }

    var children: [XNode] {
        var out: [XNode] = []
        var c = ptr.pointee.children
        while let n = c {
            out.append(XNode(n))
            c = n.pointee.next
        }
        return out
    }

    var elementChildren: [XNode] { children.filter { $0.kind == .element } }

    func child(_ name: String) -> XNode? { elementChildren.first { $0.name == name } }

    /// Attribute by qualified name (`ri:content-title`) or plain name (`href`).
    func attr(_ name: String) -> String? {
        var a = ptr.pointee.properties
        while let attr = a {
            var qualified = attr.pointee.name.map { String(cString: $0) } ?? ""
            if let ns = attr.pointee.ns, let prefix = ns.pointee.prefix {
                qualified = String(cString: prefix) + ":" + qualified
            }
            if qualified == name {
                guard let v = xmlNodeListGetString(ptr.pointee.doc, attr.pointee.children, 1) else { return "" }
                defer { ckm_xmlFree(v) }
                return String(cString: v)
            }
            a = attr.pointee.next
        }
        return nil
    }

    /// All text below this node, in document order.
    var textContent: String {
        guard let c = xmlNodeGetContent(ptr) else { return "" }
        defer { ckm_xmlFree(c) }
        return String(cString: c)
    }

    /// Elements with this name anywhere below.
    func descendants(named name: String) -> [XNode] {
        var out: [XNode] = []
        for c in elementChildren {
            if c.name == name { out.append(c) }
            out.append(contentsOf: c.descendants(named: name))
        }
        return out
    }
}

extension XNode {
    /// The node's XML source as it stands in the body (after any ``replaceContent(_:)``).
    var outerXML: String {
        guard let buffer = xmlBufferCreate() else { return "" }
        defer { xmlBufferFree(buffer) }
        xmlNodeDump(buffer, ptr.pointee.doc, ptr, 0, 0)
        guard let content = xmlBufferContent(buffer) else { return "" }
        return String(cString: content)
    }

    /// Replaces everything below the node by this text, in the body's own tree (secret redaction: no later step
    /// can see what was there).
    func replaceContent(_ text: String) {
        xmlNodeSetContent(ptr, text)
    }
}

extension ParsedBody {
    /// The top-level nodes of the body, in order.
    var topNodes: [XNode] {
        var out: [XNode] = []
        var n = nodes
        while let node = n {
            out.append(XNode(node))
            n = node.pointee.next
        }
        return out
    }
}
