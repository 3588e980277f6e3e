import Foundation
import GRDB

/// One `meetingbot run`: when it started and ended, whether it was a dry
/// run, and how it ended. Written at the start of a run, completed at its end;
/// a run without `finishedAt` crashed or is still going.
public struct RunRecord: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "run"

    public var id: Int64?
    public var startedAt: Date
    public var finishedAt: Date?
    public var dryRun: Bool
    /// The machine the run ran on, to tell apart runs of two installations
    /// that share a state directory by mistake.
    public var host: String?
    public var exitCode: Int?
    public var summary: String?

    public enum Columns {
        public static let finishedAt = Column(CodingKeys.finishedAt)
        public static let exitCode = Column(CodingKeys.exitCode)
        public static let summary = Column(CodingKeys.summary)
    }
}

extension Journal {
    /// Records the start of a run and returns its id, which every other
    /// record of the run carries. The first write of a run: a locked journal
    /// fails here, before anything is sent.
    public func beginRun(startedAt: Date, dryRun: Bool, host: String?) throws(JournalError) -> Int64 {
        try write { db in
            try RunRecord(startedAt: startedAt, dryRun: dryRun, host: host).insert(db)
            return db.lastInsertedRowID
        }
    }

    /// Records how run `run` ended.
    public func finishRun(_ run: Int64, at: Date, exitCode: Int, summary: String) throws(JournalError) {
        let updated = try write { db in
            try RunRecord.filter(key: run).updateAll(
                db, RunRecord.Columns.finishedAt.set(to: at), RunRecord.Columns.exitCode.set(to: exitCode),
                RunRecord.Columns.summary.set(to: summary))
        }
        guard updated == 1 else { throw .refused(location, "there is no run \(run) to finish") }
    }

    /// The run with this id, if there is one.
    public func run(_ id: Int64) throws(JournalError) -> RunRecord? {
        try read { db in try RunRecord.fetchOne(db, key: id) }
    }
}
