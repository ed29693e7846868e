import Foundation

/// One attachment as written into the bundle.
public struct AttachmentMetadata: Codable, Sendable, Equatable {
    public var id: String
    public var fileName: String
    public var mediaType: String?
    public var bytes: Int64
    public var sha256: String
    public var path: String
    public var version: Int

    enum CodingKeys: String, CodingKey { case id, fileName, mediaType, bytes, sha256, path, version }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(fileName, forKey: .fileName)
        try c.encode(mediaType, forKey: .mediaType)
        try c.encode(bytes, forKey: .bytes)
        try c.encode(sha256, forKey: .sha256)
        try c.encode(path, forKey: .path)
        try c.encode(version, forKey: .version)
    }
}

/// An article's metadata file (`articles/<SPACEKEY>/<slug>.json`).
public struct ArticleMetadata: Codable, Sendable, Equatable {
    public var id: String
    public var type: ContentInfo.Kind
    public var title: String
    public var author: String?
    /// Who changed the article last (named like the author).
    public var lastModifier: String? = nil
    public var lastUpdated: String?
    public var created: String?
    public var tags: [String]
    public var category: String
    public var spaceKey: String
    public var parentId: String?
    public var ancestors: [String]
    public var position: Int?
    public var version: Int?
    public var markdown: String
    public var attachments: [AttachmentMetadata]
    public var access: Access
    /// Fields from content properties (mapping); written after the mapping's renames.
    public var extra: [String: String] = [:]
    /// The article's comments file, when comments are imported and it has any.
    public var comments: String?

    /// The article's fields: the one list the JSON writers (``encode(to:)``, `writeJSON`), the mapping's field
    /// names, the schema's test and the preview site all use. A switch over it is exhaustive, so a field added here
    /// cannot be forgotten by any of them.
    public enum CodingKeys: String, CodingKey, CaseIterable, Sendable {
        case id, type, title, author, lastModifier, lastUpdated, created, tags, category, spaceKey, parentId, ancestors, position, version
        case markdown, attachments, access, comments
    }

    /// Absent values are written as `null`, so that every article has every field (`comments` only when it has some).
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        for key in CodingKeys.allCases {
            switch key {
            case .id: try c.encode(id, forKey: key)
            case .type: try c.encode(type, forKey: key)
            case .title: try c.encode(title, forKey: key)
            case .author: try c.encode(author, forKey: key)
            case .lastModifier: try c.encode(lastModifier, forKey: key)
            case .lastUpdated: try c.encode(lastUpdated, forKey: key)
            case .created: try c.encode(created, forKey: key)
            case .tags: try c.encode(tags, forKey: key)
            case .category: try c.encode(category, forKey: key)
            case .spaceKey: try c.encode(spaceKey, forKey: key)
            case .parentId: try c.encode(parentId, forKey: key)
            case .ancestors: try c.encode(ancestors, forKey: key)
            case .position: try c.encode(position, forKey: key)
            case .version: try c.encode(version, forKey: key)
            case .markdown: try c.encode(markdown, forKey: key)
            case .attachments: try c.encode(attachments, forKey: key)
            case .access: try c.encode(access, forKey: key)
            case .comments: if let comments { try c.encode(comments, forKey: key) }
            }
        }
    }
}
