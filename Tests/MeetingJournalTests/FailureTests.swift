import Foundation
import Testing

@testable import MeetingJournal

@Suite struct FailureTests {
    @Test func countsTheRunsInARowThatFailedTheSameWay() throws {
        let journal = try Journal.inMemory()
        let runs = try (0..<5).map { try journal.beginRun(startedAt: t0 + Double($0) * 600, dryRun: false, host: nil) }
        func fail(_ run: Int64, _ error: String, item: String = "AAMk-1", mailbox: String = "room1@contoso.com") throws
            -> Int
        {
            try journal.recordFailure(mailbox: mailbox, item: item, error: error, run: run, at: t0)
        }
        #expect(try fail(runs[0], "ErrorItemNotFound") == 1)
        #expect(try fail(runs[0], "ErrorItemNotFound") == 1)  // the same run counts once
        #expect(try fail(runs[1], "ErrorItemNotFound", mailbox: "ROOM1@contoso.com") == 2)
        #expect(try fail(runs[2], "ErrorItemNotFound") == 3)
        #expect(try fail(runs[2], "ErrorItemNotFound", item: "AAMk-2") == 1)  // another item: its own count
        #expect(try fail(runs[3], "ErrorAccessDenied") == 1)  // another error starts again
        #expect(try fail(runs[4], "ErrorAccessDenied") == 2)
        #expect(try journal.failureRuns(mailbox: "room1@contoso.com", item: "AAMk-1") == 2)
        #expect(try journal.failureRuns(mailbox: "room1@contoso.com", item: "AAMk-2") == 1)

        try journal.clearFailure(mailbox: "Room1@contoso.com", item: "AAMk-1")
        #expect(try journal.failureRuns(mailbox: "room1@contoso.com", item: "AAMk-1") == 0)
        #expect(try journal.failureRuns(mailbox: "room1@contoso.com", item: "AAMk-2") == 1)
        #expect(try fail(runs[4], "ErrorAccessDenied") == 1)
    }
}
