import Foundation

/// The one cleanup registry: every temporary path the tool writes (a bundle's or a site's staging folder, an
/// archive being packed, a bundle archive's unpacked copy, preview's scratch folders, a standalone page being
/// written) joins it before anything is created there, and leaves it once renamed into place or removed. Normal exits
/// remove their paths themselves (``StagingFolder``'s discard and deinit, ``UnpackedBundle``'s deinit); an
/// interrupted run (SIGINT, SIGTERM, SIGHUP) calls ``removeAll()``, which first stops every further creation inside
/// them (``checkNotStopping()``), then removes each path until it is gone: writers still running on other threads
/// used to add files while a folder was being removed, and the folder stayed. A `kill -9` cannot be caught: the
/// next run to the same output removes what is left.
public enum TemporaryPaths {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var paths: Set<String> = []
    nonisolated(unsafe) private static var stopping = false

    public static func register(_ path: String) {
        lock.lock()
        paths.insert(path)
        lock.unlock()
    }

    public static func unregister(_ path: String) {
        lock.lock()
        paths.remove(path)
        lock.unlock()
    }

    /// The paths registered now (for tests).
    public static var registered: Set<String> {
        lock.lock()
        defer { lock.unlock() }
        return paths
    }

    /// Whether a signal's cleanup has begun.
    public static var isStopping: Bool {
        lock.lock()
        defer { lock.unlock() }
        return stopping
    }

    /// Throws once the run is being stopped: called before a file or folder is created in a temporary path.
    public static func checkNotStopping() throws {
        if isStopping { throw ConversionError.interrupted }
    }

    /// Stops further writes, then removes every registered path, retrying while writers that were already past
    /// their check finish (bounded: about two seconds in all).
    /// Returns the paths that could not be removed.
    @discardableResult
    public static func removeAll() -> [String] {
        lock.lock()
        stopping = true
        let all = paths
        paths = []
        lock.unlock()
        var left = Array(all)
        for _ in 0..<200 where !left.isEmpty {
            left = left.filter { p in
                try? FileManager.default.removeItem(atPath: p)
                var st = stat()
                return lstat(p, &st) == 0
            }
            if !left.isEmpty { usleep(10_000) }
        }
        return left.sorted()
    }
}
