import Foundation

/// The answer the bot sends to a meeting request (PRODUCT.md 2, step 5).
public struct MeetingReply: Sendable, Hashable {
    public enum Answer: String, Sendable, CaseIterable {
        case accept, tentative, decline
    }

    public var answer: Answer
    /// Text for the organizer; sent as the reply's plain-text body.
    public var comment: String?
    /// False records the answer on the calendar without mailing the organizer.
    public var sendReply: Bool
    /// A new time to propose (Exchange 2013 SP1 and later; PROTOCOL.md 5.5).
    public var proposedStart: Date?
    public var proposedEnd: Date?

    public init(
        _ answer: Answer, comment: String? = nil, sendReply: Bool = true,
        proposedStart: Date? = nil, proposedEnd: Date? = nil
    ) {
        self.answer = answer
        self.comment = comment
        self.sendReply = sendReply
        self.proposedStart = proposedStart
        self.proposedEnd = proposedEnd
    }

    /// Replies of one kind share a CreateItem: one answer and one disposition
    /// a batch (PROTOCOL.md 5.3).
    public var batchKind: String { answer.rawValue + " \(sendReply)" }
}

/// What became of a write that the organizer may see (a reply, a removal).
public enum SendOutcome: Sendable, Equatable {
    /// The server answered for the item: done, done with a warning, or refused.
    /// The ids are those the server returned (possibly none; PROTOCOL.md 5.1).
    case answered(ItemResult<[ItemId]>)
    /// No usable answer arrived after the request may have reached the server
    /// (timeout, dropped connection, unreadable answer). It was not resent:
    /// re-read the item before doing anything else (PRODUCT.md 7.3).
    case unknown(EWSError)
}
