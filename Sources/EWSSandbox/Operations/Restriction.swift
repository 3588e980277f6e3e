import EWS
import Foundation
import XML

/// A FindItem restriction compiled once per request and evaluated per item:
/// And, Or, Not, IsEqualTo, IsNotEqualTo, the four comparisons, Contains and
/// Exists on the fields the bot and exchangelib filter on.
/// https://learn.microsoft.com/en-us/exchange/client-developer/web-service-reference/restriction
indirect enum Restriction {
    case and([Restriction])
    case or([Restriction])
    case not(Restriction)
    case compare(Comparison, field: String, constant: String)
    case contains(field: String, constant: String, mode: String, ignoreCase: Bool)
    case exists(field: String)

    enum Comparison: String {
        case equal = "IsEqualTo", notEqual = "IsNotEqualTo", greater = "IsGreaterThan"
        case greaterOrEqual = "IsGreaterThanOrEqualTo", less = "IsLessThan", lessOrEqual = "IsLessThanOrEqualTo"
    }

    /// Compiles `m:Restriction`'s single child; unknown elements are a request error.
    init(_ element: XMLElement) throws(SOAPFault) {
        let name = element.localName
        let field = element.child("FieldURI")?.attribute("FieldURI") ?? ""
        switch name {
        case "And", "Or":
            var parts: [Restriction] = []
            for child in element.children { parts.append(try Restriction(child)) }
            self = name == "And" ? .and(parts) : .or(parts)
        case "Not":
            guard let inner = element.children.first else { throw SOAPFault(.invalidRequest, "Not needs a child.") }
            self = .not(try Restriction(inner))
        case "Exists":
            self = .exists(field: field)
        case "Contains":
            self = .contains(
                field: field, constant: element.child("Constant")?.attribute("Value") ?? "",
                mode: element.attribute("ContainmentMode") ?? "Substring",
                ignoreCase: element.attribute("ContainmentComparison")?.contains("IgnoreCase") ?? false)
        default:
            guard let comparison = Comparison(rawValue: name) else {
                throw SOAPFault(.invalidRequest, "The sandbox does not support the restriction \(name).")
            }
            let constant = element.child("FieldURIOrConstant")?.child("Constant")?.attribute("Value") ?? ""
            self = .compare(comparison, field: field, constant: constant)
        }
    }

    func matches(_ item: StoredItem) -> Bool {
        switch self {
        case .and(let parts): return parts.allSatisfy { $0.matches(item) }
        case .or(let parts): return parts.contains { $0.matches(item) }
        case .not(let inner): return !inner.matches(item)
        case .exists(let field): return FieldValue.of(field, item) != nil
        case .contains(let field, let constant, let mode, let ignoreCase):
            guard case .text(var value)? = FieldValue.of(field, item) else { return false }
            var needle = constant
            if ignoreCase {
                value = value.lowercased()
                needle = needle.lowercased()
            }
            switch mode {
            case "FullString": return value == needle
            case "Prefixed": return value.hasPrefix(needle)
            case "PrefixOnWords", "ExactPhrase":
                return value.split(separator: " ").contains { $0.hasPrefix(needle) } || value.contains(needle)
            default: return value.contains(needle)
            }
        case .compare(let comparison, let field, let constant):
            guard let value = FieldValue.of(field, item) else { return comparison == .notEqual }
            guard let order = value.compare(to: constant) else { return comparison == .notEqual }
            switch comparison {
            case .equal: return order == .orderedSame
            case .notEqual: return order != .orderedSame
            case .greater: return order == .orderedDescending
            case .greaterOrEqual: return order != .orderedAscending
            case .less: return order == .orderedAscending
            case .lessOrEqual: return order != .orderedDescending
            }
        }
    }
}

/// A property value of a stored item, for restrictions and sorting.
enum FieldValue {
    case text(String)
    case date(Date)
    case bool(Bool)
    case number(Int)

    static func of(_ uri: String, _ item: StoredItem) -> FieldValue? {
        switch uri {
        case "item:ItemClass": .text(item.itemClass)
        case "item:Subject": .text(item.subject)
        case "item:Body": .text(item.body)
        case "item:Importance": .text(item.importance)
        case "item:Sensitivity": .text(item.sensitivity)
        case "item:DateTimeReceived": .date(item.received)
        case "item:DateTimeCreated": .date(item.created)
        case "item:LastModifiedTime": .date(item.lastModified)
        case "item:DateTimeSent": item.sent.map(FieldValue.date)
        case "message:IsRead": .bool(item.isRead)
        case "message:From", "message:Sender": item.from.map { .text($0.email) }
        case "calendar:Start": item.start.map(FieldValue.date)
        case "calendar:End": item.end.map(FieldValue.date)
        case "calendar:UID": item.uid.map(FieldValue.text)
        case "calendar:Location": item.location.map(FieldValue.text)
        case "calendar:IsCancelled": .bool(item.isCancelled)
        case "calendar:IsMeeting": .bool(item.isMeeting)
        case "calendar:IsAllDayEvent": .bool(item.isAllDay)
        case "calendar:IsRecurring": .bool(item.isRecurring)
        case "calendar:LegacyFreeBusyStatus": item.freeBusy.map(FieldValue.text)
        case "calendar:MyResponseType": item.myResponseType.map(FieldValue.text)
        case "calendar:CalendarItemType": .text(item.calendarItemType)
        case "calendar:Organizer": item.organizer.map { .text($0.email) }
        case "calendar:AppointmentSequenceNumber": .number(item.sequence)
        case "meeting:IsOutOfDate": .bool(item.isOutOfDate)
        case "meeting:HasBeenProcessed": .bool(item.hasBeenProcessed)
        case "meeting:ResponseType": item.responseType.map(FieldValue.text)
        case "meetingRequest:MeetingRequestType": item.meetingRequestType.map(FieldValue.text)
        default: nil
        }
    }

    /// Compares with a restriction constant, read as this value's type.
    func compare(to constant: String) -> ComparisonResult? {
        switch self {
        case .text(let value):
            return value.lowercased() == constant.lowercased()
                ? .orderedSame
                : (value.lowercased() < constant.lowercased() ? .orderedAscending : .orderedDescending)
        case .date(let value):
            return EWSDateTime.parse(constant).map {
                value == $0 ? .orderedSame : (value < $0 ? .orderedAscending : .orderedDescending)
            }
        case .bool(let value):
            return RequestValue.bool(constant).map {
                value == $0 ? .orderedSame : (value ? .orderedDescending : .orderedAscending)
            }
        case .number(let value):
            return Int(constant).map {
                value == $0 ? .orderedSame : (value < $0 ? .orderedAscending : .orderedDescending)
            }
        }
    }

    /// Orders two values of the same field; missing values sort first.
    static func ascending(_ a: FieldValue?, _ b: FieldValue?) -> Bool {
        switch (a, b) {
        case (nil, nil): false
        case (nil, _): true
        case (_, nil): false
        case (.text(let x)?, .text(let y)?): x.lowercased() < y.lowercased()
        case (.date(let x)?, .date(let y)?): x < y
        case (.bool(let x)?, .bool(let y)?): !x && y
        case (.number(let x)?, .number(let y)?): x < y
        default: false
        }
    }
}
