import Foundation

/// Confluence Cloud's CSV space export: one table per file (`content.csv[.gz]`, `bodycontent.csv[.gz]` …), at the
/// root or under `data/`. Rows become the same objects the XML reader yields, so that everything after the index
/// works unchanged.
enum CSVExport {
    /// "data/content.csv.gz" → "content"; nil for anything that is not a table.
    static func tableName(_ path: String) -> String? {
        var p = Substring(path)
        if p.hasPrefix("data/") { p = p.dropFirst(5) }
        if p.contains("/") { return nil }
        if p.hasSuffix(".csv.gz") { return String(p.dropLast(7)) }
        if p.hasSuffix(".csv") { return String(p.dropLast(4)) }
        return nil
    }

    static func isDescriptor(_ path: String) -> Bool {
        path == "exportDescriptor.properties.gz" || path == "data/exportDescriptor.properties.gz"
            || path == "data/exportDescriptor.properties"
    }

    /// The tables the index is built from.
    static let indexTables: Set<String> = ["content", "bodycontent", "contentproperties", "label", "content_label",
                                           "user_mapping", "spaces", "content_perm_set", "content_perm", "spacepermissions"]

    /// Content types that Confluence Cloud has but cannot export.
    static let cloudOnlyTypes: Set<String> = ["WHITEBOARD", "DATABASE", "EMBED", "SMARTLINK"]

    /// Reads one table (decompressing if it is gzip), handing each row to `row` with the table's header.
    static func rows(_ table: String, exportPath: String, required: [String], source: @escaping FilteredStream.Source,
                     row: (CSVTable, [String]) throws -> Void) throws {
        let stream = try FilteredStream(name: "\(exportPath): \(table).csv", source: source)
        // Decompressing runs on a second thread, ahead of the CSV reader.
        let ahead = ReadAhead { try stream.read(into: $0) }
        defer { ahead.finish() }
        var header: CSVTable?
        do {
            try CSVReader().read({ try ahead.read(into: $0) }) { fields in
                if let h = header {
                    try row(h, fields)
                } else {
                    let h = CSVTable(name: table, header: fields)
                    try h.require(required, export: exportPath)
                    header = h
                }
            }
        } catch let e as CSVReader.FieldTooLarge {
            throw ConversionError.corruptArchive(path: exportPath, entry: "\(table).csv", reason: "a field of \(e.bytes) bytes is larger than allowed")
        }
        if header == nil, !required.isEmpty { throw ConversionError.missingColumn(path: exportPath, table: table, column: required[0]) }
    }

    static let required: [String: [String]] = [
        "content": ["contentid", "contenttype", "title", "content_status"],
        "bodycontent": ["bodycontentid", "body", "contentid", "bodytypeid"],
        "spaces": ["spaceid", "spacekey", "spacename"],
    ]

