import CheckedYAML
import Foundation

/// `weekdays: [sat, sun]`: the day the meeting starts, on the file's wall
/// clock; for a series, the day every occurrence in the window starts.
struct Weekdays: Condition {
    static let description = ConditionDescription(
        key: "weekdays",
        summary:
            "The meeting starts on one of these days, on the wall clock of `timezone`; a series when every occurrence in the booking window does.",
        value: .weekdays,
        matching: [
            .init("[sat, sun]", "start: \"2026-06-06T10:00\""),
            // 23:30 UTC on Friday is already Saturday in Berlin.
            .init("[sat]", "start: \"2026-06-05T23:30Z\""),
        ],
        nonMatching: [
            .init("[sat, sun]", "start: \"2026-06-05T10:00\""),
            .init("[fri]", "start: \"2026-06-05T23:30Z\""),
            // A daily series from Friday has its Saturday and Sunday too.
            .init(
                "[mon, tue, wed, thu, fri]",
                "start: \"2026-06-05T10:00\", occurrence_starts: [\"2026-06-05T10:00\", \"2026-06-06T10:00\", \"2026-06-07T10:00\"]"
            ),
        ])

    let days: Set<WorkingHours.Weekday>

    init?(_ value: YAMLNode, _ checker: Checker) {
        guard let days = checker.weekdays(value, Self.description.key) else { return nil }
        self.days = days
    }

    func matches(_ facts: PreparedFacts) -> Bool {
        facts.localOccurrences.allSatisfy { days.contains($0.start.weekday) }
    }
    func reason(_ facts: PreparedFacts) -> String {
        guard facts.facts.occurrences.count > 1 else {
            return "the meeting starts on a \(facts.localStart.weekday.name)"
        }
        let outside = facts.localOccurrences.first { !days.contains($0.start.weekday) }
        return outside.map { "an occurrence starts on a \($0.start.weekday.name)" }
            ?? "every occurrence starts on \(WorkingHours.Weekday.describe(days))"
    }
}

extension Checker {
    /// A non-empty list of days without repeats.
    func weekdays(_ node: YAMLNode, _ key: String) -> Set<WorkingHours.Weekday>? {
        guard let days = list(node, key, { self.choice($0, key, WorkingHours.Weekday.self) }) else { return nil }
        guard !days.isEmpty else {
            error(node, "\(quoted(key)) needs at least one day, found an empty list")
            return nil
        }
        let set = Set(days)
        if set.count < days.count { warning(node, "\(quoted(key)) names a day more than once") }
        return set
    }
}

/// `within_working_hours: true`.
struct WithinWorkingHours: Condition {
    static let description = ConditionDescription(
        key: "within_working_hours",
        summary:
            "The meeting lies wholly within the working hours of one working day (true), or does not (false), on the wall clock of `timezone`, daylight saving time included. A series is within working hours only when every occurrence in the booking window is. An all-day event is never within working hours.",
        value: .bool,
        matching: [
            .init("true", "start: \"2026-06-02T08:00\", end: \"2026-06-02T18:00\""),
            .init("false", "start: \"2026-06-02T17:30\", duration: 1h"),
            .init("false", "start: \"2026-06-06T10:00\""),
        ],
        nonMatching: [
            .init("true", "start: \"2026-06-02T07:30\", duration: 1h"),
            .init("true", "start: \"2026-06-02\", all_day: true"),
            // One occurrence of the series falls on a Saturday.
            .init(
                "true",
                "start: \"2026-06-05T10:00\", occurrence_starts: [\"2026-06-05T10:00\", \"2026-06-06T10:00\"]"),
        ])

    let expected: Bool
    let hours: WorkingHours
    /// "mon-fri 08:00-18:00", for reasons.
    private let hoursText: String

    init?(_ value: YAMLNode, _ checker: Checker) {
        guard let expected = checker.bool(value, Self.description.key) else { return nil }
        guard let hours = checker.settings.workingHours else {
            checker.error(value, "'within_working_hours' needs 'working_hours' in the settings")
            return nil
        }
        self.expected = expected
        self.hours = hours
        hoursText = hours.description
    }

