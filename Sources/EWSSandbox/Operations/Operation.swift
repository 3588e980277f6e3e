import EWS
import Foundation
import XML

/// Who is calling and on whose behalf, and when.
struct OperationContext {
    /// The authenticated account.
    let user: String
    /// The mailbox acted on by default: the account's own, or the impersonated one.
    let mailbox: String
    let now: Date
    /// Per-item fault injection: the error to answer for the item at this index, if any.
    let itemFault: (Int) -> StoreError?
    /// Per-item warning injection: the remark to answer, as ResponseClass
    /// Warning, for the item at this index once it is done.
    let itemWarning: (Int) -> StoreError?
    /// The Windows id in the `TimeZoneContext` header: the zone of calendar
    /// items the request gives none (exchangelib sends the account's).
    var timeZoneId: String?
}

/// One EWS operation of the sandbox: reads the request element, changes the
/// store, writes the `m:<Name>Response` element. No I/O.
protocol SandboxOperation: Sendable {
    static var name: String { get }
    static func run(
        _ request: XMLElement, _ context: OperationContext, _ store: inout StoreState,
        _ out: XMLWriter) throws(SOAPFault)
}

/// Lookups every operation needs, with Exchange's access rules: the caller's
/// own (or impersonated) mailbox, or one that lists the caller as a delegate.
extension StoreState {
    func authorize(_ mailbox: String, _ context: OperationContext) throws(StoreError) {
        guard let target = self.mailbox(mailbox) else {
            throw StoreError(.nonExistentMailbox, "The SMTP address has no mailbox associated with it.")
        }
        if mailbox == context.mailbox || target.delegates.contains(context.user) { return }
        throw StoreError(.accessDenied, "The account does not have permission to access the mailbox \(mailbox).")
    }

    /// A `t:DistinguishedFolderId` (with optional `t:Mailbox`) or `t:FolderId`.
    func resolveFolder(_ element: XMLElement, _ context: OperationContext) throws(StoreError) -> StoredFolder {
        let folder: StoredFolder
        if element.localName == "DistinguishedFolderId" {
            let owner = element.path("Mailbox", "EmailAddress")?.trimmedText.lowercased() ?? context.mailbox
            try authorize(owner, context)
            folder = try self.folder(try folderId(element.attribute("Id") ?? "", of: owner))
        } else {
            folder = try self.folder(element.attribute("Id") ?? "")
            try authorize(folder.mailbox, context)
        }
        return folder
    }

    /// A `t:ItemId` or `t:ReferenceItemId`, a `t:OccurrenceItemId` (a
    /// master's InstanceIndex) or a `t:RecurringMasterItemId` (the master of
    /// an occurrence). Occurrences are not stored: only operations that pass
    /// `allowingOccurrence` can work on one.
    func resolveItem(
        _ element: XMLElement, _ context: OperationContext,
        allowingOccurrence: Bool = false
    ) throws(StoreError) -> StoredItem {
        let item: StoredItem
        switch element.localName {
        case "OccurrenceItemId":
            guard let index = element.attribute("InstanceIndex").flatMap(Int.init) else {
                throw StoreError(.invalidRequest, "OccurrenceItemId needs an InstanceIndex.")
            }
            item = try occurrence(of: element.attribute("RecurringMasterId") ?? "", index: index)
        case "RecurringMasterItemId":
            // "the OccurrenceId does not correspond to a valid occurrence of a recurring
            // master item" (MS-OXWSMTGS 3.1.4; its test suite's S01_TC30 and TC31).
            guard let master = try instance(element.attribute("OccurrenceId") ?? "").occurrenceOf else {
                throw StoreError(
                    ResponseCode(rawValue: "ErrorCalendarCannotUseIdForOccurrenceId"),
                    "The OccurrenceId does not identify an occurrence of a recurring master.")
            }
            item = try self.item(master)
        default:
            item = try instance(element.attribute("Id") ?? "")
        }
        try authorize(item.mailbox, context)
        if item.occurrenceOf != nil, !allowingOccurrence {
            throw StoreError(
                .invalidOperation,
                "The sandbox changes a recurring meeting as a whole: use the id of its "
                    + "recurring master (DeleteItem removes one occurrence, UpdateItem moves one).")
        }
        return item
    }
}

/// Reads the values of request elements.
enum RequestValue {
    static func address(_ mailbox: XMLElement?) -> StoredAddress? {
        guard let mailbox, let email = mailbox.childText("EmailAddress"), !email.isEmpty else { return nil }
        return StoredAddress(email: email, name: mailbox.childText("Name"))
    }

    static func bool(_ element: XMLElement?) -> Bool? { bool(element?.trimmedText) }

    static func bool(_ text: String?) -> Bool? {
        switch text {
        case "true", "1": true
        case "false", "0": false
        default: nil
        }
    }

    static func date(_ element: XMLElement?) -> Date? { element.flatMap { EWSDateTime.parse($0.trimmedText) } }
}
