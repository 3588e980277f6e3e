import Foundation

/// Parsers for the XML Schema value types that recurrences and time zones
/// carry besides xs:dateTime (which is `EWSDateTime`): xs:date, xs:duration
/// and xs:time.
enum XSDValues {
    /// `2026-03-02`, optionally with `Z` or `±hh:mm` (which a date read in the
    /// series' zone does not need, so it is checked and dropped).
    static func date(_ text: String) -> LocalDate? {
        var s = Scanner(text)
        guard let year = s.digits(4), s.take("-"), let month = s.digits(2), s.take("-"), let day = s.digits(2),
            s.zoneOffset() != nil, s.atEnd
        else { return nil }
        return LocalDate(year: year, month: month, day: day)
    }

    /// `P0DT8H0M0.0S`, `-PT1H`, `PT30M`: seconds. Years and months have no
    /// fixed length, so they are refused (time-zone biases never use them).
    static func duration(_ text: String) -> Double? {
        var s = Scanner(text)
        let sign: Double = s.take("-") ? -1 : 1
        guard s.take("P") else { return nil }
        var total = 0.0
        var inTime = false
        var any = false
        while !s.atEnd {
            if s.take("T") {
                guard !inTime else { return nil }
                inTime = true
                continue
            }
            guard let value = s.decimal() else { return nil }
            let unit: Double
            if !inTime, s.take("D") {
                unit = 86_400
            } else if inTime, s.take("H") {
                unit = 3600
            } else if inTime, s.take("M") {
                unit = 60
            } else if inTime, s.take("S") {
                unit = 1
            } else {
                return nil
            }
            total += value * unit
            any = true
        }
        return any ? sign * total : nil
    }

    /// `02:00:00` (optionally with fractional seconds): seconds after midnight.
    static func time(_ text: String) -> Int? {
        var s = Scanner(text)
        guard let h = s.digits(2), s.take(":"), let m = s.digits(2), s.take(":"), let sec = s.digits(2),
            h < 24, m < 60, sec < 60
        else { return nil }
        if s.take("."), s.fraction() == nil { return nil }
        return s.atEnd ? h * 3600 + m * 60 + sec : nil
    }

    /// A cursor over ASCII text.
    private struct Scanner {
        let bytes: [UInt8]
        var i = 0
        init(_ text: String) { bytes = Array(text.utf8) }

        var atEnd: Bool { i == bytes.count }

        mutating func take(_ c: Unicode.Scalar) -> Bool {
            guard i < bytes.count, bytes[i] == UInt8(ascii: c) else { return false }
            i += 1
            return true
        }

        mutating func digits(_ count: Int) -> Int? {
            guard i + count <= bytes.count else { return nil }
            var value = 0
            for c in bytes[i..<i + count] {
                guard let d = Self.digit(c) else { return nil }
                value = value * 10 + d
            }
            i += count
            return value
        }

        /// Digits after a decimal point, as a fraction.
        mutating func fraction() -> Double? {
            var scale = 0.1
            var value = 0.0
            var any = false
            while i < bytes.count, let d = Self.digit(bytes[i]) {
                value += Double(d) * scale
                scale /= 10
                i += 1
                any = true
            }
            return any ? value : nil
        }

        /// `12`, `0.5`.
        mutating func decimal() -> Double? {
            var value = 0.0
            var any = false
            while i < bytes.count, let d = Self.digit(bytes[i]), value < 1e12 {
                value = value * 10 + Double(d)
                i += 1
                any = true
            }
            guard any else { return nil }
            if take(".") { value += fraction() ?? 0 }
            return value
        }

        /// Seconds east of UTC: 0 for nothing or `Z`; nil when malformed.
        mutating func zoneOffset() -> Int? {
            if atEnd || take("Z") { return 0 }
            let sign = take("+") ? 1 : take("-") ? -1 : 0
            guard sign != 0, let h = digits(2), take(":"), let m = digits(2), h <= 14, m < 60 else { return nil }
            return sign * (h * 3600 + m * 60)
        }

        private static func digit(_ c: UInt8) -> Int? {
            c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") ? Int(c - UInt8(ascii: "0")) : nil
        }
    }
}
