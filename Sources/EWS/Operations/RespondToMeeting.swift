import XML

/// CreateItem with one AcceptItem, TentativelyAcceptItem or DeclineItem for
/// a meeting request: Body before ReferenceItemId, ProposedStart/End after
/// it (schema order, PROTOCOL.md 5.1), MessageDisposition always set. One
/// response object per request, so each answer is attributed to its item
/// (PROTOCOL.md 5.3). Never resent after an unknown outcome.
/// https://learn.microsoft.com/en-us/exchange/client-developer/web-service-reference/createitem-operation-meeting-request
struct RespondToMeeting: PerItemOperation {
    typealias Element = [ItemId]
    static let name = "CreateItem"
    static let isIdempotent = false

    var request: ItemId
    var reply: MeetingReply
    /// Set for delegate access, so the copy goes to the mailbox's Sent Items.
    var mailbox: String?

    var itemCount: Int { 1 }
    func subset(_ positions: [Int]) -> Self { self }

    private var elementName: String {
        switch reply.answer {
        case .accept: "t:AcceptItem"
        case .tentative: "t:TentativelyAcceptItem"
        case .decline: "t:DeclineItem"
        }
    }

    func writeBody(to w: XMLWriter) {
        let disposition: MessageDisposition = reply.sendReply ? .sendAndSaveCopy : .saveOnly
        w.element("m:CreateItem", ["MessageDisposition": disposition.rawValue]) {
            if disposition == .sendAndSaveCopy, let mailbox {
                w.element("m:SavedItemFolderId") { w.folder(.sentItems, mailbox: mailbox) }
            }
            w.element("m:Items") {
                w.element(elementName) {
                    if let comment = reply.comment { w.element("t:Body", ["BodyType": "Text"], text: comment) }
                    w.itemId(request, element: "t:ReferenceItemId")
                    if let start = reply.proposedStart { w.dateTime("t:ProposedStart", start) }
                    if let end = reply.proposedEnd { w.dateTime("t:ProposedEnd", end) }
                }
            }
        }
    }

    func parse(_ response: XMLElement) throws(EWSError) -> [ItemResult<[ItemId]>] {
        try Self.createdItems(response)
    }

    /// The ids in each CreateItem response message: zero or more, of any
    /// item type (a calendar item, the request's copy in Deleted Items).
    static func createdItems(_ response: XMLElement) throws(EWSError) -> [ItemResult<[ItemId]>] {
        try ResponseMessage.all(in: response).map { message in
            message.result { (element: XMLElement) throws(EWSError) -> [ItemId] in
                (element.child("Items")?.children ?? []).compactMap { $0.itemId() }
            }
        }
    }
}
