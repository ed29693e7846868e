import ConfluenceKM
import Dispatch
import Foundation

/// SIGINT, SIGTERM and SIGHUP remove every temporary folder the run is writing (``TemporaryPaths``), then the
/// process exits with 128 + the signal's number (130, 143, 129). Bodies are never left on disk: the spool has no
/// name while it is in use.
enum Interrupts {
    nonisolated(unsafe) private static var sources: [DispatchSourceSignal] = []

    /// Called before the process exits on its own: while a signal's cleanup runs, the main thread waits for it (the
    /// handler exits with the signal's code) rather than exit 1 over a folder half removed.
    static func waitIfStopping() {
        guard TemporaryPaths.isStopping else { return }
        while true { pause() }
    }

    static func install() {
        // A file size limit (`ulimit -f`) makes write(2) fail with EFBIG instead of killing the process, so the
        // run fails as on a full disk and removes its temporary folders.
        signal(SIGXFSZ, SIG_IGN)
        let queue = DispatchQueue(label: "confluence-km.signals")
        for signo in [SIGINT, SIGTERM, SIGHUP] {
            signal(signo, SIG_IGN)  // delivered to the dispatch source instead
            let source = DispatchSource.makeSignalSource(signal: signo, queue: queue)
            source.setEventHandler {
                let left = TemporaryPaths.removeAll()
                let message = left.isEmpty ? "temporary files removed"
                    : "could not remove " + left.map { TerminalText.safe($0) }.joined(separator: ", ")
                FileHandle.standardError.write(Data("\nconfluence-km: interrupted; \(message)\n".utf8))
                Foundation.exit(128 + signo)
            }
            source.resume()
            sources.append(source)
        }
    }
}
