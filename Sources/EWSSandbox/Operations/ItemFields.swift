import EWS
import Foundation
import XML

/// Reads the properties a client may set on a calendar item or message,
/// from a `t:CalendarItem`/`t:Message` element (CreateItem) or the item
/// element inside a SetItemField (UpdateItem). Returns the FieldURIs it
/// changed; a recurrence or time zone that cannot be used is refused with
/// Exchange's error.
enum ItemFields {
    @discardableResult
    static func apply(_ element: XMLElement, to item: inout StoredItem) throws(StoreError) -> Set<String> {
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
            case "IsResponseRequested": item.isResponseRequested = RequestValue.bool(field)
            case "Start": item.start = RequestValue.date(field) ?? item.start
            case "End": item.end = RequestValue.date(field) ?? item.end
            case "IsAllDayEvent": item.isAllDay = RequestValue.bool(field) ?? item.isAllDay
            case "LegacyFreeBusyStatus": item.freeBusy = field.trimmedText
            case "Location": item.location = field.text
            case "UID": item.uid = field.trimmedText
            case "Recurrence":
                do { item.recurrence = try Recurrence(xml: field) } catch {
                    throw StoreError(
                        ResponseCode(rawValue: "ErrorCalendarInvalidRecurrence"), "The recurrence is invalid: \(error)")
                }
            // The series keeps one zone, the start's (EndTimeZone differs only for travel).
            case "StartTimeZone", "MeetingTimeZone": item.timeZoneId = try windowsId(of: field, near: item.start)
            case "ToRecipients": item.toRecipients = field.children.compactMap(RequestValue.address)
            case "RequiredAttendees", "OptionalAttendees", "Resources":
                let role: StoredAttendee.Role =
                    name == "RequiredAttendees" ? .required : (name == "OptionalAttendees" ? .optional : .resource)
                item.attendees.removeAll { $0.role == role }
                item.attendees += field.children("Attendee").compactMap { attendee in
                    RequestValue.address(attendee.child("Mailbox")).map { StoredAttendee(address: $0, role: role) }
                }
            default: continue
            }
            changed.insert(ItemWriter.fieldURI(name, of: item.kind) ?? name)
        }
        if !item.attendees.isEmpty { item.isMeeting = true }
        return changed
    }
}

extension ItemFields {
    /// The Windows id of a `TimeZoneDefinitionType` or legacy `TimeZoneType`
    /// element: its own id when known, else the zone its rules describe.
    static func windowsId(of element: XMLElement, near date: Date?) throws(StoreError) -> String {
        let id = element.attribute("Id") ?? element.attribute("TimeZoneName")
        if let id, WindowsTimeZones.timeZone(forWindowsId: id) != nil { return id }
        let zone: TimeZone?
        do { zone = try EWSTimeZone.timeZone(from: element, near: date ?? Date(timeIntervalSince1970: 0)) } catch {
            throw invalidTimeZone("\(error)")
        }
        guard let zone, let windowsId = WindowsTimeZones.windowsId(for: zone) else {
            throw invalidTimeZone("'\(id ?? "")' is no Windows time zone, and its rules match none.")
        }
        return windowsId
    }

    private static func invalidTimeZone(_ why: String) -> StoreError {
        StoreError(ResponseCode(rawValue: "ErrorCalendarInvalidTimeZone"), "The time zone is invalid: \(why)")
    }
}
