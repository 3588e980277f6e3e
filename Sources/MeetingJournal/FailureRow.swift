import Foundation
import GRDB

/// An item that failed, with how many runs in a row it failed the same way
/// (PRODUCT.md 7.5: an item that keeps failing is reported as stuck and left
/// alone). "In a row" counts the runs that tried the item: a run that did
/// not reach it neither counts nor breaks the streak; a success clears it.
struct FailureRow: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "failure"

    var mailbox: String
    var itemId: String
    var error: String
    var runs: Int
    var lastRunId: Int64
    var firstFailedAt: Date
    var lastFailedAt: Date

    static func key(mailbox: String, item: String) -> [String: any DatabaseValueConvertible] {
        ["mailbox": mailbox.lowercased(), "itemId": item]
    }
}

extension Journal {
    /// Records that `item` failed with `error` in run `run`, and returns in
    /// how many runs in a row it has failed with this same error: a different
    /// error starts again at 1, and the same run counts once however often it
    /// records the failure.
    public func recordFailure(mailbox: String, item: String, error: String, run: Int64, at: Date) throws(JournalError)
        -> Int
    {
        try write { db in
            if var row = try FailureRow.fetchOne(db, key: FailureRow.key(mailbox: mailbox, item: item)),
                row.error == error
            {
                if row.lastRunId != run {
                    row.runs += 1
                    row.lastRunId = run
                }
                row.lastFailedAt = at
                try row.update(db)
                return row.runs
            }
            let row = FailureRow(
                mailbox: mailbox.lowercased(), itemId: item, error: error, runs: 1, lastRunId: run, firstFailedAt: at,
                lastFailedAt: at)
            try row.save(db)
            return row.runs
        }
    }

    /// Forgets the failures of `item` (it succeeded, or left the mailbox).
    public func clearFailure(mailbox: String, item: String) throws(JournalError) {
        try clearFailures(mailbox: mailbox, items: [item])
    }

    /// Forgets the failures of these items, in one transaction.
    public func clearFailures(mailbox: String, items: [String]) throws(JournalError) {
        guard !items.isEmpty else { return }
        _ = try write { db in
            try FailureRow.filter(Column("mailbox") == mailbox.lowercased()).filter(items.contains(Column("itemId")))
                .deleteAll(db)
        }
    }

    /// In how many runs in a row `item` has failed the same way; 0 when it has not.
    public func failureRuns(mailbox: String, item: String) throws(JournalError) -> Int {
        try read { db in try FailureRow.fetchOne(db, key: FailureRow.key(mailbox: mailbox, item: item))?.runs ?? 0 }
    }
}
