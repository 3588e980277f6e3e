import EWS
@testable import EWSSandbox
import Foundation
import MeetingBot
import SeededRandom
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The safety rules of PRODUCT.md 7 under crashes, faults and a reply cap,
/// each counted in the sandbox's state.
@Suite struct SafetyTests {
    static func loadFixture(messages: Int, seed: Int) -> String {
        """
        clock: "\(PipelineTests.clock)"
        mailboxes:
          - { address: room@contoso.com, password: secret }
        load: { seed: \(seed), mailbox: room@contoso.com, messages: \(messages), organizers: 8, from: "2026-03-03T00:00:00Z", days: 60 }
        """
    }

    static func harness(_ fixture: String, extra: String = "", faults: [FaultRule] = []) async throws -> BotHarness {
        let mailboxes = "  - { address: room@contoso.com, rules: room.yml }"
        let harness = try await BotHarness(
            fixture: fixture, rules: ["room.yml": PipelineTests.roomRules], mailboxes: mailboxes, faults: faults)
        try harness.configuration(mailboxes: mailboxes, extra: extra, user: "room@contoso.com").write(
            to: harness.configFile, atomically: true, encoding: .utf8)
        return harness
    }

    /// The replies the room sent that reached an organizer, as "meeting UID
    /// answer" (or without the answer), sorted: equal for two runs that
    /// answered the same requests once each.
    static func replies(_ harness: BotHarness, withAnswers: Bool = true) throws -> [String] {
        let state = try StateDump(try harness.dump())
        return state.items.values.filter {
            $0.kind == "meetingResponse" && $0.mailbox != "room@contoso.com" && $0.from?.email == "room@contoso.com"
        }.map {
            let meeting = $0.subject.split(separator: ":", maxSplits: 1).last.map(String.init) ?? $0.subject
            return "\(meeting) \($0.uid ?? "-")" + (withAnswers ? " \($0.responseType ?? "-")" : "")
        }.sorted()
    }

    /// How many replies the room has sent so far.
    static func sent(_ harness: BotHarness) -> Int {
        harness.server.sandbox.withStore { state in
            let sentItems = state.mailboxes["room@contoso.com"]?.folders["sentitems"]
            return state.items.values.count {
                $0.kind == .meetingResponse && $0.from?.email == "room@contoso.com" && $0.folderId != sentItems
            }
        }
    }

    /// What one sorted list holds that the other does not, both ways.
    static func difference(_ a: [String], _ b: [String]) -> String {
        var counts: [String: Int] = [:]
        for x in a { counts[x, default: 0] += 1 }
        for x in b { counts[x, default: 0] -= 1 }
        return counts.filter { $0.value != 0 }.map { "\($0.value > 0 ? "+" : "-")\(abs($0.value)) \($0.key)" }
            .sorted().joined(separator: "\n")
    }

    /// Five meetings of Ann's on five days, each with the room.
    static let fiveMeetings = """
        clock: "\(PipelineTests.clock)"
        mailboxes:
          - { address: room@contoso.com, password: secret }
          - { address: ann@contoso.com, password: secret }
        meetings:
        """
        + (0..<5).map {
            "\n  - { organizer: ann@contoso.com, subject: Meeting \($0), start: \"2026-03-0\($0 + 3)T09:00:00Z\", end: \"2026-03-0\($0 + 3)T10:00:00Z\", resources: [room@contoso.com] }"
        }.joined()

    /// Runs the binary until a run exits 0 with every mailbox's pass
    /// completed (at most `limit` times): a run whose time budget ran out
    /// also exits 0, with the rest left for the next one.
    static func runToTheEnd(_ harness: BotHarness, limit: Int = 6) throws -> Int32 {
        var status: Int32 = -1
        for _ in 0..<limit {
            let (code, output, _) = try harness.runProcess(["--format", "json"])
            status = code
            let report = try? JSONDecoder.iso8601.decode(RunReport.self, from: Data(output.utf8))
            if status == 0, let report, report.mailboxes.allSatisfy({ $0.status == .completed }) { break }
            if status == 0 { status = -1 }
        }
        return status
    }