    func matches(_ facts: PreparedFacts) -> Bool { isWithin(facts) == expected }

    private func isWithin(_ facts: PreparedFacts) -> Bool {
        guard !facts.facts.isAllDay else { return false }
        return facts.localOccurrences.allSatisfy { isWithin(start: $0.start, end: $0.end) }
    }

    private func isWithin(start: LocalTime, end: LocalTime) -> Bool {
        // A meeting ending at midnight ends at 24:00 of the day it started.
        let endMinute = end.day == start.day + 1 && end.minute == 0 ? 1440 : end.minute
        let sameDay = end.day == start.day || endMinute == 1440
        return sameDay && hours.days.contains(start.weekday)
            && start.minute >= hours.from.minutes && endMinute <= hours.to.minutes
    }

    func reason(_ facts: PreparedFacts) -> String {
        let within = isWithin(facts)
        guard facts.facts.occurrences.count > 1 else {
            return (within ? "the meeting is within" : "the meeting is outside") + " working hours (\(hoursText))"
        }
        return (within ? "every occurrence is within" : "an occurrence is outside") + " working hours (\(hoursText))"
    }
}

/// `starts_within: 2h`: short notice, measured from now.
struct StartsWithin: SpanCondition {
    static let description = ConditionDescription(
        key: "starts_within",
        summary:
            "The meeting starts between now and this long from now (a meeting already under way does not count); a series when every occurrence in the booking window does.",
        value: .duration,
        matching: [.init("180d", "start: \"2026-06-02T10:00\", now: \"2026-06-01T10:00\"")],
        nonMatching: [
            .init("2h", "start: \"2026-06-02T10:00\", now: \"2026-06-01T10:00\""),
            .init("2h", "start: \"2026-06-02T10:00\", now: \"2026-06-02T10:30\""),
        ])

    let span: TimeSpan

    func matches(_ facts: PreparedFacts) -> Bool {
        facts.always {
            let lead = $0.start.timeIntervalSince(facts.facts.now)
            return lead >= 0 && lead <= Double(span.seconds)
        }
    }

    func reason(_ facts: PreparedFacts) -> String { "\(facts.whole) starts within \(span) from now" }
}

/// `starts_beyond: 180d`: too far ahead.
struct StartsBeyond: SpanCondition {
    static let description = ConditionDescription(
        key: "starts_beyond",
        summary:
            "The meeting starts more than this long from now; a series when every occurrence in the booking window does.",
        value: .duration,
        matching: [.init("30d", "start: \"2026-09-01T10:00\", now: \"2026-06-01T10:00\"")],
        nonMatching: [.init("30d", "start: \"2026-06-15T10:00\", now: \"2026-06-01T10:00\"")])

    let span: TimeSpan

    func matches(_ facts: PreparedFacts) -> Bool {
        facts.always { $0.start.timeIntervalSince(facts.facts.now) > Double(span.seconds) }
    }

    func reason(_ facts: PreparedFacts) -> String { "\(facts.whole) starts more than \(span) from now" }
}

/// `in_past: true`.
struct InPast: FlagCondition {
    static let description = ConditionDescription(
        key: "in_past",
        summary:
            "The meeting is over (true) or not (false): it ended before now; a series counts as over when its last occurrence ended, and a series without end never does.",
        value: .bool,
        matching: [
            .init("true", "start: \"2026-05-01T10:00\", now: \"2026-06-01T10:00\""),
            .init("false", "start: \"2026-05-01T10:00\", recurring: true, now: \"2026-06-01T10:00\""),
        ],
        nonMatching: [
            .init("true", "start: \"2026-06-02T10:00\", now: \"2026-06-01T10:00\""),
            .init("true", "start: \"2026-05-01T10:00\", series_end: \"2026-07-01T11:00\", now: \"2026-06-01T10:00\""),
        ])

