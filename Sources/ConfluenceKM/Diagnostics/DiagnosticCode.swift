/// Every diagnostic code the tool reports: a closed set, so that no code can be emitted without being declared
/// here and explained in README (a test holds both to the same list). The JSON form is the kebab-case raw value.
public enum DiagnosticCode: String, CaseIterable, Codable, Sendable, Comparable, CustomStringConvertible {
    /// a macro is not converted; its body (if any) is kept as text or a code block, its source in an HTML comment (warning)
    case unsupportedMacro = "unsupported-macro"
    /// a macro dropped: by `--macro NAME=drop`, a hidden excerpt, or a macro whose content Confluence computes at view time (warning for `html`/`iframe`) (info/warning)
    case macroDropped = "macro-dropped"
    /// an `include`/`excerpt-include` written as a link (a cycle, more than 4 levels, or no body to inline) (info)
    case includeAsLink = "include-as-link"
    /// `--tables gfm` forced a table GFM cannot hold into GFM (warning)
    case tableFlattened = "table-flattened"
    /// a macro of an old wiki-markup body kept as a fenced block (warning)
    case wikiMarkupMacro = "wiki-markup-macro"
    /// a storage element is not converted; its text is kept (warning/info)
    case unsupportedElement = "unsupported-element"
    /// a link to content that is not in the bundle; its text is kept (warning)
    case brokenLink = "broken-link"
    /// an image or link to an attachment that is not in the bundle; its name is kept (warning)
    case missingAttachment = "missing-attachment"
    /// an attachment whose bytes are not in the archive; left out (warning)
    case missingAttachmentFile = "missing-attachment-file"
    /// the current version's file is missing; the newest file present is used (warning)
    case attachmentVersionFallback = "attachment-version-fallback"
    /// a link or image whose URL, once character references are decoded and what browsers ignore is removed, has a scheme other than http(s), mailto, tel, ftp; dropped, text kept (warning)
    case unsafeLink = "unsafe-link"
    /// a content, space or attachment id that is not a Confluence id form (digits, or letters, digits, `_`, `-`); file names use `id-` and a hash of it instead (warning)
    case unsafeId = "unsafe-id"
    /// a number from a body outside what any real page holds (a list start over 9 digits, a span over 1000); the sane value is used (info)
    case valueOutOfRange = "value-out-of-range"
    /// a property over 1 MiB (the rest was never read), or a title, name or label over 1000 characters, is cut (warning)
    case valueTruncated = "value-truncated"
    /// a restriction or space permission this tool does not fully understand (unknown type, subject in an unread property, no or a textual page, shared id, orphan entry, `active` not true): it grants nothing and the page it names is restricted to nobody (warning (error with `--strict-permissions`))
    case permissionNotUnderstood = "permission-not-understood"
    /// a page more than 64 levels deep hangs under its ancestor at level 63 (info)
    case treeTooDeep = "tree-too-deep"
    /// `<script>`, `<iframe>` and similar active content dropped; raw HTML in a `markdown` macro written as text (warning/info)
    case unsafeContent = "unsafe-content"
    /// the body is not well-formed XHTML; converted as far as libxml2 recovers it (warning)
    case malformedBody = "malformed-body"
    /// several exports: whether their users and groups were kept apart (`NAME@EXPORT`) or joined by name (`--shared-directory`) (info)
    case identitiesAcrossExports = "identities-across-exports"
    /// a table GFM cannot hold (merged cells, block content, no header row) is written as HTML (info)
    case tableAsHtml = "table-as-html"
    /// a shortcut link (its URL pattern is site configuration) kept as text (info)
    case shortcutLink = "shortcut-link"
    /// a user key with no user object in the export; the key is used (info)
    case unresolvedUser = "unresolved-user"
    /// the page's parent is not converted; the page is placed at the root (info)
    case orphanPage = "orphan-page"
    /// an archived page or blog post left out (info)
    case skippedArchived = "skipped-archived"
    /// content with an unknown status left out (warning)
    case skippedStatus = "skipped-status"
    /// content whose space is not in the export left out (warning)
    case skippedNoSpace = "skipped-no-space"
    /// content with several body objects; the newest is converted (info)
    case severalBodies = "several-bodies"
    /// content with no body; an empty article is written (info)
    case emptyBody = "empty-body"
    /// Cloud content that Confluence cannot export (whiteboards, databases, embeds), listed with its title (warning)
    case cloudOnlyContent = "cloud-only-content"
    /// a CSV `contenttype` this tool does not know; left out (warning)
    case unknownContentType = "unknown-content-type"
    /// a Cloud body stored compressed (`KLUv/`: zstd, base64) that could not be decoded; an empty article is written (warning)
    case undecodableBody = "undecodable-body"
    /// content or an attachment left out by a filter; the message gives the reason (info)
    case filtered = "filtered"
    /// the page's parent was not converted; it hangs under its nearest kept ancestor (or the root) (info)
    case reparented = "reparented"
    /// the page's parents lead back to it (a crafted export): the page with the lowest id in the loop is placed at the root (warning)
    case treeCycle = "tree-cycle"
    /// with `--allow-unmatched`: a `--spaces`, `--exclude-spaces`, `--subtree`, `--exclude-subtree`, `--labels-*` or `--role` value that matches nothing in the export (without it, that is an error and nothing is converted) (warning)
    case unmatchedFilter = "unmatched-filter"
    /// a group that grants access has no KM role: it grants nothing, the article stays restricted (warning (error with `--strict-permissions`))
    case unmappedGroup = "unmapped-group"
    /// the export holds no permissions for a space: its articles are restricted (fail closed) unless `--space-without-permissions open` (warning)
    case noSpacePermissions = "no-space-permissions"
    /// an archive entry skipped: a name with `..`, an absolute path, a backslash, NUL or non-UTF-8 bytes; a symlink, hard link or device; a duplicate name; an encrypted entry (warning)
    case unsafeEntry = "unsafe-entry"
    /// macro parameter values that look like credentials (a name with password, passwd, pwd, secret, token, apikey, api-key, credential, auth, passphrase; or with `key` and a long random value) are written as `[redacted]` everywhere (keep-raw comments, text, report, preview); `--keep-secrets` (config `keep-secrets: true`) keeps them (warning)
    case secretRedacted = "secret-redacted"
    /// an attachment with no media type in the export (nor in its `MEDIA_TYPE` content property, read in both directions) gets one from its extension (a fixed table) (info)
    case mediaTypeGuessed = "media-type-guessed"
    /// an object (title, label, name …) or a body held characters XML 1.0 forbids (C0 controls other than tab, LF, CR; U+FFFE, U+FFFF), as real exports do; each is written as U+FFFD, the message names the code points (warning)
    case invalidXmlChar = "invalid-xml-char"
    /// a body held bytes that are not UTF-8; they are written as U+FFFD (only that page is affected) (warning)
    case invalidUtf8 = "invalid-utf8"
    /// a body over `--max-body-bytes` is not converted; its article is written empty (warning)
    case bodyTooLarge = "body-too-large"
    /// elements nested more than 120 deep; the deeper content is kept as plain text (warning)
    case tooDeep = "too-deep"
    /// the descriptor's `timezoneId` is unknown; UTC is used (warning)
    case unknownTimezone = "unknown-timezone"
    /// `--prefer newest`: a space that two exports hold is taken from the one with the later change; the other's copy is left out (info)
    case spaceSuperseded = "space-superseded"

    /// content shown or hidden in Confluence by a condition (show-if, hide-if) is kept for every reader of the article, marked with the condition (warning)
    case conditionalContent = "conditional-content"

    /// a body without XHTML that reads as Confluence 3.x wiki markup is converted as wiki markup (info)
    case wikiMarkupDetected = "wiki-markup-detected"

    /// a page or blog post with no title gets one made from its id (`Untitled page 123`) (warning)
    case emptyTitle = "empty-title"

    public static func < (a: DiagnosticCode, b: DiagnosticCode) -> Bool { a.rawValue < b.rawValue }
    /// The code as messages and reports show it.
    public var description: String { rawValue }
}
