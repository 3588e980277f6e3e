import Foundation
import GRDB
import Testing

@testable import MeetingJournal

@Suite struct ReplyLedgerTests {
    let key = ReplyKey(mailbox: "Room1@Contoso.com", uid: "UID-1", recurrenceId: nil, sequence: 2)

    func claim(_ journal: Journal, _ key: ReplyKey, run: Int64, at: Date = t0) throws -> ReplyClaim {
        try journal.claimReply(key, requestId: "AAMk-req", answer: .accept, sendsReply: true, run: run, at: at)
    }

    @Test func aSentReplyIsNeverGrantedAgain() throws {
        let journal = try Journal.inMemory()
        let run = try journal.beginRun(startedAt: t0, dryRun: false, host: nil)
        guard case .granted(let intent) = try claim(journal, key, run: run) else {
            Issue.record("the first claim is granted")
            return
        }
        #expect(intent.state == .intent && intent.attempts == 1 && intent.key.mailbox == "room1@contoso.com")
        #expect(try journal.reply(key) == intent)
        try journal.settleReply(key, as: .sent, at: t0 + 1)
        let next = try journal.beginRun(startedAt: t0 + 60, dryRun: false, host: nil)
        guard case .alreadySent(let sent) = try claim(journal, key, run: next, at: t0 + 60) else {
            Issue.record("a sent reply is reported as sent")
            return
        }
        #expect(sent.state == .sent && sent.attempts == 1 && sent.updatedAt == t0 + 1 && sent.runId == run)
        #expect(try journal.unsettledReplies(mailbox: "room1@contoso.com").isEmpty)
    }

    @Test func anUnknownOutcomeMustBeSettledBeforeAnotherSend() throws {
        let journal = try Journal.inMemory()
        let run1 = try journal.beginRun(startedAt: t0, dryRun: false, host: nil)
        #expect(try claim(journal, key, run: run1).isGranted)
        try journal.settleReply(key, as: .unknown, at: t0 + 1)

        let run2 = try journal.beginRun(startedAt: t0 + 60, dryRun: false, host: nil)
        guard case .unconfirmed(let pending) = try claim(journal, key, run: run2, at: t0 + 60) else {
            Issue.record("an unknown outcome is unconfirmed")
            return
        }
        #expect(pending.state == .unknown)
        #expect(try journal.unsettledReplies(mailbox: "ROOM1@contoso.com") == [pending])
        // The re-read found the request still in the inbox, unanswered.
        try journal.settleReply(key, as: .notSent, at: t0 + 61)
        guard
            case .granted(let again) = try journal.claimReply(
                key, requestId: "AAMk-req-2", answer: .tentative, sendsReply: false, run: run2, at: t0 + 62)
        else {
            Issue.record("a reply that was not sent may be sent")
            return
        }
        #expect(again.state == .intent && again.attempts == 2 && again.runId == run2)
        #expect(again.requestId == "AAMk-req-2" && again.answer == .tentative && !again.sendsReply)
        #expect(again.createdAt == t0 && again.updatedAt == t0 + 62)
        #expect(try journal.reply(key) == again)
    }

    @Test func anIntentLeftByACrashIsUnconfirmed() throws {
        let journal = try Journal.inMemory()
        let run = try journal.beginRun(startedAt: t0, dryRun: false, host: nil)
        #expect(try claim(journal, key, run: run).isGranted)
        // No settlement: the run died between intent and outcome.
        guard case .unconfirmed(let left) = try claim(journal, key, run: run) else {
            Issue.record("an intent from before is unconfirmed")
            return
        }
        #expect(left.state == .intent)
        #expect(try journal.unsettledReplies(mailbox: key.mailbox).map(\.key) == [key])
        #expect(try journal.unsettledReplies(mailbox: "room2@contoso.com").isEmpty)
        // The re-read found it answered (the request went to Deleted Items).
        try journal.settleReply(key, as: .sent, at: t0 + 1)
        #expect(try claim(journal, key, run: run).isAlreadySent)
    }

