import EWS
import Foundation

/// A mailbox address with its display name.
public struct StoredAddress: Codable, Hashable, Sendable {
    public var email: String
    public var name: String
    public init(email: String, name: String? = nil) {
        self.email = email.lowercased()
        self.name = name ?? email
    }
}

/// What kind of item a stored item is; decides its element name and fields.
public enum ItemKind: String, Codable, Sendable {
    case message, calendarItem, meetingRequest, meetingResponse, meetingCancellation

    /// The element name in EWS responses.
    var elementName: String {
        switch self {
        case .message: "Message"
        case .calendarItem: "CalendarItem"
        case .meetingRequest: "MeetingRequest"
        case .meetingResponse: "MeetingResponse"
        case .meetingCancellation: "MeetingCancellation"
        }
    }
}

/// An attendee of a meeting, as the organizer's item tracks it.
public struct StoredAttendee: Codable, Sendable, Equatable {
    public enum Role: String, Codable, Sendable { case required, optional, resource }
    public var address: StoredAddress
    public var role: Role
    /// `Unknown`, `Organizer`, `Tentative`, `Accept`, `Decline`, `NoResponseReceived`.
    public var responseType: String
    public var lastResponseTime: Date?
    public var proposedStart: Date?
    public var proposedEnd: Date?

    public init(address: StoredAddress, role: Role = .required, responseType: String = "Unknown") {
        self.address = address
        self.role = role
        self.responseType = responseType
    }
}

/// One item in a mailbox folder: a message, a calendar item or a meeting
/// message. One flat record with optional fields keeps the store simple;
/// which fields apply is decided by `kind` when the item is written out.
public struct StoredItem: Codable, Sendable {
    public var id: String
    /// Bumped on every change; the ChangeKey is derived from it.
    public var version: Int = 1
    public var mailbox: String
    public var folderId: String
    public var kind: ItemKind
    public var itemClass: String
    public var subject = ""
    public var body = ""
    public var bodyType = "Text"
    public var sensitivity = "Normal"
    public var importance = "Normal"
    public var created: Date
    public var received: Date
    public var sent: Date?
    public var lastModified: Date
    public var from: StoredAddress?
    public var toRecipients: [StoredAddress] = []
    public var isRead = false
    /// IsResponseRequested as the client set it; nil leaves Exchange's default.
    public var isResponseRequested: Bool?
    /// The principal a delegate received this meeting message for (ReceivedRepresenting).
    public var receivedRepresenting: StoredAddress?

    // Calendar data (calendar items and meeting messages).
    public var uid: String?
    public var recurrenceId: Date?
    public var dateTimeStamp: Date?
    public var start: Date?
    public var end: Date?
    public var isAllDay = false
    public var location: String?
    /// LegacyFreeBusyStatus: `Free`, `Tentative`, `Busy`, `OOF`, `WorkingElsewhere`, `NoData`.
    public var freeBusy: String?
    public var organizer: StoredAddress?
    public var attendees: [StoredAttendee] = []
    public var isMeeting = false
    public var isCancelled = false
    public var myResponseType: String?
    public var sequence = 0
    /// The Windows id of the item's time zone ("W. Europe Standard Time"):
    /// a recurring series keeps its wall-clock time in it.
    public var timeZoneId: String?
    public var isOrganizer = false
    /// MeetingRequestWasSent: invitations went out (the organizer's item
    /// after sending, and what the attendees received).
    public var meetingRequestWasSent = false

    // Recurrence: a recurring master's pattern and its exceptions.
    public var recurrence: Recurrence?
    /// Original starts of the occurrences deleted from the series.
    public var deletedOccurrences: [Date] = []
    /// Occurrences moved to another time.
    public var modifiedOccurrences: [ModifiedOccurrence] = []
    /// Set on an occurrence or exception built from a master for an answer
    /// (never stored): the master's id. `recurrenceId` is its original start.
    public var occurrenceOf: String?
    /// An occurrence that was moved (an `Exception`).
    public var isException = false

    // Meeting messages.
    public var associatedCalendarItemId: String?
    public var isOutOfDate = false
    public var hasBeenProcessed = false
    /// A delegate's copy of a meeting message addressed to its principal.
    public var isDelegated = false
    public var responseType: String?
    public var meetingRequestType: String?
    public var intendedFreeBusy: String?
    public var proposedStart: Date?
    public var proposedEnd: Date?

    public init(id: String, mailbox: String, folderId: String, kind: ItemKind, itemClass: String, now: Date) {
        self.id = id
        self.mailbox = mailbox
        self.folderId = folderId
        self.kind = kind
        self.itemClass = itemClass
        created = now
        received = now
        lastModified = now
    }

    /// The ChangeKey: a new one after every change (PRODUCT.md 8).
    public var changeKey: String { IDCodec.changeKey(id: id, version: version) }

    /// `RecurringMaster` with a recurrence; `Occurrence` or `Exception` for
    /// one instance of a series (an expanded occurrence, or a meeting message
    /// about one); else `Single`.
    var calendarItemType: String {
        if recurrence != nil { return "RecurringMaster" }
        if recurrenceId != nil { return isException ? "Exception" : "Occurrence" }
        return "Single"
    }

    /// IsRecurring as Exchange sets it: true for instances, requests and the
    /// attendee's master, but false for the organizer's master (a quirk
    /// Microsoft documents on the IsRecurring reference page).
    var isRecurring: Bool {
        switch calendarItemType {
        case "Single": false
        case "RecurringMaster": !(kind == .calendarItem && isOrganizer)
        default: true
        }
    }

    /// The series of a recurring master, in its time zone (UTC when it has none).
    var series: RecurringSeries? {
        guard let recurrence, let start, let end else { return nil }
        let zone = timeZoneId.flatMap(WindowsTimeZones.timeZone(forWindowsId:)) ?? .gmt
        return RecurringSeries(
            recurrence: recurrence, start: start, end: end, timeZone: zone,
            deletedOccurrences: deletedOccurrences, modifiedOccurrences: modifiedOccurrences)
    }

    /// AppointmentState bitmask: 0x1 meeting, 0x2 received, 0x4 cancelled;
    /// the organizer's cancelled meeting in Deleted Items is 5 (MS-OXWSMTGS
    /// 2.2.4.9, captured by its test suite as R740/R1052).
    var appointmentState: Int {
        guard isMeeting else { return 0 }
        return 1 | (isOrganizer ? 0 : 2) | (isCancelled ? 4 : 0)
    }
}