    let expected: Bool

    private func isPast(_ facts: MeetingFacts) -> Bool {
        guard let end = facts.lastEnd else { return false }
        return end <= facts.now
    }

    func matches(_ facts: PreparedFacts) -> Bool { isPast(facts.facts) == expected }
    func reason(_ facts: PreparedFacts) -> String {
        isPast(facts.facts) ? "the meeting is in the past" : "the meeting is not in the past"
    }
}

/// `notice_under: 24h`: how long before the start the request arrived.
struct NoticeUnder: SpanCondition {
    static let description = ConditionDescription(
        key: "notice_under",
        summary:
            "The request arrived less than this long before the meeting starts (the organizer gave short notice); a series when it did before every occurrence in the booking window.",
        value: .duration,
        kinds: [.request],
        matching: [.init("24h", "start: \"2026-06-02T10:00\", received: \"2026-06-02T08:00\"")],
        nonMatching: [.init("24h", "start: \"2026-06-02T10:00\", received: \"2026-05-29T08:00\"")])

    let span: TimeSpan

    func matches(_ facts: PreparedFacts) -> Bool {
        facts.always { $0.start.timeIntervalSince(facts.facts.received) < Double(span.seconds) }
    }

    func reason(_ facts: PreparedFacts) -> String {
        "the request arrived less than \(span) before "
            + (facts.facts.occurrences.count > 1 ? "every occurrence" : "the meeting")
    }
}

/// `duration_over: 4h`.
struct DurationOver: SpanCondition {
    static let description = ConditionDescription(
        key: "duration_over",
        summary: "The meeting lasts longer than this; a series when every occurrence in the booking window does.",
        value: .duration,
        matching: [.init("4h", "duration: 4h30m"), .init("4h", "start: \"2026-06-02\", all_day: true")],
        nonMatching: [.init("4h", "duration: 4h")])

    let span: TimeSpan

    func matches(_ facts: PreparedFacts) -> Bool {
        facts.always { $0.end.timeIntervalSince($0.start) > Double(span.seconds) }
    }

    func reason(_ facts: PreparedFacts) -> String { "\(facts.whole) lasts longer than \(span)" }
}

/// `duration_under: 15m`.
struct DurationUnder: SpanCondition {
    static let description = ConditionDescription(
        key: "duration_under",
        summary: "The meeting lasts less than this; a series when every occurrence in the booking window does.",
        value: .duration,
        matching: [.init("15m", "duration: 10m")],
        nonMatching: [.init("15m", "duration: 15m")])

    let span: TimeSpan

    func matches(_ facts: PreparedFacts) -> Bool {
        facts.always { $0.end.timeIntervalSince($0.start) < Double(span.seconds) }
    }

    func reason(_ facts: PreparedFacts) -> String { "\(facts.whole) lasts less than \(span)" }
}

/// `all_day: true`.
struct AllDay: FlagCondition {
    static let description = ConditionDescription(
        key: "all_day",
        summary: "The meeting is an all-day event (true), or not (false).",
        value: .bool,
        matching: [.init("true", "start: \"2026-06-02\", all_day: true"), .init("false", "duration: 1h")],
        nonMatching: [.init("true", "duration: 1h")])

    let expected: Bool

    func matches(_ facts: PreparedFacts) -> Bool { facts.facts.isAllDay == expected }
    func reason(_ facts: PreparedFacts) -> String {
        facts.facts.isAllDay ? "the meeting is an all-day event" : "the meeting is not an all-day event"
    }
}

extension PreparedFacts {
    /// Whether `test` holds for every occurrence: the one of a single
    /// meeting, or each of a series' in the booking window (PRODUCT.md 4).
    func always(_ test: (MeetingFacts.Occurrence) -> Bool) -> Bool { facts.occurrences.allSatisfy(test) }

    /// How reasons name what a time condition looked at.
    var whole: String { facts.occurrences.count > 1 ? "every occurrence" : "the meeting" }
}
