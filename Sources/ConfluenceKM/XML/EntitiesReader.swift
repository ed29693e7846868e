import Foundation
import CLibXML2

/// One `<object>` of `entities.xml` (hibernate-generic), reduced to what the index needs.
public struct RawObject: Sendable {
    public enum Value: Sendable, Equatable {
        case text(String)
        /// A reference to another object: `<property name=… class=…><id name="id">…</id></property>`.
        case ref(className: String?, id: String)
    }
    public var className: String
    public var id: String?
    public var properties = PropertyList()
    public var collections: [String: [String]] = [:]
    /// Properties whose text was longer than ``Limits/maxPropertyBytes`` and was cut while streaming.
    public var cutProperties: [String] = []

    public func text(_ name: String) -> String? {
        if case .text(let s)? = properties[name] { return s }
        return nil
    }
    public func ref(_ name: String) -> String? {
        if case .ref(_, let id)? = properties[name] { return id }
        return nil
    }
    public func refClass(_ name: String) -> String? {
        if case .ref(let c, _)? = properties[name] { return c }
        return nil
    }
    /// A non-empty text or reference id.
    public func value(_ name: String) -> String? {
        switch properties[name] {
        case .text(let s)?: return s.isEmpty ? nil : s
        case .ref(_, let id)?: return id
        case nil: return nil
        }
    }
}

/// The properties of one object, by name: a few dozen at most, so a list searched in order beats hashing.
public struct PropertyList: Sendable {
    private var names: [String] = []
    private var values: [RawObject.Value] = []

    public init() {}

    /// The names of the properties present, in the order met.
    public var propertyNames: [String] { names }

    public subscript(name: String) -> RawObject.Value? {
        get {
            for i in names.indices where names[i] == name { return values[i] }
            return nil
        }
        set {
            if let i = names.firstIndex(of: name) {
                if let newValue { values[i] = newValue } else { names.remove(at: i); values.remove(at: i) }
            } else if let newValue {
                names.append(name)
                values.append(newValue)
            }
        }
    }
}

/// Parses `entities.xml` with libxml2's SAX2 push parser, fed straight from a byte source (the libarchive entry).
///
/// Memory stays flat: one object at a time is built, property text is only kept where `captureText` says so, and
/// text arrives in pieces (a body of many megabytes is never held whole). Never loads a DTD or an external entity,
/// never touches the network; entity references are not expanded into the objects' text (entities declared in an
/// internal subset are only checked by libxml2, in a context of their own whose events are ignored here).
final class EntitiesReader {
    typealias Source = (UnsafeMutableRawBufferPointer) throws -> Int

    private let source: Source
    private let displayPath: String

    init(displayPath: String, source: @escaping Source) throws {
        initializeLibXML()
        self.displayPath = displayPath
        self.source = source
    }

    /// Everything the callbacks need, reached through the parser context's `_private`.
    private final class State {
        let wantsClass: (String) -> Bool
        let captureText: (String, String, String?) -> Bool
        let spool: BodySpool?
        let handle: (RawObject) throws -> Void
        var parser: xmlParserCtxtPtr?
        var failure: Error?

        var depth = 0
        /// Events are ignored while depth > ignoreBelow (an object or element of no interest).
        var ignoreBelow = Int.max
        var sawRoot = false
        var object: RawObject?
        var propertyName: String?
        var propertyClass: String?
        var propertyIsRef = false
        var collectionName: String?
        var inObjectId = false
        var capturing = false
        var spooling = false
        var buffer: [UInt8] = []
        /// Set when the captured text passed ``Limits/maxPropertyBytes``: the rest streamed past, unkept.
        var cut = false
        var displayPath = ""

        init(wantsClass: @escaping (String) -> Bool, captureText: @escaping (String, String, String?) -> Bool,
             spool: BodySpool?, handle: @escaping (RawObject) throws -> Void) {
            self.wantsClass = wantsClass
            self.captureText = captureText
            self.spool = spool
            self.handle = handle
            buffer.reserveCapacity(4096)
        }

        func stop(_ error: Error) {
            if failure == nil { failure = error }
            if let parser { xmlStopParser(parser) }
        }

