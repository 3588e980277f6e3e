import EWS
import Foundation
import XML

/// Writes stored items as EWS `t:Message`, `t:CalendarItem`, `t:MeetingRequest`…
/// elements with the properties a shape asks for, in exact schema order
/// (types.xsd sequences), so every answer validates.
enum ItemWriter {
    /// `store` supplies what the item refers to (the current ChangeKey of its calendar item).
    static func write(_ item: StoredItem, shape: ItemShape, in store: StoreState, to out: XMLWriter) {
        out.element("t:" + item.kind.elementName) {
            out.element("t:ItemId", ["Id": item.id, "ChangeKey": item.changeKey])
            for name in order[item.kind] ?? [] {
                guard let uri = fieldURI(name, of: item.kind), shape.includes(uri) else { continue }
                writeField(name, of: item, summary: shape.summary, in: store, to: out)
            }
        }
    }

    /// What ConflictingMeetings and AdjacentMeetings tell of each calendar item.
    private static let neighbourShape = ItemShape(
        fields: [
            "item:Subject", "calendar:Start", "calendar:End", "calendar:LegacyFreeBusyStatus", "calendar:Location",
        ])

    /// Just the id element, as CreateItem and MoveItem answer.
    static func writeId(_ item: StoredItem, to out: XMLWriter) {
        out.element("t:" + item.kind.elementName) {
            out.element("t:ItemId", ["Id": item.id, "ChangeKey": item.changeKey])
        }
    }

    // Element order per item type (types.xsd: ItemType, then MessageType,
    // MeetingMessageType and the specific type; or CalendarItemType).
    private static let itemPart = [
        "ParentFolderId", "ItemClass", "Subject", "Sensitivity", "Body", "DateTimeReceived",
        "Size", "Importance", "IsDraft", "DateTimeSent", "DateTimeCreated", "ResponseObjects",
        "DisplayTo", "HasAttachments", "LastModifiedTime",
    ]
    private static let messagePart = [
        "Sender", "ToRecipients", "From", "IsRead", "IsResponseRequested", "ReceivedRepresenting",
    ]
    private static let meetingPart = [
        "AssociatedCalendarItemId", "IsDelegated", "IsOutOfDate", "HasBeenProcessed",
        "ResponseType", "UID", "RecurrenceId", "DateTimeStamp", "IsOrganizer",
    ]
    private static let calendarCore = [
        "Start", "End", "OriginalStart", "IsAllDayEvent", "LegacyFreeBusyStatus", "Location", "IsMeeting",
        "IsCancelled", "IsRecurring", "MeetingRequestWasSent",
    ]
    private static let people = ["Organizer", "RequiredAttendees", "OptionalAttendees", "Resources"]
    private static let conflicts = [
        "ConflictingMeetingCount", "AdjacentMeetingCount", "ConflictingMeetings", "AdjacentMeetings",
    ]
    private static let seriesPart = [
        "Recurrence", "FirstOccurrence", "LastOccurrence", "ModifiedOccurrences",
        "DeletedOccurrences", "MeetingTimeZone", "StartTimeZone", "EndTimeZone",
    ]
    private static let zoneIds = ["StartTimeZoneId", "EndTimeZoneId"]
    static let order: [ItemKind: [String]] = [
        .message: itemPart + messagePart,
        .meetingRequest: itemPart + messagePart + meetingPart + ["MeetingRequestType", "IntendedFreeBusyStatus"]
            + calendarCore + ["CalendarItemType", "MyResponseType"] + people + conflicts
            + ["Duration", "AppointmentSequenceNumber", "AppointmentState"] + seriesPart + zoneIds,
        .meetingResponse: itemPart + messagePart + meetingPart
            + ["Start", "End", "Location", "Recurrence", "CalendarItemType", "ProposedStart", "ProposedEnd"],
        .meetingCancellation: itemPart + messagePart + meetingPart + [
            "Start", "End", "Location", "Recurrence", "CalendarItemType",
        ],
        .calendarItem: itemPart + ["UID", "RecurrenceId", "DateTimeStamp"] + calendarCore
            + ["IsResponseRequested", "CalendarItemType", "MyResponseType"] + people + conflicts
            + ["Duration", "AppointmentSequenceNumber", "AppointmentState"] + seriesPart + zoneIds + ["IsOrganizer"],
    ]

