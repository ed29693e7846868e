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

    enum CodingKeys: String, CodingKey {
        case id, type, title, author, lastUpdated, created, tags, category, spaceKey, parentId, ancestors, position, version
        case markdown, attachments, access, comments
    }

    /// Absent values are written as `null`, so that every article has every field.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(type, forKey: .type)
        try c.encode(title, forKey: .title)
        try c.encode(author, forKey: .author)
        try c.encode(lastUpdated, forKey: .lastUpdated)
        try c.encode(created, forKey: .created)
        try c.encode(tags, forKey: .tags)
        try c.encode(category, forKey: .category)
        try c.encode(spaceKey, forKey: .spaceKey)
        try c.encode(parentId, forKey: .parentId)
        try c.encode(ancestors, forKey: .ancestors)
        try c.encode(position, forKey: .position)
        try c.encode(version, forKey: .version)
        try c.encode(markdown, forKey: .markdown)
        try c.encode(attachments, forKey: .attachments)
        try c.encode(access, forKey: .access)
        if let comments { try c.encode(comments, forKey: .comments) }
    }
}
