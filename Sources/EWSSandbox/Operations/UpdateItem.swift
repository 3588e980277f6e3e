import EWS
import Foundation
import XML

/// UpdateItem: SetItemField / AppendToItemField / DeleteItemField on items;
/// for an organizer's meeting, sends a full or informational update. New
/// times for an occurrence make it an exception of its series.
/// https://learn.microsoft.com/en-us/exchange/client-developer/web-service-reference/updateitem-operation
enum UpdateItem: SandboxOperation {
    static let name = "UpdateItem"
    static func run(
        _ request: XMLElement, _ context: OperationContext, _ store: inout StoreState,
        _ out: XMLWriter
    ) throws(SOAPFault) {
        let conflict = request.attribute("ConflictResolution") ?? "AutoResolve"
        let sending = request.attribute("SendMeetingInvitationsOrCancellations")
        ResponseMessage.response(name, to: out) {
            for (index, change) in (request.child("ItemChanges")?.children ?? []).enumerated() {
                let result = Result { () throws(StoreError) -> StoredItem in
                    if let fault = context.itemFault(index) { throw fault }
                    return try update(change, conflict: conflict, sending: sending, context, &store)
                }
                ResponseMessage.write(name, error: result.failure, warning: context.itemWarning(index), to: out) {
                    out.element("m:Items") { if case .success(let item) = result { ItemWriter.writeId(item, to: out) } }
                    if result.failure == nil { out.element("m:ConflictResults") { out.element("t:Count", text: "0") } }
                }
            }
        }
    }

    private static func update(
        _ change: XMLElement, conflict: String, sending: String?,
        _ context: OperationContext, _ store: inout StoreState
    ) throws(StoreError) -> StoredItem {
        let idNames: Set = ["ItemId", "OccurrenceItemId", "RecurringMasterItemId"]
        guard let idElement = change.children.first(where: { idNames.contains($0.localName) }) else {
            throw StoreError(.invalidRequest, "ItemId is required.")
        }
        var item = try store.resolveItem(idElement, context, allowingOccurrence: true)
        // A stale ChangeKey loses unless the client says to overwrite (ConflictResolution).
        if let key = idElement.attribute("ChangeKey"), key != item.changeKey, conflict != "AlwaysOverwrite" {
            throw StoreError(
                .irresolvableConflict,
                "The change key passed in the request does not match the current change key for the item.")
        }
        if item.kind == .calendarItem, sending == nil {
            throw StoreError(
                ResponseCode(rawValue: "ErrorSendMeetingInvitationsOrCancellationsRequired"),
                "SendMeetingInvitationsOrCancellations is required for calendar items.")
        }
        let before = item
        var changed: Set<String> = []
        for update in change.child("Updates")?.children ?? [] {
            let uri = update.child("FieldURI")?.attribute("FieldURI") ?? ""
            switch update.localName {
            case "SetItemField", "AppendToItemField":
                guard
                    let value = update.children.first(where: {
                        $0.localName != "FieldURI" && $0.localName != "ExtendedFieldURI"
                            && $0.localName != "IndexedFieldURI"
                    })
                else { continue }
                changed.formUnion(try ItemFields.apply(value, to: &item))
            case "DeleteItemField":
                changed.insert(uri)
                clear(uri, on: &item)
            default: continue
            }
        }
        if item.occurrenceOf != nil {
            try store.moveOccurrence(item, changed: changed, sending: sending ?? "SendToNone", now: context.now)
            return try store.instance(item.id)
        }
        if item.kind == .calendarItem { try item.checkTimes() }
        try item.alignSeries()
        item.version += 1
        item.lastModified = context.now
        store.put(item)
        try store.publishChanges(
            of: item.id, before: before, changed: changed, sending: sending ?? "SendToNone", now: context.now)
        return try store.item(item.id)
    }

    private static func clear(_ uri: String, on item: inout StoredItem) {
        switch uri {
        case "calendar:Location": item.location = nil
        case "calendar:Recurrence":
            item.recurrence = nil
            item.deletedOccurrences = []
            item.modifiedOccurrences = []
        case "calendar:RequiredAttendees": item.attendees.removeAll { $0.role == .required }
        case "calendar:OptionalAttendees": item.attendees.removeAll { $0.role == .optional }
        case "calendar:Resources": item.attendees.removeAll { $0.role == .resource }
        case "item:Body": item.body = ""
        default: break
        }
    }
}
