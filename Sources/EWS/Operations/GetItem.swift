import Foundation
import XML

/// GetItem for a batch of ids, with one of two shapes: meeting messages with
/// every field the rules need (PROTOCOL.md 4.1), or calendar items with their
/// attendees' recorded responses (PROTOCOL.md 6.1). One response message per
/// id, in request order.
/// https://learn.microsoft.com/en-us/exchange/client-developer/web-service-reference/getitem-operation
struct GetItem<Element: Sendable>: PerItemOperation {
    static var name: String { "GetItem" }
    static var isIdempotent: Bool { true }

    var ids: [ItemId]
    let fieldURIs: [String]
    let textBody: Bool
    let read: @Sendable (XMLElement) throws(EWSError) -> Element

    var itemCount: Int { ids.count }

    func subset(_ positions: [Int]) -> Self {
        var copy = self
        copy.ids = positions.map { ids[$0] }
        return copy
    }

    func writeBody(to w: XMLWriter) {
        w.element("m:GetItem") {
            w.itemShape(fieldURIs, textBody: textBody)
            w.element("m:ItemIds") { for id in ids { w.itemId(id) } }
        }
    }

    func parse(_ response: XMLElement) throws(EWSError) -> [ItemResult<Element>] {
        try ResponseMessage.all(in: response).map { message in
            message.result { (element: XMLElement) throws(EWSError) -> Element in
                guard let item = element.child("Items")?.children.first else {
                    throw EWSError(.invalidResponse, "GetItem answered success without an item")
                }
                return try read(item)
            }
        }
    }
}

extension GetItem where Element == MeetingMessage {
    /// `defaultTimeZone` is the zone of a recurring series whose message names none.
    static func meetingMessages(_ ids: [ItemId], defaultTimeZone: TimeZone = .gmt) -> Self {
        GetItem(ids: ids, fieldURIs: meetingMessageFields, textBody: true) { (item) throws(EWSError) in
            try MeetingMessage(xml: item, defaultTimeZone: defaultTimeZone)
        }
    }

    /// Asked of every message whatever its class: a field a class lacks is
    /// left out of the answer (PROTOCOL.md 4.1).
    static let meetingMessageFields = [
        "item:ItemClass", "item:Subject", "item:Body", "item:Sensitivity", "item:DateTimeReceived", "item:DateTimeSent",
        "message:From", "message:IsResponseRequested",
        "meeting:AssociatedCalendarItemId", "meeting:IsOutOfDate", "meeting:HasBeenProcessed", "meeting:ResponseType",
        "calendar:IsOrganizer", "calendar:MyResponseType",
        "meeting:ProposedStart", "meeting:ProposedEnd",
        "meetingRequest:MeetingRequestType", "meetingRequest:IntendedFreeBusyStatus",
        "calendar:Start", "calendar:End", "calendar:IsAllDayEvent", "calendar:Location", "calendar:IsCancelled",
        "calendar:IsRecurring", "calendar:CalendarItemType", "calendar:Organizer", "calendar:RequiredAttendees",
        "calendar:OptionalAttendees", "calendar:Resources", "calendar:ConflictingMeetingCount",
        "calendar:AppointmentSequenceNumber", "calendar:UID", "calendar:RecurrenceId", "calendar:StartTimeZone",
        "calendar:Recurrence", "calendar:ModifiedOccurrences", "calendar:DeletedOccurrences",
    ]
}

extension GetItem where Element == CalendarItem {
    static func calendarItems(_ ids: [ItemId]) -> Self {
        GetItem(ids: ids, fieldURIs: calendarItemFields, textBody: false, read: CalendarItem.init(xml:))
    }

    static let calendarItemFields = [
        "item:Subject", "calendar:Start", "calendar:End", "calendar:IsMeeting", "calendar:IsCancelled",
        "calendar:CalendarItemType", "calendar:MyResponseType", "calendar:Organizer", "calendar:RequiredAttendees",
        "calendar:OptionalAttendees", "calendar:Resources", "calendar:UID", "calendar:IsOrganizer",
    ]
}

