import Foundation
import Logging
import MeetingJournal
import MeetingRules

/// One mailbox to process in a run: how to read it, and for a real run only,
/// how to change it (PRODUCT.md 7.1: a dry run's jobs have no sink).
public struct MailboxJob: Sendable {
    public var source: any MeetingSource
    public var sink: (any MeetingSink)?
    public var policy: Policy
    public var rulesFile: String
    public var settings: PassSettings

    public init(
        source: any MeetingSource, sink: (any MeetingSink)?, policy: Policy, rulesFile: String,
        settings: PassSettings
    ) {
        self.source = source
        self.sink = sink
        self.policy = policy
        self.rulesFile = rulesFile
        self.settings = settings
    }
}

/// One run over the configured mailboxes (PRODUCT.md 2): at most
/// `concurrency` mailboxes at once, the whole run inside `timeBudget`; what
/// is left when it runs out waits for the next run.
public struct BotRun: Sendable {
    public var jobs: [MailboxJob]
    public var journal: Journal
    public var concurrency: Int
    public var timeBudget: TimeInterval
    public var clock: any BotClock
    public var logger: Logger

    public init(
        jobs: [MailboxJob], journal: Journal, concurrency: Int, timeBudget: TimeInterval,
        clock: any BotClock = SystemClock(), logger: Logger = Logger(label: "meetingbot")
    ) {
        self.jobs = jobs
        self.journal = journal
        self.concurrency = max(1, concurrency)
        self.timeBudget = timeBudget
        self.clock = clock
        self.logger = logger
    }

    /// A dry run has no sinks at all: the report says what a real run would do.
    public var isDryRun: Bool { jobs.allSatisfy { $0.sink == nil } }

    public func run() async throws(JournalError) -> RunReport {
        let started = clock.now
        let deadline = started + timeBudget
        let run = try journal.beginRun(startedAt: started, dryRun: isDryRun, host: ProcessInfo.processInfo.hostName)
        var reports = [MailboxReport?](repeating: nil, count: jobs.count)
        await withTaskGroup(of: (Int, MailboxReport).self) { group in
            var next = 0
            func start() {
                guard next < jobs.count else { return }
                let (index, job) = (next, jobs[next])
                next += 1
                group.addTask { [journal, clock, logger] in
                    var pass = MailboxPass(
                        source: job.source, sink: job.sink, policy: job.policy, rulesFile: job.rulesFile,
                        settings: job.settings, journal: journal, run: run, clock: clock, deadline: deadline,
                        logger: logger)
                    return (index, await pass.run())
                }
            }
            for _ in 0..<concurrency { start() }
            for await (index, report) in group {
                reports[index] = report
                start()
            }
        }
        let report = RunReport(
            dryRun: isDryRun, startedAt: started, finishedAt: clock.now, mailboxes: reports.compactMap { $0 })
        let status = BotExitCode(report)
        try journal.finishRun(run, at: report.finishedAt, exitCode: Int(status.rawValue), summary: status.summary)
        return report
    }
}
