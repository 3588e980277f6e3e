import Foundation
import GRDB
import Testing

@testable import MeetingJournal

/// `Journal.openForReading`, what `meetingbot history` uses: it reads beside
/// a run and changes nothing, and refuses what `open` refuses.
@Suite struct ReadingTests {
    /// A journal file with two entries, one of a dry run, and the directory's files after it was closed.
    func recordedJournal() throws -> URL {
        let dir = try makeTemporaryDirectory()
        let journal = try Journal.open(directory: dir)
        let run = try journal.beginRun(startedAt: t0, dryRun: false, host: nil)
        let dry = try journal.beginRun(startedAt: t0 + 60, dryRun: true, host: nil)
        try journal.record(entry(run: run, item: "a", at: t0))
        try journal.record(entry(run: dry, item: "a", result: "planned", at: t0 + 60, dryRun: true))
        return dir
    }

    func files(_ dir: URL) throws -> [String: Data] {
        var files: [String: Data] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: dir.path) {
            files[name] = try Data(contentsOf: dir.appendingPathComponent(name))
        }
        return files
    }

    /// The database file is as it was. SQLite's reader may add the WAL's
    /// index and an empty WAL (https://www.sqlite.org/wal.html#readonly),
    /// with the database file's mode, 0600; it writes nothing into them.
    func expectUnchanged(_ dir: URL, since before: [String: Data]) throws {
        let after = try files(dir)
        #expect(after[Journal.fileName] == before[Journal.fileName])
        #expect(after[Journal.fileName + "-wal"].map(\.isEmpty) ?? true)
        for name in after.keys {
            let path = dir.appendingPathComponent(name).path
            #expect(
                try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int == 0o600, "\(name)")
        }
    }

    @Test func nothingRecordedReadsAsNoJournalAndCreatesNothing() throws {
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        #expect(try Journal.openForReading(directory: dir) == nil)
        #expect(try files(dir).isEmpty)
        // A directory that does not exist is the same: no run has used it.
        let missing = dir.appendingPathComponent("state")
        #expect(try Journal.openForReading(directory: missing) == nil)
        #expect(!FileManager.default.fileExists(atPath: missing.path))
        // An empty file (a first run stopped before it migrated) holds nothing either.
        #expect(
            FileManager.default.createFile(atPath: dir.appendingPathComponent(Journal.fileName).path, contents: Data()))
        #expect(try Journal.openForReading(directory: dir) == nil)
    }

    @Test func readsWhatWasRecordedAndChangesNoFile() throws {
        let dir = try recordedJournal()
        defer { removeDirectory(dir) }
        let before = try files(dir)
        let journal = try #require(try Journal.openForReading(directory: dir))
        #expect(try journal.entries(HistoryFilter(order: .oldestFirst)).map(\.result) == ["done", "planned"])
        #expect(try journal.entries(HistoryFilter(dryRun: true)).map(\.result) == ["planned"])
        #expect(try journal.entries(HistoryFilter(dryRun: false)).map(\.result) == ["done"])
        #expect { try journal.beginRun(startedAt: t0, dryRun: false, host: nil) } throws: { _ in true }
        try expectUnchanged(dir, since: before)
    }

    @Test func readsBesideARunThatIsWriting() throws {
        let dir = try recordedJournal()
        defer { removeDirectory(dir) }
        let run = try Journal.open(directory: dir)
        let other = try otherConnection(to: dir)
        try other.inTransaction(.exclusive) { db in
            try db.execute(sql: "DELETE FROM decision")
            // The writer holds the lock with its change uncommitted: the reader sees the last commit, at once.
            let clock = ContinuousClock()
            let elapsed = try clock.measure {
                let reader = try #require(try Journal.openForReading(directory: dir))
                #expect(try reader.entries(HistoryFilter()).count == 2)
            }
            #expect(elapsed < .seconds(1))
            return .rollback
        }
        withExtendedLifetime(run) {}
    }

    @Test func aJournalHeldExclusivelyIsLocked() throws {
        let dir = try recordedJournal()
        defer { removeDirectory(dir) }
        // A connection in exclusive locking mode keeps other readers out
        // (https://www.sqlite.org/pragma.html#pragma_locking_mode).
        let holder = try otherConnection(to: dir)
        try holder.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA locking_mode = EXCLUSIVE") }
        try holder.inTransaction(.exclusive) { db in
            try db.execute(sql: "UPDATE run SET host = 'holder'")
            #expect {
                try Journal.openForReading(directory: dir)
            } throws: { error in
                JournalError.locked ~= error && "\(error)".contains("another process holds the journal")
            }
            return .rollback
        }
    }

    @Test func aDamagedOrNewerJournalIsRefusedAndLeftAsItWas() throws {
        let dir = try recordedJournal()
        defer { removeDirectory(dir) }
        try otherConnection(to: dir).write { db in
            try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v2-attendee-notes')")
        }
        let newer = try files(dir)
        #expect { try Journal.openForReading(directory: dir) } throws: { JournalError.newerVersion ~= $0 }
        try expectUnchanged(dir, since: newer)

        let url = dir.appendingPathComponent(Journal.fileName)
        let garbage = Data((0..<8192).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) })
        try garbage.write(to: url)
        #expect { try Journal.openForReading(directory: dir) } throws: { error in
            JournalError.corrupt ~= error && "\(error)".contains("the journal \(url.path) is damaged: ")
        }
        #expect(try Data(contentsOf: url) == garbage)
    }
}
