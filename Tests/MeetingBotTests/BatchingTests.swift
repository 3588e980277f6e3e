import EWS
@testable import EWSSandbox
import Foundation
import MeetingBot
import TestSupport
import Testing

/// Replies, removals and clean-ups that do not fill a batch wait for the
/// next page's (MailboxPass), against the sandbox over HTTP: pages of two,
/// batches of three, so every page leaves part-filled batches behind.
@Suite struct BatchingTests {
    static let rules = """
        version: 1
        timezone: Europe/Berlin
        internal_domains: [contoso.com]
        requests:
          - name: staff
            when: { organizer: internal }
            then: accept
          - name: others
            then: tentative
        cancellations:
          - name: remove
            then: remove
        """

    static let mailboxes = "  - { address: room@contoso.com, rules: room.yml, access: impersonation }"
    static let small = "page_size: 2\nbatch_size: 3"

    /// Meetings of Ann's (accepted) and Bob's (external: tentative) with the
    /// room, one a day from Tuesday 3 March 2026 (or up to six on that day,
    /// the first two at 06:00 and 11:00 and the rest between); `updated` of
    /// Ann's are changed after they were sent, so their first requests are
    /// out of date.
    static func fixture(ann: Int, updated: Int = 0, bob: Int = 0, oneDay: Bool = false) -> String {
        func meeting(_ organizer: String, _ subject: String, day: Int, update: Bool) -> String {
            let date = String(format: "2026-03-%02d", oneDay ? 3 : 3 + day)
            let hour = oneDay ? [6, 11, 7, 10, 8, 9][day % 6] : 9
            let change = update ? ", update: { subject: \(subject) (v2) }" : ""
            return """
                  - { organizer: \(organizer), subject: \(subject), \
                start: "\(date)T\(String(format: "%02d", hour)):00:00Z", \
                end: "\(date)T\(String(format: "%02d", hour + 1)):00:00Z", resources: [room@contoso.com]\(change) }
                """
        }
        let meetings =
            (0..<ann).map { meeting("ann@contoso.com", "Ann \($0)", day: $0, update: $0 < updated) }
            + (0..<bob).map { meeting("bob@fabrikam.com", "Bob \($0)", day: ann + $0, update: false) }
        return """
            clock: "\(PipelineTests.clock)"
            mailboxes:
              - { address: bot@contoso.com, password: secret, impersonation: true }
              - { address: ann@contoso.com, password: secret }
              - { address: bob@fabrikam.com, password: secret }
              - { address: room@contoso.com, password: secret }
            meetings:
            \(meetings.joined(separator: "\n"))
            """
    }

    /// A sandbox with `fixture`, the room's rules, pages of two and batches of three.
    static func harness(_ fixture: String) async throws -> BotHarness {
        try await BotHarness(fixture: fixture, rules: ["room.yml": rules], mailboxes: mailboxes, extra: small)
    }

    /// A run of the bot that succeeds with no problems reported.
    static func successfulRun(_ harness: BotHarness) async throws -> RunReport {
        let (status, report, problems) = await harness.run()
        #expect(problems.isEmpty, "\(problems)")
        #expect(status == .success)
        return try #require(report)
    }

    /// The room's replies that reached their organizers, by subject.
    static func replies(_ harness: BotHarness) throws -> [String: Int] {
        let state = try StateDump(try harness.dump())
        let received = (state.items("ann@contoso.com", "inbox") + state.items("bob@fabrikam.com", "inbox")).filter {
            $0.kind == "meetingResponse" && $0.from?.email == "room@contoso.com"
        }
        return Dictionary(grouping: received, by: \.subject).mapValues(\.count)
    }

    @Test func repliesAndCleanUpsFillTheirBatchesAcrossPages() async throws {
        let harness = try await Self.harness(Self.fixture(ann: 9, updated: 4, bob: 2))
        defer { Task { await harness.stop() } }
        let run = try await Self.successfulRun(harness)
        let room = try #require(run.mailboxes.first)
        #expect(room.status == .completed)
        // Fifteen messages on eight pages, each reported once.
        #expect(room.messages.count == 15)
        #expect(Set(room.messages.map(\.itemId)).count == 15)
        let results = Dictionary(grouping: room.messages, by: \.result).mapValues(\.count)
        #expect(results == [.replied: 11, .superseded: 4], "\(results)")
        // Nine acceptances in three calls, two tentative ones in one; the
        // four out-of-date requests deleted in two: a call per page and kind
        // would make at least eight and four.
        #expect(run.calls["CreateItem"] == 4, "\(run.calls)")
        #expect(run.calls["DeleteItem"] == 2, "\(run.calls)")
        // Each answer reached its organizer once; the inbox is empty.
        let replies = try Self.replies(harness)
        #expect(replies.count == 11 && replies.values.allSatisfy { $0 == 1 }, "\(replies)")
        #expect(try StateDump(try harness.dump()).items("room@contoso.com", "inbox").isEmpty)
        // The journal has every decision, the waiting ones too.
        let again = await harness.run()
        #expect(again.1?.mailboxes.first?.messages.isEmpty == true)
    }

