import Foundation
import GRDB

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The bot's memory across runs: every decision and outcome, the reply
/// ledger that makes reruns safe, and the items that keep failing.
///
/// It owns its database connection (GRDB's demo app pattern, STYLE.md 12);
/// each write method is one transaction that leaves the journal consistent,
/// and the guarantees that matter are constraints in SQLite, not checks in
/// Swift. Every error is a `JournalError`; none of them may be ignored by a
/// run that is about to send something.
public final class Journal: Sendable {
    /// The journal's file name in the state directory.
    public static let fileName = "journal.sqlite"
    /// How long a write waits for another connection's lock before `.locked`:
    /// short, because a cron run must fail clearly rather than hang.
    static let busyTimeoutSeconds = 2

    private let writer: any DatabaseWriter
    /// The file's path, or a name for an in-memory journal: for messages.
    let location: String

    /// Opens `journal.sqlite` in `directory`, creating it (mode 0600: it holds
    /// subjects and addresses) when it is not there, and migrates it.
    ///
    /// Throws `.locked` when another connection holds the write lock,
    /// `.corrupt` when the file is not a journal or is damaged,
    /// `.newerVersion` (leaving the file as it was) when a newer MeetingBot
    /// migrated it, and `.io` when it cannot be created or opened.
    public static func open(directory: URL) throws(JournalError) -> Journal {
        let path = directory.appendingPathComponent(fileName).path
        try createPrivately(path)
        let queue = try guarding(path) { try DatabaseQueue(path: path, configuration: configuration(wal: true)) }
        return try Journal(queue, location: path)
    }

    /// Opens `journal.sqlite` in `directory` for reading only (`meetingbot
    /// history`): it creates, migrates and locks nothing, so it reads beside
    /// a run (WAL) and whether or not one is going on. Returns nil when
    /// nothing was ever recorded there (no file, or one no run migrated).
    ///
    /// Throws as `open` does: `.locked` when another connection holds the
    /// file exclusively past the busy timeout, `.corrupt`, `.newerVersion`,
    /// and `.io`, also for a journal that needs a migration this reader may
    /// not make.
    public static func openForReading(directory: URL) throws(JournalError) -> Journal? {
        let path = directory.appendingPathComponent(fileName).path
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        var config = configuration(wal: false)
        config.readonly = true
        let queue = try guarding(path) { try DatabaseQueue(path: path, configuration: config) }
        let journal = try Journal(queue, location: path, migrating: false)
        let unmigrated = try journal.read { db in try JournalSchema.migrator.appliedIdentifiers(db).isEmpty }
        return unmigrated ? nil : journal
    }

    /// A journal that lives as long as the returned object (for tests and dry demos).
    public static func inMemory() throws(JournalError) -> Journal {
        let location = "(in memory)"
        let queue = try guarding(location) { try DatabaseQueue(configuration: configuration(wal: false)) }
        return try Journal(queue, location: location)
    }

    /// Checks and migrates the database behind `writer`, which must have been
    /// made with `configuration(wal:)`; a reader's (`migrating` false) is only
    /// checked: one that no run migrated passes, one half migrated does not.
    init(_ writer: any DatabaseWriter, location: String, migrating: Bool = true) throws(JournalError) {
        self.writer = writer
        self.location = location
        let (unknown, missing, applied) = try read { db in
            // Damage is found now, before the run has sent anything, rather
            // than in the middle of it.
            // (A badly damaged page makes the check itself throw SQLITE_CORRUPT.)
            let report = try String.fetchAll(db, sql: "PRAGMA quick_check")
            if report != ["ok"] {
                let problems = report.flatMap { $0.split(separator: "\n") }.filter { !$0.hasPrefix("***") }
                throw JournalError.corrupt(location, problems.prefix(3).joined(separator: "; "))
            }
            let applied = try JournalSchema.migrator.appliedIdentifiers(db)
            return (
                try JournalSchema.unknownMigrations(db), Set(JournalSchema.migrator.migrations).subtracting(applied),
                applied
            )
        }
        // Checked before migrating, so that a newer journal is left untouched.
        guard unknown.isEmpty else { throw .newerVersion(location, unknown: unknown) }
        guard migrating else {
            guard applied.isEmpty || missing.isEmpty else { throw .outdated(location) }
            return
        }
        try Self.guarding(location) { try JournalSchema.migrator.migrate(writer) }
        // Take the write lock once now: a journal that another process holds
        // fails here, before the run has contacted any server.
        try write { _ in }
    }

    /// The connection's settings. WAL lets a reader (`meetingbot history`)
    /// run beside the bot; `synchronous = FULL` makes a committed intent
    /// survive a power cut before the reply it announces goes out.
    static func configuration(wal: Bool) -> Configuration {
        var config = Configuration()
        config.label = "MeetingJournal"
        config.busyMode = .timeout(TimeInterval(busyTimeoutSeconds))
        // A run writes its decisions a page at a time and reads back only a
        // page's ledger: SQLite's default 2 MB page cache was a tenth of a
        // 50,000-message run's heap (PRODUCT.md 9), and the file's pages stay
        // in the system's cache anyway.
        config.prepareDatabase { db in try db.execute(sql: "PRAGMA cache_size = -512") }
        if wal {
            config.prepareDatabase { db in
                let mode = try String.fetchOne(db, sql: "PRAGMA journal_mode = WAL")
                guard mode == "wal" else {
                    throw DatabaseError(message: "SQLite did not switch to WAL mode (it reports \(mode ?? "nothing"))")
                }
                try db.execute(sql: "PRAGMA synchronous = FULL")
            }
        }
        return config
    }

    // MARK: - Access

    /// Runs `body` in a read transaction.
    func read<T>(_ body: (Database) throws -> T) throws(JournalError) -> T {
        try Self.guarding(location) { try writer.read(body) }
    }

    /// Runs `body` in an IMMEDIATE transaction: it holds the write lock from
    /// its first statement, so two journals on one file take turns and a
    /// read-then-write inside `body` cannot be overtaken.
    func write<T>(_ body: (Database) throws -> T) throws(JournalError) -> T {
        try Self.guarding(location) { try writer.write(body) }
    }

    /// Runs `body`, turning what GRDB and SQLite throw into a `JournalError` about `location`.
    static func guarding<T>(_ location: String, _ body: () throws -> T) throws(JournalError) -> T {
        do {
            return try body()
        } catch let error as JournalError {
            throw error
        } catch let error as DatabaseError {
            throw JournalError(error, location: location)
        } catch {
            // GRDB's other errors are rows that do not decode; their text quotes the row, so only the type is kept.
            throw JournalError.corrupt(location, "a stored row does not read back (\(type(of: error)))")
        }
    }
}

/// Creates an empty file with mode 0600 unless one is there; SQLite then
/// writes the database into it and gives its -wal and -shm files the same mode.
/// (A free function: inside `Journal`, `open` is the journal's own.)
private func createPrivately(_ path: String) throws(JournalError) {
    let fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
    if fd >= 0 {
        close(fd)
    } else if errno != EEXIST {
        throw JournalError(.io, "cannot create the journal \(path): \(String(cString: strerror(errno)))")
    }
}
