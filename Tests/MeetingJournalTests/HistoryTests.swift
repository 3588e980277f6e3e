import Foundation
import GRDB
import Testing

@testable import MeetingJournal

@Suite struct HistoryTests {
    /// Two runs over two mailboxes; entry n is decided at t0 + n minutes.
    func recordedHistory() throws -> (Journal, [JournalEntry]) {
        let journal = try Journal.inMemory()
        let run1 = try journal.beginRun(startedAt: t0, dryRun: false, host: "bot1")
        let run2 = try journal.beginRun(startedAt: t0.addingTimeInterval(3600), dryRun: true, host: "bot1")
        let entries = [
            entry(run: run1, item: "a", uid: "UID-1", organizer: "ann@contoso.com", action: "accept", at: t0),
            entry(
                run: run1, mailbox: "room2@contoso.com", item: "b", uid: "UID-2", organizer: "Bob@Fabrikam.com",
                action: "decline", at: t0.addingTimeInterval(60)),
            entry(run: run1, item: "c", uid: nil, organizer: nil, action: "skip", at: t0.addingTimeInterval(120)),
            entry(
                run: run2, item: "a2", uid: "UID-1", organizer: "ann@contoso.com", action: "accept",
                result: "dry-run", at: t0.addingTimeInterval(180), dryRun: true),
            entry(
                run: run2, mailbox: "room2@contoso.com", item: "b", uid: "UID-2", organizer: "bob@fabrikam.com",
                action: "delete", result: "dry-run", at: t0.addingTimeInterval(240), dryRun: true),
        ]
        for e in entries { try journal.record(e) }
        return (journal, entries)
    }

    func items(_ journal: Journal, _ filter: HistoryFilter) throws -> [String] {
        try journal.entries(filter).map(\.itemId)
    }

    @Test func entriesComeBackAsRecorded() throws {
        let (journal, recorded) = try recordedHistory()
        let read = try journal.entries(HistoryFilter(order: .oldestFirst))
        #expect(read.allSatisfy { $0.id != nil })
        #expect(
            read.map {
                var e = $0
                e.id = nil
                return e
            } == recorded)
        #expect(read.map(\.dryRun) == [false, false, false, true, true])
    }

    @Test func eachFilterSelects() throws {
        let (journal, _) = try recordedHistory()
        #expect(try items(journal, HistoryFilter()) == ["b", "a2", "c", "b", "a"])
        #expect(try items(journal, HistoryFilter(order: .oldestFirst)) == ["a", "b", "c", "a2", "b"])
        #expect(try items(journal, HistoryFilter(since: t0.addingTimeInterval(120))) == ["b", "a2", "c"])
        #expect(try items(journal, HistoryFilter(mailbox: "ROOM2@contoso.com", order: .oldestFirst)) == ["b", "b"])
        #expect(try items(journal, HistoryFilter(organizer: "bob@fabrikam.com")).count == 2)
        #expect(try items(journal, HistoryFilter(organizer: "ANN@contoso.com")) == ["a2", "a"])
        #expect(try items(journal, HistoryFilter(uid: "UID-1")) == ["a2", "a"])
        #expect(try items(journal, HistoryFilter(action: "decline")) == ["b"])
        #expect(try items(journal, HistoryFilter(runId: 2, order: .oldestFirst)) == ["a2", "b"])
        #expect(try items(journal, HistoryFilter(limit: 2)) == ["b", "a2"])
        #expect(try items(journal, HistoryFilter(limit: 2, order: .oldestFirst)) == ["a", "b"])
        #expect(
            try items(
                journal, HistoryFilter(since: t0.addingTimeInterval(60), mailbox: "room1@contoso.com", uid: "UID-1"))
                == ["a2"])
        #expect(try items(journal, HistoryFilter(uid: "UID-9")).isEmpty)
    }

    @Test func recordingAMessageAgainInTheSameRunReplacesItsRow() throws {
        let journal = try Journal.inMemory()
        let run = try journal.beginRun(startedAt: t0, dryRun: false, host: nil)
        try journal.record(entry(run: run, item: "a", result: "pending", at: t0))
        var outcome = entry(run: run, mailbox: "ROOM1@contoso.com", item: "a", result: "failed", at: t0 + 5)
        outcome.detail = "ErrorServerBusy"
        try journal.record(outcome)
        let rows = try journal.entries(HistoryFilter())
        #expect(rows.count == 1)
        #expect(rows.first?.result == "failed")
        #expect(rows.first?.detail == "ErrorServerBusy")
        // The next run's decision about the same message is a row of its own.
        let next = try journal.beginRun(startedAt: t0 + 60, dryRun: false, host: nil)
        try journal.record(entry(run: next, item: "a", at: t0 + 60))
        #expect(try journal.entries(HistoryFilter()).count == 2)
    }

    @Test func aDryRunEntryIsMarkedAndLeavesTheLedgerAlone() throws {
        let (journal, queue) = try makeJournalAndQueue()
        let run = try journal.beginRun(startedAt: t0, dryRun: true, host: nil)
        try journal.record(entry(run: run, item: "a", uid: "UID-1", result: "dry-run", at: t0, dryRun: true))
        #expect(try journal.entries(HistoryFilter()).map(\.dryRun) == [true])
        #expect(try queue.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM reply") } == 0)
        #expect(try queue.read { try Bool.fetchOne($0, sql: "SELECT dryRun FROM decision") } == true)
        // Dates are UTC text that sorts as it reads, for people with the sqlite3 shell too.
        #expect(
            try queue.read { try String.fetchOne($0, sql: "SELECT decidedAt FROM decision") }
                == "2025-03-10 09:46:40.000")
    }

    @Test func runsAreRecordedAndFinished() throws {
        let journal = try Journal.inMemory()
        let run = try journal.beginRun(startedAt: t0, dryRun: false, host: "bot1")
        #expect(try journal.run(run)?.finishedAt == nil)
        try journal.finishRun(run, at: t0 + 30, exitCode: 1, summary: "9 messages, 1 failed")
        #expect(
            try journal.run(run)
                == RunRecord(
                    id: run, startedAt: t0, finishedAt: t0 + 30, dryRun: false, host: "bot1", exitCode: 1,
                    summary: "9 messages, 1 failed"))
        #expect { try journal.finishRun(99, at: t0, exitCode: 0, summary: "") } throws: { JournalError.refused ~= $0 }
        // An entry must belong to a run (a foreign key).
        #expect { try journal.record(entry(run: 99, item: "a", at: t0)) } throws: { JournalError.refused ~= $0 }
    }
}