    @Test func settlementsFollowTheRules() throws {
        let (journal, queue) = try makeJournalAndQueue()
        let run = try journal.beginRun(startedAt: t0, dryRun: false, host: nil)
        #expect { try journal.settleReply(key, as: .sent, at: t0) } throws: { error in
            JournalError.refused ~= error && "\(error)".contains("no reply was claimed for room1@contoso.com UID-1")
        }
        _ = try claim(journal, key, run: run)
        #expect { try journal.settleReply(key, as: .intent, at: t0) } throws: { JournalError.refused ~= $0 }
        try journal.settleReply(key, as: .sent, at: t0)
        try journal.settleReply(key, as: .sent, at: t0 + 1)
        #expect { try journal.settleReply(key, as: .notSent, at: t0) } throws: { error in
            JournalError.refused ~= error && "\(error)".contains("already sent; it cannot become not_sent")
        }
        // The database itself keeps a sent reply sent.
        #expect { try queue.write { try $0.execute(sql: "UPDATE reply SET state = 'not_sent'") } } throws: { error in
            (error as? DatabaseError)?.message == "a sent reply stays sent"
        }
        #expect(try journal.reply(key)?.state == .sent)
    }

    @Test func theKeyIsMailboxUIDOccurrenceAndSequence() throws {
        let journal = try Journal.inMemory()
        let run = try journal.beginRun(startedAt: t0, dryRun: false, host: nil)
        let occurrence = t0.addingTimeInterval(7 * 86_400)
        #expect(try claim(journal, key, run: run).isGranted)
        let others = [
            ReplyKey(mailbox: key.mailbox, uid: key.uid, recurrenceId: nil, sequence: 3),
            ReplyKey(mailbox: key.mailbox, uid: key.uid, recurrenceId: occurrence, sequence: 2),
            ReplyKey(mailbox: "room2@contoso.com", uid: key.uid, recurrenceId: nil, sequence: 2),
            ReplyKey(mailbox: key.mailbox, uid: "UID-2", recurrenceId: nil, sequence: 2),
        ]
        for other in others { #expect(try claim(journal, other, run: run).isGranted, "\(other)") }
        // The same version, however it is spelled: no recurrence id is a value too, not a NULL.
        for same in [key, ReplyKey(mailbox: "ROOM1@contoso.COM", uid: "UID-1", recurrenceId: nil, sequence: 2)] {
            #expect(try claim(journal, same, run: run).isUnconfirmed)
        }
        let sameOccurrence = ReplyKey(mailbox: key.mailbox, uid: key.uid, recurrenceId: occurrence, sequence: 2)
        #expect(try claim(journal, sameOccurrence, run: run).isUnconfirmed)
        #expect(try journal.reply(sameOccurrence)?.key == sameOccurrence)
        #expect("\(sameOccurrence)" == "room1@contoso.com UID-1 occurrence 2025-03-17T09:46:40Z sequence 2")
    }

    @Test func sqliteRefusesASecondRowForOneRequestVersion() throws {
        let (journal, queue) = try makeJournalAndQueue()
        let run = try journal.beginRun(startedAt: t0, dryRun: false, host: nil)
        _ = try claim(journal, key, run: run)
        let insert = """
            INSERT INTO reply (mailbox, uid, recurrenceId, sequence, requestId, answer, sendsReply, state, attempts,
                               runId, createdAt, updatedAt)
            VALUES ('room1@contoso.com', 'UID-1', '', 2, 'x', 'decline', 1, 'intent', 1, ?, '2025-03-10', '2025-03-10')
            """
        #expect {
            try queue.write { try $0.execute(sql: insert, arguments: [run]) }
        } throws: { error in
            (error as? DatabaseError)?.extendedResultCode == .SQLITE_CONSTRAINT_PRIMARYKEY
        }
        #expect(try queue.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM reply") } == 1)
    }

    @Test func concurrentClaimsGrantExactlyOne() async throws {
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        // Two journals on one file, as two processes would have them, and many tasks on each.
        let journals = [try Journal.open(directory: dir), try Journal.open(directory: dir)]
        let run = try journals[0].beginRun(startedAt: t0, dryRun: false, host: nil)
        let key = self.key

        func claimAll() async throws -> [ReplyClaim] {
            try await withThrowingTaskGroup(of: ReplyClaim.self) { group in
                for i in 0..<40 {
                    group.addTask {
                        try journals[i % 2].claimReply(
                            key, requestId: "r", answer: .accept, sendsReply: true, run: run, at: t0)
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
        }

        let first = try await claimAll()
        #expect(first.filter(\.isGranted).count == 1)
        #expect(first.filter(\.isUnconfirmed).count == 39)
        // Re-armed after "not sent": again exactly one may send.
        try journals[1].settleReply(key, as: .notSent, at: t0 + 1)
        let second = try await claimAll()
        #expect(second.filter(\.isGranted).count == 1)
        #expect(try journals[0].reply(key)?.attempts == 2)
    }

    @Test func newestSequenceIsTheHighestRecordedForTheOccurrence() throws {
        let journal = try Journal.inMemory()
        let run = try journal.beginRun(startedAt: t0, dryRun: false, host: nil)
        let occurrence = t0.addingTimeInterval(86_400)
        #expect(try journal.newestSequence(mailbox: key.mailbox, uid: "UID-1", recurrenceId: nil) == nil)
        for (sequence, recurrenceId) in [(0, nil), (3, nil), (1, nil), (5, occurrence)] as [(Int, Date?)] {
            let k = ReplyKey(mailbox: key.mailbox, uid: "UID-1", recurrenceId: recurrenceId, sequence: sequence)
            _ = try claim(journal, k, run: run)
        }
        try journal.settleReply(
            ReplyKey(mailbox: key.mailbox, uid: "UID-1", recurrenceId: nil, sequence: 3), as: .notSent, at: t0)
        #expect(try journal.newestSequence(mailbox: "ROOM1@contoso.com", uid: "UID-1", recurrenceId: nil) == 3)
        #expect(try journal.newestSequence(mailbox: key.mailbox, uid: "UID-1", recurrenceId: occurrence) == 5)
        #expect(try journal.newestSequence(mailbox: "room2@contoso.com", uid: "UID-1", recurrenceId: nil) == nil)
        #expect(try journal.newestSequence(mailbox: key.mailbox, uid: "UID-2", recurrenceId: nil) == nil)
    }
}

extension ReplyClaim {
    var isGranted: Bool { if case .granted = self { true } else { false } }
    var isAlreadySent: Bool { if case .alreadySent = self { true } else { false } }
    var isUnconfirmed: Bool { if case .unconfirmed = self { true } else { false } }
}
