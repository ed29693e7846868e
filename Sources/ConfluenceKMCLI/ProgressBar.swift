import Foundation

/// A one-line progress display on stderr, only when stderr is a terminal: phase, items done / total, rate, time left.
final class ProgressBar: @unchecked Sendable {
    private let lock = NSLock()
    private var phase = ""
    private var phaseStart = Date()
    private var lastDraw = Date.distantPast
    private var width = 0

    static func forStandardError() -> ProgressBar? {
        isatty(2) == 1 ? ProgressBar() : nil
    }

    func update(phase: String, done: Int, total: Int) {
        lock.lock()
        defer { lock.unlock() }
        let now = Date()
        if phase != self.phase { self.phase = phase; phaseStart = now; lastDraw = .distantPast }
        guard now.timeIntervalSince(lastDraw) >= 0.1 || done == total else { return }
        lastDraw = now
        let elapsed = max(0.001, now.timeIntervalSince(phaseStart))
        let rate = Double(done) / elapsed
        var line = "\(phase): \(done)"
        if total > 0 {
            let fraction = min(1, Double(done) / Double(total))
            let bar = String(repeating: "#", count: Int(fraction * 20)) + String(repeating: ".", count: 20 - Int(fraction * 20))
            line = "\(phase) [\(bar)] \(done)/\(total)"
            if rate > 0 && done < total { line += String(format: " %.0f/s, %.0fs left", rate, Double(total - done) / rate) }
            else { line += String(format: " %.0f/s", rate) }
        } else {
            line += String(format: " (%.0f/s)", rate)
        }
        let pad = max(0, width - line.count)
        width = line.count
        FileHandle.standardError.write(Data(("\r" + line + String(repeating: " ", count: pad)).utf8))
    }

    func finish() {
        lock.lock()
        defer { lock.unlock() }
        if width > 0 { FileHandle.standardError.write(Data(("\r" + String(repeating: " ", count: width) + "\r").utf8)) }
        width = 0
    }
}
