import Foundation

/// Options of a conversion.
public struct ConvertOptions: Sendable {
    /// Archived pages and blog posts are left out (and counted) unless this is set.
    public var includeArchived = false
    /// Overrides the export's `timezoneId` for its zone-less dates.
    public var timeZone: TimeZone?
    /// Several exports holding one space: take the copy changed last (`--prefer newest`) instead of refusing.
    public var preferNewest = false
    /// The exports named by the config file (`exports:`), converted when the command line names none.
    public var exports: [String] = []

    /// `--prefer`: which copy of a space that several exports hold is taken.
    public enum Preference: String, CaseIterable, Sendable { case newest }
    /// Replace a non-empty output folder.
    public var force = false
    /// Worker threads converting bodies.
    public var jobs = max(1, ProcessInfo.processInfo.activeProcessorCount)
    /// Tables, macro policy, base URL.
    public var conversion = ConversionSettings()
    /// `--users`: user key, account id or username → the name to write.
    public var userNames: [String: String] = [:]
    public var filters = Filters()
    public var mapping = Mapping()
    public var permissions = PermissionOptions()
    public var frontMatter: FrontMatter = .none
    public var layout: Layout = .flat
    public var limits = ArchiveLimits()
    /// `--since PREVIOUS`: write a delta against this bundle instead of a full bundle.
    public var since: String?
    /// `--strict`: any warning fails the conversion (no bundle is written).
    public var strict = false
    /// A filter, space, subtree, label or role that matches nothing is a warning instead of an error.
    public var allowUnmatched = false
    /// `--sign`: the Ed25519 private key (raw 32 bytes) that signs manifest.json (manifest.json.sig).
    public var signingKey: Data?

    public init() {}
}
