/// The JSON Schema of article metadata; the same text as Schemas/article.schema.json (a test keeps them equal).
public let articleSchemaJSON = #"""
{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "$id": "confluence-km/article.schema.json",
  "title": "confluence-km article metadata",
  "description": "articles/<SPACEKEY>/<slug>.json of a bundle written without field renames, drops or constants.",
  "type": "object",
  "required": ["id", "type", "title", "author", "lastUpdated", "created", "tags", "category", "spaceKey", "parentId",
               "ancestors", "position", "version", "markdown", "attachments", "access"],
  "additionalProperties": false,
  "properties": {
    "id": {"type": "string", "minLength": 1},
    "type": {"enum": ["page", "blogpost", "folder"]},
    "title": {"type": "string"},
    "author": {"type": ["string", "null"]},
    "lastUpdated": {"type": ["string", "null"], "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$"},
    "created": {"type": ["string", "null"], "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$"},
    "tags": {"type": "array", "items": {"type": "string"}},
    "category": {"type": "string"},
    "spaceKey": {"type": "string", "minLength": 1},
    "parentId": {"type": ["string", "null"]},
    "ancestors": {"type": "array", "items": {"type": "string"}},
    "position": {"type": ["integer", "null"]},
    "version": {"type": ["integer", "null"]},
    "markdown": {"type": "string", "pattern": "^articles/[^/]+/[^/]+\\.md$"},
    "comments": {"type": "string", "pattern": "^articles/[^/]+/[^/]+\\.comments\\.md$"},
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
          "path": {"type": "string", "pattern": "^attachments/[^/]+/[^/]+/[^/]+$"},
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
