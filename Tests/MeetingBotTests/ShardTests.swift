import EWSSandbox
import Foundation
@testable import MeetingBot
import TestSupport
import Testing

/// `meetingbot run --shard INDEX/COUNT` (issue 9, item 7): the shards
/// partition the mailboxes the same way in every process, a run touches only
/// its shard's mailboxes, and each shard keeps its own state directory.
@Suite struct ShardTests {
    @Test(arguments: ["0/1", "0/4", "3/4", "12/13"])
    func aShardIsIndexSlashCount(_ text: String) throws {
        let shard = try #require(Shard(parsing: text))
        #expect(shard.description == text)
    }

    @Test(arguments: ["4/4", "-1/4", "1/0", "0/0", "a/b", "1", "1/2/3", " 1/2", "1/ 2", "", "/", "+1/2", "١/٢"])
    func anythingElseIsRefused(_ text: String) {
        #expect(Shard(parsing: text) == nil, "\(text)")
    }

    /// The reference's test vectors: the hash has no per-process seed.
    @Test func theHashIsFNV1a64() {
        #expect(Shard.fnv1a("".utf8) == 0xcbf2_9ce4_8422_2325)
        #expect(Shard.fnv1a("a".utf8) == 0xaf63_dc4c_8601_ec8c)
        #expect(Shard.fnv1a("foobar".utf8) == 0x8594_4171_f739_67e8)
    }

    @Test(arguments: [1, 2, 3, 7, 16])
    func everyMailboxIsInExactlyOneShard(_ count: Int) throws {
        let addresses = (0..<2_000).map { "user\($0)@contoso.com" }
        let shards = try (0..<count).map { try #require(Shard(index: $0, count: count)) }
        for address in addresses {
            #expect(shards.filter { $0.contains(address) }.count == 1, "\(address)")
            // Exchange compares SMTP addresses without regard to case, and so do shards.
            #expect(shards.filter { $0.contains(address.uppercased()) } == shards.filter { $0.contains(address) })
        }
        // Spread: no shard gets much more than its share.
        for shard in shards {
            let share = addresses.filter(shard.contains).count
            #expect(Double(share) < 1.3 * Double(addresses.count) / Double(count), "\(shard): \(share)")
        }
    }

    /// The same mailboxes in six rooms, each with one request waiting.
    static let rooms = (1...6).map { "room\($0)@contoso.com" }
    static let fixture = """
        clock: "\(PipelineTests.clock)"
        mailboxes:
          - { address: bot@contoso.com, password: secret, impersonation: true }
          - { address: ann@contoso.com, password: secret }
        \(rooms.map { "  - { address: \($0), password: secret }" }.joined(separator: "\n"))
        meetings:
        \(rooms.map { "  - { organizer: ann@contoso.com, subject: Planning \($0), start: \"2026-03-04T09:00:00Z\", end: \"2026-03-04T10:00:00Z\", resources: [\($0)] }" }.joined(separator: "\n"))
        """
    static let mailboxes = rooms.map { "  - { address: \($0), rules: room.yml, access: impersonation }" }
        .joined(separator: "\n")

    static func harness(recordResponses: Bool = false) async throws -> BotHarness {
        try await BotHarness(
            fixture: fixture, rules: ["room.yml": PipelineTests.roomRules], mailboxes: mailboxes,
            recordResponses: recordResponses)
    }

    @Test func aShardedRunTouchesOnlyItsMailboxesAndKeepsItsOwnState() async throws {
        let harness = try await Self.harness()
        defer { Task { await harness.stop() } }
        let first = try #require(Shard(index: 0, count: 2))
        let ours = Self.rooms.filter(first.contains)
        let theirs = Self.rooms.filter { !first.contains($0) }
        try #require(!ours.isEmpty && !theirs.isEmpty, "the fixture needs mailboxes in both shards")

        let (status, report, problems) = await harness.run(shard: first)
        #expect(status == .success, "\(problems)")
        #expect(report?.mailboxes.map(\.address) == ours)
        let state = try StateDump(try harness.dump())
        for room in ours { #expect(state.subjects(room, "inbox").isEmpty, "\(room) was processed") }
        for room in theirs { #expect(state.subjects(room, "inbox") == ["Planning \(room)"], "\(room) untouched") }

        // The shard's lock and journal are in its own folder, not in state_dir itself.
        let folder = harness.stateDirectory.appendingPathComponent("shard-0-of-2")
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("journal.sqlite").path))
        #expect(
            !FileManager.default.fileExists(
                atPath: harness.stateDirectory.appendingPathComponent("journal.sqlite").path))

        // The other shard does the rest, with a journal of its own.
        let (second, rest, _) = await harness.run(shard: Shard(index: 1, count: 2))
        #expect(second == .success)
        #expect(rest?.mailboxes.map(\.address) == theirs)
        let after = try StateDump(try harness.dump())
        for room in Self.rooms { #expect(after.subjects(room, "inbox").isEmpty) }
        #expect(
            FileManager.default.fileExists(
                atPath: harness.stateDirectory.appendingPathComponent("shard-1-of-2/journal.sqlite").path))
    }

    /// `--mailbox` with `--shard` names mailboxes of that shard only: a
    /// mailbox is always processed with its own shard's journal. The message
    /// names the mailbox's shard as the `meetingbot` process computes it,
    /// which must agree with this process.
    @Test func aMailboxOfAnotherShardIsRefusedAndNamesItsShard() async throws {
        let harness = try await Self.harness(recordResponses: true)
        defer { Task { await harness.stop() } }
        let shard = try #require(Shard(index: 0, count: 3))
        let other = try #require(Self.rooms.first { !shard.contains($0) })
        let (status, _, errors) = try harness.runProcess(["--shard", "0/3", "--mailbox", other])
        #expect(status == 2)
        #expect(
            errors.contains("not in shard 0/3: \(other) (shard \(Shard.index(of: other, among: 3))/3)"), "\(errors)")
        #expect(harness.server.sandbox.recordedResponses.isEmpty)
    }

    @Test(arguments: ["4/4", "1-2", "x"])
    func aBadShardIsAUsageError(_ text: String) async throws {
        let harness = try await Self.harness()
        defer { Task { await harness.stop() } }
        let (status, _, errors) = try harness.runProcess(["--shard", text])
        #expect(status == 64, "\(errors)")
        #expect(errors.contains("--shard expects INDEX/COUNT"), "\(errors)")
    }
}
