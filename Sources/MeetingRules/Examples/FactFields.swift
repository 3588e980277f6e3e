import CheckedYAML
import Foundation

/// The facts of an example message as a file writes them: every key optional,
/// with defaults chosen so that an example states only what matters to it.
enum FactFields {
    struct Draft {
        var organizer = MeetingFacts.Mailbox(address: "organizer@example.com")
        var senderAddress: String?
        var senderName: String?
        var subject = "", location = "", body = ""
        var start: Date?, end: Date?, duration: TimeSpan?
        var allDay = false
        var recurring: Bool?, occurrences: Int?, seriesEnd: Date?
        var checked: Int?, conflicting = 0
        var occurrenceStarts: [Date]?
        var currentAnswer = MeetingFacts.CurrentAnswer.noAnswer
        var attendees: [String] = []
        var requestType = MeetingFacts.RequestType.new, sensitivity = MeetingFacts.Sensitivity.normal
        var responseType: MeetingFacts.ResponseType?
        var proposedStart: Date?, proposedEnd: Date?
        var received: Date?, now: Date?
    }

    /// The start when an example gives none: Tuesday 2 June 2026, 10:00 on the file's clock.
    static let defaultStart = "2026-06-02T10:00"

    static let fields: [Field<Draft>] = [
        Field(
            "organizer", "The organizer's address. Default `organizer@example.com`.", .address,
            example: "organizer: ann@contoso.com"
        ) {
            n, c, d in if let a = c.address(n, "organizer") { d.organizer.address = a }
        },
        Field("organizer_name", "The organizer's display name.", .text, example: "organizer_name: Ann Lee") {
            n, c, d in if let t = c.text(n, "organizer_name") { d.organizer.name = t }
        },
        Field(
            "sender", "Who sent the message. Default: the organizer (for a response, `attendee@example.com`).",
            .address,
            example: "sender: bob@fabrikam.com"
        ) {
            n, c, d in d.senderAddress = c.address(n, "sender")
        },
        Field("sender_name", "The sender's display name.", .text, example: "sender_name: Bob Kelly") {
            n, c, d in d.senderName = c.text(n, "sender_name")
        },
        Field("subject", "The subject. Default empty.", .text, example: "subject: Budget review") {
            n, c, d in if let t = c.text(n, "subject") { d.subject = t }
        },
        Field("location", "The location. Default empty.", .text, example: "location: Room 4.12") {
            n, c, d in if let t = c.text(n, "location") { d.location = t }
        },
        Field(
            "body", "The body text (for a response, the attendee's comment). Default empty.", .text,
            example: "body: Can we move this?"
        ) {
            n, c, d in if let t = c.text(n, "body") { d.body = t }
        },
        Field(
            "start", "When the meeting (the first occurrence) starts. Default \(defaultStart), a Tuesday.", .instant,
            example: "start: \"2026-12-01T09:00\""
        ) { n, c, d in d.start = c.instant(n, "start") },
        Field(
            "end",
            "When it ends. Give `end` or `duration`; default one hour after the start (a day for an all-day event).",
            .instant, example: "end: \"2026-12-01T10:30\""
        ) { n, c, d in d.end = c.instant(n, "end") },
        Field("duration", "How long it lasts, instead of `end`.", .duration, example: "duration: 90m") {
            n, c, d in d.duration = c.duration(n, "duration")
        },
        Field("all_day", "An all-day event. Default false.", .bool, example: "all_day: true") {
            n, c, d in d.allDay = c.bool(n, "all_day") ?? false
        },
        Field(
            "recurring",
            "A series. Default false, unless `occurrences` or `series_end` is given; a series with neither has no end.",
            .bool, example: "recurring: true"
        ) { n, c, d in d.recurring = c.bool(n, "recurring") },
        Field("occurrences", "How many occurrences the series has.", .count, example: "occurrences: 12") {
            n, c, d in d.occurrences = c.count(n, "occurrences")
        },
        Field(
            "series_end",
            "When the series' last occurrence ends. Default for a series with `occurrences`: as if weekly.", .instant,
            example: "series_end: \"2027-06-30T10:00\""
        ) {
            n, c, d in d.seriesEnd = c.instant(n, "series_end")
        },
        Field(
            "checked_occurrences", "How many occurrences were checked for conflicts. Default `occurrences`, or 1.",
            .count,
            example: "checked_occurrences: 26", kinds: [.request]
        ) { n, c, d in d.checked = c.count(n, "checked_occurrences") },
        Field(
            "conflicting_occurrences", "How many of them conflict with the calendar. Default 0.", .count,
            example: "conflicting_occurrences: 2", kinds: [.request]
        ) {
            n, c, d in d.conflicting = c.count(n, "conflicting_occurrences") ?? 0
        },
        Field(
            "occurrence_starts",
            "When each occurrence in the booking window starts, each lasting as long as the first; the time conditions must hold for every one. Default: the first occurrence only.",
            ValueSpec(
                "a list of dates and times as for `start`",
                .object([
                    ("type", "array"),
                    ("items", .object([("type", "string"), ("pattern", .string(Patterns.instant))])),
                ])),
            example: "occurrence_starts: [\"2026-12-04T09:00\", \"2026-12-05T09:00\"]", kinds: [.request]
        ) {
            n, c, d in d.occurrenceStarts = c.list(n, "occurrence_starts") { c.instant($0, "occurrence_starts") }
        },
        Field(
            "current_answer",
            "The mailbox's current answer: `none`, `accepted`, `tentative` or `declined`. Default `none`.",
            .oneOf(MeetingFacts.CurrentAnswer.allCases.map(\.rawValue)),
            example: "current_answer: accepted", kinds: [.request]
        ) {
            n, c, d in d.currentAnswer = c.choice(n, "current_answer", MeetingFacts.CurrentAnswer.self) ?? .noAnswer
        },
        Field(
            "attendees", "The attendees' addresses. Default none.",
            ValueSpec(
                "a list of addresses",
                .object([
                    ("type", "array"),
                    ("items", .object([("type", "string"), ("pattern", .string(Patterns.address))])),
                ])),
            example: "attendees: [ann@contoso.com, room-4.12@contoso.com]"
        ) {
            n, c, d in d.attendees = c.list(n, "attendees") { c.address($0, "attendees") } ?? []
        },
        Field(
            "request_type",
            "`new`, `full_update`, `informational_update`, `silent_update`, `principal_wants_copy`, `outdated` or `none`. Default `new`.",
            .oneOf(MeetingFacts.RequestType.allCases.map(\.rawValue)),
            example: "request_type: full_update", kinds: [.request]
        ) {
            n, c, d in d.requestType = c.choice(n, "request_type", MeetingFacts.RequestType.self) ?? .new
        },
        Field(
            "sensitivity", "`normal`, `personal`, `private` or `confidential`. Default `normal`.",
            .oneOf(MeetingFacts.Sensitivity.allCases.map(\.rawValue)),
            example: "sensitivity: private"
        ) { n, c, d in d.sensitivity = c.choice(n, "sensitivity", MeetingFacts.Sensitivity.self) ?? .normal },
        Field(
            "response_type", "`accepted`, `tentative` or `declined`. Default `accepted`.",
            .oneOf(MeetingFacts.ResponseType.allCases.map(\.rawValue)),
            example: "response_type: declined", kinds: [.response]
        ) {
            n, c, d in d.responseType = c.choice(n, "response_type", MeetingFacts.ResponseType.self)
        },
        Field(
            "proposed_start", "The new start the attendee proposes.", .instant,
            example: "proposed_start: \"2026-12-01T11:00\"",
            kinds: [.response]
        ) { n, c, d in d.proposedStart = c.instant(n, "proposed_start") },
        Field(
            "proposed_end", "The new end the attendee proposes.", .instant,
            example: "proposed_end: \"2026-12-01T12:00\"",
            kinds: [.response]
        ) { n, c, d in d.proposedEnd = c.instant(n, "proposed_end") },
        Field(
            "received", "When the message arrived. Default `now`.", .instant, example: "received: \"2026-11-30T16:45\""
        ) {
            n, c, d in d.received = c.instant(n, "received")
        },
        Field(
            "now", "When the bot decides. Default one day before the start.", .instant,
            example: "now: \"2026-11-20T12:00\""
        ) {
            n, c, d in d.now = c.instant(n, "now")
        },
    ]

