/// A streaming RFC 4180 reader: quoted fields with commas, doubled quotes, CR/LF and newlines inside; rows handed
/// out one at a time, so memory holds one row, never a table.
struct CSVReader {
    typealias Source = (UnsafeMutableRawBufferPointer) throws -> Int

    /// The largest field accepted (a body); a longer one is an error rather than unbounded memory.
    var maxFieldBytes = 256 << 20

    struct FieldTooLarge: Error { let bytes: Int }

    /// Calls `row` for every record, the header included. Returns the number of records.
    @discardableResult
    func read(_ source: Source, row: ([String]) throws -> Void) throws -> Int {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 16, alignment: 16)
        defer { buffer.deallocate() }
        var fields: [String] = []
        var field: [UInt8] = []
        var inQuotes = false
        var quotePending = false  // saw a quote inside a quoted field: either an escaped quote or the end
        var atFieldStart = true
        var sawAnything = false
        var records = 0
        var pendingCR = false

        func endField() {
            fields.append(String(decoding: field, as: UTF8.self))
            field.removeAll(keepingCapacity: true)
            atFieldStart = true
        }
        func endRecord() throws {
            endField()
            if !(fields.count == 1 && fields[0].isEmpty) {  // skip blank lines
                try row(fields)
                records += 1
            }
            fields.removeAll(keepingCapacity: true)
        }

        while true {
            let n = try source(buffer)
            if n == 0 { break }
            sawAnything = true
            // Runs of ordinary bytes are appended at once (a body is one long run); only the bytes that end a run
            // (quote, comma, CR, LF) go through the state machine.
            var i = 0
            while i < n {
                let b = buffer[i]
                if pendingCR {
                    pendingCR = false
                    if b == 10 { i += 1; continue }
                }
                if inQuotes {
                    if quotePending {
                        quotePending = false
                        if b == 34 { field.append(34); i += 1; continue }
                        inQuotes = false  // the quote closed the field; handle b as outside
                    } else {
                        // The next quote, found by memchr (bodies are long quoted fields).
                        let found = memchr(buffer.baseAddress! + i, 34, n - i)
                        var j = found.map { buffer.baseAddress!.distance(to: $0) } ?? n
                        if j > i {
                            field.append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[i..<j]))
                            if field.count > maxFieldBytes { throw FieldTooLarge(bytes: field.count) }
                        }
                        if j < n { quotePending = true; j += 1 }
                        i = j
                        continue
                    }
                }
                switch b {
                case 44:  // ,
                    endField()
                    i += 1
                case 10:
                    try endRecord()
                    i += 1
                case 13:
                    try endRecord()
                    pendingCR = true
                    i += 1
                case 34 where atFieldStart && field.isEmpty:
                    inQuotes = true
                    atFieldStart = false
                    i += 1
                default:
                    // This byte (a quote inside an unquoted field is kept as it is) and the ordinary ones after it.
                    var j = i + 1
                    while j < n, case let c = buffer[j], c != 44 && c != 10 && c != 13 && c != 34 { j += 1 }
                    field.append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[i..<j]))
                    atFieldStart = false
                    if field.count > maxFieldBytes { throw FieldTooLarge(bytes: field.count) }
                    i = j
                }
            }
        }
        if sawAnything && (!field.isEmpty || !fields.isEmpty || quotePending || inQuotes) {
            try endRecord()
        }
        return records
    }
}

/// A CSV table read with its header: columns are found by name, unknown ones ignored.
struct CSVTable {
    let name: String
    let columns: [String: Int]

    init(name: String, header: [String]) {
        self.name = name
        var c: [String: Int] = [:]
        for (i, h) in header.enumerated() where c[h.lowercased()] == nil {
            c[h.trimmingCharacters(in: .whitespaces).lowercased()] = i
        }
        columns = c
    }

    func require(_ names: [String], export: String) throws {
        for n in names where columns[n] == nil {
            throw ConversionError.missingColumn(path: export, table: name, column: n)
        }
    }

    /// Whether the table has this column (its cells may still be empty).
    func has(_ column: String) -> Bool { columns[column] != nil }

    func value(_ row: [String], _ column: String) -> String? {
        guard let i = columns[column], i < row.count else { return nil }
        let v = row[i]
        return v.isEmpty ? nil : v
    }
}

import Foundation
