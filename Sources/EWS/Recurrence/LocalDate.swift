/// A calendar date with no time and no zone: what EWS puts in a recurrence
/// range's `StartDate` and `EndDate` (xs:date). Such a date is read in the
/// series' own time zone, so an offset sent with it (`2026-03-02+01:00`) adds
/// nothing and is not kept.
public struct LocalDate: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    /// Nil unless the date exists in the Gregorian calendar between years 1 and 9999.
    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month),
            (1...Civil.daysInMonth(year: year, month: month)).contains(day)
        else { return nil }
        self.init(unchecked: year, month, day)
    }

    /// Parses xs:date text: `2026-03-02`, optionally followed by `Z` or an offset.
    public init?(xsDate text: String) {
        guard let date = XSDValues.date(text) else { return nil }
        self = date
    }

    init(unchecked year: Int, _ month: Int, _ day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// Days since 1970-01-01 (negative before).
    var dayNumber: Int { Civil.dayNumber(year: year, month: month, day: day) }

    public var weekday: Weekday { Weekday.of(dayNumber: dayNumber) }

    public static func < (a: LocalDate, b: LocalDate) -> Bool {
        (a.year, a.month, a.day) < (b.year, b.month, b.day)
    }

    /// `2026-03-02`, the form written into EWS requests.
    public var description: String {
        func pad(_ n: Int, _ width: Int) -> String {
            let s = String(n)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
    }
}

extension LocalDate: Codable {
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let date = LocalDate(xsDate: text) else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "not a date: \(text)"))
        }
        self = date
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// Proleptic Gregorian arithmetic on day numbers (days since 1970-01-01), on
/// `EWSDateTime`'s civil conversions: constant time for any date, which is
/// what lets an expansion jump straight to a window years after a series began.
enum Civil {
    static func dayNumber(year: Int, month: Int, day: Int) -> Int {
        Int(EWSDateTime.daysFromCivil(year, month, day))
    }

    static func date(dayNumber: Int) -> (year: Int, month: Int, day: Int) {
        EWSDateTime.civil(fromDays: Int64(dayNumber))
    }

    static func isLeap(_ year: Int) -> Bool { year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) }

    static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Months since January of year 0, so month arithmetic is plain addition.
    static func monthNumber(year: Int, month: Int) -> Int { year * 12 + month - 1 }

    static func yearAndMonth(monthNumber: Int) -> (year: Int, month: Int) {
        (floorDiv(monthNumber, 12), floorMod(monthNumber, 12) + 1)
    }

    static func floorDiv(_ a: Int, _ b: Int) -> Int {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }

    static func floorMod(_ a: Int, _ b: Int) -> Int { a - floorDiv(a, b) * b }
}
