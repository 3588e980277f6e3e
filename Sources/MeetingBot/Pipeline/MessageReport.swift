import Foundation

/// What became of one message in a run: the decision (rule, action, reason)
/// and the outcome. Reports and the journal are made from these alone
/// (STYLE.md example 9), so a field here is a field of the JSON report.
public struct MessageReport: Sendable, Codable, Equatable {
    /// What happened, in one word.
    public enum Result: String, Sendable, Codable, CaseIterable {
        /// A reply was sent to the organizer.
        case replied
        /// The answer was recorded on the calendar without a reply (SaveOnly).
        case recorded
        /// A cancelled meeting was taken off the calendar and the message removed.
        case removed
        /// The response is on the organizer's item; the message was deleted.
        case applied
        /// The message was deleted as a rule said.
        case deleted
        /// Out of date or replaced by a newer update: deleted, never answered.
        case superseded
        /// A response whose meeting is gone: deleted.
        case orphaned
        /// The organizer's item does not show the response yet: left for a later run.
        case pending
        /// Still pending after the grace period: a person should look.
        case stuckPending = "stuck_pending"
        /// Left in place as a rule said (keep, or skip for requests).
        case kept
        /// A request for a meeting this mailbox organizes: reported, never answered.
        case ownMeeting = "own_meeting"
        /// The request was answered before (the journal says so): only removed.
        case alreadyAnswered = "already_answered"
        /// Not done in this run (time budget or reply cap): the next run does it.
        case deferred
        /// A dry run: the action that a real run would carry out.
        case planned
        /// A write may or may not have happened; the next run re-reads before acting.
        case unknownOutcome = "unknown_outcome"
        /// The action failed; the next run tries again.
        case failed
        /// It failed the same way in several runs: left alone until a person looks.
        case stuck

        /// Something a person should look at.
        public var isProblem: Bool { [.failed, .stuck, .stuckPending, .unknownOutcome].contains(self) }
    }

    public var itemId: String
    /// `request`, `response` or `cancellation`.
    public var kind: String
    public var subject: String
    /// The organizer's address (for responses: this mailbox).
    public var organizer: String?
    /// Who sent the message.
    public var from: String?
    public var start: Date?
    public var end: Date?
    public var uid: String?
    public var recurrenceId: Date?
    public var sequence: Int?
    public var received: Date?
    /// The rule that decided, `default` when none matched, nil when the bot
    /// itself decided (superseded, own meeting, already answered, failures to read).
    public var rule: String?
    /// The action: a rule's (`accept`, `apply`, `remove`, …) or the bot's (`delete`, `none`).
    public var action: String
    /// Why, in plain words.
    public var reason: String
    public var result: Result
    /// What the server said, or other detail of the outcome.
    public var detail: String?
    /// Who a person reading the report wants named: the attendee who
    /// answered for a response, else the organizer.
    public var counterpart: String? { kind == "response" ? from : organizer }

    /// Requests: occurrences checked against the calendar and how many conflict.
    public var occurrencesChecked: Int?
    public var conflicts: Int?

    public init(
        itemId: String, kind: String, subject: String = "", organizer: String? = nil, from: String? = nil,
        start: Date? = nil, end: Date? = nil, uid: String? = nil, recurrenceId: Date? = nil, sequence: Int? = nil,
        received: Date? = nil, rule: String? = nil, action: String, reason: String, result: Result,
        detail: String? = nil, occurrencesChecked: Int? = nil, conflicts: Int? = nil
    ) {
        self.itemId = itemId
        self.kind = kind
        self.subject = subject
        self.organizer = organizer
        self.from = from
        self.start = start
        self.end = end
        self.uid = uid
        self.recurrenceId = recurrenceId
        self.sequence = sequence
        self.received = received
        self.rule = rule
        self.action = action
        self.reason = reason
        self.result = result
        self.detail = detail
        self.occurrencesChecked = occurrencesChecked
        self.conflicts = conflicts
    }
}

/// One mailbox's part of a run.
public struct MailboxReport: Sendable, Codable, Equatable {
    public enum Status: String, Sendable, Codable {
        /// Every message found was handled (some may have failed: see the messages).
        case completed
        /// The time budget ran out; the rest waits for the next run.
        case budgetExhausted = "budget_exhausted"
        /// The server could not be reached or refused the credentials.
        case unreachable
        /// The mailbox could not be processed (its rules, its folder, a server error).
        case failed
    }

    public var address: String
    public var rulesFile: String
    public var status: Status
    public var error: String?
    public var messages: MessageReports
    /// For a mailbox whose responses the run handled: who answered what to
    /// the meetings it organizes in the next 90 days.
    public var attendance: MailboxAttendance?

    public init(
        address: String, rulesFile: String, status: Status, error: String? = nil, messages: MessageReports,
        attendance: MailboxAttendance? = nil
    ) {
        self.address = address
        self.rulesFile = rulesFile
        self.status = status
        self.error = error
        self.messages = messages
        self.attendance = attendance
    }
}

/// A whole run: what the reports render.
public struct RunReport: Sendable, Codable, Equatable {
    /// The version of this report's fields (docs/REPORTS.md); grows when fields are added.
    public static let formatVersion = 2

    public var formatVersion: Int = Self.formatVersion
    public var dryRun: Bool
    public var startedAt: Date
    public var finishedAt: Date
    public var mailboxes: [MailboxReport]
    /// EWS calls made, by operation, when the backend counts them.
    public var calls: [String: Int]

    public init(dryRun: Bool, startedAt: Date, finishedAt: Date, mailboxes: [MailboxReport], calls: [String: Int] = [:])
    {
        self.dryRun = dryRun
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.mailboxes = mailboxes
        self.calls = calls
    }

    /// Every mailbox's messages, read in place: a copy of them all is tens of
    /// megabytes at 50,000 messages.
    public var messages: some Collection<MessageReport> { mailboxes.lazy.flatMap(\.messages) }
}