        func start(_ name: UnsafePointer<xmlChar>, _ attributes: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?, _ count: Int) {
            let level = depth
            depth += 1
            if level > ignoreBelow { return }
            if level == 0 { sawRoot = true; return }
            if level == 1 {
                let cls = named(name, "object") ? attribute(attributes, count, "class") ?? "" : nil
                guard let cls, wantsClass(cls) else {
                    ignoreBelow = level
                    return
                }
                object = RawObject(className: cls)
                return
            }
            guard object != nil else { return }
            if level == 2 {
                if named(name, "id") {
                    inObjectId = true
                    buffer.removeAll(keepingCapacity: true)
                    capturing = true
                } else if named(name, "property") {
                    let pn = attribute(attributes, count, "name") ?? ""
                    propertyName = pn
                    propertyClass = attribute(attributes, count, "class")
                    propertyIsRef = false
                    buffer.removeAll(keepingCapacity: true)
                    capturing = captureText(object!.className, pn, object!.id)
                    if let spool, !capturing, pn == "body", object!.className == "BodyContent", object!.id != nil {
                        spool.begin()
                        spooling = true
                    }
                } else if named(name, "collection") {
                    let cn = attribute(attributes, count, "name") ?? ""
                    collectionName = cn
                    if object!.collections[cn] == nil { object!.collections[cn] = [] }
                } else {
                    ignoreBelow = level
                }
            } else if level == 3, propertyName != nil, named(name, "id") {
                propertyIsRef = true
                buffer.removeAll(keepingCapacity: true)
                capturing = true
            } else if level == 4, collectionName != nil, named(name, "id") {
                buffer.removeAll(keepingCapacity: true)
                capturing = true
            }
        }

        func end() {
            depth -= 1
            let level = depth
            if level > ignoreBelow { return }
            if level == ignoreBelow { ignoreBelow = .max; return }
            guard object != nil else { return }
            if level == 1 {
                do { try handle(object!) } catch { stop(error) }
                object = nil
            } else if level == 2 {
                if inObjectId {
                    if cut { object!.cutProperties.append("id"); cut = false }
                    object!.id = trimmed(buffer)
                    inObjectId = false
                } else if let pn = propertyName {
                    if spooling {
                        spool!.end(id: object!.id!)
                        spooling = false
                    }
                    if cut {
                        object!.cutProperties.append(pn)
                        cut = false
                    }
                    if propertyIsRef {
                        object!.properties[pn] = .ref(className: propertyClass, id: trimmed(buffer))
                    } else if capturing {
                        object!.properties[pn] = .text(String(decoding: buffer, as: UTF8.self))
                    } else {
                        object!.properties[pn] = .text("")
                    }
                    propertyName = nil
                }
                collectionName = nil
                capturing = false
            } else if level == 3, propertyName != nil {
                capturing = false  // end of the reference's <id>
            } else if level == 4, let cn = collectionName {
                if cut { object!.cutProperties.append(cn); cut = false }
                object!.collections[cn, default: []].append(trimmed(buffer))
                capturing = false
            }
        }

        func text(_ bytes: UnsafePointer<xmlChar>, _ count: Int) {
            if depth > ignoreBelow { return }
            if capturing {
                let room = Limits.maxPropertyBytes - buffer.count
                if count > room {
                    cut = true
                    if room > 0 { buffer.append(contentsOf: UnsafeBufferPointer(start: bytes, count: room)) }
                    return
                }
                buffer.append(contentsOf: UnsafeBufferPointer(start: bytes, count: count))
            } else if spooling {
                do { try spool!.append(UnsafeBufferPointer(start: bytes, count: count)) } catch { stop(error) }
            }
        }

        private func named(_ name: UnsafePointer<xmlChar>, _ literal: StaticString) -> Bool {
            literal.withUTF8Buffer { lit in
                lit.withMemoryRebound(to: CChar.self) { l in
                    strcmp(UnsafeRawPointer(name).assumingMemoryBound(to: CChar.self), l.baseAddress!) == 0
                }
            }
        }

        /// An attribute's value from SAX2's array (localname, prefix, URI, value start, value end per attribute).
        private func attribute(_ attributes: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?, _ count: Int, _ name: StaticString) -> String? {
            guard let attributes else { return nil }
            for i in 0..<count {
                guard let local = attributes[5 * i], named(local, name), let start = attributes[5 * i + 3],
                      let end = attributes[5 * i + 4] else { continue }
                return String(decoding: UnsafeBufferPointer(start: start, count: start.distance(to: end)), as: UTF8.self)
            }
            return nil
        }

        /// The buffer as a string without surrounding ASCII whitespace (ids and keys), without Foundation's slow path.
        private func trimmed(_ bytes: [UInt8]) -> String {
            var start = 0, end = bytes.count
            while start < end, bytes[start] == 32 || bytes[start] == 10 || bytes[start] == 13 || bytes[start] == 9 { start += 1 }
            while end > start, bytes[end - 1] == 32 || bytes[end - 1] == 10 || bytes[end - 1] == 13 || bytes[end - 1] == 9 { end -= 1 }
            return String(decoding: bytes[start..<end], as: UTF8.self)
        }
    }

    /// The state of the parser whose event this is; nil for the contexts libxml2 makes to check an entity's text.
    private static func state(_ ctx: UnsafeMutableRawPointer?) -> State? {
        guard let ctx else { return nil }
        let parser = ctx.assumingMemoryBound(to: xmlParserCtxt.self)
        guard let p = parser.pointee._private else { return nil }
        let state = Unmanaged<State>.fromOpaque(p).takeUnretainedValue()
        return state.parser == parser ? state : nil
    }