    /// The facts in `node` for a message of the checker's kind, or nil after reporting problems.
    static func read(_ node: YAMLNode, _ checker: Checker) -> MeetingFacts? {
        var draft = Draft()
        let errorsBefore = checker.diagnostics.count { $0.severity == .error }
        guard checker.read(node, as: "the facts of a \(checker.kind.rawValue)", fields: fields, into: &draft) else {
            return nil
        }
        guard let start = draft.start ?? checker.instant(text: defaultStart) else { return nil }
        var end =
            draft.end ?? start.addingTimeInterval(Double(draft.duration?.seconds ?? (draft.allDay ? 86_400 : 3_600)))
        if draft.end != nil, draft.duration != nil {
            checker.error(node, "give 'end' or 'duration', not both")
        } else if end <= start {
            checker.error(node, "the meeting must end after it starts")
            end = start
        }
        if draft.recurring == false, draft.occurrences != nil || draft.seriesEnd != nil {
            checker.error(node, "'occurrences' and 'series_end' describe a series, but 'recurring' is false")
        }
        let isSeries = draft.recurring ?? (draft.occurrences != nil || draft.seriesEnd != nil)
        let checked = draft.checked ?? max(draft.conflicting, draft.occurrences ?? 1)
        if draft.conflicting > checked {
            checker.error(
                node,
                "'conflicting_occurrences' (\(draft.conflicting)) cannot exceed 'checked_occurrences' (\(checked))")
        }
        guard checker.diagnostics.count(where: { $0.severity == .error }) == errorsBefore else { return nil }
        let now = draft.now ?? start.addingTimeInterval(-86_400)
        let seriesEnd =
            draft.seriesEnd
            ?? draft.occurrences.map {
                end.addingTimeInterval(Double(max($0 - 1, 0)) * 7 * 86_400)
            }
        let isResponse = checker.kind == .response
        let sender =
            draft.senderAddress.map { MeetingFacts.Mailbox(address: $0, name: draft.senderName ?? "") }
            ?? (isResponse
                ? MeetingFacts.Mailbox(address: "attendee@example.com", name: draft.senderName ?? "")
                : MeetingFacts.Mailbox(address: draft.organizer.address, name: draft.senderName ?? draft.organizer.name))
        return MeetingFacts(
            kind: checker.kind, organizer: draft.organizer, sender: sender,
            subject: draft.subject, location: draft.location, body: draft.body,
            start: start, end: end, isAllDay: draft.allDay,
            recurrence: isSeries ? MeetingFacts.Recurrence(occurrences: draft.occurrences, seriesEnd: seriesEnd) : nil,
            occurrences: (draft.occurrenceStarts ?? []).map {
                MeetingFacts.Occurrence(start: $0, end: $0.addingTimeInterval(end.timeIntervalSince(start)))
            },
            currentAnswer: draft.currentAnswer,
            checkedOccurrences: checked, conflictingOccurrences: draft.conflicting, attendees: draft.attendees,
            requestType: draft.requestType, sensitivity: draft.sensitivity,
            responseType: isResponse ? draft.responseType ?? .accepted : nil,
            proposedStart: draft.proposedStart, proposedEnd: draft.proposedEnd,
            received: draft.received ?? now, now: now)
    }
}