    /// The FieldURI of each element written (UnindexedFieldURIType).
    static let fieldURI: [String: String] = {
        var map: [String: String] = [:]
        let groups: [(String, [String])] = [
            ("item", itemPart),
            ("message", messagePart),
            (
                "meeting",
                [
                    "AssociatedCalendarItemId", "IsDelegated", "IsOutOfDate", "HasBeenProcessed", "ResponseType",
                    "ProposedStart", "ProposedEnd",
                ]
            ),
            ("meetingRequest", ["MeetingRequestType", "IntendedFreeBusyStatus"]),
            (
                "calendar",
                [
                    "UID", "RecurrenceId", "DateTimeStamp", "IsOrganizer", "CalendarItemType", "MyResponseType",
                    "Duration", "AppointmentSequenceNumber", "AppointmentState",
                ]
                    + calendarCore + people + conflicts + seriesPart + zoneIds
            ),
        ]
        for (prefix, names) in groups {
            for name in names where map[name] == nil { map[name] = prefix + ":" + name }
        }
        return map
    }()

    /// The FieldURI of element `name` on an item of `kind`: a calendar item's
    /// IsResponseRequested is its own (`calendar:`), a message's (a meeting
    /// request's too) comes from MessageType (`message:`).
    static func fieldURI(_ name: String, of kind: ItemKind) -> String? {
        kind == .calendarItem && name == "IsResponseRequested" ? "calendar:IsResponseRequested" : fieldURI[name]
    }

