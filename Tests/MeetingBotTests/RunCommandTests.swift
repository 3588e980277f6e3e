import EWSSandbox
import Foundation
import MeetingBot
import TestSupport
import Testing

/// `meetingbot run` as a process: the lock, exit codes, and what reaches
/// the server when the configuration is bad (PRODUCT.md 6, 7.2, 7.9).
@Suite struct RunCommandTests {
    static let fixture = """
        clock: "\(PipelineTests.clock)"
        mailboxes:
          - { address: room@contoso.com, password: secret }
          - { address: ann@contoso.com, password: secret }
        meetings:
          - { organizer: ann@contoso.com, subject: Planning, start: "2026-03-04T09:00:00Z", end: "2026-03-04T10:00:00Z", resources: [room@contoso.com] }
        """
    static let mailboxes = "  - { address: room@contoso.com, rules: room.yml }"

    static func harness(rules: String = PipelineTests.roomRules, fixture: String = Self.fixture) async throws
        -> BotHarness
    {
        let harness = try await BotHarness(
            fixture: fixture, rules: ["room.yml": rules], mailboxes: Self.mailboxes, recordResponses: true)
        try harness.configuration(mailboxes: Self.mailboxes, extra: "", user: "room@contoso.com").write(
            to: harness.configFile, atomically: true, encoding: .utf8)
        return harness
    }

    @Test func aRunAnswersAndPrintsItsReport() async throws {
        let harness = try await Self.harness()
        defer { Task { await harness.stop() } }
        let (status, output, errors) = try harness.runProcess(["--format", "json"])
        #expect(status == 0, "\(errors)")
        let report = try JSONDecoder.iso8601.decode(RunReport.self, from: Data(output.utf8))
        #expect(report.messages.map(\.result) == [.replied])
        #expect(harness.responsesReceived(by: "ann@contoso.com").count == 1)
        // Under cron a clean run is quiet: nothing on standard error.
        #expect(errors.isEmpty)
    }

    @Test func aSecondRunWhileOneHoldsTheLockExits75AtOnce() async throws {
        let harness = try await Self.harness()
        defer { Task { await harness.stop() } }
        try FileManager.default.createDirectory(at: harness.stateDirectory, withIntermediateDirectories: true)
        var lock: RunLock? = try RunLock(directory: harness.stateDirectory)
        let started = Date()
        let (status, output, errors) = try harness.runProcess()
        #expect(status == 75)
        #expect(output.isEmpty && errors.isEmpty, "quietly: \(output) \(errors)")
        #expect(Date().timeIntervalSince(started) < 10)
        #expect(harness.server.sandbox.recordedResponses.isEmpty, "nothing reached the server")
        #expect(lock != nil)
        lock = nil
        // Released, the next run goes ahead.
        let (after, _, _) = try harness.runProcess()
        #expect(after == 0)
    }

    @Test func badRulesExit2AndNothingReachesTheServer() async throws {
        let harness = try await Self.harness(
            rules: PipelineTests.roomRules.replacingOccurrences(of: "organizer:", with: "organiser:"))
        defer { Task { await harness.stop() } }
        let (status, _, errors) = try harness.runProcess()
        #expect(status == 2)
        #expect(errors.contains("unknown condition 'organiser'"), "\(errors)")
        #expect(errors.contains("room.yml:"))
        #expect(harness.server.sandbox.recordedResponses.isEmpty)
    }

    @Test func badConfigurationExits2AndNothingReachesTheServer() async throws {
        let harness = try await Self.harness()
        defer { Task { await harness.stop() } }
        try (harness.configuration(mailboxes: Self.mailboxes, extra: "concurency: 2", user: "room@contoso.com"))
            .write(to: harness.configFile, atomically: true, encoding: .utf8)
        let (status, _, errors) = try harness.runProcess()
        #expect(status == 2)
        #expect(errors.contains("concurency"), "\(errors)")
        #expect(harness.server.sandbox.recordedResponses.isEmpty)
    }

    @Test func theReportGoesToAFileAndLogsCanBeJSON() async throws {
        let harness = try await Self.harness()
        defer { Task { await harness.stop() } }
        let file = harness.directory.appendingPathComponent("report.json")
        let (status, output, errors) = try harness.runProcess(
            ["--format", "json", "--output", file.path, "--log-format", "json", "--verbose"])
        #expect(status == 0)
        #expect(output.isEmpty)
        let report = try JSONDecoder.iso8601.decode(RunReport.self, from: try Data(contentsOf: file))
        #expect(report.messages.map(\.subject) == ["Planning"])
        #expect(report.calls["CreateItem"] == 1)
        // Written beside it and renamed: nothing of the writing is left.
        #expect(try FileManager.default.contentsOfDirectory(atPath: harness.directory.path).filter { $0.hasSuffix(".tmp") } == [])
        let lines = errors.split(separator: "\n")
        #expect(!lines.isEmpty)
        for line in lines {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            #expect(object?["level"] != nil && object?["message"] != nil, "\(line)")
        }
    }

    @Test func aDamagedJournalExits2AndNothingIsSent() async throws {
        let harness = try await Self.harness()
        defer { Task { await harness.stop() } }
        try FileManager.default.createDirectory(at: harness.stateDirectory, withIntermediateDirectories: true)
        try Data(repeating: 0x5A, count: 8192).write(
            to: harness.stateDirectory.appendingPathComponent("journal.sqlite"))
        let (status, _, errors) = try harness.runProcess()
        #expect(status == 2)
        #expect(errors.contains("journal"), "\(errors)")
        #expect(harness.server.sandbox.recordedResponses.isEmpty)
        #expect(harness.responsesReceived(by: "ann@contoso.com").isEmpty)
    }

    @Test func anUnknownMailboxExits2() async throws {
        let harness = try await Self.harness()
        defer { Task { await harness.stop() } }
        let (status, _, errors) = try harness.runProcess(["--mailbox", "nobody@contoso.com"])
        #expect(status == 2)
        #expect(errors.contains("no mailbox nobody@contoso.com is configured"))
        #expect(harness.server.sandbox.recordedResponses.isEmpty)
    }

    @Test func aWrongPasswordExits3AndLeaksNothing() async throws {
        let harness = try await Self.harness()
        defer { Task { await harness.stop() } }
        try harness.write(secret: "not-the-password", to: "password")
        let (status, output, errors) = try harness.runProcess()
        #expect(status == 3, "\(errors)")
        #expect(!output.contains("not-the-password") && !errors.contains("not-the-password"))
        #expect(harness.responsesReceived(by: "ann@contoso.com").isEmpty)
    }
}

extension JSONDecoder {
    static var iso8601: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }
}

/// The exit codes are documented once, in `BotExitCode`; the README's table
/// must say the same.
@Suite struct ExitCodeDocumentationTests {
    @Test func theReadmeListsEveryExitCodeAsTheCodeDoes() throws {
        let readme = try String(
            contentsOf: SharedFiles.packageRoot.appendingPathComponent("README.md"), encoding: .utf8)
        for code in BotExitCode.allCases {
            #expect(readme.contains("| \(code.rawValue) | \(code.meaning) |"), "\(code)")
        }
    }
}
