import Foundation

/// One item or occurrence in a calendar view: enough to tell whether it
/// makes the mailbox busy (PRODUCT.md 2, step 3). A view is a FindItem,
/// which names people without their addresses (PROTOCOL.md 3.1), so an entry
/// carries none: whoever needs one reads the item with GetItem.
public struct CalendarEntry: Sendable, Hashable {
    public var id: ItemId
    public var subject: String?
    public var start: Date
    public var end: Date
    public var isAllDay: Bool
    public var freeBusy: FreeBusyStatus?
    public var isCancelled: Bool
    public var type: CalendarItemType?
    /// The mailbox's own answer: NoResponseReceived marks the placeholders the
    /// Calendar Attendant puts up for unanswered requests.
    public var myResponse: ResponseType?
    public var uid: String?

    public init(
        id: ItemId, subject: String? = nil, start: Date, end: Date, isAllDay: Bool = false,
        freeBusy: FreeBusyStatus? = nil, isCancelled: Bool = false, type: CalendarItemType? = nil,
        myResponse: ResponseType? = nil, uid: String? = nil
    ) {
        self.id = id
        self.subject = subject
        self.start = start
        self.end = end
        self.isAllDay = isAllDay
        self.freeBusy = freeBusy
        self.isCancelled = isCancelled
        self.type = type
        self.myResponse = myResponse
        self.uid = uid
    }
}

/// A calendar item read in full, typically the organizer's meeting, whose
/// attendees show the responses the server recorded (PROTOCOL.md 6.1).
public struct CalendarItem: Sendable, Equatable {
    public var id: ItemId
    public var subject: String
    public var start: Date?
    public var end: Date?
    public var uid: String?
    public var organizer: Mailbox?
    public var myResponse: ResponseType?
    /// The mailbox's own meeting: IsOrganizer, or MyResponseType Organizer.
    public var isOrganizer: Bool
    public var isMeeting: Bool
    public var isCancelled: Bool
    public var type: CalendarItemType?
    public var requiredAttendees: [Attendee]
    public var optionalAttendees: [Attendee]
    public var resources: [Attendee]

    public init(
        id: ItemId, subject: String = "", start: Date? = nil, end: Date? = nil, uid: String? = nil,
        organizer: Mailbox? = nil, myResponse: ResponseType? = nil, isOrganizer: Bool = false, isMeeting: Bool = true,
        isCancelled: Bool = false, type: CalendarItemType? = nil, requiredAttendees: [Attendee] = [],
        optionalAttendees: [Attendee] = [], resources: [Attendee] = []
    ) {
        self.id = id
        self.subject = subject
        self.start = start
        self.end = end
        self.uid = uid
        self.organizer = organizer
        self.myResponse = myResponse
        self.isOrganizer = isOrganizer
        self.isMeeting = isMeeting
        self.isCancelled = isCancelled
        self.type = type
        self.requiredAttendees = requiredAttendees
        self.optionalAttendees = optionalAttendees
        self.resources = resources
    }

    /// Every attendee, required, optional and resources.
    public var attendees: [Attendee] { requiredAttendees + optionalAttendees + resources }

    /// The attendee with this SMTP address, compared without case.
    public func attendee(_ address: String) -> Attendee? {
        attendees.first { $0.mailbox.address?.caseInsensitiveCompare(address) == .orderedSame }
    }
}
