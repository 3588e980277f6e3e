#if canImport(Glibc)
    import CMalloc
#endif
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
    /// Only the mailboxes of this shard, with its own folder in the state directory.
    public var shard: Shard?
    /// Where the metrics go, instead of the configuration's `metrics_file`.
    public var metricsFile: String?
    public var clock: any BotClock
    /// Where problems before the run are written (standard error).
    public var problems: @Sendable (String) -> Void

    public init(
        configPath: String, dryRun: Bool, mailboxes: [String] = [], shard: Shard? = nil, metricsFile: String? = nil,
        logger: Logger, clock: any BotClock = SystemClock(),
        problems: @escaping @Sendable (String) -> Void = { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }
    ) {
        self.configPath = configPath
        self.dryRun = dryRun
        self.mailboxes = mailboxes
        self.shard = shard
        self.metricsFile = metricsFile
        self.logger = logger
        self.clock = clock
        self.problems = problems
    }

    /// Runs once and hands the report to `deliver`; returns the exit status.
    /// Then writes the metrics file, whatever the status, except when another
    /// run holds the lock: that run writes it.
    public func launch(deliver: (RunReport) throws -> Void) async -> BotExitCode {
        Self.tuneMalloc()
        let started = ContinuousClock.now
        var outcome = Outcome()
        let status = await launch(deliver: deliver, outcome: &outcome)
        if status != .locked, let path = metricsPath(outcome.configuration) {
            let metrics = Metrics(
                report: outcome.report, exitCode: status, retries: outcome.counter?.retries ?? 0,
                duration: (ContinuousClock.now - started).seconds, finishedAt: clock.now,
                previousSuccess: MetricsFile.lastSuccess(in: path), shard: shard)
            do { try MetricsFile.write(metrics, to: path) } catch { problems("\(error)") }
        }
        return status
    }

    /// Keeps the resident memory near what the heap holds (PRODUCT.md 9:
    /// 50,000 messages in under 64 MB). glibc gives each thread that
    /// allocates while another holds the lock an arena of its own, up to
    /// eight per core, and keeps what each arena once held: two arenas keep
    /// the contention low for a bot whose threads mostly wait on the network.
    /// And after the first large block (a response, an array of busy times)
    /// is freed, glibc raises its threshold for mapping blocks of their own
    /// to that size, so later ones come from the heap, which it trims only
    /// past a few megabytes free at its top: fixed at 128 KiB, a large block
    /// goes back to the system when freed (4 MB less at 50,000 messages).
    private static func tuneMalloc() {
        #if canImport(Glibc)
            mallopt(M_ARENA_MAX, 2)
            mallopt(M_MMAP_THRESHOLD, 128 * 1024)
            mallopt(M_TRIM_THRESHOLD, 128 * 1024)
        #endif
    }

    /// What a launch got as far as: for the metrics.
    private struct Outcome {
        var configuration: BotConfiguration?
        var counter: CallCounter?
        var report: RunReport?
    }

    /// `--metrics-file` as given, else the configuration's `metrics_file`
    /// named for the shard; a dry run writes only the one asked for on the
    /// command line, so that trying rules by hand leaves cron's metrics alone.
    private func metricsPath(_ configuration: BotConfiguration?) -> String? {
        if let metricsFile { return metricsFile }
        guard !dryRun, let path = configuration?.metricsFile else { return nil }
        return MetricsFile.path(path, for: shard)
    }

    private func launch(deliver: (RunReport) throws -> Void, outcome: inout Outcome) async -> BotExitCode {
        let setup: BotSetup
        let policies: [(BotConfiguration.Mailbox, Policy)]
        do {
            setup = try BotSetup(configPath: configPath, mailboxes: mailboxes, shard: shard)
            outcome.configuration = setup.configuration
            policies = try setup.mailboxes.map { ($0, try Policy.load(contentsOf: $0.rules)) }
        } catch {
            problems("\(error)")
            return .invalidConfiguration
        }
        let configuration = setup.configuration
        var state = URL(fileURLWithPath: configuration.stateDirectory)
        if let shard { state.appendPathComponent(shard.directoryName) }
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
        outcome.counter = counter
        let jobs: [MailboxJob]
        do {
            let transports = try setup.transports(authentication: authentication)
            jobs = policies.map { mailbox, policy in job(mailbox, policy, setup, transports, counter) }
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
            outcome.report = report
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
        _ transports: TransportPool, _ counter: CallCounter
    ) -> MailboxJob {
        let configuration = setup.configuration
        let client = setup.client(for: mailbox, transports: transports, counter: counter, logger: logger)
        let options = EWSMailboxOptions(
            pageSize: configuration.pageSize, batchSize: configuration.batchSize,
            defaultTimeZone: policy.settings.timeZone)
        let reader = EWSMailboxReader(client, options: options)
        let sink = dryRun ? nil : EWSMeetingSink(EWSMailboxWriter(client, options: options), reader: reader)
        return MailboxJob(
            source: EWSMeetingSource(reader), sink: sink, policy: policy, rulesFile: mailbox.rules,
            settings: PassSettings(
                folder: mailbox.folder, cleanup: CleanupMode(configuration.cleanup),
                pendingGrace: configuration.pendingGrace.seconds, repliesPerMinute: configuration.repliesPerMinute ?? 0,
                batchSize: configuration.batchSize)
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
