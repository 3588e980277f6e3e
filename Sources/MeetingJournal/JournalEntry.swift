import Foundation
import GRDB

/// What one run decided about one message, and what came of it: the row
/// that `meetingbot history` and the reports read. Kinds, actions and
/// results are the pipeline's words, kept as text so the journal does not
/// depend on the rules module.
///
/// One row per message per run (the table's unique key is run, mailbox,
/// item): recording a message again in the same run replaces its row, so
/// the pipeline may record the decision before acting and the outcome after.
public struct JournalEntry: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "decision"

    /// Set by the journal when the entry is recorded.
    public var id: Int64?
    public var runId: Int64
    public var mailbox: String
    /// The EWS item id of the message.
    public var itemId: String
    public var uid: String?
    public var recurrenceId: Date?
    public var sequence: Int?
    /// "request", "response", "cancellation", ...
    public var kind: String
    public var organizer: String?
    public var subject: String?
    public var start: Date?
    /// The rule that chose the action; nil for a default or a built-in refusal.
    public var rule: String?
    public var action: String
    /// Why, in plain words.
    public var reason: String
    /// What came of it: "done", "failed", "pending", "skipped", "dry-run", ...
    public var result: String
    /// More about the result, such as the server's error.
    public var detail: String?
    public var decidedAt: Date
    /// Recorded by a dry run: nothing was done.
    public var dryRun: Bool

    public init(
        runId: Int64, mailbox: String, itemId: String, uid: String?, recurrenceId: Date? = nil, sequence: Int? = nil,
        kind: String, organizer: String?, subject: String?, start: Date?, rule: String?, action: String,
        reason: String, result: String, detail: String? = nil, decidedAt: Date, dryRun: Bool
    ) {
        self.runId = runId
        self.mailbox = mailbox
        self.itemId = itemId
        self.uid = uid
        self.recurrenceId = recurrenceId
        self.sequence = sequence
        self.kind = kind
        self.organizer = organizer
        self.subject = subject
        self.start = start
        self.rule = rule
        self.action = action
        self.reason = reason
        self.result = result
        self.detail = detail
        self.decidedAt = decidedAt
        self.dryRun = dryRun
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }

    public enum Columns {
        public static let id = Column(CodingKeys.id)
        public static let runId = Column(CodingKeys.runId)
        public static let mailbox = Column(CodingKeys.mailbox)
        public static let uid = Column(CodingKeys.uid)
        public static let organizer = Column(CodingKeys.organizer)
        public static let action = Column(CodingKeys.action)
        public static let decidedAt = Column(CodingKeys.decidedAt)
        public static let dryRun = Column(CodingKeys.dryRun)
    }
}

/// Which entries `Journal.entries(_:)` returns. Every criterion given must
/// hold; mailbox and organizer compare without case.
public struct HistoryFilter: Sendable, Equatable {
    public enum Order: Sendable, Equatable {
        case newestFirst, oldestFirst
    }
    /// Entries decided at or after this moment.
    public var since: Date?
    public var mailbox: String?
    public var organizer: String?
    public var uid: String?
    public var action: String?
    public var runId: Int64?
    /// Only entries of dry runs (true) or of real runs (false).
    public var dryRun: Bool?
    /// At most this many entries (the newest, or the oldest, as `order` says).
    public var limit: Int?
    public var order: Order

    public init(
        since: Date? = nil, mailbox: String? = nil, organizer: String? = nil, uid: String? = nil,
        action: String? = nil, runId: Int64? = nil, dryRun: Bool? = nil, limit: Int? = nil,
        order: Order = .newestFirst
    ) {
        self.since = since
        self.mailbox = mailbox
        self.organizer = organizer
        self.uid = uid
        self.action = action
        self.runId = runId
        self.dryRun = dryRun
        self.limit = limit
        self.order = order
    }
}

extension Journal {
    /// Records an entry, or replaces the one recorded for the same message
    /// earlier in the same run. Dry runs record too (with `dryRun` set); this
    /// never touches the reply ledger.
    public func record(_ entry: JournalEntry) throws(JournalError) {
        try record([entry])
    }

    /// Records several entries in one transaction: a page of a run costs one
    /// commit (one sync to disk), not one per message.
    public func record(_ entries: [JournalEntry]) throws(JournalError) {
        guard !entries.isEmpty else { return }
        try write { db in
            // One prepared statement for all of them: a page records hundreds.
            let insert = try db.cachedStatement(
                sql: """
                    INSERT INTO decision (runId, mailbox, itemId, uid, recurrenceId, sequence, kind, organizer, subject,
                    start, rule, action, reason, result, detail, decidedAt, dryRun)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (runId, mailbox, itemId) DO UPDATE SET uid = excluded.uid,
                    recurrenceId = excluded.recurrenceId, sequence = excluded.sequence, kind = excluded.kind,
                    organizer = excluded.organizer, subject = excluded.subject, start = excluded.start,
                    rule = excluded.rule, action = excluded.action, reason = excluded.reason, result = excluded.result,
                    detail = excluded.detail, decidedAt = excluded.decidedAt, dryRun = excluded.dryRun
                    """)
            for e in entries {
                try insert.execute(arguments: [
                    e.runId, e.mailbox, e.itemId, e.uid, e.recurrenceId, e.sequence, e.kind, e.organizer, e.subject,
                    e.start, e.rule, e.action, e.reason, e.result, e.detail, e.decidedAt, e.dryRun,
                ])
            }
        }
    }

    /// The entries that match `filter`, ordered by decision time (ties in
    /// the order they were recorded).
    public func entries(_ filter: HistoryFilter) throws(JournalError) -> [JournalEntry] {
        typealias C = JournalEntry.Columns
        var request = JournalEntry.all()
        if let since = filter.since { request = request.filter(C.decidedAt >= since) }
        if let mailbox = filter.mailbox { request = request.filter(C.mailbox == mailbox) }
        if let organizer = filter.organizer { request = request.filter(C.organizer == organizer) }
        if let uid = filter.uid { request = request.filter(C.uid == uid) }
        if let action = filter.action { request = request.filter(C.action == action) }
        if let runId = filter.runId { request = request.filter(C.runId == runId) }
        if let dryRun = filter.dryRun { request = request.filter(C.dryRun == dryRun) }
        switch filter.order {
        case .newestFirst: request = request.order(C.decidedAt.desc, C.id.desc)
        case .oldestFirst: request = request.order(C.decidedAt, C.id)
        }
        if let limit = filter.limit { request = request.limit(limit) }
        return try read { db in try request.fetchAll(db) }
    }
}
