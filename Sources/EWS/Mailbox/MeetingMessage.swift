import Foundation

/// What kind of meeting message an item class names (PRODUCT.md 3).
public enum MeetingMessageKind: Sendable, Hashable {
    case request, response, cancellation
    /// Any other class (a forwarded-meeting notification, or not a meeting message).
    case other

    public init(itemClass: String) {
        let c = itemClass.lowercased()
        if c.hasPrefix(ItemClass.meetingRequest.lowercased()) {
            self = .request
        } else if c.hasPrefix(ItemClass.meetingResponsePrefix.lowercased()) {
            self = .response
        } else if c.hasPrefix(ItemClass.meetingCancellation.lowercased()) {
            self = .cancellation
        } else {
            self = .other
        }
    }
}

/// One meeting message found in a folder: what a scan needs to order and
/// route it before reading it in full.
public struct MessageSummary: Sendable, Hashable {
    public var id: ItemId
    public var itemClass: String
    public var received: Date?
    public var kind: MeetingMessageKind { MeetingMessageKind(itemClass: itemClass) }

    public init(id: ItemId, itemClass: String, received: Date?) {
        self.id = id
        self.itemClass = itemClass
        self.received = received
    }
}

/// One page of a scan, oldest first.
public struct MessagePage: Sendable, Equatable {
    public var messages: [MessageSummary]
    /// Where the next page starts; nil on the last page.
    public var nextOffset: Int?
    /// How many messages the folder holds in all, when the server says.
    public var total: Int?

    public init(messages: [MessageSummary], nextOffset: Int?, total: Int?) {
        self.messages = messages
        self.nextOffset = nextOffset
        self.total = total
    }
}

/// A meeting request, response or cancellation with the fields the rules
/// need (PRODUCT.md 2, step 2; PROTOCOL.md 4.2). Fields a kind does not have
/// are nil or empty: a response has no attendee lists, for instance.
public struct MeetingMessage: Sendable, Equatable {
    public var id: ItemId
    public var itemClass: String
    public var kind: MeetingMessageKind { MeetingMessageKind(itemClass: itemClass) }
    public var subject: String
    /// The body as plain text.
    public var body: String
    public var sensitivity: Sensitivity?
    public var received: Date?
    /// Who sent it: the organizer of a request, the attendee of a response.
    public var from: Mailbox?
    public var organizer: Mailbox?
    public var requiredAttendees: [Attendee]
    public var optionalAttendees: [Attendee]
    public var resources: [Attendee]
    public var start: Date?
    public var end: Date?
    public var isAllDay: Bool
    /// The Windows time-zone id of the meeting's start (`W. Europe Standard Time`).
    public var startTimeZoneId: String?
    public var location: String?
    public var isRecurring: Bool
    /// The series of a recurring meeting, with its pattern, range, time zone
    /// and exceptions, ready to expand into occurrences.
    public var recurrence: RecurringSeries?
    public var calendarItemType: CalendarItemType?
    /// The iCalendar UID shared by the request, its responses, its
    /// cancellation and the calendar items.
    public var uid: String?
    /// The original start of the one occurrence this message is about.
    public var recurrenceId: Date?
    /// Grows with each update the organizer sends.
    public var sequenceNumber: Int?
    public var requestType: MeetingRequestType?
    public var intendedFreeBusy: FreeBusyStatus?
    /// A newer update of the same meeting has arrived.
    public var isOutOfDate: Bool
    public var isCancelled: Bool
    /// On a response, the answer it carries.
    public var responseType: ResponseType?
    public var proposedStart: Date?
    public var proposedEnd: Date?
    /// The calendar item the message belongs to: the attendee's placeholder
    /// for a request, the organizer's meeting for a response.
    public var associatedCalendarItemId: ItemId?
    public var conflictingMeetingCount: Int?
    /// When the sender sent it: a response is applied only when the
    /// organizer's item records an answer at least this recent (PRODUCT.md 3).
    public var sent: Date?
    /// The server's Calendar Attendant has processed the message.
    public var hasBeenProcessed: Bool
    /// On a request, the mailbox's current answer to the meeting.
    public var myResponse: ResponseType?
    /// The mailbox is the meeting's organizer: its requests are never answered.
    public var isOrganizer: Bool
    /// False when the organizer asked for no responses: an answer is then
    /// recorded without sending a reply (PRODUCT.md 3).
    public var isResponseRequested: Bool

    public init(
        id: ItemId, itemClass: String, subject: String = "", body: String = "", sensitivity: Sensitivity? = nil,
        received: Date? = nil, from: Mailbox? = nil, organizer: Mailbox? = nil,
        requiredAttendees: [Attendee] = [], optionalAttendees: [Attendee] = [], resources: [Attendee] = [],
        start: Date? = nil, end: Date? = nil, isAllDay: Bool = false, startTimeZoneId: String? = nil,
        location: String? = nil, isRecurring: Bool = false, recurrence: RecurringSeries? = nil,
        calendarItemType: CalendarItemType? = nil,
        uid: String? = nil, recurrenceId: Date? = nil, sequenceNumber: Int? = nil,
        requestType: MeetingRequestType? = nil, intendedFreeBusy: FreeBusyStatus? = nil,
        isOutOfDate: Bool = false, isCancelled: Bool = false, responseType: ResponseType? = nil,
        proposedStart: Date? = nil, proposedEnd: Date? = nil, associatedCalendarItemId: ItemId? = nil,
        conflictingMeetingCount: Int? = nil, sent: Date? = nil, hasBeenProcessed: Bool = false,
        myResponse: ResponseType? = nil, isOrganizer: Bool = false, isResponseRequested: Bool = true
    ) {
        self.id = id
        self.itemClass = itemClass
        self.subject = subject
        self.body = body
        self.sensitivity = sensitivity
        self.received = received
        self.from = from
        self.organizer = organizer
        self.requiredAttendees = requiredAttendees
        self.optionalAttendees = optionalAttendees
        self.resources = resources
        self.start = start
        self.end = end
        self.isAllDay = isAllDay
        self.startTimeZoneId = startTimeZoneId
        self.location = location
        self.isRecurring = isRecurring
        self.recurrence = recurrence
        self.calendarItemType = calendarItemType
        self.uid = uid
        self.recurrenceId = recurrenceId
        self.sequenceNumber = sequenceNumber
        self.requestType = requestType
        self.intendedFreeBusy = intendedFreeBusy
        self.isOutOfDate = isOutOfDate
        self.isCancelled = isCancelled
        self.responseType = responseType
        self.proposedStart = proposedStart
        self.proposedEnd = proposedEnd
        self.associatedCalendarItemId = associatedCalendarItemId
        self.conflictingMeetingCount = conflictingMeetingCount
        self.sent = sent
        self.hasBeenProcessed = hasBeenProcessed
        self.myResponse = myResponse
        self.isOrganizer = isOrganizer
        self.isResponseRequested = isResponseRequested
    }

    /// Every attendee, required, optional and resources, each with its role.
    public var attendees: [Attendee] { requiredAttendees + optionalAttendees + resources }
}