extension MeetingMessage {
    /// Reads a `t:MeetingRequest`, `t:MeetingResponse`, `t:MeetingCancellation`
    /// or `t:MeetingMessage`, children by name in any order. A recurrence that
    /// cannot be read fails the item: deciding on a misread series would be worse.
    init(xml item: XMLElement, defaultTimeZone: TimeZone) throws(EWSError) {
        let id = try item.requiredItemId()
        let series: RecurringSeries?
        do {
            series = try RecurringSeries(item: item, defaultTimeZone: defaultTimeZone)
        } catch {
            throw EWSError(.invalidResponse, "the recurrence of item \(id) cannot be read: \(error)")
        }
        self.init(
            id: id, itemClass: item.childText("ItemClass") ?? "",
            subject: item.childText("Subject") ?? "", body: item.childText("Body") ?? "",
            sensitivity: item.string("Sensitivity").map(Sensitivity.init(rawValue:)),
            received: item.date("DateTimeReceived"),
            from: item.mailbox("From"), organizer: item.mailbox("Organizer"),
            requiredAttendees: item.attendees(.required),
            optionalAttendees: item.attendees(.optional),
            resources: item.attendees(.resource), start: item.date("Start"), end: item.date("End"),
            isAllDay: item.bool("IsAllDayEvent") ?? false,
            startTimeZoneId: item.child("StartTimeZone")?.attribute("Id")?.trimmed,
            location: item.string("Location"), isRecurring: item.bool("IsRecurring") == true || series != nil,
            recurrence: series,
            calendarItemType: item.string("CalendarItemType").map(CalendarItemType.init(rawValue:)),
            uid: item.string("UID"), recurrenceId: item.date("RecurrenceId"),
            sequenceNumber: item.int("AppointmentSequenceNumber"),
            requestType: item.string("MeetingRequestType").map(MeetingRequestType.init(rawValue:)),
            intendedFreeBusy: item.string("IntendedFreeBusyStatus").map(FreeBusyStatus.init(rawValue:)),
            isOutOfDate: item.bool("IsOutOfDate") ?? false, isCancelled: item.bool("IsCancelled") ?? false,
            responseType: item.string("ResponseType").map(ResponseType.init(rawValue:)),
            proposedStart: item.date("ProposedStart"), proposedEnd: item.date("ProposedEnd"),
            associatedCalendarItemId: item.itemId("AssociatedCalendarItemId"),
            conflictingMeetingCount: item.int("ConflictingMeetingCount"),
            sent: item.date("DateTimeSent"), hasBeenProcessed: item.bool("HasBeenProcessed") ?? false,
            myResponse: item.string("MyResponseType").map(ResponseType.init(rawValue:)),
            isOrganizer: item.bool("IsOrganizer") ?? false,
            // Absent means requested: the organizer must switch responses off (PROTOCOL.md 5.1).
            isResponseRequested: item.bool("IsResponseRequested") ?? true)
    }
}

extension CalendarItem {
    /// Reads a `t:CalendarItem`.
    init(xml item: XMLElement) throws(EWSError) {
        let myResponse = item.string("MyResponseType").map(ResponseType.init(rawValue:))
        self.init(
            id: try item.requiredItemId(), subject: item.childText("Subject") ?? "", start: item.date("Start"),
            end: item.date("End"),
            uid: item.string("UID"), organizer: item.mailbox("Organizer"), myResponse: myResponse,
            isOrganizer: item.bool("IsOrganizer") == true || myResponse == .organizer,
            isMeeting: item.bool("IsMeeting") ?? true, isCancelled: item.bool("IsCancelled") ?? false,
            type: item.string("CalendarItemType").map(CalendarItemType.init(rawValue:)),
            requiredAttendees: item.attendees(.required),
            optionalAttendees: item.attendees(.optional),
            resources: item.attendees(.resource))
    }
}
