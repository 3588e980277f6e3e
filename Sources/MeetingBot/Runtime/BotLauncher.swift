import EWS
import Foundation
import Logging
import MeetingJournal
import MeetingRules

/// What `meetingbot run` does, in order, so that each safety rule holds
/// before the next step (PRODUCT.md 7): the configuration and every rules
/// file are checked before anything else (a bad one: exit 2, nothing
/// contacted); then the lock (held: exit 75 at once, quietly); the journal
/// (locked, damaged or newer: exit 2, nothing sent); the secrets; and only
/// then the server.
public struct BotLauncher: Sendable {
    public var configPath: String
    public var dryRun: Bool
    public var mailboxes: [String]
    public var logger: Logger
    public var clock: any BotClock
    /// Where problems before the run are written (standard error).
    public var problems: @Sendable (String) -> Void

    public init(
        configPath: String, dryRun: Bool, mailboxes: [String] = [], logger: Logger, clock: any BotClock = SystemClock(),
        problems: @escaping @Sendable (String) -> Void = { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }
    ) {
        self.configPath = configPath
        self.dryRun = dryRun
        self.mailboxes = mailboxes
        self.logger = logger
        self.clock = clock
        self.problems = problems
    }

    /// Runs once and hands the report to `deliver`; returns the exit status.
    public func launch(deliver: (RunReport) throws -> Void) async -> BotExitCode {
        let setup: BotSetup
        let policies: [(BotConfiguration.Mailbox, Policy)]
        do {
            setup = try BotSetup(configPath: configPath, mailboxes: mailboxes)
            policies = try setup.mailboxes.map { ($0, try Policy.load(contentsOf: $0.rules)) }
        } catch {
            problems("\(error)")
            return .invalidConfiguration
        }
        let configuration = setup.configuration
        let state = URL(fileURLWithPath: configuration.stateDirectory)
        let lock: RunLock
        do {
            try FileManager.default.createDirectory(
                at: state, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            lock = try RunLock(directory: state)
        } catch RunLock.Failure.held {
            return .locked  // quietly: overlapping cron runs are normal
        } catch {
            problems("the state directory \(state.path) cannot be used: \(error)")
            return .invalidConfiguration
        }
        let journal: Journal
        let authentication: TransportAuthentication
        do {
            journal = try Journal.open(directory: state)
            authentication = try setup.authentication()
        } catch {
            problems("\(error)")
            return .invalidConfiguration
        }
        let counter = CallCounter()
        let jobs: [MailboxJob]
        do {
            jobs = try policies.map { mailbox, policy throws(TransportError) in
                try job(mailbox, policy, setup, authentication, counter)
            }
        } catch {
            problems("\(error)")
            return .invalidConfiguration
        }
        let run = BotRun(
            jobs: jobs, journal: journal, concurrency: configuration.concurrency,
            timeBudget: configuration.timeBudget.seconds, clock: clock, logger: logger)
        do {
            var report = try await run.run()
            report.calls = counter.byOperation
            try deliver(report)
            withExtendedLifetime(lock) {}
            return BotExitCode(report)
        } catch {
            problems("\(error)")
            return error is JournalError ? .invalidConfiguration : .itemsFailed
        }
    }

    /// The reader, and for a real run only the writer, of one mailbox: a dry
    /// run never makes a writer (PRODUCT.md 7.1).
    private func job(
        _ mailbox: BotConfiguration.Mailbox, _ policy: Policy, _ setup: BotSetup,
        _ authentication: TransportAuthentication, _ counter: CallCounter
    ) throws(TransportError) -> MailboxJob {
        let configuration = setup.configuration
        let client = try setup.client(for: mailbox, authentication: authentication, counter: counter, logger: logger)
        let options = EWSMailboxOptions(
            pageSize: configuration.pageSize, batchSize: configuration.batchSize,
            defaultTimeZone: policy.settings.timeZone)
        let reader = EWSMailboxReader(client, options: options)
        let sink = dryRun ? nil : EWSMeetingSink(EWSMailboxWriter(client, options: options), reader: reader)
        return MailboxJob(
            source: EWSMeetingSource(reader), sink: sink, policy: policy, rulesFile: mailbox.rules,
            settings: PassSettings(
                folder: mailbox.folder, cleanup: CleanupMode(configuration.cleanup),
                pendingGrace: configuration.pendingGrace.seconds, repliesPerMinute: configuration.repliesPerMinute ?? 0)
        )
    }
}

/// A problem with the command line itself (an unknown `--mailbox`).
struct LaunchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

extension CleanupMode {
    init(_ cleanup: BotConfiguration.Cleanup) {
        switch cleanup {
        case .delete(.moveToDeletedItems): self = .moveToDeletedItems
        case .delete(.softDelete): self = .softDelete
        case .delete(.hardDelete): self = .hardDelete
        case .move(let folder): self = .moveTo(folder)
        }
    }
}

extension Duration {
    var seconds: TimeInterval { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
