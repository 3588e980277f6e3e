import Foundation
import GRDB

/// One version of one meeting request in one mailbox: the unit that is
/// answered at most once (PRODUCT.md 7.3).
public struct ReplyKey: Hashable, Sendable, CustomStringConvertible {
    /// Lowercased: Exchange compares addresses without case.
    public let mailbox: String
    public let uid: String
    /// The occurrence's RecurrenceId; nil for a single meeting or a whole series.
    /// Kept to the millisecond, as the journal stores it.
    public let recurrenceId: Date?
    /// The request's AppointmentSequenceNumber: an update is a new version.
    public let sequence: Int

    public init(mailbox: String, uid: String, recurrenceId: Date?, sequence: Int) {
        self.mailbox = mailbox.lowercased()
        self.uid = uid
        self.recurrenceId = recurrenceId.map { Date.fromDatabaseValue($0.databaseValue) ?? $0 }
        self.sequence = sequence
    }

    public var description: String {
        let occurrence = recurrenceId.map { " occurrence \($0.ISO8601Format())" } ?? ""
        return "\(mailbox) \(uid)\(occurrence) sequence \(sequence)"
    }

    /// The reply table's primary key.
    var databaseKey: [String: any DatabaseValueConvertible] {
        ["mailbox": mailbox, "uid": uid, "recurrenceId": storedRecurrenceId, "sequence": sequence]
    }

    /// The key's columns in the order of the table's primary key.
    var arguments: StatementArguments {
        [mailbox, uid, storedRecurrenceId, sequence]
    }

    /// No recurrence id is stored as '', not NULL, so that it takes part in
    /// the key's uniqueness (SQLite lets NULLs repeat under a unique key).
    var storedRecurrenceId: DatabaseValue {
        recurrenceId?.databaseValue ?? "".databaseValue
    }
}

/// Where a reply stands. The only way forward from `intent` or `unknown` is
/// a settlement; `sent` is final (a trigger in the database enforces it).
public enum ReplyState: String, Sendable, Codable, CaseIterable, DatabaseValueConvertible {
    /// Written before the reply is sent; still there if the run died in between.
    case intent
    /// The server confirmed the reply, or a re-read showed it answered.
    case sent
    /// Nothing was sent (the server refused, or a re-read showed no answer):
    /// a later claim may send.
    case notSent = "not_sent"
    /// The send may or may not have happened (timeout, dropped connection):
    /// re-read before anything else.
    case unknown
}

/// The answer the reply gives.
public enum ReplyAnswer: String, Sendable, Codable, CaseIterable, DatabaseValueConvertible {
    case accept, tentative, decline
}