extension Checker {
    /// An address as examples give them.
    func address(_ node: YAMLNode, _ key: String) -> String? {
        guard let text = text(node, key) else { return nil }
        guard case .exact = addressOrWildcard(text) else {
            expected(node, key, "an address such as ann@contoso.com")
            return nil
        }
        return text
    }

    /// A date and time on the file's wall clock (or with `Z` / an offset).
    func instant(_ node: YAMLNode, _ key: String) -> Date? {
        guard node.scalarType == .text, let text = node.scalarText else {
            expected(node, key, "a date and time such as \"2026-12-01T09:00\"")
            return nil
        }
        switch Instant.parse(text, in: settings.timeZone) {
        case .success(let date):
            return date
        case .failure(.malformed):
            expected(node, key, "a date and time such as \"2026-12-01T09:00\"")
        case .failure(.nonexistent):
            error(
                node,
                "\(quoted(text)) does not exist in \(settings.timeZone.identifier): the clocks skip it when daylight saving time starts"
            )
        }
        return nil
    }

    /// A known-good instant written in the file's zone.
    func instant(text: String) -> Date? {
        try? Instant.parse(text, in: settings.timeZone).get()
    }
}

/// Dates and times as rules files write them.
enum Instant {
    enum Problem: Error { case malformed, nonexistent }

