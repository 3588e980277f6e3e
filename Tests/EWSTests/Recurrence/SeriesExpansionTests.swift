import Foundation
import Testing
@testable import EWS

/// Expansion across daylight-saving changes, in windows, with caps, and with
/// deleted and moved occurrences.
@Suite struct SeriesExpansionTests {
    // MARK: Daylight-saving time

    @Test func berlinSpringForwardKeepsNineOClock() throws {
        let series = try R.series(
            .daily(interval: 1), .numbered(start: R.day("2026-03-27"), count: 4),
            start: "2026-03-27T08:00:00Z", zone: "Europe/Berlin")
        #expect(
            try R.starts(series, from: "2026-03-01T00:00:00Z", to: "2026-04-30T00:00:00Z")
                == ["2026-03-27T08:00:00Z", "2026-03-28T08:00:00Z", "2026-03-29T07:00:00Z", "2026-03-30T07:00:00Z"])
    }

    @Test func berlinAutumnBackKeepsNineOClock() throws {
        let series = try R.series(
            .weekly(interval: 1, days: [.monday], firstDayOfWeek: .monday),
            .numbered(start: R.day("2026-10-19"), count: 3), start: "2026-10-19T07:00:00Z", zone: "Europe/Berlin")
        let occurrences = series.occurrences(
            from: try R.instant("2026-10-01T00:00:00Z"), to: try R.instant("2026-12-01T00:00:00Z"), limit: 10)
        #expect(
            occurrences.map { R.text($0.start) } == [
                "2026-10-19T07:00:00Z", "2026-10-26T08:00:00Z", "2026-11-02T08:00:00Z",
            ])
        #expect(
            occurrences.map { R.text($0.end) } == [
                "2026-10-19T08:00:00Z", "2026-10-26T09:00:00Z", "2026-11-02T09:00:00Z",
            ])
    }

    @Test func newYorkSpringForward() throws {
        let series = try R.series(
            .daily(interval: 1), .numbered(start: R.day("2026-03-06"), count: 4),
            start: "2026-03-06T15:00:00Z", zone: "America/New_York")
        #expect(
            try R.starts(series, from: "2026-03-01T00:00:00Z", to: "2026-04-01T00:00:00Z")
                == ["2026-03-06T15:00:00Z", "2026-03-07T15:00:00Z", "2026-03-08T14:00:00Z", "2026-03-09T14:00:00Z"])
    }

    @Test func aTimeTheSpringChangeSkipsMovesPastTheGap() throws {
        // 02:30 does not exist in Berlin on 2026-03-29: it is read as 02:30 CET = 03:30 CEST.
        let series = try R.series(
            .daily(interval: 1), .numbered(start: R.day("2026-03-28"), count: 3),
            start: "2026-03-28T01:30:00Z", zone: "Europe/Berlin")
        #expect(
            try R.starts(series, from: "2026-03-01T00:00:00Z", to: "2026-04-01T00:00:00Z")
                == ["2026-03-28T01:30:00Z", "2026-03-29T01:30:00Z", "2026-03-30T00:30:00Z"])
    }

    @Test func aTimeTheAutumnChangeRepeatsIsTheFirstOfTheTwo() throws {
        // 02:30 happens twice in Berlin on 2026-10-25: first at 00:30Z (CEST), then 01:30Z (CET).
        let series = try R.series(
            .daily(interval: 1), .numbered(start: R.day("2026-10-24"), count: 3),
            start: "2026-10-24T00:30:00Z", zone: "Europe/Berlin")
        #expect(
            try R.starts(series, from: "2026-10-01T00:00:00Z", to: "2026-11-01T00:00:00Z")
                == ["2026-10-24T00:30:00Z", "2026-10-25T00:30:00Z", "2026-10-26T01:30:00Z"])
    }

    @Test func anOccurrenceAcrossTheChangeKeepsItsWallClockEnd() throws {
        // 01:00-04:00 local every day: three wall-clock hours, two real ones on the spring-forward night.
        let series = try R.series(
            .daily(interval: 1), .numbered(start: R.day("2026-03-28"), count: 2),
            start: "2026-03-28T00:00:00Z", minutes: 180, zone: "Europe/Berlin")
        let o = series.occurrences(
            from: try R.instant("2026-03-01T00:00:00Z"), to: try R.instant("2026-04-01T00:00:00Z"), limit: 5)
        #expect(o.map { R.text($0.end) } == ["2026-03-28T03:00:00Z", "2026-03-29T02:00:00Z"])
    }

    // MARK: Windows, caps and long series

    @Test func theWindowClipsByOverlap() throws {
        let series = try R.series(
            .daily(interval: 1), .noEnd(start: R.day("2026-01-01")), start: "2026-01-01T09:00:00Z", minutes: 60)
        // Starts inside; overlapping the window's start; starting at the window's end (out);
        // ending exactly at the window's start (out).
        #expect(
            try R.starts(series, from: "2026-01-05T09:30:00Z", to: "2026-01-07T09:00:00Z")
                == ["2026-01-05T09:00:00Z", "2026-01-06T09:00:00Z"])
        #expect(try R.starts(series, from: "2026-01-05T10:00:00Z", to: "2026-01-06T09:00:00Z").isEmpty)
        #expect(
            try R.starts(series, from: "2026-01-05T10:00:00Z", to: "2026-01-06T09:00:01Z") == ["2026-01-06T09:00:00Z"])
    }

    @Test func anOccurrenceLastingNoTimeIsInTheWindowWhereItStarts() throws {
        let series = try R.series(
            .daily(interval: 1), .noEnd(start: R.day("2026-01-01")), start: "2026-01-01T09:00:00Z", minutes: 0)
        #expect(
            try R.starts(series, from: "2026-01-05T09:00:00Z", to: "2026-01-06T09:00:00Z") == ["2026-01-05T09:00:00Z"])
    }

    @Test func theCapKeepsTheEarliest() throws {
        let series = try R.series(
            .daily(interval: 1), .noEnd(start: R.day("2026-01-01")), start: "2026-01-01T09:00:00Z")
        let capped = series.occurrences(
            from: try R.instant("2026-02-01T00:00:00Z"), to: try R.instant("2027-01-01T00:00:00Z"), limit: 3)
        #expect(capped.map { R.text($0.start) } == R.at("09:00:00", "2026-02-01", "2026-02-02", "2026-02-03"))
        #expect(capped.map(\.index) == [32, 33, 34])
        #expect(
            series.occurrences(
                from: try R.instant("2026-02-01T00:00:00Z"), to: try R.instant("2027-01-01T00:00:00Z"), limit: 0
            ).isEmpty)
    }

    @Test func anEmptyOrBackwardWindowHasNothing() throws {
        let series = try R.series(
            .daily(interval: 1), .noEnd(start: R.day("2026-01-01")), start: "2026-01-01T09:00:00Z")
        #expect(try R.starts(series, from: "2026-02-01T00:00:00Z", to: "2026-02-01T00:00:00Z").isEmpty)
        #expect(try R.starts(series, from: "2026-03-01T00:00:00Z", to: "2026-02-01T00:00:00Z").isEmpty)
    }

    @Test func aDailySeriesFromYearOneExpandsTwoYearsWithTheRightIndices() throws {
        let series = try R.series(
            .daily(interval: 1), .noEnd(start: R.day("0001-01-01")), start: "0001-01-01T09:00:00Z",
            zone: "Europe/Berlin")
        let o = series.occurrences(
            from: try R.instant("2026-01-01T00:00:00Z"), to: try R.instant("2028-01-01T00:00:00Z"), limit: 10_000)
        #expect(o.count == 730)
        // Days from 0001-01-01 to 2026-01-01 in the proleptic Gregorian calendar: 739,616.
        #expect(o.first?.index == 739_617)
        #expect(o.map(\.index) == Array(739_617..<739_617 + 730))
    }

    @Test func aWeeklySeriesFarInTheFutureIsReachedDirectly() throws {
        let series = try R.series(
            .weekly(interval: 3, days: [.tuesday, .thursday], firstDayOfWeek: .monday),
            .noEnd(start: R.day("2026-03-03")), start: "2026-03-03T09:00:00Z")
        let near = series.occurrences(
            from: try R.instant("2026-03-01T00:00:00Z"), to: try R.instant("2026-05-01T00:00:00Z"), limit: 10)
        #expect(
            near.map { R.text($0.start) }
                == R.at("09:00:00", "2026-03-03", "2026-03-05", "2026-03-24", "2026-03-26", "2026-04-14", "2026-04-16"))
        // 3,000 years on: the week of Monday 5026-03-13 is 52,178 three-week steps after the first.
        let far = series.occurrences(
            from: try R.instant("5026-03-01T00:00:00Z"), to: try R.instant("5026-03-31T00:00:00Z"), limit: 10)
        #expect(far.map { R.text($0.start) } == R.at("09:00:00", "5026-03-14", "5026-03-16"))
        #expect(far.first?.index == 52_178 * 2 + 1)
        #expect(far.first.flatMap { series.occurrence(index: $0.index) } == far.first)
    }

    // MARK: Deleted and modified occurrences

    @Test func deletedOccurrencesAreLeftOutButKeepTheirIndex() throws {
        let series = try R.series(
            .daily(interval: 1), .numbered(start: R.day("2026-03-02"), count: 5), start: "2026-03-02T09:00:00Z",
            deleted: ["2026-03-03T09:00:00Z", "2026-03-06T09:00:00Z"])
        let o = series.occurrences(
            from: try R.instant("2026-03-01T00:00:00Z"), to: try R.instant("2026-04-01T00:00:00Z"), limit: 10)
        #expect(o.map { R.text($0.start) } == R.at("09:00:00", "2026-03-02", "2026-03-04", "2026-03-05"))
        #expect(o.map(\.index) == [1, 3, 4])
        #expect(series.occurrenceCount == 3)
        #expect(series.occurrence(index: 2) == nil)
        // The last pattern occurrence is deleted: the last is the one before it.
        #expect(series.lastOccurrence?.index == 4)
    }

    @Test func aDeletedFirstOccurrenceMakesTheNextOneFirst() throws {
        let series = try R.series(
            .daily(interval: 1), .numbered(start: R.day("2026-03-02"), count: 5), start: "2026-03-02T09:00:00Z",
            deleted: ["2026-03-02T09:00:00Z"])
        #expect(series.firstOccurrence?.index == 2)
    }

    @Test func deletionsAreMatchedByTheirLocalDate() throws {
        // A deletion recorded at another time of the same Berlin day still removes that day's occurrence.
        let series = try R.series(
            .daily(interval: 1), .numbered(start: R.day("2026-03-02"), count: 3), start: "2026-03-02T08:00:00Z",
            zone: "Europe/Berlin", deleted: ["2026-03-02T23:30:00Z"])
        #expect(
            try R.starts(series, from: "2026-03-01T00:00:00Z", to: "2026-04-01T00:00:00Z")
                == ["2026-03-02T08:00:00Z", "2026-03-04T08:00:00Z"])
    }

    @Test func aMovedOccurrenceAppearsWhereItIsNow() throws {
        let moved = ModifiedOccurrence(
            originalStart: try R.instant("2026-03-03T09:00:00Z"),
            start: try R.instant("2026-03-03T14:00:00Z"), end: try R.instant("2026-03-03T16:00:00Z"))
        let series = try R.series(
            .daily(interval: 1), .numbered(start: R.day("2026-03-02"), count: 5), start: "2026-03-02T09:00:00Z",
            modified: [moved])
        // In a window that holds only its new time.
        let o = series.occurrences(
            from: try R.instant("2026-03-03T13:00:00Z"), to: try R.instant("2026-03-03T17:00:00Z"), limit: 10)
        #expect(
            o == [
                Occurrence(
                    index: 2, originalStart: try R.instant("2026-03-03T09:00:00Z"), start: moved.start, end: moved.end,
                    isModified: true)
            ])
        // Not in a window that holds only its old time.
        #expect(try R.starts(series, from: "2026-03-03T08:00:00Z", to: "2026-03-03T10:00:00Z").isEmpty)
        #expect(series.occurrence(index: 2)?.start == moved.start)
        #expect(series.occurrence(originalStart: try R.instant("2026-03-03T09:00:00Z"))?.isModified == true)
    }

    @Test func anOccurrenceMovedAcrossOthersIsSortedByItsNewTime() throws {
        let moved = ModifiedOccurrence(
            originalStart: try R.instant("2026-03-02T09:00:00Z"),
            start: try R.instant("2026-03-04T12:00:00Z"), end: try R.instant("2026-03-04T13:00:00Z"))
        let series = try R.series(
            .daily(interval: 1), .numbered(start: R.day("2026-03-02"), count: 4), start: "2026-03-02T09:00:00Z",
            modified: [moved])
        let o = series.occurrences(
            from: try R.instant("2026-03-04T00:00:00Z"), to: try R.instant("2026-04-01T00:00:00Z"), limit: 2)
        #expect(o.map(\.index) == [3, 1])
    }

    @Test func aDeletionWinsOverAModification() throws {
        let moved = ModifiedOccurrence(
            originalStart: try R.instant("2026-03-03T09:00:00Z"),
            start: try R.instant("2026-03-03T14:00:00Z"), end: try R.instant("2026-03-03T16:00:00Z"))
        let series = try R.series(
            .daily(interval: 1), .numbered(start: R.day("2026-03-02"), count: 3), start: "2026-03-02T09:00:00Z",
            deleted: ["2026-03-03T09:00:00Z"], modified: [moved])
        #expect(
            try R.starts(series, from: "2026-03-01T00:00:00Z", to: "2026-04-01T00:00:00Z")
                == R.at("09:00:00", "2026-03-02", "2026-03-04"))
    }

    @Test func exceptionsOutsideThePatternAreIgnored() throws {
        let stray = ModifiedOccurrence(
            originalStart: try R.instant("2026-03-07T09:00:00Z"),
            start: try R.instant("2026-03-03T14:00:00Z"), end: try R.instant("2026-03-03T16:00:00Z"))
        let series = try R.series(
            .weekly(interval: 1, days: [.monday, .tuesday], firstDayOfWeek: nil),
            .numbered(start: R.day("2026-03-02"), count: 2), start: "2026-03-02T09:00:00Z",
            deleted: ["2026-03-05T09:00:00Z"], modified: [stray])
        #expect(
            try R.starts(series, from: "2026-03-01T00:00:00Z", to: "2026-04-01T00:00:00Z")
                == R.at("09:00:00", "2026-03-02", "2026-03-03"))
        #expect(series.occurrenceCount == 2)
        #expect(series.occurrence(originalStart: try R.instant("2026-03-07T09:00:00Z")) == nil)
    }

    @Test(arguments: [
        RecurrencePattern.daily(interval: Int.max), .daily(interval: 0),
        .weekly(interval: -1, days: [.monday], firstDayOfWeek: nil),
        .absoluteMonthly(interval: 1, dayOfMonth: 0), .absoluteYearly(dayOfMonth: 40, month: .may),
    ])
    func valuesNoServerSendsExpandToNothing(_ pattern: RecurrencePattern) throws {
        let series = try R.series(pattern, .noEnd(start: R.day("2026-01-01")), start: "2026-01-01T09:00:00Z")
        #expect(try R.starts(series, from: "2026-01-01T00:00:00Z", to: "2027-01-01T00:00:00Z").isEmpty)
        #expect(series.occurrence(index: 2) == nil)
        #expect(series.firstOccurrence == nil)
    }

    @Test func datesBeyondAnyCalendarDoNotTrap() throws {
        var series = try R.series(
            .daily(interval: 1), .noEnd(start: R.day("2026-01-01")), start: "2026-01-01T09:00:00Z")
        series.end = Date(timeIntervalSince1970: 1e300)
        series.deletedOccurrences = [Date(timeIntervalSince1970: -1e300), Date(timeIntervalSince1970: .nan)]
        let o = series.occurrences(
            from: Date(timeIntervalSince1970: -1e300), to: try R.instant("2026-01-03T00:00:00Z"), limit: 5)
        #expect(o.map(\.index) == [1, 2])
        #expect(series.occurrence(index: Int.max) == nil)
    }

    // MARK: Storage

    @Test func aSeriesSurvivesAJSONRoundTrip() throws {
        let moved = ModifiedOccurrence(
            originalStart: try R.instant("2026-03-03T09:00:00Z"),
            start: try R.instant("2026-03-03T14:00:00Z"), end: try R.instant("2026-03-03T16:00:00Z"))
        let series = try R.series(
            .weekly(interval: 2, days: [.friday, .monday], firstDayOfWeek: .monday),
            .endDate(start: R.day("2026-03-02"), end: R.day("2026-12-31")), start: "2026-03-02T08:00:00Z",
            zone: "Europe/Berlin", deleted: ["2026-03-06T08:00:00Z"], modified: [moved])
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let json = try encoder.encode(series)
        #expect(try JSONDecoder().decode(RecurringSeries.self, from: json) == series)
        let text = String(decoding: json, as: UTF8.self)
        #expect(text.contains(#""days":["Monday","Friday"]"#))
        #expect(text.contains(#""start":"2026-03-02""#))
    }
}
