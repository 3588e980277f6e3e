import EWS
import Foundation
import XML

/// Reads the properties a client may set on a calendar item or message,
/// from a `t:CalendarItem`/`t:Message` element (CreateItem) or the item
/// element inside a SetItemField (UpdateItem). Returns the FieldURIs it changed.
enum ItemFields {
    @discardableResult
    static func apply(_ element: XMLElement, to item: inout StoredItem) -> Set<String> {
        var changed: Set<String> = []
        for field in element.children {
            let name = field.localName
            switch name {
            case "Subject": item.subject = field.text
            case "Body":
                item.body = field.text
                item.bodyType = field.attribute("BodyType") ?? "Text"
            case "Sensitivity": item.sensitivity = field.trimmedText
            case "Importance": item.importance = field.trimmedText
            case "ItemClass": item.itemClass = field.trimmedText
            case "IsRead": item.isRead = RequestValue.bool(field) ?? item.isRead
            case "Start": item.start = RequestValue.date(field) ?? item.start
            case "End": item.end = RequestValue.date(field) ?? item.end
            case "IsAllDayEvent": item.isAllDay = RequestValue.bool(field) ?? item.isAllDay
            case "LegacyFreeBusyStatus": item.freeBusy = field.trimmedText
            case "Location": item.location = field.text
            case "UID": item.uid = field.trimmedText
            case "ToRecipients": item.toRecipients = field.children.compactMap(RequestValue.address)
            case "RequiredAttendees", "OptionalAttendees", "Resources":
                let role: Attendee.Role = name == "RequiredAttendees" ? .required : (name == "OptionalAttendees" ? .optional : .resource)
                item.attendees.removeAll { $0.role == role }
                item.attendees += field.children("Attendee").compactMap { attendee in
                    RequestValue.address(attendee.child("Mailbox")).map { Attendee(address: $0, role: role) }
                }
            default: continue
            }
            changed.insert(ItemWriter.fieldURI[name] ?? name)
        }
        if !item.attendees.isEmpty { item.isMeeting = true }
        return changed
    }
}
