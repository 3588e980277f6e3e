import EWS
import Foundation

extension Fixture {
    /// How a fixture's appointment or meeting recurs, in the terms of
    /// Outlook's recurrence dialog. Names are case-insensitive.
    ///
    /// ```yaml
    /// recurrence:
    ///   pattern: weekly            # daily, weekly, monthly or yearly
    ///   interval: 2                # every 2nd day, week or month (default 1; yearly has none)
    ///   days: [monday, wednesday]  # weekly: the days (default: the start's weekday);
    ///                              # relative: one of them, or day, weekday, weekend_day
    ///   index: second              # makes monthly and yearly relative: first ... fourth, last
    ///   day_of_month: 31           # absolute monthly and yearly (default: the start's day)
    ///   month: march               # yearly (default: the start's month)
    ///   first_day_of_week: monday  # weekly (default: sunday)
    ///   count: 10                  # ends after 10 occurrences, or
    ///   until: 2027-01-31          # ends on this date; with neither, never ends
    ///   start: 2026-03-02          # first date of the range (default: the start's date)
    /// ```
    ///
    /// Dates are read in the item's `timezone`.
    public struct RecurrenceSpec: Codable, Sendable {
        public var pattern: String
        public var interval: Int?
        public var days: [String]?
        public var index: String?
        public var dayOfMonth: Int?
        public var month: String?
        public var firstDayOfWeek: String?
        public var count: Int?
        public var until: String?
        public var start: String?

        enum CodingKeys: String, CodingKey {
            case pattern, interval, days, index, month, count, until, start
            case dayOfMonth = "day_of_month"
            case firstDayOfWeek = "first_day_of_week"
        }

        public init(
            pattern: String, interval: Int? = nil, days: [String]? = nil, index: String? = nil,
            dayOfMonth: Int? = nil, month: String? = nil, count: Int? = nil, until: String? = nil
        ) {
            self.pattern = pattern
            self.interval = interval
            self.days = days
            self.index = index
            self.dayOfMonth = dayOfMonth
            self.month = month
            self.count = count
            self.until = until
        }

        /// The EWS recurrence of a series whose first meeting starts at
        /// `first` in `zone`. Errors name the key that is wrong.
        func recurrence(first: Date, in zone: TimeZone) throws -> Recurrence {
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = zone
            let c = calendar.dateComponents([.year, .month, .day], from: first)
            guard let firstDate = LocalDate(year: c.year ?? 0, month: c.month ?? 0, day: c.day ?? 0) else {
                throw FixtureError("recurrence: the start is not a date in \(zone.identifier)")
            }
            let rangeStart = try start.map { try Self.date($0, "start") } ?? firstDate
            return Recurrence(pattern: try pattern(startingOn: firstDate), range: try range(from: rangeStart))
        }

        private func pattern(startingOn first: LocalDate) throws -> RecurrencePattern {
            func every(_ limit: Int) throws -> Int {
                let value = interval ?? 1
                guard (1...limit).contains(value) else {
                    throw FixtureError("recurrence.interval: \(value) is not in 1...\(limit)")
                }
                return value
            }
            let theMonth =
                try month.map { try Self.name($0, "month", as: Month.self) } ?? Month(number: first.month) ?? .january
            let theDay = dayOfMonth ?? first.day
            guard (1...31).contains(theDay) else {
                throw FixtureError("recurrence.day_of_month: \(theDay) is not in 1...31")
            }
            let relative = try index.map { try Self.name($0, "index", as: DayOfWeekIndex.self) }
            switch pattern.lowercased() {
            case "daily":
                return .daily(interval: try every(999))
            case "weekly":
                let names = days ?? [first.weekday.rawValue]
                let weekdays = try names.map { try Self.name($0, "days", as: Weekday.self) }
                guard !weekdays.isEmpty else {
                    throw FixtureError("recurrence.days: a weekly pattern needs at least one day")
                }
                return .weekly(
                    interval: try every(99), days: Weekdays(weekdays),
                    firstDayOfWeek: try firstDayOfWeek.map { try Self.name($0, "first_day_of_week", as: Weekday.self) })
            case "monthly":
                guard let relative else { return .absoluteMonthly(interval: try every(99), dayOfMonth: theDay) }
                return .relativeMonthly(
                    interval: try every(99), day: try relativeDay(default: first.weekday), index: relative)
            case "yearly":
                guard let relative else {
                    // 2000 is a leap year: February 29 recurs (on the 28th in other years).
                    guard LocalDate(year: 2000, month: theMonth.number, day: theDay) != nil else {
                        throw FixtureError("recurrence.day_of_month: \(theMonth.rawValue) has no day \(theDay)")
                    }
                    return .absoluteYearly(dayOfMonth: theDay, month: theMonth)
                }
                return .relativeYearly(day: try relativeDay(default: first.weekday), index: relative, month: theMonth)
            default:
                throw FixtureError("recurrence.pattern: '\(pattern)' is not daily, weekly, monthly or yearly")
            }
        }

        /// The one day a relative pattern counts.
        private func relativeDay(default weekday: Weekday) throws -> RelativeDay {
            guard let days else { return RelativeDay(rawValue: weekday.rawValue) ?? .day }
            guard days.count == 1 else { throw FixtureError("recurrence.days: a relative pattern takes one day") }
            return try Self.name(days[0], "days", as: RelativeDay.self)
        }

        private func range(from start: LocalDate) throws -> RecurrenceRange {
            switch (count, until) {
            case (nil, nil): return .noEnd(start: start)
            case (let count?, nil):
                guard count >= 1 else { throw FixtureError("recurrence.count: \(count) is not at least 1") }
                return .numbered(start: start, count: count)
            case (nil, let until?):
                let end = try Self.date(until, "until")
                guard end >= start else {
                    throw FixtureError("recurrence.until: \(until) is before the start \(start)")
                }
                return .endDate(start: start, end: end)
            default:
                throw FixtureError("recurrence: give count or until, not both")
            }
        }

        private static func date(_ text: String, _ key: String) throws -> LocalDate {
            guard let date = LocalDate(xsDate: text) else {
                throw FixtureError("recurrence.\(key): '\(text)' is not a date like 2027-01-31")
            }
            return date
        }

        /// An EWS enumeration value by its name, ignoring case and underscores (`weekend_day`).
        private static func name<T: RawRepresentable & CaseIterable>(_ text: String, _ key: String, as type: T.Type)
            throws -> T
        where T.RawValue == String {
            func plain(_ s: String) -> String { s.lowercased().replacingOccurrences(of: "_", with: "") }
            guard let value = T.allCases.first(where: { plain($0.rawValue) == plain(text) }) else {
                let names = T.allCases.map { $0.rawValue.lowercased() }.joined(separator: ", ")
                throw FixtureError("recurrence.\(key): '\(text)' is not one of \(names)")
            }
            return value
        }
    }

    /// The Windows id of a fixture's `timezone`: a Windows id, or an IANA
    /// zone that CLDR maps to one. UTC when none is given.
    static func windowsTimeZone(_ text: String?) throws -> String {
        guard let text else { return "UTC" }
        if WindowsTimeZones.timeZone(forWindowsId: text) != nil { return text }
        guard let zone = TimeZone(identifier: text), let id = WindowsTimeZones.windowsId(for: zone) else {
            throw FixtureError("timezone: '\(text)' is neither a Windows nor an IANA time zone")
        }
        return id
    }
}
