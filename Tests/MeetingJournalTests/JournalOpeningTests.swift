import Foundation
import GRDB
import Testing

@testable import MeetingJournal

@Suite struct JournalOpeningTests {
    @Test func migratesANewJournalToTheKnownSchema() throws {
        let (_, queue) = try makeJournalAndQueue()
        let (applied, completed, tables) = try queue.read { db in
            try (
                JournalSchema.migrator.appliedMigrations(db), JournalSchema.migrator.hasCompletedMigrations(db),
                ["run", "decision", "reply", "failure"].filter { try db.tableExists($0) }
            )
        }
        #expect(applied == ["v1"])
        #expect(completed)
        #expect(tables.count == 4)
    }

    @Test func reopeningKeepsWhatWasRecordedAndMigratesOnce() throws {
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        let run = try Journal.open(directory: dir).beginRun(startedAt: t0, dryRun: false, host: "bot1")
        let reopened = try Journal.open(directory: dir)
        #expect(try reopened.run(run)?.host == "bot1")
        #expect(try reopened.beginRun(startedAt: t0, dryRun: true, host: nil) == run + 1)
        let applied = try otherConnection(to: dir).read { db in
            try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations")
        }
        #expect(applied == ["v1"])
    }

    @Test func theFileIsPrivateAndInWALMode() throws {
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        let journal = try Journal.open(directory: dir)
        _ = try journal.beginRun(startedAt: t0, dryRun: false, host: nil)
        let path = dir.appendingPathComponent(Journal.fileName).path
        for file in [path, path + "-wal"] {
            let mode = try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int
            #expect(mode == 0o600, "\(file)")
        }
        #expect(try otherConnection(to: dir).read { try String.fetchOne($0, sql: "PRAGMA journal_mode") } == "wal")
        // The settings `open` uses: a committed intent is flushed to disk (synchronous = FULL).
        let configured = try DatabaseQueue(path: path, configuration: Journal.configuration(wal: true))
        #expect(try configured.read { try Int.fetchOne($0, sql: "PRAGMA synchronous") } == 2)
    }

    @Test func aJournalHeldByAnotherWriterIsLockedQuickly() throws {
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        let path = dir.appendingPathComponent(Journal.fileName).path
        let journal = try Journal.open(directory: dir)
        let other = try otherConnection(to: dir)
        try other.inTransaction(.exclusive) { _ in
            let clock = ContinuousClock()
            let opening = clock.measure {
                #expect {
                    try Journal.open(directory: dir)
                } throws: { error in
                    JournalError.locked ~= error && "\(error)".contains("another process holds the journal \(path)")
                        && "\(error)".contains("waited 2 s")
                }
            }
            #expect(opening < .seconds(6))
            // An open journal finds the lock at its next write, before anything is sent.
            #expect { try journal.beginRun(startedAt: t0, dryRun: false, host: nil) } throws: {
                JournalError.locked ~= $0
            }
            return .rollback
        }
        #expect(try journal.beginRun(startedAt: t0, dryRun: false, host: nil) == 1)
    }

    @Test func aFileThatIsNotADatabaseIsCorrupt() throws {
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        let path = dir.appendingPathComponent(Journal.fileName).path
        let garbage = Data((0..<8192).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) })
        try garbage.write(to: URL(fileURLWithPath: path))
        #expect {
            try Journal.open(directory: dir)
        } throws: { error in
            JournalError.corrupt ~= error && "\(error)".contains("the journal \(path) is damaged: ")
                && "\(error)".hasSuffix("; move it aside to start a new one")
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == garbage)
    }

    /// A whole page overwritten (SQLite fails to read it), or half of one
    /// (SQLite reads it, and the check at opening lists the problems).
    @Test(arguments: [4096, 2048]) func aDamagedJournalIsCorrupt(damagedBytes: Int) throws {
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        let url = dir.appendingPathComponent(Journal.fileName)
        do {
            let journal = try Journal.open(directory: dir)
            let run = try journal.beginRun(startedAt: t0, dryRun: false, host: nil)
            for i in 0..<200 { try journal.record(entry(run: run, item: "item-\(i)", at: t0)) }
        }
        // The last page holds decisions: the schema and the migrations still
        // read, only a check of the whole file finds the damage.
        var bytes = try Data(contentsOf: url)
        #expect(bytes.count > 3 * 4096)
        bytes.replaceSubrange(
            (bytes.count - damagedBytes)..<bytes.count, with: repeatElement(0xA5, count: damagedBytes))
        try bytes.write(to: url)
        #expect { try Journal.open(directory: dir) } throws: { error in
            JournalError.corrupt ~= error && "\(error)".contains("journal.sqlite is damaged: ")
                && !"\(error)".contains("***") && "\(error)".hasSuffix("; move it aside to start a new one")
        }
    }

    @Test func aJournalFromANewerVersionIsRefusedAndLeftAsItWas() throws {
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        let url = dir.appendingPathComponent(Journal.fileName)
        _ = try Journal.open(directory: dir)
        try otherConnection(to: dir).write { db in
            try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v2-attendee-notes')")
        }
        let before = try Data(contentsOf: url)
        #expect {
            try Journal.open(directory: dir)
        } throws: { error in
            JournalError.newerVersion ~= error
                && "\(error)"
                    == "the journal \(url.path) was written by a newer MeetingBot (migration v2-attendee-notes unknown); "
                    + "upgrade MeetingBot"
        }
        #expect(try Data(contentsOf: url) == before)
    }

    @Test func aMissingStateDirectoryIsAnIOError() {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("missing-\(UUID().uuidString)")
        #expect { try Journal.open(directory: dir) } throws: { error in
            JournalError.io ~= error && "\(error)".contains("cannot create the journal \(dir.path)/journal.sqlite")
        }
    }
}
