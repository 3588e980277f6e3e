import EWS
import Foundation
import XML

/// DeleteItem: HardDelete, SoftDelete or MoveToDeletedItems; deleting an
/// organizer's meeting sends cancellations when asked to; deleting an
/// occurrence takes it out of its series.
/// https://learn.microsoft.com/en-us/exchange/client-developer/web-service-reference/deleteitem-operation
enum DeleteItem: SandboxOperation {
    static let name = "DeleteItem"

    static func run(
        _ request: XMLElement, _ context: OperationContext, _ store: inout StoreState,
        _ out: XMLWriter
    ) throws(SOAPFault) {
        let deleteType = request.attribute("DeleteType") ?? "MoveToDeletedItems"
        let cancellations = request.attribute("SendMeetingCancellations")
        ResponseMessage.response(name, to: out) {
            for (index, id) in (request.child("ItemIds")?.children ?? []).enumerated() {
                let result = Result { () throws(StoreError) in
                    if let fault = context.itemFault(index) { throw fault }
                    try delete(id, deleteType: deleteType, cancellations: cancellations, context, &store)
                }
                ResponseMessage.write(name, error: result.failure, warning: context.itemWarning(index), to: out)
            }
        }
    }

    private static func delete(
        _ id: XMLElement, deleteType: String, cancellations: String?,
        _ context: OperationContext, _ store: inout StoreState
    ) throws(StoreError) {
        let item = try store.resolveItem(id, context, allowingOccurrence: true)
        // Every refusal comes before any effect: a refused delete sends no cancellation.
        if item.kind == .calendarItem, cancellations == nil {
            throw StoreError(
                .sendMeetingCancellationsRequired, "SendMeetingCancellations is required for calendar items.")
        }
        let sending = cancellations ?? "SendToNone"
        // A delegate must use MoveItem instead (PROTOCOL.md 2.2).
        let toDeletedItems = deleteType == "MoveToDeletedItems"
        if toDeletedItems, item.mailbox != context.mailbox {
            throw StoreError(
                ResponseCode(rawValue: "ErrorCannotDeleteObject"),
                "Delegates cannot move items to Deleted Items; use MoveItem.")
        }
        let deleted = try store.folderId("deleteditems", of: item.mailbox)
        // An occurrence is deleted from its series, whatever the DeleteType.
        if item.occurrenceOf != nil {
            return try store.deleteOccurrence(item, cancellations: sending, now: context.now)
        }
        let cancels = item.kind == .calendarItem && item.isOrganizer && item.isMeeting && sending != "SendToNone"
        if cancels {
            try store.sendCancellations(
                for: item.id, note: nil, saveCopy: sending == "SendToAllAndSaveCopy", now: context.now)
        }
        if toDeletedItems, !store.isFolder(item.folderId, "deleteditems") {
            if cancels {
                try store.moveCancelled(item.id, to: deleted, now: context.now)
            } else {
                try store.move(item.id, to: deleted, now: context.now)
            }
        } else {
            store.remove(item.id)
        }
    }
}
