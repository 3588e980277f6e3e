import EWS
import Foundation

/// Who answered what, for the meetings one mailbox organizes in a window
/// (PRODUCT.md 1, the organizers of large meetings): read from the
/// organizer's calendar items, where the server records each attendee's
/// answer (PROTOCOL.md 6.1). `meetingbot attendance` prints it, and a run's
/// report carries it for the mailboxes whose responses it handled.
public struct MailboxAttendance: Sendable, Codable, Equatable {
    public var address: String
    /// The window: meetings overlapping [from, to).
    public var from: Date
    public var to: Date
    /// In order of their first start in the window.
    public var meetings: [MeetingAttendance]
    /// What could not be read: the calendar (then there are no meetings), or
    /// some meetings' items.
    public var error: String?

    public init(address: String, from: Date, to: Date, meetings: [MeetingAttendance], error: String? = nil) {
        self.address = address
        self.from = from
        self.to = to
        self.meetings = meetings
        self.error = error
    }

    /// Reads the meetings `source` organizes in the window. Throws only when
    /// the calendar cannot be read; meetings that cannot be read are named in
    /// `error` and the others are listed.
    public static func read(
        from source: any MeetingSource, window: DateInterval
    ) async throws(MailboxError) -> MailboxAttendance {
        let organized = try await source.organizedMeetings(from: window.start, to: window.end)
        var meetings: [MeetingAttendance] = []
        var unreadable: [String] = []
        for meeting in organized {
            switch meeting.item {
            case .success(let item):
                meetings.append(MeetingAttendance(item, entry: meeting.entry, occurrences: meeting.occurrences))
            case .failure(let error):
                unreadable.append(
                    "'\(meeting.entry.subject ?? "")' at \(ReportSummary.time(meeting.entry.start)): \(error)")
            }
        }
        let error =
            unreadable.isEmpty
            ? nil
            : "\(unreadable.count) meeting\(unreadable.count == 1 ? "" : "s") could not be read: "
                + unreadable.joined(separator: "; ")
        return MailboxAttendance(
            address: source.address, from: window.start, to: window.end, meetings: meetings, error: error)
    }

    /// A mailbox whose calendar could not be read, and why.
    static func unread(_ address: String, _ window: DateInterval, _ error: String) -> MailboxAttendance {
        MailboxAttendance(address: address, from: window.start, to: window.end, meetings: [], error: error)
    }
}

extension DateInterval {
    /// The attendance's window: `days` from `start`, by default the next 90.
    public static func attendance(from start: Date, days: Int = 90) -> DateInterval {
        DateInterval(start: start, duration: TimeInterval(days) * 86_400)
    }
}

/// One meeting and its attendees' answers.
public struct MeetingAttendance: Sendable, Codable, Equatable {
    public var subject: String
    /// Its start, or for a series the start of its first occurrence in the window.
    public var start: Date
    public var end: Date
    public var uid: String?
    /// A series, listed once: `occurrences` of it overlap the window.
    public var recurring: Bool
    public var occurrences: Int
    public var counts: AttendanceCounts
    /// In the meeting's order: required, optional, then resources. The
    /// organizer is not among them.
    public var attendees: [AttendeeAnswer]

    public init(
        subject: String, start: Date, end: Date, uid: String? = nil, recurring: Bool = false, occurrences: Int = 1,
        attendees: [AttendeeAnswer]
    ) {
        self.subject = subject
        self.start = start
        self.end = end
        self.uid = uid
        self.recurring = recurring
        self.occurrences = occurrences
        self.counts = AttendanceCounts(attendees)
        self.attendees = attendees
    }

    init(_ item: CalendarItem, entry: CalendarEntry, occurrences: Int) {
        let organizer = item.organizer?.smtpAddress?.lowercased()
        let attendees = item.attendees.filter {
            $0.response != .organizer && ($0.mailbox.smtpAddress?.lowercased()).map { $0 != organizer } ?? true
        }
        self.init(
            subject: item.subject, start: entry.start, end: entry.end, uid: item.uid ?? entry.uid,
            recurring: entry.type.map { $0 != .single } ?? false, occurrences: occurrences,
            attendees: attendees.map(AttendeeAnswer.init))
    }
}

/// How many attendees gave each answer.
public struct AttendanceCounts: Sendable, Codable, Equatable {
    public var accepted: Int
    public var tentative: Int
    public var declined: Int
    public var notAnswered: Int

    public init(_ attendees: [AttendeeAnswer]) {
        func count(_ answer: AttendeeAnswer.Answer) -> Int { attendees.count(where: { $0.answer == answer }) }
        accepted = count(.accepted)
        tentative = count(.tentative)
        declined = count(.declined)
        notAnswered = count(.notAnswered)
    }

    /// `2 accepted, 1 tentative, 0 declined, 1 not answered`.
    public var summary: String {
        "\(accepted) accepted, \(tentative) tentative, \(declined) declined, \(notAnswered) not answered"
    }
}

/// One attendee's answer as the organizer's item records it.
public struct AttendeeAnswer: Sendable, Codable, Equatable {
    public enum Answer: String, Sendable, Codable, CaseIterable {
        case accepted, tentative, declined
        /// NoResponseReceived, Unknown, or nothing recorded.
        case notAnswered = "not_answered"

        init(_ response: ResponseType?) {
            switch response {
            case .accept?: self = .accepted
            case .tentative?: self = .tentative
            case .decline?: self = .declined
            default: self = .notAnswered
            }
        }
    }

    /// The SMTP address, or what the server named the attendee by when it has none.
    public var address: String
    public var name: String?
    /// `required`, `optional` or `resource`.
    public var role: String
    public var answer: Answer
    /// When the server recorded the answer (LastResponseTime).
    public var answeredAt: Date?

    public init(address: String, name: String? = nil, role: String, answer: Answer, answeredAt: Date? = nil) {
        self.address = address
        self.name = name
        self.role = role
        self.answer = answer
        self.answeredAt = answeredAt
    }

    init(_ attendee: Attendee) {
        let mailbox = attendee.mailbox
        let address = mailbox.smtpAddress ?? mailbox.address ?? ""
        // Servers name an attendee without a display name by its address.
        let name = mailbox.name.flatMap { $0.isEmpty || $0.caseInsensitiveCompare(address) == .orderedSame ? nil : $0 }
        self.init(
            address: address, name: name,
            role: attendee.role.rawValue, answer: Answer(attendee.response), answeredAt: attendee.lastResponseTime)
    }
}