/// A row of the reply ledger.
public struct ReplyRecord: Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "reply"

    public var key: ReplyKey
    public var state: ReplyState
    /// The EWS item id of the request message, to re-read it.
    public var requestId: String
    public var answer: ReplyAnswer
    /// False when the answer is saved on the calendar without a message to
    /// the organizer (SaveOnly).
    public var sendsReply: Bool
    /// How many times a send was allowed: 1, plus one for each re-armed `notSent`.
    public var attempts: Int
    public var createdAt: Date
    public var updatedAt: Date
    /// The run that last claimed the reply.
    public var runId: Int64

    public enum Columns {
        public static let mailbox = Column("mailbox")
        public static let uid = Column("uid")
        public static let recurrenceId = Column("recurrenceId")
        public static let sequence = Column("sequence")
        public static let requestId = Column("requestId")
        public static let answer = Column("answer")
        public static let sendsReply = Column("sendsReply")
        public static let state = Column("state")
        public static let attempts = Column("attempts")
        public static let runId = Column("runId")
        public static let createdAt = Column("createdAt")
        public static let updatedAt = Column("updatedAt")
    }

    public init(row: Row) throws {
        typealias C = Columns
        let recurrence: String = try row.decode(forColumn: C.recurrenceId)
        key = ReplyKey(
            mailbox: try row.decode(forColumn: C.mailbox), uid: try row.decode(forColumn: C.uid),
            recurrenceId: recurrence.isEmpty ? nil : try row.decode(Date.self, forColumn: C.recurrenceId),
            sequence: try row.decode(forColumn: C.sequence))
        state = try row.decode(forColumn: C.state)
        requestId = try row.decode(forColumn: C.requestId)
        answer = try row.decode(forColumn: C.answer)
        sendsReply = try row.decode(forColumn: C.sendsReply)
        attempts = try row.decode(forColumn: C.attempts)
        runId = try row.decode(forColumn: C.runId)
        createdAt = try row.decode(forColumn: C.createdAt)
        updatedAt = try row.decode(forColumn: C.updatedAt)
    }

    init(
        key: ReplyKey, state: ReplyState, requestId: String, answer: ReplyAnswer, sendsReply: Bool, attempts: Int,
        createdAt: Date, updatedAt: Date, runId: Int64
    ) {
        self.key = key
        self.state = state
        self.requestId = requestId
        self.answer = answer
        self.sendsReply = sendsReply
        self.attempts = attempts
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.runId = runId
    }

    /// The row for `key`, by the primary key, with a statement prepared once
    /// per connection: claims and settlements look rows up by the hundred.
    static func fetch(_ key: ReplyKey, _ db: Database) throws -> ReplyRecord? {
        try ReplyRecord.fetchOne(
            db.cachedStatement(
                sql: "SELECT * FROM reply WHERE mailbox = ? AND uid = ? AND recurrenceId = ? AND sequence = ?"),
            arguments: key.arguments)
    }

    public func encode(to container: inout PersistenceContainer) throws {
        typealias C = Columns
        for (column, value) in key.databaseKey { container[column] = value }
        container[C.state] = state
        container[C.requestId] = requestId
        container[C.answer] = answer
        container[C.sendsReply] = sendsReply
        container[C.attempts] = attempts
        container[C.runId] = runId
        container[C.createdAt] = createdAt
        container[C.updatedAt] = updatedAt
    }
}

/// The answer to "may I send this reply now?".
public enum ReplyClaim: Sendable, Equatable {
    /// A new intent was written (or a `notSent` one re-armed, attempts + 1):
    /// send now, then settle.
    case granted(ReplyRecord)
    /// Confirmed sent before: never send again.
    case alreadySent(ReplyRecord)
    /// An intent or unknown outcome from before: re-read the mailbox (the
    /// request gone to Deleted Items, the calendar item's answer) and settle
    /// it before claiming again.
    case unconfirmed(ReplyRecord)
}

/// A reply the pipeline asks to send.
public struct ReplyRequest: Sendable, Equatable {
    public var key: ReplyKey
    /// The EWS item id of the request message.
    public var requestId: String
    public var answer: ReplyAnswer
    public var sendsReply: Bool

    public init(_ key: ReplyKey, requestId: String, answer: ReplyAnswer, sendsReply: Bool) {
        self.key = key
        self.requestId = requestId
        self.answer = answer
        self.sendsReply = sendsReply
    }
}

extension Journal {
    /// Asks to send the reply for `key`, in one transaction. Whatever the
    /// number of journals and tasks asking at once, at most one of them is
    /// granted a given key until a settlement says nothing was sent.
    public func claimReply(
        _ key: ReplyKey, requestId: String, answer: ReplyAnswer, sendsReply: Bool, run: Int64, at: Date
    ) throws(JournalError) -> ReplyClaim {
        let request = ReplyRequest(key, requestId: requestId, answer: answer, sendsReply: sendsReply)
        return try write { db in try Self.claim(request, run: run, at: at, db) }
    }

    /// `claimReply` for each request, all in one transaction (one sync to
    /// disk for a page's replies); one answer each, in order.
    public func claimReplies(_ requests: [ReplyRequest], run: Int64, at: Date) throws(JournalError) -> [ReplyClaim] {
        guard !requests.isEmpty else { return [] }
        return try write { db in try requests.map { try Self.claim($0, run: run, at: at, db) } }
    }

