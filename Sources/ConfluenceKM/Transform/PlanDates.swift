import Foundation

/// The export's dates: its zone, and its zone-less timestamps as ISO 8601 UTC.
extension ConversionPlan {
    static func timeZone(index: ExportIndex, options: ConvertOptions, diagnostics: inout [Diagnostic]) -> TimeZone {
        if let z = options.timeZone { return z }
        if let id = index.descriptor["timezoneId"], !id.isEmpty {
            if let z = TimeZone(identifier: id) { return z }
            diagnostics.append(Diagnostic(.unknownTimezone, .warning,
                message: "the export's timezoneId '\(id)' is not known; dates are read as UTC (pass --timezone)"))
        }
        return TimeZone(identifier: "UTC")!
    }

    /// "2022-03-04 15:28:39.123" in the export's zone → "2022-03-04T14:28:39Z". Calendar-free: civil dates to
    /// days (Howard Hinnant's algorithm) and the zone's offset at that instant.
    static func isoDate(_ raw: String, _ zone: TimeZone) -> String? { isoDate(raw, zone, isUTC: isUTC(zone)) }

    /// Whether the zone is UTC (its offset is then never asked for).
    static func isUTC(_ zone: TimeZone) -> Bool { zone.identifier == "UTC" || zone.identifier == "GMT" }

    /// ``isoDate(_:_:)`` with ``isUTC(_:)`` of the zone already known (the plan asks twice per article).
    static func isoDate(_ raw: String, _ zone: TimeZone, isUTC: Bool) -> String? {
        // The first six numbers (no array: this runs twice per article).
        var f = (0, 0, 0, 0, 0, 0), n = 0
        var current = 0, inNumber = false
        func take(_ v: Int) {
            switch n {
            case 0: f.0 = v
            case 1: f.1 = v
            case 2: f.2 = v
            case 3: f.3 = v
            case 4: f.4 = v
            default: f.5 = v
            }
            n += 1
        }
        for b in raw.utf8 {
            if b >= 48 && b <= 57 {
                if current > 1_000_000 { return nil }  // no field of a date is that long (and no overflow)
                current = current * 10 + Int(b - 48)
                inNumber = true
            }
            else if inNumber { take(current); current = 0; inNumber = false; if n == 6 { break } }
        }
        if inNumber && n < 6 { take(current) }
        guard n == 6, (1...9999).contains(f.0), (1...12).contains(f.1), (1...31).contains(f.2), f.3 < 24, f.4 < 60, f.5 < 61 else { return nil }
        let local = daysFromCivil(f.0, f.1, f.2) * 86400 + f.3 * 3600 + f.4 * 60 + f.5
        // The offset at the local time, corrected once for the offset at the resulting instant (DST edges).
        var offset = 0
        if !isUTC {
            offset = zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(local)))
            offset = zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(local - offset)))
        }
        let utc = local - offset
        let days = Int((Double(utc) / 86400).rounded(.down))
        let secs = utc - days * 86400
        let (y, m, d) = civilFromDays(days)
        guard (0...9999).contains(y) else {
            // A year the offset pushed past 9999 (or before 0): written as it is.
            func p(_ v: Int, _ w: Int = 2) -> String { String(repeating: "0", count: max(0, w - String(v).count)) + String(v) }
            return "\(p(y, 4))-\(p(m))-\(p(d))T\(p(secs / 3600)):\(p(secs % 3600 / 60)):\(p(secs % 60))Z"
        }
        // "YYYY-MM-DDTHH:MM:SSZ", written as bytes.
        return String(unsafeUninitializedCapacity: 20) { out in
            func put(_ at: Int, _ v: Int, _ width: Int) {
                var v = v
                for i in stride(from: at + width - 1, through: at, by: -1) { out[i] = UInt8(48 + v % 10); v /= 10 }
            }
            put(0, y, 4); out[4] = 45; put(5, m, 2); out[7] = 45; put(8, d, 2); out[10] = 84
            put(11, secs / 3600, 2); out[13] = 58; put(14, secs % 3600 / 60, 2); out[16] = 58; put(17, secs % 60, 2); out[19] = 90
            return 20
        }
    }

    static func daysFromCivil(_ y0: Int, _ m: Int, _ d: Int) -> Int {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    static func civilFromDays(_ z0: Int) -> (Int, Int, Int) {
        let z = z0 + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp + (mp < 10 ? 3 : -9)
        return (m <= 2 ? y + 1 : y, m, d)
    }
}
