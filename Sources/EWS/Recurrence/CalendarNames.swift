/// A day of the week, spelled as EWS spells it (`t:DayOfWeekType`, the seven real days).
public enum Weekday: String, CaseIterable, Codable, Sendable, Comparable {
    case sunday = "Sunday"
    case monday = "Monday"
    case tuesday = "Tuesday"
    case wednesday = "Wednesday"
    case thursday = "Thursday"
    case friday = "Friday"
    case saturday = "Saturday"

    /// 0 for Sunday through 6 for Saturday.
    var number: Int {
        switch self {
        case .sunday: 0
        case .monday: 1
        case .tuesday: 2
        case .wednesday: 3
        case .thursday: 4
        case .friday: 5
        case .saturday: 6
        }
    }

    init(number: Int) { self = Self.allCases[Civil.floorMod(number, 7)] }

    /// 1970-01-01 was a Thursday.
    static func of(dayNumber: Int) -> Weekday { Weekday(number: dayNumber + 4) }

    public static func < (a: Weekday, b: Weekday) -> Bool { a.number < b.number }
}

/// A set of weekdays: the days of a weekly pattern (`t:DaysOfWeekType`, a
/// space-separated list). Encoded as a sorted list of names, so stored series
/// dump the same JSON every time.
public struct Weekdays: OptionSet, Hashable, Sendable, Codable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue & 0x7F }

    public init(_ days: some Sequence<Weekday>) {
        self.init(rawValue: days.reduce(0) { $0 | 1 << $1.number })
    }

    public func contains(_ day: Weekday) -> Bool { rawValue & (1 << day.number) != 0 }

    /// The days in the set, Sunday first.
    public var days: [Weekday] { Weekday.allCases.filter(contains) }

    public static let sunday = Weekdays([Weekday.sunday]), monday = Weekdays([Weekday.monday])
    public static let tuesday = Weekdays([Weekday.tuesday]), wednesday = Weekdays([Weekday.wednesday])
    public static let thursday = Weekdays([Weekday.thursday]), friday = Weekdays([Weekday.friday])
    public static let saturday = Weekdays([Weekday.saturday])
    public static let weekdays: Weekdays = [.monday, .tuesday, .wednesday, .thursday, .friday]
    public static let weekendDays: Weekdays = [.saturday, .sunday]
    public static let everyDay = Weekdays(Weekday.allCases)

    public init(from decoder: any Decoder) throws {
        self.init(try decoder.singleValueContainer().decode([Weekday].self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(days)
    }
}

/// The day a relative monthly or yearly pattern counts (`t:DayOfWeekType`):
/// one weekday, or one of the pseudo-days `Day` (any day), `Weekday` (Monday
/// to Friday) and `WeekendDay` (Saturday or Sunday). "Second Weekday" is the
/// second working day of the month; "Last Day" is the month's last day.
public enum RelativeDay: String, CaseIterable, Codable, Sendable {
    case sunday = "Sunday"
    case monday = "Monday"
    case tuesday = "Tuesday"
    case wednesday = "Wednesday"
    case thursday = "Thursday"
    case friday = "Friday"
    case saturday = "Saturday"
    case day = "Day"
    case weekday = "Weekday"
    case weekendDay = "WeekendDay"

    /// The weekdays that count.
    public var days: Weekdays {
        switch self {
        case .day: .everyDay
        case .weekday: .weekdays
        case .weekendDay: .weekendDays
        default: Weekday(rawValue: rawValue).map { Weekdays([$0]) } ?? []
        }
    }
}

/// Which of the matching days in a month (`t:DayOfWeekIndexType`).
public enum DayOfWeekIndex: String, CaseIterable, Codable, Sendable {
    case first = "First"
    case second = "Second"
    case third = "Third"
    case fourth = "Fourth"
    case last = "Last"

    /// 1 to 4; nil for `last`.
    var ordinal: Int? {
        switch self {
        case .first: 1
        case .second: 2
        case .third: 3
        case .fourth: 4
        case .last: nil
        }
    }
}

/// A month by its EWS name (`t:MonthNamesType`).
public enum Month: String, CaseIterable, Codable, Sendable {
    case january = "January"
    case february = "February"
    case march = "March"
    case april = "April"
    case may = "May"
    case june = "June"
    case july = "July"
    case august = "August"
    case september = "September"
    case october = "October"
    case november = "November"
    case december = "December"

    /// 1 for January through 12 for December.
    public var number: Int { (Self.allCases.firstIndex(of: self) ?? 0) + 1 }

    public init?(number: Int) {
        guard (1...12).contains(number) else { return nil }
        self = Self.allCases[number - 1]
    }
}

extension Civil {
    /// The day number of the `index`th day in `days` of a month, or of the
    /// last one. Every month has at least four of each kind of day, so the
    /// answer always exists.
    static func relativeDay(year: Int, month: Int, days: Weekdays, index: DayOfWeekIndex) -> Int {
        let first = dayNumber(year: year, month: month, day: 1)
        let last = first + daysInMonth(year: year, month: month) - 1
        if let ordinal = index.ordinal {
            var seen = 0
            for d in first...last where days.contains(.of(dayNumber: d)) {
                seen += 1
                if seen == ordinal { return d }
            }
            return last
        }
        for d in stride(from: last, through: first, by: -1) where days.contains(.of(dayNumber: d)) { return d }
        return last
    }
}
