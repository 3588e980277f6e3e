import CheckedYAML

/// `recurring: true`.
struct Recurring: FlagCondition {
    static let description = ConditionDescription(
        key: "recurring",
        summary: "The meeting is a series (true), or a single meeting (false).",
        value: .bool,
        matching: [.init("true", "recurring: true"), .init("false", "recurring: false")],
        nonMatching: [.init("true", "recurring: false"), .init("false", "occurrences: 10")])

    let expected: Bool

    func matches(_ facts: PreparedFacts) -> Bool { facts.facts.isRecurring == expected }
    func reason(_ facts: PreparedFacts) -> String {
        facts.facts.isRecurring ? "the meeting recurs" : "the meeting does not recur"
    }
}

/// `occurrences_over: 10`.
struct OccurrencesOver: CountCondition {
    static let description = ConditionDescription(
        key: "occurrences_over",
        summary:
            "The series has more than this many occurrences; a series without end always has (a single meeting has one).",
        value: .count,
        matching: [.init("10", "occurrences: 52"), .init("10", "recurring: true")],
        nonMatching: [.init("10", "occurrences: 10"), .init("1", "recurring: false")])

    let limit: Int

    private func count(_ facts: MeetingFacts) -> Int? {
        guard let recurrence = facts.recurrence else { return 1 }
        return recurrence.occurrences
    }

    func matches(_ facts: PreparedFacts) -> Bool { (count(facts.facts) ?? Int.max) > limit }
    func reason(_ facts: PreparedFacts) -> String {
        guard let count = count(facts.facts) else { return "the series has no end" }
        return "the series has \(count) occurrences, more than \(limit)"
    }
}

/// `beyond_booking_window: true`.
struct BeyondBookingWindow: FlagCondition {
    static let description = ConditionDescription(
        key: "beyond_booking_window",
        summary:
            "The meeting (for a series, its last occurrence) ends later than `booking_window` from now (true), or not (false). A series without end always does.",
        value: .bool,
        kinds: [.request],
        matching: [
            .init("true", "start: \"2026-06-02T10:00\", recurring: true, now: \"2026-06-01T10:00\""),
            .init("true", "start: \"2027-01-04T10:00\", now: \"2026-06-01T10:00\""),
            .init("false", "start: \"2026-06-02T10:00\", series_end: \"2026-09-01T11:00\", now: \"2026-06-01T10:00\""),
        ],
        nonMatching: [
            .init(
                "true",
                "start: \"2026-06-02T10:00\", occurrences: 10, series_end: \"2026-08-04T11:00\", now: \"2026-06-01T10:00\""
            )
        ])

    let expected: Bool

    private func isBeyond(_ facts: PreparedFacts, window: TimeSpan) -> Bool {
        guard let end = facts.facts.lastEnd else { return true }
        return end.timeIntervalSince(facts.facts.now) > Double(window.seconds)
    }

    func matches(_ facts: PreparedFacts) -> Bool { isBeyond(facts, window: facts.bookingWindow) == expected }
    func reason(_ facts: PreparedFacts) -> String {
        let window = facts.bookingWindow
        return isBeyond(facts, window: window)
            ? "the meeting ends beyond the booking window of \(window)"
            : "the meeting ends within the booking window of \(window)"
    }
}

/// `conflicts: true`.
struct Conflicts: FlagCondition {
    static let description = ConditionDescription(
        key: "conflicts",
        summary:
            "At least one checked occurrence overlaps something busy on the calendar (true), or none does (false).",
        value: .bool,
        kinds: [.request],
        matching: [.init("true", "conflicting_occurrences: 1"), .init("false", "conflicting_occurrences: 0")],
        nonMatching: [.init("true", "conflicting_occurrences: 0")])

    let expected: Bool

    func matches(_ facts: PreparedFacts) -> Bool { (facts.facts.conflictingOccurrences > 0) == expected }
    func reason(_ facts: PreparedFacts) -> String {
        let f = facts.facts
        guard f.conflictingOccurrences > 0 else { return "the meeting conflicts with nothing" }
        return f.checkedOccurrences > 1
            ? "\(f.conflictingOccurrences) of \(f.checkedOccurrences) occurrences conflict with the calendar"
            : "the meeting conflicts with the calendar"
    }
}

/// `conflicts_over: 2`: Exchange's MaximumConflictInstances.
struct ConflictsOver: CountCondition {
    static let description = ConditionDescription(
        key: "conflicts_over",
        summary: "More than this many checked occurrences conflict (as Exchange's MaximumConflictInstances).",
        value: .count,
        kinds: [.request],
        matching: [.init("2", "occurrences: 10, conflicting_occurrences: 3")],
        nonMatching: [.init("2", "occurrences: 10, conflicting_occurrences: 2")])

    let limit: Int

    func matches(_ facts: PreparedFacts) -> Bool { facts.facts.conflictingOccurrences > limit }
    func reason(_ facts: PreparedFacts) -> String {
        "\(facts.facts.conflictingOccurrences) occurrences conflict, more than \(limit)"
    }
}

/// `conflict_share_over: 10%`: Exchange's ConflictPercentageAllowed.
struct ConflictShareOver: Condition {
    static let description = ConditionDescription(
        key: "conflict_share_over",
        summary: "More than this share of the checked occurrences conflict (as Exchange's ConflictPercentageAllowed).",
        value: .percent,
        kinds: [.request],
        matching: [.init("10%", "occurrences: 10, conflicting_occurrences: 2")],
        nonMatching: [
            .init("10%", "occurrences: 10, conflicting_occurrences: 1"),
            .init("0%", "occurrences: 10, conflicting_occurrences: 0"),
        ])

    let percent: Double

    init?(_ value: YAMLNode, _ checker: Checker) {
        guard let percent = checker.percent(value, Self.description.key) else { return nil }
        self.percent = percent
    }

    private func share(_ facts: MeetingFacts) -> Double {
        guard facts.checkedOccurrences > 0 else { return 0 }
        return Double(facts.conflictingOccurrences) * 100 / Double(facts.checkedOccurrences)
    }

    func matches(_ facts: PreparedFacts) -> Bool { share(facts.facts) > percent }
    func reason(_ facts: PreparedFacts) -> String {
        let f = facts.facts
        return "\(f.conflictingOccurrences) of \(f.checkedOccurrences) occurrences conflict "
            + "(\(Self.format(share(f)))%, more than \(Self.format(percent))%)"
    }

    /// `12.5`, `10`: a share without needless decimals.
    static func format(_ value: Double) -> String {
        let rounded = (value * 10).rounded() / 10
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
    }
}
