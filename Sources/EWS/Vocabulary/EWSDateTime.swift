import Foundation

/// xs:dateTime values as EWS sends and accepts them. The bot sends UTC with a
/// `Z` suffix and no TimeZoneContext (PROTOCOL.md 1); servers may answer with
/// fractional seconds or an offset, which are parsed too.
public enum EWSDateTime {
    /// `2026-03-02T08:00:00Z`.
    public static func format(_ date: Date) -> String {
        var seconds = Int64(date.timeIntervalSince1970.rounded(.down))
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        seconds -= days * 86_400
        let (y, m, d) = civil(fromDays: days)
        return String(
            format: "%04d-%02d-%02dT%02d:%02d:%02dZ", y, m, d, seconds / 3600, seconds / 60 % 60, seconds % 60)
    }

    /// Parses `YYYY-MM-DDThh:mm:ss[.fff][Z|±hh:mm]`; without a zone it is UTC.
    public static func parse(_ text: String) -> Date? {
        let s = Array(text.utf8)
        guard s.count >= 19, s[4] == UInt8(ascii: "-"), s[7] == UInt8(ascii: "-"),
            s[10] == UInt8(ascii: "T"), s[13] == UInt8(ascii: ":"), s[16] == UInt8(ascii: ":"),
            let year = number(s, 0, 4), let month = number(s, 5, 2), let day = number(s, 8, 2),
            let hour = number(s, 11, 2), let minute = number(s, 14, 2), let second = number(s, 17, 2),
            (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61
        else { return nil }
        var i = 19
        var fraction = 0.0
        if i < s.count, s[i] == UInt8(ascii: ".") {
            i += 1
            var scale = 0.1
            let startDigits = i
            while i < s.count, let digit = digitValue(s[i]) {
                fraction += Double(digit) * scale
                scale /= 10
                i += 1
            }
            guard i > startDigits else { return nil }
        }
        var offset = 0
        if i < s.count {
            if s[i] == UInt8(ascii: "Z"), i + 1 == s.count {
                offset = 0
            } else if s[i] == UInt8(ascii: "+") || s[i] == UInt8(ascii: "-"), i + 6 == s.count,
                s[i + 3] == UInt8(ascii: ":"),
                let oh = number(s, i + 1, 2), let om = number(s, i + 4, 2)
            {
                offset = (oh * 3600 + om * 60) * (s[i] == UInt8(ascii: "-") ? -1 : 1)
            } else {
                return nil
            }
        }
        let days = daysFromCivil(year, month, day)
        let total = Double(days * 86_400 + Int64(hour * 3600 + minute * 60 + second - offset)) + fraction
        return Date(timeIntervalSince1970: total)
    }

    /// An xs:date (`2026-03-02`, optionally with `Z` or an offset, which is ignored
    /// because a date names a calendar day) as year, month and day.
    public static func parseDate(_ text: String) -> DateComponents? {
        let s = Array(text.utf8)
        guard s.count >= 10, s[4] == UInt8(ascii: "-"), s[7] == UInt8(ascii: "-"),
            let year = number(s, 0, 4), let month = number(s, 5, 2), let day = number(s, 8, 2),
            (1...12).contains(month), (1...31).contains(day)
        else { return nil }
        return DateComponents(year: year, month: month, day: day)
    }

    private static func digitValue(_ c: UInt8) -> Int? {
        c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") ? Int(c - UInt8(ascii: "0")) : nil
    }

    private static func number(_ s: [UInt8], _ start: Int, _ count: Int) -> Int? {
        var value = 0
        for i in start..<start + count {
            guard let d = digitValue(s[i]) else { return nil }
            value = value * 10 + d
        }
        return value
    }

    // Howard Hinnant's days-from-civil algorithms: exact for the proleptic
    // Gregorian calendar, and far cheaper than a Calendar per value.
    static func daysFromCivil(_ year: Int, _ month: Int, _ day: Int) -> Int64 {
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = Int64((month + 9) % 12)
        let doy = (153 * mp + 2) / 5 + Int64(day) - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civil(fromDays days: Int64) -> (Int, Int, Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (Int(yoe + era * 400 + (m <= 2 ? 1 : 0)), Int(m), Int(d))
    }
}
