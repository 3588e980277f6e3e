import EWS
import XML

/// ResolveNames: one ambiguous name against the directory, which here is the
/// store's mailboxes (there are no contacts folders). A name resolves by the
/// start of a mailbox's display name or of one of its words, of its primary
/// SMTP address, or of its legacy DN; `smtp:` before a name matches the
/// address only. One candidate is a Success, several a Warning
/// (ErrorNameResolutionMultipleResults, at most 100 listed), none an Error
/// (ErrorNameResolutionNoResults).
/// https://learn.microsoft.com/en-us/exchange/client-developer/web-service-reference/resolvenames-operation
enum ResolveNames: SandboxOperation {
    static let name = "ResolveNames"
    /// "The ResolveNames response returns a maximum of 100 candidates."
    static let maxCandidates = 100

    static func run(
        _ request: XMLElement, _ context: OperationContext, _ store: inout StoreState,
        _ out: XMLWriter
    ) throws(SOAPFault) {
        let entry = request.child("UnresolvedEntry")?.trimmedText ?? ""
        let fullContact = RequestValue.bool(request.attribute("ReturnFullContactData")) ?? false
        let scope = request.attribute("SearchScope") ?? "ActiveDirectoryContacts"
        let found = Result { () throws(StoreError) -> [StoredMailbox] in
            if let fault = context.itemFault(0) { throw fault }
            // "a zero length string, a single space, a comma, and a dash are all invalid names"
            guard !["", ",", "-"].contains(entry) else {
                throw StoreError(
                    ResponseCode(rawValue: "ErrorInvalidNameForNameResolution"),
                    "The name is invalid for name resolution.")
            }
            // Contacts folders are searched only where they are named; none is a contacts folder here.
            for folder in request.child("ParentFolderIds")?.children ?? [] {
                guard try store.resolveFolder(folder, context).folderClass == "IPF.Contact" else {
                    throw StoreError(
                        ResponseCode(rawValue: "ErrorResolveNamesInvalidFolderType"),
                        "Only contacts folders can be searched.")
                }
            }
            guard scope != "Contacts" else { return [] }
            return store.mailboxes.values.filter { matches(entry, $0) }.sorted { $0.address.email < $1.address.email }
        }
        ResponseMessage.response(name, to: out) {
            switch found {
            case .failure(let error): ResponseMessage.write(name, error: error, to: out)
            case .success(let mailboxes) where mailboxes.isEmpty:
                ResponseMessage.write(
                    name, error: StoreError(.nameResolutionNoResults, "No results were found."), to: out)
            case .success(let mailboxes):
                write(mailboxes, fullContact: fullContact, to: out)
            }
        }
    }

    /// Whether `entry` names `mailbox`, without case.
    private static func matches(_ entry: String, _ mailbox: StoredMailbox) -> Bool {
        let name = entry.lowercased()
        if name.hasPrefix("smtp:") { return mailbox.address.email.hasPrefix(name.dropFirst("smtp:".count)) }
        let display = mailbox.address.name.lowercased()
        let keys =
            [display, mailbox.address.email, mailbox.legacyDN.lowercased()]
            + display.split(separator: " ").map(String.init)
        return keys.contains { $0.hasPrefix(name) }
    }

    /// A Success for one mailbox, a Warning listing the first 100 of several.
    private static func write(_ mailboxes: [StoredMailbox], fullContact: Bool, to out: XMLWriter) {
        let several = mailboxes.count > 1
        let listed = mailboxes.prefix(maxCandidates)
        out.element("m:ResolveNamesResponseMessage", ["ResponseClass": several ? "Warning" : "Success"]) {
            if several {
                out.element("m:MessageText", text: "Multiple results were found.")
                out.element("m:ResponseCode", text: ResponseCode.nameResolutionMultipleResults.rawValue)
                out.element("m:DescriptiveLinkKey", text: "0")
            } else {
                out.element("m:ResponseCode", text: ResponseCode.noError.rawValue)
            }
            out.element(
                "m:ResolutionSet",
                [
                    "TotalItemsInView": String(mailboxes.count),
                    "IncludesLastItemInRange": listed.count == mailboxes.count ? "true" : "false",
                ]
            ) {
                for mailbox in listed {
                    out.element("t:Resolution") {
                        // The directory's answer is always the primary SMTP address.
                        out.element("t:Mailbox") {
                            out.element("t:Name", text: mailbox.address.name)
                            out.element("t:EmailAddress", text: mailbox.address.email)
                            out.element("t:RoutingType", text: MailboxRoutingType.smtp.rawValue)
                            out.element("t:MailboxType", text: "Mailbox")
                        }
                        if fullContact { writeContact(mailbox, to: out) }
                    }
                }
            }
        }
    }

    /// The directory entry as a contact (ReturnFullContactData), in ContactItemType order.
    private static func writeContact(_ mailbox: StoredMailbox, to out: XMLWriter) {
        out.element("t:Contact") {
            out.element("t:DisplayName", text: mailbox.address.name)
            out.element("t:EmailAddresses") {
                out.element("t:Entry", ["Key": "EmailAddress1"], text: "SMTP:" + mailbox.address.email)
            }
            out.element("t:ContactSource", text: "ActiveDirectory")
        }
    }
}