    /// Reads every object, calling `handle` for each whose class `wantsClass` accepts.
    /// `captureText(class, property, objectId)` decides whether a property's text is kept.
    func forEachObject(
        wantsClass: (String) -> Bool,
        captureText: (String, String, String?) -> Bool,
        spool: BodySpool? = nil,
        handle: (RawObject) throws -> Void
    ) throws {
        try withoutActuallyEscaping(wantsClass) { wantsClass in
            try withoutActuallyEscaping(captureText) { captureText in
                try withoutActuallyEscaping(handle) { handle in
                    try run(State(wantsClass: wantsClass, captureText: captureText, spool: spool, handle: handle))
                }
            }
        }
    }

    private func run(_ state: State) throws {
        var sax = xmlSAXHandler()
        xmlSAXVersion(&sax, 2)  // libxml2's own handlers for the prolog and DTD; the content events are ours
        sax.startElementNs = { ctx, localname, _, _, _, _, count, _, attributes in
            guard let state = EntitiesReader.state(ctx), let localname else { return }
            state.start(localname, attributes, Int(count))
        }
        sax.endElementNs = { ctx, _, _, _ in EntitiesReader.state(ctx)?.end() }
        sax.characters = { ctx, bytes, count in
            guard let bytes else { return }
            EntitiesReader.state(ctx)?.text(bytes, Int(count))
        }
        sax.cdataBlock = sax.characters
        sax.ignorableWhitespace = sax.characters
        sax.startElement = nil
        sax.endElement = nil
        sax.reference = nil  // an entity reference adds nothing to the text
        sax.comment = nil
        sax.processingInstruction = nil
        // Confluence never declares entities; a declaration is refused before it can be used (billion laughs,
        // external entities), so no reference is ever expanded, in text or in attributes.
        sax.entityDecl = { ctx, name, _, _, _, _ in
            guard let state = EntitiesReader.state(ctx) else { return }
            let n = name.map { String(cString: UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self)) } ?? ""
            state.stop(ConversionError.entityDeclarations(path: state.displayPath, name: Diagnostic.shown(n, limit: 60)))
        }
        sax.unparsedEntityDecl = nil
        sax.externalSubset = nil  // never load an external DTD
        sax.resolveEntity = nil   // never load an external entity
        sax.setDocumentLocator = nil
        sax.warning = nil
        sax.error = nil
        sax.fatalError = nil
        sax.serror = nil

        guard let parser = xmlCreatePushParserCtxt(&sax, nil, nil, 0, "entities.xml") else {
            throw ConversionError.malformedEntities(path: displayPath, line: 0, column: 0, reason: "libxml2 could not start a parser")
        }
        defer {
            if let doc = parser.pointee.myDoc { xmlFreeDoc(doc) }
            parser.pointee.myDoc = nil
            xmlFreeParserCtxt(parser)
        }
        xmlCtxtUseOptions(parser, Int32(XML_PARSE_NONET.rawValue | XML_PARSE_HUGE.rawValue | XML_PARSE_NOERROR.rawValue
            | XML_PARSE_NOWARNING.rawValue))
        state.parser = parser
        state.displayPath = displayPath
        parser.pointee._private = Unmanaged.passUnretained(state).toOpaque()

        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        var fed: [UInt8] = []
        fed.reserveCapacity(1 << 17)
        var splitter = CDATASplitter()  // keeps the push parser linear on bodies of any size
        while true {
            let n = try chunk.withUnsafeMutableBytes { try source($0) }
            fed.removeAll(keepingCapacity: true)
            chunk.withUnsafeBufferPointer { splitter.process(UnsafeBufferPointer(rebasing: $0[0..<n]), into: &fed, end: n == 0) }
            fed.withUnsafeBytes {
                _ = xmlParseChunk(parser, $0.baseAddress?.assumingMemoryBound(to: CChar.self), Int32($0.count), n == 0 ? 1 : 0)
            }
            if let failure = state.failure { throw failure }
            if parser.pointee.disableSAX != 0 { throw fail(parser) }
            if n == 0 { break }
        }
        withExtendedLifetime(state) {}
        if !state.sawRoot || state.depth != 0 { throw fail(parser) }
    }

    private func fail(_ parser: xmlParserCtxtPtr) -> Error {
        let e = xmlCtxtGetLastError(parser)
        var message = e?.pointee.message.map { String(cString: $0) } ?? "unexpected end of the document"
        message = message.trimmingCharacters(in: .whitespacesAndNewlines)
        return ConversionError.malformedEntities(
            path: displayPath, line: Int(e?.pointee.line ?? 0), column: Int(e?.pointee.int2 ?? 0), reason: message)
    }
}

private let libxmlInit: Void = {
    xmlInitParser()
}()

/// Initialises libxml2 once, before any thread uses it.
func initializeLibXML() { _ = libxmlInit }
