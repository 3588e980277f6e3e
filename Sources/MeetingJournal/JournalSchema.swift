import GRDB

/// The journal's tables, as versioned migrations. A migration, once
/// released, is never edited: a change of schema is a new migration appended
/// below, so every journal on disk reaches the same schema. Migrations name
/// their columns literally (not through the record types) because they are
/// history, not the current model.
enum JournalSchema {
    static let migrator: DatabaseMigrator = {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1", migrate: createTables)
        // Later versions: migrator.registerMigration("v2") { db in ... }
        return migrator
    }()

    /// Applied migrations this code does not know: the file comes from a newer MeetingBot.
    static func unknownMigrations(_ db: Database) throws -> Set<String> {
        try migrator.appliedIdentifiers(db).subtracting(migrator.migrations)
    }

    /// v1: runs, decisions, the reply ledger, failures.
    private static func createTables(_ db: Database) throws {
        // One row per `meetingbot run`.
        try db.create(table: "run") { t in
            t.autoIncrementedPrimaryKey("id")
            t.column("startedAt", .datetime).notNull()
            t.column("finishedAt", .datetime)
            t.column("dryRun", .boolean).notNull()
            t.column("host", .text)
            t.column("exitCode", .integer)
            t.column("summary", .text)
        }

        // What was decided about one message in one run, and what came of it.
        try db.create(table: "decision") { t in
            t.autoIncrementedPrimaryKey("id")
            t.column("runId", .integer).notNull().references("run")
            // Addresses compare without case, as Exchange compares them.
            t.column("mailbox", .text).notNull().collate(.nocase)
            t.column("itemId", .text).notNull()
            t.column("uid", .text)
            t.column("recurrenceId", .datetime)
            t.column("sequence", .integer)
            t.column("kind", .text).notNull()
            t.column("organizer", .text).collate(.nocase)
            t.column("subject", .text)
            t.column("start", .datetime)
            t.column("rule", .text)
            t.column("action", .text).notNull()
            t.column("reason", .text).notNull()
            t.column("result", .text).notNull()
            t.column("detail", .text)
            t.column("decidedAt", .datetime).notNull()
            t.column("dryRun", .boolean).notNull()
            // One row per message per run: recording it again replaces it.
            t.uniqueKey(["runId", "mailbox", "itemId"])
        }
        try db.create(index: "decision_decidedAt", on: "decision", columns: ["decidedAt"])
        try db.create(index: "decision_mailbox", on: "decision", columns: ["mailbox", "decidedAt"])
        try db.create(index: "decision_organizer", on: "decision", columns: ["organizer", "decidedAt"])
        try db.create(index: "decision_uid", on: "decision", columns: ["uid", "decidedAt"])

        // The reply ledger (PRODUCT.md 7.3). The primary key is the promise:
        // one row, so at most one reply, per request version. No key column
        // is NULL ("no recurrence id" is ''), because SQLite lets NULLs
        // repeat under a unique key.
        try db.create(table: "reply") { t in
            t.column("mailbox", .text).notNull()
            t.column("uid", .text).notNull()
            t.column("recurrenceId", .text).notNull()
            t.column("sequence", .integer).notNull()
            t.primaryKey(["mailbox", "uid", "recurrenceId", "sequence"])
            t.column("requestId", .text).notNull()
            t.column("answer", .text).notNull().check { ["accept", "tentative", "decline"].contains($0) }
            t.column("sendsReply", .boolean).notNull()
            t.column("state", .text).notNull().check { ["intent", "sent", "not_sent", "unknown"].contains($0) }
            t.column("attempts", .integer).notNull().check { $0 >= 1 }
            t.column("runId", .integer).notNull().references("run")
            t.column("createdAt", .datetime).notNull()
            t.column("updatedAt", .datetime).notNull()
        }
        // A sent reply stays sent, whatever the Swift code does.
        try db.execute(
            sql: """
                CREATE TRIGGER reply_sent_is_final BEFORE UPDATE OF state ON reply
                WHEN OLD.state = 'sent' AND NEW.state <> 'sent'
                BEGIN SELECT RAISE(ABORT, 'a sent reply stays sent'); END
                """)

        // The items that failed, and in how many runs in a row (PRODUCT.md 7.5).
        try db.create(table: "failure") { t in
            t.column("mailbox", .text).notNull()
            t.column("itemId", .text).notNull()
            t.primaryKey(["mailbox", "itemId"])
            t.column("error", .text).notNull()
            t.column("runs", .integer).notNull().check { $0 >= 1 }
            t.column("lastRunId", .integer).notNull().references("run")
            t.column("firstFailedAt", .datetime).notNull()
            t.column("lastFailedAt", .datetime).notNull()
        }
    }
}