    /// Adds one table's rows to the index.
    static func index(_ table: String, exportPath: String, source: @escaping FilteredStream.Source,
                      into builder: inout ExportIndexBuilder, spool: BodySpool? = nil) throws {
        try rows(table, exportPath: exportPath, required: required[table] ?? [], source: source) { t, r in
            func v(_ c: String) -> String? { t.value(r, c) }
            var o: RawObject
            switch table {
            case "content":
                let type = (v("contenttype") ?? "").uppercased()
                let cls: String
                switch type {
                case "PAGE": cls = "Page"
                case "BLOGPOST": cls = "BlogPost"
                case "ATTACHMENT": cls = "Attachment"
                case "FOLDER": cls = "Folder"
                case "COMMENT": cls = "Comment"
                case "CUSTOM": cls = "CustomContent"
                case "SPACEDESCRIPTION": cls = "SpaceDescription"
                case "DRAFT": cls = "Draft"
                default:
                    builder.index.unconverted.append(.init(
                        id: v("contentid") ?? "", type: type, title: v("title") ?? "",
                        cloudOnly: cloudOnlyTypes.contains(type), status: v("content_status") ?? "current"))
                    return
                }
                o = RawObject(className: cls, id: v("contentid"))
                o.properties["title"] = .text(v("title") ?? "")
                for (column, property) in [("version", "version"), ("creationdate", "creationDate"),
                                           ("lastmoddate", "lastModificationDate"), ("content_status", "contentStatus"),
                                           ("child_position", "position"), ("prevver", "originalVersionId")] {
                    if let x = v(column) { o.properties[property] = .text(x) }
                }
                if let x = v("creator") { o.properties["creator"] = .ref(className: "ConfluenceUserImpl", id: x) }
                if let x = v("lastmodifier") { o.properties["lastModifier"] = .ref(className: "ConfluenceUserImpl", id: x) }
                if let x = v("parentid") { o.properties["parent"] = .ref(className: "Page", id: x) }
                if let x = v("spaceid") { o.properties["space"] = .ref(className: "Space", id: x) }
                if let x = v("pageid"), cls == "Attachment" || cls == "Comment" {
                    o.properties["containerContent"] = .ref(className: "Page", id: x)
                }
                if let x = v("parentcommentid"), cls == "Comment" { o.properties["parent"] = .ref(className: "Comment", id: x) }
            case "bodycontent":
                o = RawObject(className: "BodyContent", id: v("bodycontentid"))
                if let spool, let id = v("bodycontentid") {
                    spool.begin()
                    try spool.append(Array((v("body") ?? "").utf8))
                    spool.end(id: id)
                }
                if let x = v("contentid") { o.properties["content"] = .ref(className: "Page", id: x) }
                o.properties["bodyType"] = .text(v("bodytypeid") ?? "2")
            case "contentproperties":
                guard let name = v("propertyname"), name == "MEDIA_TYPE" || name == "FILESIZE" || builder.wantedProperties.contains(name) else { return }
                o = RawObject(className: "ContentProperty", id: v("propertyid"))
                o.properties["name"] = .text(name)
                if let x = v("stringval") { o.properties["stringValue"] = .text(x) }
                if let x = v("longval") { o.properties["longValue"] = .text(x) }
                if let x = v("contentid") { o.properties["content"] = .ref(className: "Attachment", id: x) }
            case "label":
                o = RawObject(className: "Label", id: v("labelid"))
                o.properties["name"] = .text(v("name") ?? "")
                o.properties["namespace"] = .text(v("namespace") ?? "global")
            case "content_label":
                guard let content = v("contentid"), let label = v("labelid") else { return }
                o = RawObject(className: "Labelling", id: v("id"))
                o.properties["content"] = .ref(className: "Page", id: content)
                o.properties["label"] = .ref(className: "Label", id: label)
            case "user_mapping":
                guard let key = v("user_key") else { return }
                o = RawObject(className: "ConfluenceUserImpl", id: key)
                if let name = v("username") { o.properties["name"] = .text(name) }
                if let aaid = v("aaid") { builder.index.accountIds[key] = aaid }
            case "spacepermissions":
                o = RawObject(className: "SpacePermission", id: v("permid"))
                o.properties["type"] = .text(v("permtype") ?? "")
                if let x = v("spaceid") { o.properties["space"] = .ref(className: "Space", id: x) }
                if let x = v("permgroupname") { o.properties["group"] = .text(x) }
                if let x = v("permusername") { o.properties["userSubject"] = .ref(className: "ConfluenceUserImpl", id: x) }
                if let x = v("permalluserssubject") { o.properties["allUsersSubject"] = .text(x) }
                // An empty cell is not "active": only a value this tool reads as true grants.
                if t.has("active") { o.properties["active"] = .text(v("active") ?? "") }
            case "content_perm_set":
                o = RawObject(className: "ContentPermissionSet", id: v("id"))
                o.properties["type"] = .text(v("cont_perm_type") ?? "View")
                if let x = v("content_id") { o.properties["owningContent"] = .ref(className: "Page", id: x) }
            case "content_perm":
                o = RawObject(className: "ContentPermission", id: v("id"))
                if let x = v("groupname") { o.properties["groupName"] = .text(x) }
                if let x = v("username") { o.properties["userSubject"] = .ref(className: "ConfluenceUserImpl", id: x) }
                if let x = v("cps_id") { o.properties["owningSet"] = .ref(className: "ContentPermissionSet", id: x) }
            case "spaces":
                o = RawObject(className: "Space", id: v("spaceid"))
                o.properties["key"] = .text(v("spacekey") ?? "")
                o.properties["name"] = .text(v("spacename") ?? "")
                if let x = v("spacetype") { o.properties["spaceType"] = .text(x) }
                if let x = v("homepage") { o.properties["homePage"] = .ref(className: "Page", id: x) }
            default:
                return
            }
            builder.add(o)
        }
    }

    /// A body Cloud stored as base64 of zstd-compressed storage XHTML.
    static func isCompressedBody(_ body: String) -> Bool { body.hasPrefix("KLUv/") }

    static func decodeCompressedBody(_ body: String, name: String) throws -> String {
        guard let data = Data(base64Encoded: body.filter { !$0.isWhitespace }) else {
            throw ConversionError.corruptArchive(path: name, entry: nil, reason: "a compressed body is not valid base64")
        }
        let plain = try FilteredStream.decompress(data, name: name, limit: 256 << 20)
        return String(decoding: plain, as: UTF8.self)
    }
}
