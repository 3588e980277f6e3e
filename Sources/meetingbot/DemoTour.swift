import EWS
import EWSSandbox
import Foundation
import Logging
import MeetingBot
import MeetingJournal

/// The demo: a sandbox with the demo fixture, a configuration for it, a dry
/// run, a real run, the history and the report on file. It drives the same
/// `BotLauncher` as `meetingbot run`, so what it shows is what cron gets.
struct DemoTour {
    /// The fixture's mailboxes that the bot processes, with their shipped
    /// rules file. Rooms first: with one mailbox at a time, a room's answer
    /// to an organizers' mailbox is there when that mailbox's turn comes.
    static let mailboxes = [
        ("room@contoso.com", "room.yml"), ("hall@contoso.com", "room.yml"),
        ("events@contoso.com", "organizer.yml"), ("board@contoso.com", "organizer.yml"),
    ]
    /// The shipped rules files the demo uses.
    static var rulesFiles: Set<String> { Set(mailboxes.map(\.1)) }
    /// The account the bot signs in with, and its password (the fixture's).
    static let account = (address: "meetingbot@contoso.com", password: "secret")
    /// The format of the report written to a file.
    static let reportFormat = ReportFormat.html

    let fixture: URL
    let rules: URL
    let directory: URL

    /// Runs the tour, handing each block of text to `say`; returns the real
    /// run's exit status, or the dry run's when that one failed.
    func run(say: (String) -> Void) async throws -> BotExitCode {
        let sandbox = try Sandbox(options: SandboxOptions(), fixture: try Fixture.load(path: fixture.path))
        let server = try await SandboxServer.start(sandbox, port: 0, threads: 2)
        do {
            let status = try await tour(server, say: say)
            try await server.stop()
            return status
        } catch {
            try? await server.stop()
            throw error
        }
    }

    private func tour(_ server: SandboxServer, say: (String) -> Void) async throws -> BotExitCode {
        let config = try writeConfiguration(url: server.url)
        say(
            """
            MeetingBot demo: a sandbox Exchange at \(server.url)
            with Room 4.12 and Hall 1 (rules \(rules.appendingPathComponent("room.yml").path)) and the
            Contoso Events and Board Office mailboxes (rules \(rules.appendingPathComponent("organizer.yml").path)).
            The configuration is \(config.path).

            == 1. The dry run (meetingbot run --dry-run): nothing is changed ==

            """)
        let (dryStatus, _) = await launch(config, dryRun: true, on: server.sandbox, say: say)
        guard dryStatus == .success else { return dryStatus }
        say("== 2. The real run (meetingbot run): answers sent, messages cleaned up ==\n")
        let (status, report) = await launch(config, dryRun: false, on: server.sandbox, say: say)
        say("== 3. The history: what the journal recorded, run by run ==\n")
        let journal = try Journal.open(directory: directory.appendingPathComponent("state"))
        let listing = HistoryListing(since: nil, entries: try journal.entries(HistoryFilter(order: .oldestFirst)))
        say(HistoryRenderer(.text).render(listing))
        say("== 4. The report ==\n")
        if let report {
            let file = directory.appendingPathComponent("report.\(Self.reportFormat.rawValue)")
            try Data(Self.reportFormat.renderer.render(report).utf8).write(to: file, options: .atomic)
            say("The real run's report (\(Self.reportFormat.rawValue)) is in \(file.path).")
        }
        say(
            """
            The configuration and the journal stay in \(directory.path).
            The sandbox is stopped. Exit status \(status.rawValue): \(status.meaning).
            """)
        return status
    }

    /// One run by the launcher, on the sandbox's clock; its text report goes to `say`.
    private func launch(_ config: URL, dryRun: Bool, on sandbox: Sandbox, say: (String) -> Void) async -> (
        BotExitCode, RunReport?
    ) {
        var logger = Logger(label: "meetingbot.demo")
        logger.logLevel = .warning
        var delivered: RunReport?
        let status = await BotLauncher(
            configPath: config.path, dryRun: dryRun, logger: logger, clock: SandboxBotClock(sandbox: sandbox)
        ).launch { report in delivered = report }
        if let delivered { say(TextReport().render(delivered)) }
        return (status, delivered)
    }

    /// The configuration file, and the password file beside it (mode 0600).
    private func writeConfiguration(url: String) throws -> URL {
        try FileManager.default.createDirectory(
            at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let password = directory.appendingPathComponent("password")
        try Data(Self.account.password.utf8).write(to: password)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: password.path)
        let mailboxes = Self.mailboxes.map { address, file in
            "  - { address: \(address), rules: \(Self.quoted(rules.appendingPathComponent(file).path)), "
                + "access: impersonation }"
        }
        let text = """
            # Written by meetingbot demo: the sandbox at this URL is gone when the demo ends.
            exchange:
              url: \(url)
              auth: { type: basic, username: \(Self.account.address), password_file: password }
            mailboxes:
            \(mailboxes.joined(separator: "\n"))
            state_dir: state
            concurrency: 1

            """
        let config = directory.appendingPathComponent("config.yml")
        try Data(text.utf8).write(to: config)
        return config
    }

    /// A YAML double-quoted scalar: JSON's string syntax is YAML's.
    static func quoted(_ text: String) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .withoutEscapingSlashes
        return (try? encoder.encode(text)).map { String(decoding: $0, as: UTF8.self) } ?? "\"\""
    }
}

/// The sandbox's fixed clock as the bot's: the rules' "in the past" and
/// "days ahead" are judged at the fixture's moment, and waiting moves it on.
private struct SandboxBotClock: BotClock {
    let sandbox: Sandbox
    var now: Date { sandbox.now }
    func sleep(until date: Date) async {
        let wait = date.timeIntervalSince(sandbox.now)
        if wait > 0 { sandbox.advanceClock(by: wait) }
    }
}