    /// `YYYY-MM-DD`, optionally `THH:MM` or `THH:MM:SS`, optionally `Z` or `±HH:MM`.
    static func parse(_ text: String, in zone: TimeZone) -> Result<Date, Problem> {
        let chars = Array(text.utf8)
        func number(_ range: Range<Int>) -> Int? {
            guard range.upperBound <= chars.count, chars[range].allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
                return nil
            }
            return chars[range].reduce(0) { $0 * 10 + Int($1 - 0x30) }
        }
        func char(_ i: Int) -> UInt8? { i < chars.count ? chars[i] : nil }
        guard let year = number(0..<4), char(4) == UInt8(ascii: "-"), let month = number(5..<7),
            char(7) == UInt8(ascii: "-"), let day = number(8..<10), (1900...2200).contains(year)
        else { return .failure(.malformed) }
        var hour = 0
        var minute = 0
        var second = 0
        var i = 10
        if char(i) == UInt8(ascii: "T") {
            guard let h = number(11..<13), char(13) == UInt8(ascii: ":"), let m = number(14..<16) else {
                return .failure(.malformed)
            }
            (hour, minute, i) = (h, m, 16)
            if char(i) == UInt8(ascii: ":") {
                guard let s = number(17..<19) else { return .failure(.malformed) }
                (second, i) = (s, 19)
            }
        }
        var offset: Int?
        if char(i) == UInt8(ascii: "Z") {
            (offset, i) = (0, i + 1)
        } else if let sign = char(i), sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") {
            guard let h = number((i + 1)..<(i + 3)), char(i + 3) == UInt8(ascii: ":"),
                let m = number((i + 4)..<(i + 6)),
                h < 24, m < 60
            else { return .failure(.malformed) }
            offset = (h * 3600 + m * 60) * (sign == UInt8(ascii: "-") ? -1 : 1)
            i += 6
        }
        guard i == chars.count, hour < 24, minute < 60, second < 60 else { return .failure(.malformed) }
        var calendar = Calendar(identifier: .gregorian)
        guard let zone = offset.map({ TimeZone(secondsFromGMT: $0) }) ?? zone else { return .failure(.malformed) }
        calendar.timeZone = zone
        let wanted = DateComponents(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
        guard let date = calendar.date(from: wanted) else { return .failure(.malformed) }
        let got = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        guard got.year == year, got.month == month, got.day == day else { return .failure(.malformed) }
        guard got.hour == hour, got.minute == minute else { return .failure(.nonexistent) }
        return .success(date)
    }
}
