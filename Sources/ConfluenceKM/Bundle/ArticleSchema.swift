import Foundation

/// The JSON Schema of article metadata; the same text as Schemas/article.schema.json (a test keeps them equal).
public let articleSchemaJSON = #"""
{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "$id": "confluence-km/article.schema.json",
  "title": "confluence-km article metadata",
  "description": "articles/<SPACEKEY>/<slug>.json of a bundle written without field renames, drops or constants.",
  "type": "object",
  "required": ["id", "type", "title", "author", "lastModifier", "lastUpdated", "created", "tags", "category", "spaceKey", "parentId",
               "ancestors", "position", "version", "markdown", "attachments", "access"],
  "additionalProperties": false,
  "properties": {
    "id": {"type": "string", "minLength": 1},
    "type": {"enum": ["page", "blogpost", "folder"]},
    "title": {"type": "string"},
    "author": {"type": ["string", "null"]},
    "lastModifier": {"type": ["string", "null"]},
    "lastUpdated": {"type": ["string", "null"], "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$"},
    "created": {"type": ["string", "null"], "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$"},
    "tags": {"type": "array", "items": {"type": "string"}},
    "category": {"type": "string"},
    "spaceKey": {"type": "string", "minLength": 1},
    "parentId": {"type": ["string", "null"]},
    "ancestors": {"type": "array", "items": {"type": "string"}},
    "position": {"type": ["integer", "null"]},
    "version": {"type": ["integer", "null"]},
    "markdown": {"type": "string", "pattern": "^articles/[^/]+/([^/]+/)*[^/]+\\.md$"},
    "comments": {"type": "string", "pattern": "^articles/[^/]+/([^/]+/)*[^/]+\\.comments\\.md$"},
    "attachments": {
      "type": "array",
      "items": {
        "type": "object",
        "required": ["id", "fileName", "mediaType", "bytes", "sha256", "path", "version"],
        "additionalProperties": false,
        "properties": {
          "id": {"type": "string"},
          "fileName": {"type": "string"},
          "mediaType": {"type": ["string", "null"]},
          "bytes": {"type": "integer"},
          "sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
          "path": {"type": "string", "pattern": "^(attachments|articles/_attachments)/[^/]+/[^/]+/[^/]+$"},
          "version": {"type": "integer"}
        }
      }
    },
    "access": {
      "type": "object",
      "required": ["restricted", "roles", "users", "editRoles", "editUsers"],
      "additionalProperties": false,
      "properties": {
        "restricted": {"type": "boolean"},
        "roles": {"type": "array", "items": {"type": "string"}},
        "users": {"type": "array", "items": {"type": "string"}},
        "editRoles": {"type": "array", "items": {"type": "string"}},
        "editUsers": {"type": "array", "items": {"type": "string"}}
      }
    }
  }
}
"""#

/// `mapping.json` of a bundle written with field renames, drops, constants or extra properties: what `validate`
/// needs to check the metadata against the schema those rules produce. The published schema stays the unmapped one;
/// the effective one is derived here, by the tool's own rules, never read from the bundle (a tampered
/// `mapping.json` that renames or drops an identity field is refused).
public struct FieldMappingRecord: Codable, Sendable, Equatable {
    public var rename: [String: String]
    public var drop: [String]
    public var constants: [String]
    public var properties: [String]

    init?(_ m: Mapping) {
        if m.renameFields.isEmpty && m.dropFields.isEmpty && m.constants.isEmpty && m.properties.isEmpty { return nil }
        rename = m.renameFields
        drop = m.dropFields.sorted()
        constants = m.constants.keys.sorted()
        properties = m.properties.keys.sorted()
    }

    var mapping: Mapping {
        var m = Mapping()
        m.renameFields = rename
        m.dropFields = Set(drop)
        for c in constants { m.constants[c] = "" }
        for p in properties { m.properties[p] = p }
        return m
    }

    /// The article schema with these rules applied: renamed properties move (and stay required if they were),
    /// dropped ones go, constants and extra properties are strings.
    func schema() throws -> JSONValue {
        try mapping.validate()
        guard case .object(var root) = try JSONDecoder().decode(JSONValue.self, from: Data(articleSchemaJSON.utf8)),
              case .object(var props)? = root["properties"], case .array(var required)? = root["required"] else {
            throw ConversionError.invalidOption("the built-in article schema is not an object")
        }
        for d in drop {
            props[d] = nil
            required.removeAll { $0 == .string(d) }
        }
        for (from, to) in rename.sorted(by: { $0.key < $1.key }) {
            props[to] = props[from]
            props[from] = nil
            required = required.map { $0 == .string(from) ? .string(to) : $0 }
        }
        for k in constants + properties { props[k] = .object(["type": .string("string")]) }
        root["properties"] = .object(props)
        root["required"] = .array(required)
        return .object(root)
    }
}
