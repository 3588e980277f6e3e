import CheckedYAML

/// What the bot does with a meeting request.
public enum RequestAction: String, Sendable, Hashable, CaseIterable {
    case accept, tentative, decline
    /// Leave the request for a person.
    case skip

    /// The action answers the organizer (and so may carry a comment).
    public var replies: Bool { self != .skip }
}

/// What the bot does with an attendee's response.
public enum ResponseAction: String, Sendable, Hashable, CaseIterable {
    /// Confirm the response is recorded on the organizer's item, then delete the message.
    case apply
    /// Leave the message where it is.
    case keep
    /// Delete the message.
    case delete
}

/// What the bot does with a cancellation.
public enum CancellationAction: String, Sendable, Hashable, CaseIterable {
    /// Take the meeting off the calendar and remove the message.
    case remove
    /// Leave both where they are.
    case keep
}

/// An action of the kind the message is: the types make a `decline` of a
/// cancellation impossible.
public enum Action: Sendable, Hashable, CustomStringConvertible {
    case request(RequestAction)
    case response(ResponseAction)
    case cancellation(CancellationAction)

    /// The action when no rule matches (PRODUCT.md section 3).
    public static func fallback(for kind: MessageKind) -> Action {
        switch kind {
        case .request: .request(.skip)
        case .response: .response(.keep)
        case .cancellation: .cancellation(.keep)
        }
    }

    /// The action named `word` for messages of `kind`, if there is one.
    public init?(_ word: String, for kind: MessageKind) {
        switch kind {
        case .request:
            guard let a = RequestAction(rawValue: word) else { return nil }
            self = .request(a)
        case .response:
            guard let a = ResponseAction(rawValue: word) else { return nil }
            self = .response(a)
        case .cancellation:
            guard let a = CancellationAction(rawValue: word) else { return nil }
            self = .cancellation(a)
        }
    }

    /// The words a rule may use in `then` for `kind`, in documentation order.
    public static func words(for kind: MessageKind) -> [String] {
        switch kind {
        case .request: RequestAction.allCases.map(\.rawValue)
        case .response: ResponseAction.allCases.map(\.rawValue)
        case .cancellation: CancellationAction.allCases.map(\.rawValue)
        }
    }

    public var kind: MessageKind {
        switch self {
        case .request: .request
        case .response: .response
        case .cancellation: .cancellation
        }
    }

    /// The action sends a reply to the organizer (accept, tentative, decline).
    public var replies: Bool {
        if case .request(let a) = self { return a.replies }
        return false
    }

    /// The word as the rules file writes it: `accept`, `apply`, `remove`…
    public var description: String {
        switch self {
        case .request(let a): a.rawValue
        case .response(let a): a.rawValue
        case .cancellation(let a): a.rawValue
        }
    }
}

/// The engine's answer for one message: what to do, which rule said so, and why.
public struct Decision: Sendable, Hashable {
    /// The name a decision carries when no rule matched.
    public static let defaultRuleName = "default"

    /// What to do.
    public let action: Action
    /// The name of the rule that chose the action, or `default`.
    public let rule: String
    /// The rule's 1-based position in its kind's list; nil when no rule matched.
    public let rulePosition: Int?
    /// Where the rule is written, for reports ("rules/room.yml:14:5"); nil for the default.
    public let ruleLocation: SourceLocation?
    /// Plain words built from the conditions that matched, e.g.
    /// "the organizer bob@fabrikam.com is external and the meeting recurs".
    public let reason: String
    /// The text to send with the reply; nil when there is none or no reply is sent.
    public let comment: String?
    /// Whether to send the reply (`SendAndSaveCopy`) or only record it (`SaveOnly`).
    /// Always false for actions that do not reply.
    public let sendReply: Bool
}
