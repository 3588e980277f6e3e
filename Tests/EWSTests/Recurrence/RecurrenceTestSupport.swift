import Foundation
import Testing
@testable import EWS

/// Shorthand for the recurrence tests: instants as ISO 8601 text, zones and
/// dates that must exist.
enum R {
    static func instant(_ text: String) throws -> Date {
        try Date(text, strategy: .iso8601)
    }

    static func text(_ date: Date) -> String { date.formatted(.iso8601) }

    static func zone(_ id: String) throws -> TimeZone { try #require(TimeZone(identifier: id)) }

    static func day(_ text: String) throws -> LocalDate { try #require(LocalDate(xsDate: text)) }

    /// A series starting `start` (UTC text) lasting `minutes`, in `zone`.
    static func series(
        _ pattern: RecurrencePattern, _ range: RecurrenceRange, start: String, minutes: Double = 60,
        zone: String = "UTC", deleted: [String] = [], modified: [ModifiedOccurrence] = []
    ) throws -> RecurringSeries {
        let s = try instant(start)
        return RecurringSeries(
            recurrence: Recurrence(pattern: pattern, range: range), start: s, end: s.addingTimeInterval(minutes * 60),
            timeZone: try R.zone(zone), deletedOccurrences: try deleted.map(instant), modifiedOccurrences: modified)
    }

    /// The starts of the occurrences in `[from, to)`, as text.
    static func starts(_ series: RecurringSeries, from: String, to: String, limit: Int = 1000) throws -> [String] {
        try series.occurrences(from: instant(from), to: instant(to), limit: limit).map { text($0.start) }
    }

    /// The instants of `dates` at `time` UTC, for compact expectations.
    static func at(_ time: String, _ dates: String...) -> [String] { dates.map { "\($0)T\(time)Z" } }
}
