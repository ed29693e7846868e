import Foundation

/// Cuts long CDATA sections of a byte stream into sections of at most about `limit` bytes
/// (`…]]><![CDATA[…`), which changes no text: adjacent CDATA sections read as one.
///
/// Why: libxml2's push parser looks for a CDATA section's `]]>` in the bytes it holds, and while it is not there it
/// hands out only 300 bytes per chunk pushed and keeps the rest; a section of many megabytes (a page body is one)
/// then piles up in its buffer and is scanned again for every chunk — quadratic time, memory as large as the body.
/// Cut short, every section ends within the next chunk.
///
/// Cuts fall only between whole UTF-8 characters and never after a `]` (so `]]>` is never split). Comments and
/// processing instructions are passed over, so a `<![CDATA[` inside one starts nothing.
struct CDATASplitter {
    private enum State { case content, cdata, comment, instruction }
    private var state = State.content
    /// Bytes of markup that may be cut by the chunk's end (`<![CDATA` …), held until the next chunk.
    private var pending: [UInt8] = []
    /// In a CDATA section: bytes since it (or the last cut) began, and how many `]` just came.
    private var run = 0
    private var brackets = 0
    /// In a comment: how many `-` just came; in a processing instruction: whether `?` just came.
    private var dashes = 0
    private var question = false
    let limit: Int

    init(limit: Int = 32 << 10) { self.limit = limit }

    private static let cdataOpen = Array("<![CDATA[".utf8)
    private static let commentOpen = Array("<!--".utf8)
    private static let cut = Array("]]><![CDATA[".utf8)

    /// Appends `input`, with the cuts made, to `out`. `end` flushes whatever was held back.
    mutating func process(_ input: UnsafeBufferPointer<UInt8>, into out: inout [UInt8], end: Bool = false) {
        var bytes = input
        var joined: [UInt8] = []
        if !pending.isEmpty {
            joined = pending + Array(input)
            pending = []
        }
        joined.withUnsafeBufferPointer { j in
            if !j.isEmpty { bytes = j }
            scan(bytes, into: &out, end: end)
        }
    }

    private mutating func scan(_ bytes: UnsafeBufferPointer<UInt8>, into out: inout [UInt8], end: Bool) {
        guard let base = bytes.baseAddress else { return }
        /// The position of the next `byte` at or after `from`, or `n`.
        func next(_ byte: UInt8, from: Int) -> Int {
            guard from < n, let hit = memchr(base + from, Int32(byte), n - from) else { return n }
            return base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
        }
        let n = bytes.count
        var i = 0
        var copied = 0
        while i < n {
            switch state {
            case .content:
                // Up to the next `<`; then decide what it opens (holding it back when the chunk ends too soon).
                let lt = next(UInt8(ascii: "<"), from: i)
                if lt == n { i = n; continue }
                let rest = n - lt
                if matches(bytes, at: lt, Self.cdataOpen) {
                    state = .cdata; run = 0; brackets = 0
                    i = lt + Self.cdataOpen.count
                } else if matches(bytes, at: lt, Self.commentOpen) {
                    state = .comment; dashes = 0
                    i = lt + Self.commentOpen.count
                } else if rest >= 2 && bytes[lt + 1] == UInt8(ascii: "?") {
                    state = .instruction; question = false
                    i = lt + 2
                } else if !end && rest < Self.cdataOpen.count && isPrefix(bytes, from: lt) {
                    out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[copied..<lt]))
                    pending = Array(bytes[lt..<n])
                    return
                } else {
                    i = lt + 1
                }
            case .cdata:
                // `]]` at the end of the last chunk, `>` at the start of this one.
                if brackets >= 2 && bytes[i] == UInt8(ascii: ">") {
                    state = .content
                    brackets = 0
                    i += 1
                    continue
                }
                // Bytes before the next `]` cannot end the section: cut them where the limit falls.
                let stop = next(UInt8(ascii: "]"), from: i)
                if stop > i { brackets = 0 }
                var j = i
                while run + (stop - j) > limit {
                    var c = j + max(0, limit - run)
                    while c < stop && bytes[c] & 0xC0 == 0x80 { c += 1 }  // not inside a UTF-8 character
                    if c >= stop || (c == i && brackets > 0) { break }     // and never right after a `]`
                    out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[copied..<c]))
                    out.append(contentsOf: Self.cut)
                    copied = c
                    run = 0
                    j = c
                }
                run += stop - j
                i = stop
                if i == n { break }
                // A run of `]`: the section ends if `>` follows two or more.
                var k = i
                while k < n && bytes[k] == UInt8(ascii: "]") { k += 1 }
                brackets += k - i
                run += k - i
                i = k
                if i < n {
                    if bytes[i] == UInt8(ascii: ">") && brackets >= 2 { state = .content; i += 1 }
                    brackets = 0
                }
            case .comment:
                let b = bytes[i]
                if b == UInt8(ascii: ">") && dashes >= 2 { state = .content }
                dashes = b == UInt8(ascii: "-") ? dashes + 1 : 0
                i += 1
            case .instruction:
                let b = bytes[i]
                if b == UInt8(ascii: ">") && question { state = .content }
                question = b == UInt8(ascii: "?")
                i += 1
            }
        }
        out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[copied..<n]))
    }

    private func matches(_ bytes: UnsafeBufferPointer<UInt8>, at i: Int, _ literal: [UInt8]) -> Bool {
        guard i + literal.count <= bytes.count else { return false }
        for k in 0..<literal.count where bytes[i + k] != literal[k] { return false }
        return true
    }

    /// Whether the bytes from `i` to the end could still become `<![CDATA[`, `<!--` or `<?`.
    private func isPrefix(_ bytes: UnsafeBufferPointer<UInt8>, from i: Int) -> Bool {
        let tail = bytes[i...]
        return Self.cdataOpen.starts(with: tail) || Self.commentOpen.starts(with: tail)
    }
}
