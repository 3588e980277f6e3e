/// The recurrence of a calendar item or meeting (`t:Recurrence`, types.xsd
/// `RecurrenceType`): how it repeats and for how long. A value: the sandbox
/// stores it and dumps it as JSON, the bot expands it with `RecurringSeries`.
///
/// https://learn.microsoft.com/en-us/exchange/client-developer/exchange-web-services/recurrence-patterns-and-ews
public struct Recurrence: Hashable, Sendable, Codable {
    public var pattern: RecurrencePattern
    public var range: RecurrenceRange

    public init(pattern: RecurrencePattern, range: RecurrenceRange) {
        self.pattern = pattern
        self.range = range
    }
}

/// How a series repeats: the six calendar patterns of `RecurrencePatternTypes`.
/// (Tasks also have regeneration patterns; calendar items cannot.)
///
/// Intervals count from the period holding the range's start date: its day,
/// its week (which starts on `firstDayOfWeek`, Sunday when absent) or its month
/// (MS-OXOCAL 2.2.1.44.1.1). Yearly patterns have no interval in the schema.
public enum RecurrencePattern: Hashable, Sendable, Codable {
    /// Every `interval` days (1 to 999).
    case daily(interval: Int)
    /// On `days` of every `interval`th week (1 to 99).
    case weekly(interval: Int, days: Weekdays, firstDayOfWeek: Weekday?)
    /// On day `dayOfMonth` (1 to 31) of every `interval`th month (1 to 99); in
    /// a month without that day, on its last day (EWS `DayOfMonth`).
    case absoluteMonthly(interval: Int, dayOfMonth: Int)
    /// On the `index`th `day` of every `interval`th month (1 to 99).
    case relativeMonthly(interval: Int, day: RelativeDay, index: DayOfWeekIndex)
    /// On day `dayOfMonth` of `month` every year (February 29 falls on the 28th in other years).
    case absoluteYearly(dayOfMonth: Int, month: Month)
    /// On the `index`th `day` of `month` every year.
    case relativeYearly(day: RelativeDay, index: DayOfWeekIndex, month: Month)
}

/// How long a series lasts (`RecurrenceRangeTypes`). Dates are read in the
/// series' time zone; the first occurrence is the first date on or after
/// `start` that the pattern allows, which need not be `start` itself.
public enum RecurrenceRange: Hashable, Sendable, Codable {
    case noEnd(start: LocalDate)
    /// Up to and including the occurrence on `end`, if there is one.
    case endDate(start: LocalDate, end: LocalDate)
    /// `count` occurrences; deleting one does not add another at the end.
    case numbered(start: LocalDate, count: Int)

    public var start: LocalDate {
        switch self {
        case .noEnd(let start), .endDate(let start, _), .numbered(let start, _): start
        }
    }
}
