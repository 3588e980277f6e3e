import EWS
import Foundation
import XML

/// CreateItem: new calendar items (sending invitations) and messages, and the
/// meeting response objects AcceptItem, TentativelyAcceptItem, DeclineItem,
/// RemoveItem and CancelCalendarItem, with Exchange's after-effects.
/// https://learn.microsoft.com/en-us/exchange/client-developer/web-service-reference/createitem-operation-meeting-request
enum CreateItem: SandboxOperation {
    static let name = "CreateItem"

    static func run(
        _ request: XMLElement, _ context: OperationContext, _ store: inout StoreState,
        _ out: XMLWriter
    ) throws(SOAPFault) {
        let disposition = request.attribute("MessageDisposition")
        let invitations = request.attribute("SendMeetingInvitations")
        let savedFolder = request.child("SavedItemFolderId")?.children.first
        ResponseMessage.response(name, to: out) {
            for (index, element) in (request.child("Items")?.children ?? []).enumerated() {
                let result = Result { () throws(StoreError) -> [StoredItem] in
                    if let fault = context.itemFault(index) { throw fault }
                    return try create(
                        element, disposition: disposition, invitations: invitations,
                        savedFolder: savedFolder, context, &store)
                }
                ResponseMessage.write(name, error: result.failure, warning: context.itemWarning(index), to: out) {
                    out.element("m:Items") {
                        for item in (try? result.get()) ?? [] { ItemWriter.writeId(item, to: out) }
                    }
                }
            }
        }
    }

    private static func create(
        _ element: XMLElement, disposition: String?, invitations: String?,
        savedFolder: XMLElement?, _ context: OperationContext,
        _ store: inout StoreState
    ) throws(StoreError) -> [StoredItem] {
        let now = context.now
        switch element.localName {
        case "CalendarItem":
            let folder =
                if let savedFolder { try store.resolveFolder(savedFolder, context) } else {
                    try store.folder(try store.folderId("calendar", of: context.mailbox))
                }
            return [
                try createMeeting(
                    element, in: folder, invitations: invitations, timeZoneId: context.timeZoneId,
                    now: now, &store)
            ]
        case "Message":
            return try createMessage(
                element, disposition: disposition ?? "SaveOnly", savedFolder: savedFolder, context, &store)
        case "AcceptItem", "TentativelyAcceptItem", "DeclineItem":
            guard let disposition else {
                throw StoreError(.messageDispositionRequired, "MessageDisposition is required for meeting responses.")
            }
            let reference = try referenced(element, context, store)
            let answer: MeetingAnswer =
                element.localName == "AcceptItem"
                ? .accept
                : (element.localName == "DeclineItem" ? .decline : .tentative)
            let options = AnswerOptions(
                body: element.child("Body")?.text ?? "", disposition: disposition,
                proposedStart: RequestValue.date(element.child("ProposedStart")),
                proposedEnd: RequestValue.date(element.child("ProposedEnd")),
                savedFolderId: try savedFolder.map { (folder) throws(StoreError) in
                    try store.resolveFolder(folder, context).id
                })
            let results = try store.answer(reference.id, answer, options, now: now)
            // SaveOnly: "Item identifiers are not returned for any item types except
            // for message items. This includes response objects." (CreateItem reference)
            return disposition == "SaveOnly" ? [] : results
        case "RemoveItem":
            let reference = try referenced(element, context, store)
            try store.removeCancelled(reference.id, delegated: reference.mailbox != context.mailbox, now: now)
            return []
        case "CancelCalendarItem":
            guard disposition != nil else {
                throw StoreError(.messageDispositionRequired, "MessageDisposition is required for CancelCalendarItem.")
            }
            try store.cancelMeeting(
                try referenced(element, context, store).id, note: element.child("NewBodyContent")?.text,
                saveCopy: disposition == "SendAndSaveCopy", now: now)
            return []
        default:
            throw StoreError(.invalidRequest, "The sandbox cannot create \(element.localName) items.")
        }
    }

    private static func referenced(
        _ element: XMLElement, _ context: OperationContext,
        _ store: StoreState
    ) throws(StoreError) -> StoredItem {
        guard let reference = element.child("ReferenceItemId") else {
            throw StoreError(.invalidRequest, "ReferenceItemId is required.")
        }
        return try store.resolveItem(reference, context)
    }

    /// A calendar item's zone is its StartTimeZone, else the request's
    /// TimeZoneContext (if it names a known zone), else UTC.
    private static func createMeeting(
        _ element: XMLElement, in folder: StoredFolder, invitations: String?, timeZoneId: String?,
        now: Date, _ store: inout StoreState
    ) throws(StoreError) -> StoredItem {
        guard let invitations else {
            throw StoreError(.sendMeetingInvitationsRequired, "SendMeetingInvitations is required for calendar items.")
        }
        var item = store.draft(.calendarItem, itemClass: ItemClass.appointment, in: folder.id, now: now)
        try ItemFields.apply(element, to: &item)
        if item.timeZoneId == nil {
            item.timeZoneId =
                timeZoneId.flatMap { WindowsTimeZones.timeZone(forWindowsId: $0) == nil ? nil : $0 } ?? "UTC"
        }
        return try store.createMeeting(item, invitations: invitations, now: now)
    }

    private static func createMessage(
        _ element: XMLElement, disposition: String, savedFolder: XMLElement?,
        _ context: OperationContext, _ store: inout StoreState
    ) throws(StoreError) -> [StoredItem] {
        let now = context.now
        let target =
            if let savedFolder { try store.resolveFolder(savedFolder, context).id } else {
                try store.folderId(disposition == "SaveOnly" ? "drafts" : "sentitems", of: context.mailbox)
            }
        var message = store.draft(.message, itemClass: ItemClass.note, in: target, now: now)
        try ItemFields.apply(element, to: &message)
        message.id = store.newItemId()
        message.from = store.mailbox(context.mailbox)?.address
        guard disposition != "SaveOnly" else {
            store.put(message)
            return [message]
        }
        message.sent = now
        message.isRead = true
        if disposition == "SendAndSaveCopy" { store.put(message) }
        for recipient in message.toRecipients {
            guard let inbox = try? store.folderId("inbox", of: recipient.email) else { continue }
            var delivered = store.copy(message, to: inbox, now: now)
            delivered.isRead = false
            store.put(delivered)
        }
        // Exchange returns no ids for sent messages (PROTOCOL.md 5.1).
        return []
    }
}