    private static func writeField(
        _ name: String, of item: StoredItem, summary: Bool, in store: StoreState, to out: XMLWriter
    ) {
        func text(_ value: String?) { if let value { out.element("t:" + name, text: value) } }
        func bool(_ value: Bool) { out.element("t:" + name, text: value ? "true" : "false") }
        func date(_ value: Date?) { text(value.map(EWSDateTime.format)) }
        func mailbox(_ address: StoredAddress?) {
            guard let address else { return }
            out.element("t:" + name) {
                // FindItem "only returns the Name … and does not return the EmailAddress"
                // of From, Sender and Organizer (FindItem operation reference, PROTOCOL.md 3.1).
                if summary, name != "ReceivedRepresenting" {
                    out.element("t:Mailbox") { out.element("t:Name", text: address.name) }
                } else {
                    writeMailbox(address, in: store, to: out)
                }
            }
        }
        func meetings(_ list: [StoredItem]) {
            guard !list.isEmpty else { return }
            out.element("t:" + name) { for m in list { write(m, shape: neighbourShape, in: store, to: out) } }
        }
        func attendees(_ role: StoredAttendee.Role) {
            let list = item.attendees.filter { $0.role == role }
            guard !list.isEmpty else { return }
            out.element("t:" + name) {
                for attendee in list {
                    out.element("t:Attendee") {
                        out.element("t:Mailbox") { writeMailboxContent(attendee.address, in: store, to: out) }
                        if item.isOrganizer {
                            out.element("t:ResponseType", text: attendee.responseType)
                            if let time = attendee.lastResponseTime {
                                out.element("t:LastResponseTime", text: EWSDateTime.format(time))
                            }
                            if let start = attendee.proposedStart {
                                out.element("t:ProposedStart", text: EWSDateTime.format(start))
                            }
                            if let end = attendee.proposedEnd {
                                out.element("t:ProposedEnd", text: EWSDateTime.format(end))
                            }
                        }
                    }
                }
            }
        }
        switch name {
        case "ParentFolderId": out.element("t:ParentFolderId", ["Id": item.folderId, "ChangeKey": "AQAAAA=="])
        case "ItemClass": text(item.itemClass)
        case "Subject": text(item.subject)
        case "Sensitivity": text(item.sensitivity)
        case "Body": out.element("t:Body", ["BodyType": item.bodyType], text: item.body)
        case "DateTimeReceived": date(item.received)
        case "Size": text(String(item.subject.utf8.count + item.body.utf8.count + 512))
        case "Importance": text(item.importance)
        case "IsDraft": bool(item.kind != .calendarItem && item.sent == nil)
        case "DateTimeSent": date(item.sent)
        case "DateTimeCreated": date(item.created)
        case "ResponseObjects": writeResponseObjects(item, to: out)
        case "DisplayTo": text(item.toRecipients.map(\.name).joined(separator: "; "))
        case "HasAttachments": bool(false)
        case "LastModifiedTime": date(item.lastModified)
        case "Sender", "From": mailbox(item.from)
        case "ToRecipients":
            guard !item.toRecipients.isEmpty else { return }
            out.element("t:ToRecipients") { for r in item.toRecipients { writeMailbox(r, in: store, to: out) } }
        case "IsRead": bool(item.isRead)
        case "IsResponseRequested":
            switch item.kind {
            case .calendarItem: bool(item.isResponseRequested ?? item.isMeeting)
            case .meetingRequest: bool(item.isResponseRequested ?? true)
            case .message: bool(item.isResponseRequested ?? false)
            case .meetingResponse, .meetingCancellation: bool(false)
            }
        case "ReceivedRepresenting": mailbox(item.receivedRepresenting)
        case "AssociatedCalendarItemId":
            if let id = item.associatedCalendarItemId {
                out.element(
                    "t:AssociatedCalendarItemId",
                    ["Id": id, "ChangeKey": store.items[id]?.changeKey ?? IDCodec.changeKey(id: id, version: 1)])
            }
        case "IsDelegated": bool(item.isDelegated)
        case "IsOutOfDate": bool(item.isOutOfDate)
        case "HasBeenProcessed": bool(item.hasBeenProcessed)
        case "ResponseType": text(item.responseType)
        case "UID": text(item.uid)
        case "RecurrenceId": date(item.recurrenceId)
        case "DateTimeStamp": date(item.dateTimeStamp)
        case "IsOrganizer": bool(item.isOrganizer)
        case "MeetingRequestType": text(item.meetingRequestType)
        case "IntendedFreeBusyStatus": text(item.intendedFreeBusy)
        case "Start": date(item.start)
        case "End": date(item.end)
        case "OriginalStart": date(item.recurrence == nil ? item.recurrenceId : nil)
        case "IsAllDayEvent": bool(item.isAllDay)
        case "LegacyFreeBusyStatus": text(item.freeBusy)
        case "Location": text(item.location)
        case "IsMeeting": bool(item.isMeeting)
        case "IsCancelled": bool(item.isCancelled)
        case "IsRecurring": bool(item.isRecurring)
        case "MeetingRequestWasSent": bool(item.meetingRequestWasSent)
        case "CalendarItemType": text(item.calendarItemType)
        case "MyResponseType": text(item.isOrganizer ? "Organizer" : item.myResponseType)
        case "Organizer": mailbox(item.organizer)
        case "RequiredAttendees": attendees(.required)
        case "OptionalAttendees": attendees(.optional)
        case "Resources": attendees(.resource)
        case "ConflictingMeetingCount": text(String(store.neighbours(of: item).conflicting.count))
        case "AdjacentMeetingCount": text(String(store.neighbours(of: item).adjacent.count))
        case "ConflictingMeetings": meetings(store.neighbours(of: item).conflicting)
        case "AdjacentMeetings": meetings(store.neighbours(of: item).adjacent)
        case "Duration":
            if let start = item.start, let end = item.end { text(duration(end.timeIntervalSince(start))) }
        case "AppointmentSequenceNumber": text(String(item.sequence))
        case "AppointmentState": text(String(item.appointmentState))
        case "ProposedStart": date(item.proposedStart)
        case "ProposedEnd": date(item.proposedEnd)
        case "Recurrence": item.recurrence?.write(to: out)
        case "FirstOccurrence", "LastOccurrence", "ModifiedOccurrences", "DeletedOccurrences":
            writeOccurrences(name, of: item, to: out)
        case "MeetingTimeZone": if let id = item.timeZoneId { out.element("t:MeetingTimeZone", ["TimeZoneName": id]) }
        case "StartTimeZone", "EndTimeZone": if let id = item.timeZoneId { out.element("t:" + name, ["Id": id]) }
        case "StartTimeZoneId", "EndTimeZoneId": text(item.timeZoneId)
        default: break
        }
    }

