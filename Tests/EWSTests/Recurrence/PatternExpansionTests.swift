import Foundation
import Testing
@testable import EWS

/// Each pattern and range expanded from its first occurrence, checked against
/// dates worked out by hand from a 2026 calendar (March 1 is a Sunday).
@Suite struct PatternExpansionTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        let pattern: RecurrencePattern
        let range: RecurrenceRange
        let expected: [String]
        var testDescription: String { name }
    }

    static func d(_ text: String) -> LocalDate {
        LocalDate(xsDate: text) ?? LocalDate(unchecked: 1, 1, 1)
    }

    static let cases: [Case] = [
        Case(
            name: "daily every 3 days until an end date, which is included",
            pattern: .daily(interval: 3), range: .endDate(start: d("2026-01-01"), end: d("2026-01-10")),
            expected: R.at("09:00:00", "2026-01-01", "2026-01-04", "2026-01-07", "2026-01-10")),
        Case(
            name: "weekly every other week on three days, starting mid-week",
            pattern: .weekly(interval: 2, days: [.monday, .wednesday, .friday], firstDayOfWeek: nil),
            range: .numbered(start: d("2026-03-04"), count: 7),
            expected: R.at(
                "09:00:00", "2026-03-04", "2026-03-06", "2026-03-16", "2026-03-18", "2026-03-20", "2026-03-30",
                "2026-04-01")),
        Case(
            name: "biweekly Sunday and Monday, weeks starting Sunday",
            pattern: .weekly(interval: 2, days: [.sunday, .monday], firstDayOfWeek: .sunday),
            range: .numbered(start: d("2026-03-02"), count: 6),
            expected: R.at(
                "09:00:00", "2026-03-02", "2026-03-15", "2026-03-16", "2026-03-29", "2026-03-30", "2026-04-12")),
        Case(
            name: "biweekly Sunday and Monday, weeks starting Monday",
            pattern: .weekly(interval: 2, days: [.sunday, .monday], firstDayOfWeek: .monday),
            range: .numbered(start: d("2026-03-02"), count: 6),
            expected: R.at(
                "09:00:00", "2026-03-02", "2026-03-08", "2026-03-16", "2026-03-22", "2026-03-30", "2026-04-05")),
        Case(
            name: "weekly on Tuesday from a Wednesday start: the first Tuesday after it",
            pattern: .weekly(interval: 1, days: [.tuesday], firstDayOfWeek: nil),
            range: .numbered(start: d("2026-03-04"), count: 2),
            expected: R.at("09:00:00", "2026-03-10", "2026-03-17")),
        Case(
            name: "monthly on the 31st: the last day of shorter months",
            pattern: .absoluteMonthly(interval: 1, dayOfMonth: 31), range: .numbered(start: d("2026-01-31"), count: 6),
            expected: R.at(
                "09:00:00", "2026-01-31", "2026-02-28", "2026-03-31", "2026-04-30", "2026-05-31", "2026-06-30")),
        Case(
            name: "every other month on the 31st",
            pattern: .absoluteMonthly(interval: 2, dayOfMonth: 31), range: .numbered(start: d("2026-01-01"), count: 6),
            expected: R.at(
                "09:00:00", "2026-01-31", "2026-03-31", "2026-05-31", "2026-07-31", "2026-09-30", "2026-11-30")),
        Case(
            name: "every other month on the 15th, starting after the 15th: months count from the start's month",
            pattern: .absoluteMonthly(interval: 2, dayOfMonth: 15), range: .numbered(start: d("2026-01-20"), count: 3),
            expected: R.at("09:00:00", "2026-03-15", "2026-05-15", "2026-07-15")),
        Case(
            name: "second Tuesday of the month",
            pattern: .relativeMonthly(interval: 1, day: .tuesday, index: .second),
            range: .numbered(start: d("2026-03-01"), count: 3),
            expected: R.at("09:00:00", "2026-03-10", "2026-04-14", "2026-05-12")),
        Case(
            name: "last Friday of the month",
            pattern: .relativeMonthly(interval: 1, day: .friday, index: .last),
            range: .numbered(start: d("2026-03-01"), count: 3),
            expected: R.at("09:00:00", "2026-03-27", "2026-04-24", "2026-05-29")),
        Case(
            name: "first weekday of the month",
            pattern: .relativeMonthly(interval: 1, day: .weekday, index: .first),
            range: .numbered(start: d("2026-03-01"), count: 6),
            expected: R.at(
                "09:00:00", "2026-03-02", "2026-04-01", "2026-05-01", "2026-06-01", "2026-07-01", "2026-08-03")),
        Case(
            name: "last weekend day of the month",
            pattern: .relativeMonthly(interval: 1, day: .weekendDay, index: .last),
            range: .numbered(start: d("2026-03-01"), count: 3),
            expected: R.at("09:00:00", "2026-03-29", "2026-04-26", "2026-05-31")),
        Case(
            name: "third weekend day of the month",
            pattern: .relativeMonthly(interval: 1, day: .weekendDay, index: .third),
            range: .numbered(start: d("2026-03-01"), count: 2),
            expected: R.at("09:00:00", "2026-03-08", "2026-04-11")),
        Case(
            name: "last day of the month",
            pattern: .relativeMonthly(interval: 1, day: .day, index: .last),
            range: .numbered(start: d("2026-01-01"), count: 3),
            expected: R.at("09:00:00", "2026-01-31", "2026-02-28", "2026-03-31")),
        Case(
            name: "fourth day of the month",
            pattern: .relativeMonthly(interval: 1, day: .day, index: .fourth),
            range: .numbered(start: d("2026-03-01"), count: 2),
            expected: R.at("09:00:00", "2026-03-04", "2026-04-04")),
        Case(
            name: "third Thursday every three months",
            pattern: .relativeMonthly(interval: 3, day: .thursday, index: .third),
            range: .numbered(start: d("2026-01-01"), count: 3),
            expected: R.at("09:00:00", "2026-01-15", "2026-04-16", "2026-07-16")),
        Case(
            name: "last Monday of May every year",
            pattern: .relativeYearly(day: .monday, index: .last, month: .may),
            range: .numbered(start: d("2026-01-01"), count: 3),
            expected: R.at("09:00:00", "2026-05-25", "2027-05-31", "2028-05-29")),
        Case(
            name: "first Monday of August every year",
            pattern: .relativeYearly(day: .monday, index: .first, month: .august),
            range: .noEnd(start: d("2026-01-01")),
            expected: R.at("09:00:00", "2026-08-03", "2027-08-02")),
        Case(
            name: "February 29 every year: the 28th in other years",
            pattern: .absoluteYearly(dayOfMonth: 29, month: .february),
            range: .numbered(start: d("2024-02-29"), count: 5),
            expected: R.at("09:00:00", "2024-02-29", "2025-02-28", "2026-02-28", "2027-02-28", "2028-02-29")),
        Case(
            name: "yearly on March 15 from a June start: next year's",
            pattern: .absoluteYearly(dayOfMonth: 15, month: .march),
            range: .endDate(start: d("2026-06-01"), end: d("2028-03-14")),
            expected: R.at("09:00:00", "2027-03-15")),
    ]

    @Test(arguments: cases)
    func expandsFromTheStart(_ c: Case) throws {
        let first = "\(c.range.start)T09:00:00Z"
        let series = try R.series(c.pattern, c.range, start: first)
        let all = try R.starts(
            series, from: "2020-01-01T00:00:00Z", to: "2030-01-01T00:00:00Z", limit: c.expected.count)
        #expect(all == c.expected)
        // The indices are 1, 2, 3 ... and each occurrence can be fetched by its index.
        let occurrences = series.occurrences(
            from: try R.instant("2020-01-01T00:00:00Z"), to: try R.instant("2030-01-01T00:00:00Z"),
            limit: c.expected.count)
        #expect(occurrences.map(\.index) == Array(1...c.expected.count))
        for o in occurrences { #expect(series.occurrence(index: o.index) == o) }
    }

    @Test(arguments: cases.filter { if case .noEnd = $0.range { false } else { true } })
    func aBoundedSeriesEndsWhereItsRangeSays(_ c: Case) throws {
        let series = try R.series(c.pattern, c.range, start: "\(c.range.start)T09:00:00Z")
        #expect(try R.starts(series, from: "2020-01-01T00:00:00Z", to: "2040-01-01T00:00:00Z") == c.expected)
        #expect(series.occurrenceCount == c.expected.count)
        #expect(series.lastOccurrence.map { R.text($0.start) } == c.expected.last)
        #expect(series.firstOccurrence.map { R.text($0.start) } == c.expected.first)
        #expect(series.occurrence(index: c.expected.count + 1) == nil)
    }

    @Test func aSeriesWithoutEndHasNoLastOccurrenceAndNoCount() throws {
        let series = try R.series(
            .daily(interval: 1), .noEnd(start: R.day("2026-01-01")), start: "2026-01-01T09:00:00Z")
        #expect(series.lastOccurrence == nil)
        #expect(series.occurrenceCount == nil)
        #expect(series.occurrence(index: 1_000_000)?.start == (try R.instant("4763-11-28T09:00:00Z")))
    }

    @Test func anEndDateBeforeTheFirstMatchingDayGivesNoOccurrences() throws {
        let series = try R.series(
            .weekly(interval: 1, days: [.friday], firstDayOfWeek: nil),
            .endDate(start: R.day("2026-03-02"), end: R.day("2026-03-05")), start: "2026-03-02T09:00:00Z")
        #expect(try R.starts(series, from: "2026-01-01T00:00:00Z", to: "2027-01-01T00:00:00Z").isEmpty)
        #expect(series.occurrenceCount == 0)
        #expect(series.firstOccurrence == nil)
        #expect(series.lastOccurrence == nil)
    }

    @Test func theEndDateIsADateInTheSeriesZone() throws {
        // 23:30 in New York on March 10 is already March 11 in UTC; the end date
        // March 10 still includes it, because it is March 10 where the series lives.
        let series = try R.series(
            .daily(interval: 1), .endDate(start: R.day("2026-03-09"), end: R.day("2026-03-10")),
            start: "2026-03-10T03:30:00Z", zone: "America/New_York")
        #expect(
            try R.starts(series, from: "2026-03-01T00:00:00Z", to: "2026-04-01T00:00:00Z")
                == ["2026-03-10T03:30:00Z", "2026-03-11T03:30:00Z"])
    }

    @Test func aWeeklyPatternWithoutDaysHasNoOccurrences() throws {
        let series = try R.series(
            .weekly(interval: 1, days: [], firstDayOfWeek: nil), .noEnd(start: R.day("2026-03-02")),
            start: "2026-03-02T09:00:00Z")
        #expect(try R.starts(series, from: "2026-01-01T00:00:00Z", to: "2027-01-01T00:00:00Z").isEmpty)
        #expect(series.occurrenceCount == 0)
    }
}