    /// Pages read side by side whose requests fall within the first page's
    /// span: a page read after another skips the calendar that one reads, so
    /// the span is viewed once, not once a page.
    @Test func pagesReadAheadReadTheirSharedCalendarOnce() async throws {
        let harness = try await Self.harness(Self.fixture(ann: 6, oneDay: true))
        defer { Task { await harness.stop() } }
        let run = try await Self.successfulRun(harness)
        #expect(run.mailboxes.first?.messages.map(\.result) == Array(repeating: .replied, count: 6))
        // Three FindItems scan the Inbox (pages of two) and one views 06:00 to 12:00.
        #expect(run.calls["FindItem"] == 4, "\(run.calls)")
    }

    /// A copy of a request (the same meeting, same version, delivered again)
    /// on the page after the original's: the original's reply, still waiting
    /// for its batch, goes out before that page is decided, so the copy is
    /// known to be answered, not claimed beside it in one batch.
    @Test func aPageNamingAWaitingMeetingIsDecidedAfterItsReplyWentOut() async throws {
        let harness = try await Self.harness(Self.fixture(ann: 3))
        defer { Task { await harness.stop() } }
        harness.server.sandbox.withStore { state in
            let inbox = state.mailboxes["room@contoso.com"]?.folders["inbox"] ?? ""
            let requests = state.items.values.filter { $0.folderId == inbox }.sorted { $0.received < $1.received }
            guard requests.count == 3 else { return }
            // Arrives after Ann 1, before Ann 2: the second page is the copy and Ann 2.
            state.put(state.copy(requests[0], to: inbox, now: requests[1].received.addingTimeInterval(0.5)))
        }
        let messages = try #require(try await Self.successfulRun(harness).mailboxes.first?.messages)
        let results = messages.map { "\($0.subject) \($0.result.rawValue)" }.sorted()
        #expect(
            results == ["Ann 0 already_answered", "Ann 0 replied", "Ann 1 replied", "Ann 2 replied"], "\(results)")
        #expect(try Self.replies(harness) == ["Accepted: Ann 0": 1, "Accepted: Ann 1": 1, "Accepted: Ann 2": 1])
    }

    /// The server fails mid-pass (every FindItem from the 9th call to the
    /// 27th is answered 503, past the client's retries): the acceptances,
    /// fewer than a batch of ten, all wait, whichever page the failure hits
    /// (the calls' order depends on the read ahead); none was claimed or
    /// sent, each is reported as not done, and the next runs, with the
    /// server back, answer each request once.
    @Test func whatWaitsWhenThePassStopsIsLeftForTheNextRun() async throws {
        let harness = try await BotHarness(
            fixture: Self.fixture(ann: 8), rules: ["room.yml": Self.rules], mailboxes: Self.mailboxes,
            extra: "page_size: 2\nbatch_size: 10", faults: [FaultRule(kind: .http503, calls: Array(9...27), operations: ["FindItem"], value: 0)])
        defer { Task { await harness.stop() } }
        let (status, report, _) = await harness.run()
        #expect(status != .success, "\(report?.calls ?? [:])")
        let room = try #require(report?.mailboxes.first)
        #expect(room.status == .failed)
        let left = room.messages.filter { $0.detail?.contains("the pass stopped before this was done") == true }
        #expect(
            !left.isEmpty && left.allSatisfy { $0.result == .failed },
            "\(room.messages.map { "\($0.subject) \($0.result) \($0.detail ?? "")" }) \(report?.calls ?? [:])")
        #expect(!room.messages.contains { $0.result == .replied })
        #expect(try Self.replies(harness).isEmpty)

        // Past call 27 the server answers again.
        var runs: [BotExitCode] = []
        while runs.last != .success, runs.count < 10 { runs.append(await harness.run().0) }
        #expect(runs.last == .success, "\(runs)")
        let replies = try Self.replies(harness)
        #expect(replies.count == 8 && replies.values.allSatisfy { $0 == 1 }, "\(replies)")
    }
}
