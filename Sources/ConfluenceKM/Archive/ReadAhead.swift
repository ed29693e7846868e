import Foundation

/// Runs a byte source on a thread of its own, a few chunks ahead of the reader, so that decompressing the archive
/// entry (and checking its UTF-8) on one core overlaps with parsing it on the other.
///
/// Memory is bounded: at most `depth` chunks of `chunkSize` bytes wait at any time, and buffers are reused. The
/// source's error reaches the reader at the point in the stream where it happened. ``finish()`` stops the thread
/// and waits for it, so that the source (a libarchive handle) is never used by two threads at once; every reader
/// calls it (the thread holds the object until then).
final class ReadAhead: @unchecked Sendable {
    typealias Source = (UnsafeMutableRawBufferPointer) throws -> Int

    private let source: Source
    private let chunkSize: Int
    private let depth: Int
    private let condition = NSCondition()
    // Guarded by `condition`.
    private var ready: [(buffer: [UInt8], count: Int)] = []
    private var spare: [[UInt8]] = []
    private var ended = false
    private var failure: Error?
    private var stopping = false
    private var running = true
    // Reader side only.
    private var current: [UInt8] = []
    private var currentCount = 0
    private var position = 0

    init(chunkSize: Int = 1 << 18, depth: Int = 4, source: @escaping Source) {
        self.source = source
        self.chunkSize = chunkSize
        self.depth = max(1, depth)
        let thread = Thread { [self] in produce() }
        thread.name = "confluence-km.read-ahead"
        thread.stackSize = 1 << 20
        thread.start()
    }

    private func produce() {
        while true {
            condition.lock()
            while ready.count >= depth && !stopping { condition.wait() }
            if stopping { break }
            var buffer = spare.popLast() ?? [UInt8](repeating: 0, count: chunkSize)
            condition.unlock()

            var count = 0
            var error: Error?
            var atEnd = false
            // Fill the whole chunk (sources hand out less at a time), so the reader wakes once per chunk.
            while count < buffer.count {
                do {
                    let n = try buffer.withUnsafeMutableBytes { try source(UnsafeMutableRawBufferPointer(rebasing: $0[count...])) }
                    if n <= 0 { atEnd = true; break }
                    count += n
                } catch let e {
                    error = e
                    break
                }
            }

            condition.lock()
            if count > 0 { ready.append((buffer, count)) } else { spare.append(buffer) }
            if error != nil || atEnd {
                failure = error
                ended = true
                condition.broadcast()
                break
            }
            condition.broadcast()
            condition.unlock()
        }
        running = false
        condition.broadcast()
        condition.unlock()
    }

    /// Copies the next bytes into `buffer`; 0 at the end of the stream. Throws the source's error when reached.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        if position >= currentCount {
            condition.lock()
            if !current.isEmpty { spare.append(current) }
            current = []
            currentCount = 0
            position = 0
            while ready.isEmpty && !ended && running { condition.wait() }
            if ready.isEmpty {
                let failure = self.failure
                condition.unlock()
                if let failure { throw failure }
                return 0
            }
            let next = ready.removeFirst()
            condition.broadcast()
            condition.unlock()
            current = next.buffer
            currentCount = next.count
        }
        let n = min(buffer.count, currentCount - position)
        current.withUnsafeBytes { src in
            buffer.baseAddress!.copyMemory(from: src.baseAddress! + position, byteCount: n)
        }
        position += n
        return n
    }

    /// Stops the thread (whatever it had not read yet stays unread) and waits until it no longer uses the source.
    func finish() {
        condition.lock()
        stopping = true
        condition.broadcast()
        while running { condition.wait() }
        condition.unlock()
    }
}
