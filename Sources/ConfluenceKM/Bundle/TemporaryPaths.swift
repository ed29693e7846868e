import Foundation

/// Temporary folders the tool is writing (a bundle's or a site's staging folder, preview's scratch folders): the
/// command line removes them all when it is interrupted (SIGINT, SIGTERM, SIGHUP) before it exits, so an interrupted
/// run leaves nothing behind. A `kill -9` cannot be caught: the next run to the same output removes what is left.
public enum TemporaryPaths {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var paths: Set<String> = []

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

    /// Removes every registered path (called from the signal handler's queue, then the process exits).
    public static func removeAll() {
        lock.lock()
        let all = paths
        paths = []
        lock.unlock()
        for p in all { try? FileManager.default.removeItem(atPath: p) }
    }
}
