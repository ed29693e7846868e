/// Limits that keep a hostile archive from exhausting memory, disk or time. Every limit has a safe default and a
/// flag (`--max-total-bytes`, `--max-entry-bytes`, `--max-entries`, `--max-ratio`).
public struct ArchiveLimits: Sendable, Equatable {
    /// Uncompressed bytes read from the whole archive, per pass.
    public var maxTotalBytes: Int64 = 256 << 30
    /// Uncompressed bytes of any one entry.
    public var maxEntryBytes: Int64 = 32 << 30
    /// Entries in the archive.
    public var maxEntries: Int = 5_000_000
    /// Uncompressed : compressed bytes of an entry (zip bombs reach thousands); checked past the first MiB.
    public var maxRatio: Double = 1000
    /// Bytes of one page body; a larger body is not converted (its article is written empty, with `body-too-large`).
    public var maxBodyBytes: Int = 64 << 20

    public init() {}
}
