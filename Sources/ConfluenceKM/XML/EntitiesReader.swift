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
    public var properties: [String: Value] = [:]
    public var collections: [String: [String]] = [:]

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

/// Pull-parses `entities.xml` with libxml2's `xmlTextReader`, fed straight from a byte source (the libarchive entry).
///
/// Memory stays flat: one object at a time is built, and property text is only kept where `captureText` says so.
/// Never loads a DTD, never touches the network, never substitutes entities.
final class EntitiesReader {
    typealias Source = (UnsafeMutableRawBufferPointer) throws -> Int

    private final class Context {
        let source: Source
        var sourceError: Error?
        var firstError: (line: Int, column: Int, message: String)?
        init(source: @escaping Source) { self.source = source }
    }

    private let context: Context
    private let reader: xmlTextReaderPtr
    private let displayPath: String

    init(displayPath: String, source: @escaping Source) throws {
        initializeLibXML()
        self.displayPath = displayPath
        context = Context(source: source)
        let ctx = Unmanaged.passUnretained(context).toOpaque()
        let read: xmlInputReadCallback = { ctx, buffer, len in
            guard let ctx, let buffer else { return -1 }
            let c = Unmanaged<Context>.fromOpaque(ctx).takeUnretainedValue()
            do {
                return Int32(try c.source(UnsafeMutableRawBufferPointer(start: buffer, count: Int(len))))
            } catch {
                c.sourceError = error
                return -1
            }
        }
        let options = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_HUGE.rawValue | XML_PARSE_NOERROR.rawValue
            | XML_PARSE_NOWARNING.rawValue | XML_PARSE_NOCDATA.rawValue)
        guard let r = xmlReaderForIO(read, nil, ctx, "entities.xml", nil, options) else {
            throw ConversionError.malformedEntities(path: displayPath, line: 0, column: 0, reason: "libxml2 could not start a reader")
        }
        reader = r
        let handler: xmlStructuredErrorFunc = { ctx, error in
            guard let ctx, let error else { return }
            let c = Unmanaged<Context>.fromOpaque(ctx).takeUnretainedValue()
            if c.firstError == nil, error.pointee.level.rawValue >= XML_ERR_ERROR.rawValue {
                var msg = error.pointee.message.map { String(cString: $0) } ?? "parse error"
                msg = msg.trimmingCharacters(in: .whitespacesAndNewlines)
                c.firstError = (Int(error.pointee.line), Int(error.pointee.int2), msg)
            }
        }
        xmlTextReaderSetStructuredErrorHandler(r, handler, ctx)
    }

    deinit { xmlFreeTextReader(reader) }

    /// Compares the current node's local name without making a Swift string (the hot path of a multi-GB parse).
    private func nameIs(_ literal: StaticString) -> Bool {
        guard let p = xmlTextReaderConstLocalName(reader) else { return false }
        return literal.withUTF8Buffer { lit in
            lit.withMemoryRebound(to: CChar.self) { l in strcmp(UnsafeRawPointer(p).assumingMemoryBound(to: CChar.self), l.baseAddress!) == 0 }
        }
    }

    private func attribute(_ name: String) -> String? {
        guard let p = xmlTextReaderGetAttribute(reader, name) else { return nil }
        defer { ckm_xmlFree(p) }
        return String(cString: p)
    }

    private func fail() -> Error {
        if let e = context.sourceError { return e }
        let e = context.firstError
        return ConversionError.malformedEntities(
            path: displayPath, line: e?.line ?? Int(xmlTextReaderGetParserLineNumber(reader)),
            column: e?.column ?? Int(xmlTextReaderGetParserColumnNumber(reader)),
            reason: e?.message ?? "unexpected end of the document")
    }

    /// Reads every object, calling `handle` for each whose class `wantsClass` accepts.
    /// `captureText(class, property, objectId)` decides whether a property's text is kept.
    func forEachObject(
        wantsClass: (String) -> Bool,
        captureText: (String, String, String?) -> Bool,
        spool: BodySpool? = nil,
        handle: (RawObject) throws -> Void
    ) throws {
        var spooling = false
        var object: RawObject?
        var sawRoot = false
        // State inside the current object.
        var propertyName: String?
        var propertyClass: String?
        var propertyIsRef = false
        var collectionName: String?
        var capturing = false
        var buffer: [UInt8] = []
        buffer.reserveCapacity(4096)
        var inObjectId = false

        while true {
            let status = xmlTextReaderRead(reader)
            if status == 0 { break }
            if status < 0 { throw fail() }
            let type = xmlTextReaderNodeType(reader)
            let depth = xmlTextReaderDepth(reader)
            switch type {
            case 1:  // element start
                let empty = xmlTextReaderIsEmptyElement(reader) == 1
                if depth == 0 { sawRoot = true; continue }
                if depth == 1 {
                    guard nameIs("object") else {
                        if !empty { xmlTextReaderNext(reader) }
                        continue
                    }
                    let cls = attribute("class") ?? ""
                    if !wantsClass(cls) {
                        // Skip the whole subtree; xmlTextReaderNext leaves us on the following node,
                        // which the next Read would pass over only if it is the end tag of the object.
                        if !empty { skipSubtree() }
                        continue
                    }
                    object = RawObject(className: cls)
                    if empty { try handle(object!); object = nil }
                    continue
                }
                guard object != nil else { continue }
                if depth == 2 {
                    if nameIs("id") {
                        inObjectId = true
                        buffer.removeAll(keepingCapacity: true)
                        capturing = true
                        if empty { object!.id = ""; inObjectId = false; capturing = false }
                    } else if nameIs("property") {
                        let pn = attribute("name") ?? ""
                        propertyName = pn
                        propertyClass = attribute("class")
                        propertyIsRef = false
                        buffer.removeAll(keepingCapacity: true)
                        capturing = captureText(object!.className, pn, object!.id)
                        if let spool, !capturing, pn == "body", object!.className == "BodyContent", object!.id != nil {
                            spool.begin()
                            spooling = true
                        }
                        if empty {
                            if spooling { spool?.end(id: object!.id!); spooling = false }
                            object!.properties[pn] = .text("")
                            propertyName = nil
                            capturing = false
                        }
                    } else if nameIs("collection") {
                        let cn = attribute("name") ?? ""
                        collectionName = cn
                        if object!.collections[cn] == nil { object!.collections[cn] = [] }
                        if empty { collectionName = nil }
                    } else if !empty {
                        skipSubtree()
                    }
                } else if depth == 3, propertyName != nil, nameIs("id") {
                    propertyIsRef = true
                    buffer.removeAll(keepingCapacity: true)
                    capturing = true
                } else if depth == 4, collectionName != nil, nameIs("id") {
                    buffer.removeAll(keepingCapacity: true)
                    capturing = true
                }
            case 3, 4, 13, 14:  // text, CDATA, whitespace
                if capturing, let v = xmlTextReaderConstValue(reader) {
                    buffer.append(contentsOf: UnsafeBufferPointer(start: v, count: strlen(v)))
                } else if spooling, let v = xmlTextReaderConstValue(reader) {
                    try spool!.append(UnsafeBufferPointer(start: v, count: strlen(v)))
                }
            case 15:  // element end
                guard object != nil else { continue }
                if depth == 1 {
                    try handle(object!)
                    object = nil
                } else if depth == 2 {
                    if inObjectId {
                        object!.id = trimmed(buffer)
                        inObjectId = false
                    } else if let pn = propertyName {
                        if spooling {
                            spool!.end(id: object!.id!)
                            spooling = false
                        }
                        if propertyIsRef {
                            let id = trimmed(buffer)
                            object!.properties[pn] = .ref(className: propertyClass, id: id)
                        } else if capturing {
                            object!.properties[pn] = .text(String(decoding: buffer, as: UTF8.self))
                        } else {
                            object!.properties[pn] = .text("")
                        }
                        propertyName = nil
                    }
                    collectionName = nil
                    capturing = false
                } else if depth == 3, propertyName != nil {
                    capturing = false  // end of the reference's <id>
                } else if depth == 4, let cn = collectionName {
                    let id = trimmed(buffer)
                    object!.collections[cn, default: []].append(id)
                    capturing = false
                }
            default:
                break
            }
        }
        if let e = context.sourceError { throw e }
        if !sawRoot { throw fail() }
    }

    /// The buffer as a string without surrounding ASCII whitespace (ids and keys), without Foundation's slow path.
    private func trimmed(_ bytes: [UInt8]) -> String {
        var start = 0, end = bytes.count
        while start < end, bytes[start] == 32 || bytes[start] == 10 || bytes[start] == 13 || bytes[start] == 9 { start += 1 }
        while end > start, bytes[end - 1] == 32 || bytes[end - 1] == 10 || bytes[end - 1] == 13 || bytes[end - 1] == 9 { end -= 1 }
        return String(decoding: bytes[start..<end], as: UTF8.self)
    }

    /// Moves past the subtree of the current element, so that the next `xmlTextReaderRead` continues after it.
    private func skipSubtree() {
        // Read until the matching end element at the same depth.
        let depth = xmlTextReaderDepth(reader)
        while xmlTextReaderRead(reader) == 1 {
            if xmlTextReaderNodeType(reader) == 15 && xmlTextReaderDepth(reader) == depth { return }
        }
    }
}

private let libxmlInit: Void = {
    xmlInitParser()
}()

/// Initialises libxml2 once, before any thread uses it.
func initializeLibXML() { _ = libxmlInit }