    /// A master's first and last occurrence and its exceptions (OccurrenceInfoType:
    /// ItemId, Start, End, OriginalStart; DeletedOccurrenceInfoType: Start).
    private static func writeOccurrences(_ name: String, of item: StoredItem, to out: XMLWriter) {
        guard let series = item.series else { return }
        func info(_ element: String, originalStart: Date, start: Date, end: Date) {
            let id = IDCodec.occurrenceId(master: item.id, originalStart: originalStart)
            out.element("t:" + element) {
                out.element("t:ItemId", ["Id": id, "ChangeKey": IDCodec.changeKey(id: id, version: item.version)])
                out.element("t:Start", text: EWSDateTime.format(start))
                out.element("t:End", text: EWSDateTime.format(end))
                out.element("t:OriginalStart", text: EWSDateTime.format(originalStart))
            }
        }
        switch name {
        case "FirstOccurrence", "LastOccurrence":
            guard let o = name == "FirstOccurrence" ? series.firstOccurrence : series.lastOccurrence else { return }
            info(name, originalStart: o.originalStart, start: o.start, end: o.end)
        case "ModifiedOccurrences":
            guard !item.modifiedOccurrences.isEmpty else { return }
            out.element("t:ModifiedOccurrences") {
                for o in item.modifiedOccurrences {
                    info("Occurrence", originalStart: o.originalStart, start: o.start, end: o.end)
                }
            }
        default:
            guard !item.deletedOccurrences.isEmpty else { return }
            out.element("t:DeletedOccurrences") {
                for start in item.deletedOccurrences {
                    out.element("t:DeletedOccurrence") { out.element("t:Start", text: EWSDateTime.format(start)) }
                }
            }
        }
    }

    static func writeMailbox(_ address: StoredAddress, in store: StoreState, to out: XMLWriter) {
        out.element("t:Mailbox") { writeMailboxContent(address, in: store, to: out) }
    }

    /// A mailbox of the store marked `EX` is named by its legacy DN, as
    /// Exchange can name internal senders (PROTOCOL.md 6.5).
    private static func writeMailboxContent(_ address: StoredAddress, in store: StoreState, to out: XMLWriter) {
        let exchange = store.mailbox(address.email).flatMap { $0.routingType == .ex ? $0 : nil }
        out.element("t:Name", text: address.name)
        out.element("t:EmailAddress", text: exchange?.legacyDN ?? address.email)
        out.element("t:RoutingType", text: (exchange?.routingType ?? .smtp).rawValue)
        out.element("t:MailboxType", text: "Mailbox")
    }

    /// The responses a client may create for the item (item:ResponseObjects).
    private static func writeResponseObjects(_ item: StoredItem, to out: XMLWriter) {
        var names: [String]
        switch item.kind {
        case .meetingRequest:
            names = [
                "AcceptItem", "TentativelyAcceptItem", "DeclineItem", "ReplyToItem", "ReplyAllToItem", "ForwardItem",
                "ProposeNewTime",
            ]
        case .meetingCancellation: names = ["RemoveItem", "ReplyToItem", "ReplyAllToItem", "ForwardItem"]
        case .calendarItem where item.isOrganizer: names = ["CancelCalendarItem", "ForwardItem"]
        case .calendarItem where item.isMeeting:
            names = [
                "AcceptItem", "TentativelyAcceptItem", "DeclineItem", "ReplyToItem", "ReplyAllToItem", "ForwardItem",
            ]
        default: names = ["ReplyToItem", "ReplyAllToItem", "ForwardItem"]
        }
        if item.isCancelled, item.kind == .calendarItem { names = ["ForwardItem"] }
        out.element("t:ResponseObjects") { for n in names { out.element("t:" + n) } }
    }

    /// An xs:duration such as `PT1H30M`.
    static func duration(_ seconds: TimeInterval) -> String {
        let total = max(0, Int(seconds))
        let days = total / 86_400
        let hours = total / 3600 % 24
        let minutes = total / 60 % 60
        let secs = total % 60
        var text = "P" + (days > 0 ? "\(days)D" : "") + "T"
        if hours > 0 { text += "\(hours)H" }
        if minutes > 0 { text += "\(minutes)M" }
        if secs > 0 || text.hasSuffix("T") { text += "\(secs)S" }
        return text
    }
}
