import XML

/// CreateItem with AcceptItem, TentativelyAcceptItem or DeclineItem for one
/// or more meeting requests: Body before ReferenceItemId, ProposedStart/End
/// after it (schema order, PROTOCOL.md 5.1), MessageDisposition always set.
/// The schema allows several response objects in one CreateItem, each with a
/// response message of its own (PROTOCOL.md 5.3); a batch holds one answer
/// and one disposition only, the precaution PROTOCOL.md 5.3 names against
/// servers that reorder mixed batches. Never resent after an unknown outcome.
/// https://learn.microsoft.com/en-us/exchange/client-developer/web-service-reference/createitem-operation-meeting-request
struct RespondToMeeting: PerItemOperation {
    typealias Element = [ItemId]
    static let name = "CreateItem"
    static let isIdempotent = false

    /// The requests and their replies, all of `answer` and `sendReply`.
    var replies: [(request: ItemId, reply: MeetingReply)]
    var answer: MeetingReply.Answer
    var sendReply: Bool
    /// Set for delegate access, so the copy goes to the mailbox's Sent Items.
    var mailbox: String?

    /// A batch of replies that share one answer and one disposition.
    init(_ replies: [(request: ItemId, reply: MeetingReply)], mailbox: String?) {
        self.replies = replies
        answer = replies.first?.reply.answer ?? .accept
        sendReply = replies.first?.reply.sendReply ?? true
        self.mailbox = mailbox
        assert(replies.allSatisfy { $0.reply.answer == answer && $0.reply.sendReply == sendReply })
    }

    var itemCount: Int { replies.count }
    func subset(_ positions: [Int]) -> Self { Self(positions.map { replies[$0] }, mailbox: mailbox) }

    private var elementName: String {
        switch answer {
        case .accept: "t:AcceptItem"
        case .tentative: "t:TentativelyAcceptItem"
        case .decline: "t:DeclineItem"
        }
    }

    func writeBody(to w: XMLWriter) {
        let disposition: MessageDisposition = sendReply ? .sendAndSaveCopy : .saveOnly
        w.element("m:CreateItem", ["MessageDisposition": disposition.rawValue]) {
            if disposition == .sendAndSaveCopy, let mailbox {
                w.element("m:SavedItemFolderId") { w.folder(.sentItems, mailbox: mailbox) }
            }
            w.element("m:Items") {
                for (request, reply) in replies {
                    w.element(elementName) {
                        if let comment = reply.comment { w.element("t:Body", ["BodyType": "Text"], text: comment) }
                        w.itemId(request, element: "t:ReferenceItemId")
                        if let start = reply.proposedStart { w.dateTime("t:ProposedStart", start) }
                        if let end = reply.proposedEnd { w.dateTime("t:ProposedEnd", end) }
                    }
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
