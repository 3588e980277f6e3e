import EWS
import Foundation
import Yams

/// A sandbox fixture: mailboxes, busy times, meetings played through the
/// organizer and attendee paths, and an optional generated load. The smallest
/// one is a list of mailboxes with passwords (PRODUCT.md 8).
///
/// Appointments and meetings may recur. Their `start` and `end` are instants
/// (`2026-03-02T08:00:00Z`); `timezone` (IANA `Europe/Berlin` or Windows
/// `W. Europe Standard Time`, default UTC) is the zone whose wall clock the
/// series keeps across daylight-saving changes:
///
/// ```yaml
/// timezone: Europe/Berlin
/// recurrence: { pattern: weekly, interval: 1, days: [monday, wednesday], count: 10 }
/// ```
///
/// See `RecurrenceSpec` for every key.
public struct Fixture: Codable, Sendable {
    public struct MailboxSpec: Codable, Sendable {
        public var address: String
        public var name: String?
        public var password: String?
        public var token: String?
        /// `AutoUpdate` (default) or `None`.
        public var calendarAttendant: AttendantMode?
        /// Seconds before the Calendar Attendant processes a delivered message.
        public var attendantDelay: Double?
        public var impersonation: Bool?
        public var delegates: [String]?
        /// `SMTP` (default) or `EX`: items then name the mailbox by its legacy Exchange DN.
        public var routingType: MailboxRoutingType?
        /// Delegates that receive copies of the mailbox's meeting messages.
        public var meetingDelegates: [String]?
        /// What the mailbox keeps of the requests its meeting delegates get
        /// (default DelegatesAndSendInformationToMe).
        public var deliverMeetingRequests: MeetingRequestDelivery?
    }

    /// A plain calendar item (busy time) in a mailbox.
    public struct AppointmentSpec: Codable, Sendable {
        public var mailbox: String
        public var subject: String?
        public var start: String
        public var end: String
        /// LegacyFreeBusyStatus: Busy (default), Tentative, Free, OOF.
        public var showAs: String?
        public var timezone: String?
        public var recurrence: RecurrenceSpec?
    }

    /// A meeting the organizer sends; attendees' answers, an update and a
    /// cancellation may follow, in that order.
    public struct MeetingSpec: Codable, Sendable {
        public var organizer: String
        public var subject: String?
        public var start: String
        public var end: String
        public var location: String?
        public var body: String?
        public var attendees: [String]?
        public var optional: [String]?
        public var resources: [String]?
        /// attendee address -> accept, tentative or decline.
        public var responses: [String: String]?
        /// A new start and end sent as a full update.
        public var moveTo: MoveSpec?
        /// A new subject or location sent as an update after that: informational
        /// for the attendees who answered (MS-OXWSMTGS 2.2.5.9).
        public var update: UpdateSpec?
        /// False when the organizer asks for no responses (IsResponseRequested).
        public var responseRequested: Bool?
        public var cancelled: Bool?
        public var timezone: String?
        public var recurrence: RecurrenceSpec?
    }

    public struct UpdateSpec: Codable, Sendable {
        public var subject: String?
        public var location: String?
    }

    public struct MoveSpec: Codable, Sendable {
        public var start: String
        public var end: String
    }

    public var clock: String?
    public var mailboxes: [MailboxSpec]
    public var appointments: [AppointmentSpec]?
    public var meetings: [MeetingSpec]?
    public var load: LoadSpec?

    /// Reads a fixture file. Errors name the file and the offending key.
    public static func load(path: String) throws -> Fixture {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw FixtureError("\(path): cannot read the fixture: \(error.localizedDescription)")
        }
        return try parse(text, name: path)
    }

    public static func parse(_ text: String, name: String = "fixture") throws -> Fixture {
        let decoder = YAMLDecoder()
        do {
            return try decoder.decode(Fixture.self, from: text, userInfo: [:])
        } catch let error as DecodingError {
            throw FixtureError("\(name): \(describe(error))")
        } catch {
            throw FixtureError("\(name): \(error)")
        }
    }

    private static func describe(_ error: DecodingError) -> String {
        func path(_ keys: [any CodingKey]) -> String {
            keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined().trimmingCharacters(
                in: CharacterSet(charactersIn: "."))
        }
        switch error {
        case .keyNotFound(let key, let context):
            return
                "missing key '\(key.stringValue)' at \(path(context.codingPath).isEmpty ? "top level" : path(context.codingPath))"
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            return "\(path(context.codingPath)): \(context.debugDescription)"
        @unknown default: return "\(error)"
        }
    }

    enum CodingKeys: String, CodingKey { case clock, mailboxes, appointments, meetings, load }
}

extension Fixture.MailboxSpec {
    enum CodingKeys: String, CodingKey {
        case address, name, password, token, impersonation, delegates
        case calendarAttendant = "calendar_attendant"
        case attendantDelay = "attendant_delay"
        case routingType = "routing_type"
        case meetingDelegates = "meeting_delegates"
        case deliverMeetingRequests = "deliver_meeting_requests"
    }
}
extension Fixture.AppointmentSpec {
    enum CodingKeys: String, CodingKey {
        case mailbox, subject, start, end, timezone, recurrence
        case showAs = "show_as"
    }
}
extension Fixture.MeetingSpec {
    enum CodingKeys: String, CodingKey {
        case organizer, subject, start, end, location, body, attendees, optional, resources, responses, cancelled
        case timezone, recurrence
        case moveTo = "move_to"
        case update
        case responseRequested = "response_requested"
    }
}

public struct FixtureError: Error, CustomStringConvertible, Sendable {
    public let description: String
    init(_ description: String) { self.description = description }
}
