import EWS
import EWSSandbox
import Foundation
import Logging
import MeetingBot
import Synchronization
import TestSupport
import Testing

/// The bot against the real sandbox over HTTP on loopback: a fixture, rules
/// files and a configuration file in a temporary directory, and either the
/// launcher in this process (on the sandbox's clock) or the `meetingbot`
/// binary as a process.
final class BotHarness: Sendable {
    let server: SandboxServer
    let directory: URL

    /// Starts a sandbox holding `fixture` (every request schema-validated)
    /// and writes `rules` (file name -> text) beside a configuration whose
    /// mailboxes section is `mailboxes` and whose other keys are `extra`.
    init(
        fixture: String, rules: [String: String], mailboxes: String, extra: String = "",
        faults: [FaultRule] = [], seed: UInt64 = 1, recordResponses: Bool = false
    ) async throws {
        var options = SandboxOptions()
        options.recordResponses = recordResponses
        options.schemaDirectory = SharedFiles.schemaDirectory
        options.faults = faults
        options.seed = seed
        server = try await SandboxServer.start(
            try Sandbox(options: options, fixture: try Fixture.parse(fixture)), threads: 2)
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("meetingbot-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        for (name, text) in rules {
            try text.write(to: directory.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        try write(secret: "secret", to: "password")
        try configuration(mailboxes: mailboxes, extra: extra).write(
            to: configFile, atomically: true, encoding: .utf8)
    }

    var configFile: URL { directory.appendingPathComponent("config.yml") }
    var stateDirectory: URL { directory.appendingPathComponent("state") }

    func configuration(mailboxes: String, extra: String, user: String = "bot@contoso.com") -> String {
        """
        exchange:
          url: \(server.url)
          auth: { type: basic, username: \(user), password_file: password }
        mailboxes:
        \(mailboxes)
        state_dir: state
        \(extra)
        """
    }

    func write(secret: String, to name: String) throws {
        let url = directory.appendingPathComponent(name)
        try secret.write(to: url, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: url.path)
    }

    func stop() async {
        try? await server.stop()
        try? FileManager.default.removeItem(at: directory)
    }

    // MARK: Running the bot

    /// The launcher in this process, on the sandbox's clock: a sleep (the
    /// reply cap) moves the sandbox's fixed clock on.
    func run(dryRun: Bool = false, mailboxes: [String] = [], shard: Shard? = nil, metricsFile: String? = nil) async
        -> (BotExitCode, RunReport?, [String])
    {
        let problems = Mutex<[String]>([])
        let report = Mutex<RunReport?>(nil)
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let status = await BotLauncher(
            configPath: configFile.path, dryRun: dryRun, mailboxes: mailboxes, shard: shard, metricsFile: metricsFile,
            logger: logger,
            clock: SandboxClock(server.sandbox), problems: { line in problems.withLock { $0.append(line) } }
        ).launch { delivered in report.withLock { $0 = delivered } }
        return (status, report.withLock { $0 }, problems.withLock { $0 })
    }

    /// The `meetingbot` binary built beside the tests.
    static let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        .appendingPathComponent("meetingbot")

    /// Starts `meetingbot run` (or `command`) with these arguments; the caller waits or kills.
    func process(_ arguments: [String], command: String = "run") throws -> (Process, Pipe, Pipe) {
        let process = Process()
        process.executableURL = Self.binary
        process.arguments = [command, "--config", configFile.path] + arguments
        process.environment = ["PATH": "/usr/bin:/bin"]
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        return (process, out, err)
    }

    /// Runs `meetingbot run` (or `command`) to its end: exit status, standard output and error.
    func runProcess(_ arguments: [String] = [], command: String = "run") throws -> (Int32, String, String) {
        let (process, out, err) = try self.process(arguments, command: command)
        let output = out.fileHandleForReading.readDataToEndOfFile()
        let error = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (
            process.terminationStatus, String(decoding: output, as: UTF8.self), String(decoding: error, as: UTF8.self)
        )
    }

    // MARK: The sandbox's state

    /// Stored items of a mailbox's distinguished folder.
    func items(_ mailbox: String, _ folder: String) -> [StoredItem] {
        server.sandbox.withStore { state in
            let id = state.mailboxes[mailbox]?.folders[folder]
            return state.items.values.filter { $0.folderId == id }.sorted { $0.id < $1.id }
        }
    }

    /// Meeting responses that reached `organizer`, in every folder, by the
    /// meeting's UID: what an organizer would count.
    func responsesReceived(by organizer: String) -> [StoredItem] {
        server.sandbox.withStore { state in
            let inbox = state.mailboxes[organizer]?.folders["inbox"]
            let deleted = state.mailboxes[organizer]?.folders["deleteditems"]
            return state.items.values.filter {
                $0.kind == .meetingResponse && ($0.folderId == inbox || $0.folderId == deleted)
            }
        }
    }

    func dump() throws -> Data { try server.sandbox.dumpJSON() }
}

/// The sandbox's fixed clock as the bot's: waiting moves it on.
struct SandboxClock: BotClock {
    let sandbox: Sandbox
    init(_ sandbox: Sandbox) { self.sandbox = sandbox }
    var now: Date { sandbox.now }
    func sleep(until date: Date) async {
        let wait = date.timeIntervalSince(sandbox.now)
        if wait > 0 { sandbox.advanceClock(by: wait) }
    }
}