    @Test func killedAtManyPointsTheBotNeverRepliesTwiceAndEndsWhereAnUninterruptedRunDoes() async throws {
        let fixture = Self.loadFixture(messages: 300, seed: 41)
        let reference = try await Self.harness(fixture)
        defer { Task { await reference.stop() } }
        #expect(try Self.runToTheEnd(reference) == 0)
        let expected = try Self.replies(reference)
        #expect(expected.count > 100)

        // Small pages and batches, one request at a time and a slow server, so
        // that a run writes in many steps and is still running when its kill
        // comes, however busy the machine keeps this test's polling.
        let harness = try await Self.harness(
            fixture, extra: "page_size: 20\nbatch_size: 3\nconcurrency: 1",
            faults: [try FaultRule(parsing: "latency:value=25")])
        defer { Task { await harness.stop() } }
        // Each run is killed once it has sent a seeded number of further replies:
        // at many points of a run, wherever the process then is (between the
        // journal's intent and the reply, mid-request, between reply and
        // settlement, during the clean-up).
        var random = SplitMix64(seed: 20_261_201)
        var kills = 0
        var ended: [Int32] = []
        for _ in 0..<12 {
            let target = Self.sent(harness) + Int.random(in: 1...12, using: &random)
            // The report goes to a file: nobody reads the pipes of these runs.
            let report = harness.directory.appendingPathComponent("report.txt").path
            let (process, _, _) = try harness.process(["--output", report])
            let deadline = Date() + 120
            // Polled on this thread, not by sleeping tasks: other tests blocking the
            // concurrency pool's threads would make the polls come after the run ended.
            while process.isRunning, Self.sent(harness) < target, Date() < deadline {
                usleep(5000)
            }
            if process.isRunning {
                kill(process.processIdentifier, SIGKILL)
                kills += 1
                process.waitUntilExit()
            } else {
                process.waitUntilExit()
                ended.append(process.terminationStatus)
            }
        }
        #expect(kills >= 3, "the runs ended before they could be killed, with \(ended)")
        #expect(try Self.runToTheEnd(harness) == 0)
        let got = try Self.replies(harness)
        #expect(got == expected, "replies differ from an uninterrupted run's:\n\(Self.difference(got, expected))")
        let names = ["room@contoso.com"] + (1...8).map { "organizer\($0)@contoso.com" }
        let final = try StateDump(try harness.dump()).projection(names)
        let uninterrupted = try StateDump(try reference.dump()).projection(names)
        for name in uninterrupted.keys.sorted() {
            #expect(
                final[name] == uninterrupted[name],
                "\(name):\n\(Self.difference(final[name] ?? [], uninterrupted[name] ?? []))")
        }
    }

    @Test func faultsLeaveTheOtherItemsDoneAndTheNextRunFinishesWithoutADoubleReply() async throws {
        let fixture = Self.loadFixture(messages: 60, seed: 7)
        let faults = try [
            "busy:calls=2:value=50", "503:ops=CreateItem:calls=6,7", "503-after:ops=CreateItem:calls=9",
            "drop:ops=CreateItem:calls=12", "item-error:ops=GetItem:calls=3:code=ErrorInternalServerError",
            "item-error:ops=CreateItem:calls=15:code=ErrorInternalServerError",
            "item-warning:ops=GetItem:calls=5:items=2",
        ].map { try FaultRule(parsing: $0) }
        let reference = try await Self.harness(fixture)
        defer { Task { await reference.stop() } }
        #expect(try Self.runToTheEnd(reference) == 0)

        let harness = try await Self.harness(fixture, faults: faults)
        defer { Task { await harness.stop() } }
        let (first, output, _) = try harness.runProcess(["--format", "json"])
        let report = try JSONDecoder.iso8601.decode(RunReport.self, from: Data(output.utf8))
        #expect(first == 1, "the faulted run reports its failures")
        #expect(report.messages.contains { $0.result == .replied }, "the other items were processed")
        #expect(report.messages.contains { $0.result.isProblem })
        #expect(try Self.runToTheEnd(harness) == 0)
        // A failed read puts an item after later ones, which may then take its
        // time: the answers may differ, but each request was answered once.
        let got = try Self.replies(harness, withAnswers: false)
        let expected = try Self.replies(reference, withAnswers: false)
        #expect(got == expected, "\(Self.difference(got, expected))")
    }

    @Test func theReplyCapIsKeptExactly() async throws {
        let harness = try await Self.harness(Self.fiveMeetings, extra: "replies_per_minute: 2")
        defer { Task { await harness.stop() } }
        let (status, report, _) = await harness.run()
        #expect(status == .success)
        #expect(report?.messages.filter { $0.result == .replied }.count == 5)
        let times = harness.responsesReceived(by: "ann@contoso.com").compactMap(\.sent).sorted()
        #expect(times.count == 5)
        for i in 0..<(times.count - 2) {
            #expect(times[i + 2].timeIntervalSince(times[i]) >= 60, "three replies within a minute: \(times)")
        }
        // And no slower than the cap: two minutes for five replies.
        #expect(times[4].timeIntervalSince(times[0]) < 121)
    }
}

@Suite struct BudgetTests {
    /// What does not fit in the time budget waits for the next run: with one
    /// reply a minute and 90 seconds, a run sends two replies of five.
    @Test func whatTheBudgetLeavesWaitsForTheNextRun() async throws {
        let harness = try await SafetyTests.harness(
            SafetyTests.fiveMeetings, extra: "replies_per_minute: 1\ntime_budget: 90s")
        defer { Task { await harness.stop() } }
        let (first, report, _) = await harness.run()
        #expect(first == .success)
        #expect(report?.messages.filter { $0.result == .replied }.count == 2)
        #expect(report?.messages.filter { $0.result == .deferred }.count == 3)
        #expect(harness.responsesReceived(by: "ann@contoso.com").count == 2)
        var runs = 1
        while harness.responsesReceived(by: "ann@contoso.com").count < 5, runs < 5 {
            _ = await harness.run()
            runs += 1
        }
        #expect(harness.responsesReceived(by: "ann@contoso.com").count == 5)
        #expect(runs == 3)
    }
}