    private static func claim(_ request: ReplyRequest, run: Int64, at: Date, _ db: Database) throws -> ReplyClaim {
        guard var reply = try ReplyRecord.fetch(request.key, db) else {
            let intent = ReplyRecord(
                key: request.key, state: .intent, requestId: request.requestId, answer: request.answer,
                sendsReply: request.sendsReply, attempts: 1, createdAt: at, updatedAt: at, runId: run)
            // The primary key refuses a second row for this key, whatever this code believes.
            try db.cachedStatement(
                sql: """
                    INSERT INTO reply (mailbox, uid, recurrenceId, sequence, requestId, answer, sendsReply, state,
                    attempts, runId, createdAt, updatedAt) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """
            ).execute(
                arguments: intent.key.arguments + [
                    intent.requestId, intent.answer, intent.sendsReply, intent.state, intent.attempts, intent.runId, at,
                    at,
                ])
            return .granted(intent)
        }
        switch reply.state {
        case .sent:
            return .alreadySent(reply)
        case .intent, .unknown:
            return .unconfirmed(reply)
        case .notSent:
            reply.state = .intent
            reply.attempts += 1
            reply.requestId = request.requestId
            reply.answer = request.answer
            reply.sendsReply = request.sendsReply
            reply.runId = run
            reply.updatedAt = at
            try reply.update(db)
            return .granted(reply)
        }
    }

    /// Records how a claimed reply ended: after sending, `sent`, `unknown`,
    /// or `notSent` (refused, nothing sent); after re-reading an unconfirmed
    /// one, `sent` or `notSent`. Settling again as the same state is allowed;
    /// anything else from a settled state is refused, and `sent` is final.
    public func settleReply(_ key: ReplyKey, as state: ReplyState, at: Date) throws(JournalError) {
        try settleReplies([(key, state)], at: at)
    }

    /// `settleReply` for each, all in one transaction: all or none.
    public func settleReplies(_ settlements: [(key: ReplyKey, state: ReplyState)], at: Date) throws(JournalError) {
        guard !settlements.isEmpty else { return }
        try write { db in
            for (key, state) in settlements {
                guard state != .intent else {
                    throw JournalError.refused(
                        location, "a reply is settled as sent, not_sent or unknown, not as intent")
                }
                guard let reply = try ReplyRecord.fetch(key, db) else {
                    throw JournalError.refused(location, "no reply was claimed for \(key)")
                }
                guard reply.state == state || reply.state == .intent || reply.state == .unknown else {
                    throw JournalError.refused(
                        location,
                        "the reply for \(key) is already \(reply.state.rawValue); it cannot become \(state.rawValue)")
                }
                try db.cachedStatement(
                    sql: """
                        UPDATE reply SET state = ?, updatedAt = ?
                        WHERE mailbox = ? AND uid = ? AND recurrenceId = ? AND sequence = ?
                        """
                ).execute(arguments: [state, at] + key.arguments)
            }
        }
    }

    /// The replies of `mailbox` whose outcome is not known (intent or
    /// unknown), oldest first: a run re-reads these before sending anything.
    public func unsettledReplies(mailbox: String) throws(JournalError) -> [ReplyRecord] {
        try read { db in
            try ReplyRecord
                .filter(ReplyRecord.Columns.mailbox == mailbox.lowercased())
                .filter([ReplyState.intent, .unknown].contains(ReplyRecord.Columns.state))
                .order(ReplyRecord.Columns.createdAt, ReplyRecord.Columns.uid)
                .fetchAll(db)
        }
    }

    /// The ledger's row for `key`, if any.
    public func reply(_ key: ReplyKey) throws(JournalError) -> ReplyRecord? {
        try read { db in try ReplyRecord.fetchOne(db, key: key.databaseKey) }
    }

