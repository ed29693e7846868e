import ConfluenceKM
import Dispatch
import Foundation

/// SIGINT, SIGTERM and SIGHUP remove every temporary folder the run is writing (``TemporaryPaths``), then the
/// process exits with 128 + the signal's number (130, 143, 129). Bodies are never left on disk: the spool has no
/// name while it is in use.
enum Interrupts {
    nonisolated(unsafe) private static var sources: [DispatchSourceSignal] = []

    static func install() {
        let queue = DispatchQueue(label: "confluence-km.signals")
        for signo in [SIGINT, SIGTERM, SIGHUP] {
            signal(signo, SIG_IGN)  // delivered to the dispatch source instead
            let source = DispatchSource.makeSignalSource(signal: signo, queue: queue)
            source.setEventHandler {
                TemporaryPaths.removeAll()
                FileHandle.standardError.write(Data("\nconfluence-km: interrupted; temporary files removed\n".utf8))
                Foundation.exit(128 + signo)
            }
            source.resume()
            sources.append(source)
        }
    }
}