    /// The highest sequence of any reply recorded for this meeting or
    /// occurrence, whatever its state: a request older than it is superseded.
    public func newestSequence(mailbox: String, uid: String, recurrenceId: Date?) throws(JournalError) -> Int? {
        let key = ReplyKey(mailbox: mailbox, uid: uid, recurrenceId: recurrenceId, sequence: 0)
        typealias C = ReplyRecord.Columns
        return try read { db in
            try Int.fetchOne(
                db,
                ReplyRecord
                    .filter(C.mailbox == key.mailbox && C.uid == key.uid)
                    .filter(C.recurrenceId == key.storedRecurrenceId)
                    .select(max(C.sequence)))
        }
    }

    /// The newest reply that went out for this meeting or occurrence: the
    /// mailbox's last answer as the bot gave it (a declined meeting leaves
    /// nothing on the calendar to read it from).
    public func lastSentReply(mailbox: String, uid: String, recurrenceId: Date?) throws(JournalError) -> ReplyRecord? {
        let key = ReplyKey(mailbox: mailbox, uid: uid, recurrenceId: recurrenceId, sequence: 0)
        typealias C = ReplyRecord.Columns
        return try read { db in
            try ReplyRecord
                .filter(C.mailbox == key.mailbox && C.uid == key.uid)
                .filter(C.recurrenceId == key.storedRecurrenceId)
                .filter(C.state == ReplyState.sent)
                .order(C.sequence.desc)
                .fetchOne(db)
        }
    }
}

/// What the journal knows of a page's meetings and items, read at once: the
/// reply ledger's rows for their UIDs and the failure streaks of the items.
/// The pipeline decides from it; a claim still checks the ledger itself, in
/// its own transaction, before anything is sent.
public struct LedgerView: Sendable {
    private let replies: [String: [ReplyRecord]]
    private let failures: [String: Int]

    init(replies: [ReplyRecord], failures: [String: Int]) {
        self.replies = Dictionary(grouping: replies, by: \.key.uid)
        self.failures = failures
    }

    private func rows(_ uid: String, _ recurrenceId: Date?) -> [ReplyRecord] {
        let occurrence = ReplyKey(mailbox: "", uid: uid, recurrenceId: recurrenceId, sequence: 0).recurrenceId
        return (replies[uid] ?? []).filter { $0.key.recurrenceId == occurrence }
    }

    /// The ledger's row for `key`, if any.
    public func reply(_ key: ReplyKey) -> ReplyRecord? {
        rows(key.uid, key.recurrenceId).first { $0.key == key }
    }

    /// As `Journal.newestSequence`.
    public func newestSequence(uid: String, recurrenceId: Date?) -> Int? {
        rows(uid, recurrenceId).map(\.key.sequence).max()
    }

    /// As `Journal.lastSentReply`.
    public func lastSentReply(uid: String, recurrenceId: Date?) -> ReplyRecord? {
        rows(uid, recurrenceId).filter { $0.state == .sent }.max { $0.key.sequence < $1.key.sequence }
    }

    /// As `Journal.failureRuns`.
    public func failureRuns(item: String) -> Int { failures[item] ?? 0 }
}

extension Journal {
    /// The ledger rows of `mailbox` for these UIDs and the failure streaks
    /// of these items, in one read.
    public func ledger(mailbox: String, uids: Set<String>, items: [String]) throws(JournalError) -> LedgerView {
        let mailbox = mailbox.lowercased()
        return try read { db in
            let replies = try ReplyRecord.filter(ReplyRecord.Columns.mailbox == mailbox)
                .filter(uids.contains(ReplyRecord.Columns.uid)).fetchAll(db)
            let failures = try FailureRow.filter(Column("mailbox") == mailbox)
                .filter(items.contains(Column("itemId"))).fetchAll(db)
            return LedgerView(
                replies: replies, failures: Dictionary(failures.map { ($0.itemId, $0.runs) }) { first, _ in first })
        }
    }
}
