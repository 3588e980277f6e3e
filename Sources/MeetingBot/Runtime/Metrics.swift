import Foundation

/// What the metrics file says about one run (docs/METRICS.md lists every
/// metric): gauges of the last run, as Prometheus's advice for batch jobs has
/// it (https://prometheus.io/docs/practices/instrumentation/#batch-jobs):
/// the counts are the run's own, not running totals, so they carry no
/// `_total` suffix and are no counters, which would seem to reset every run.
public struct Metrics: Sendable {
    /// The run's report; nil when the run stopped before it had one (exit 2).
    public var report: RunReport?
    public var exitCode: BotExitCode
    /// EWS requests sent again after the server asked to wait or failed transiently.
    public var retries: Int
    /// How long the whole command took, configuration checks included.
    public var duration: TimeInterval
    /// When the run ended, by the bot's clock.
    public var finishedAt: Date
    /// When a run last ended with exit code 0: this one, or, when it failed,
    /// what the previous file said.
    public var lastSuccess: Date?
    /// The shard, labelled on every sample so that the files of several
    /// shards can sit in one textfile directory.
    public var shard: Shard?

    public init(
        report: RunReport?, exitCode: BotExitCode, retries: Int, duration: TimeInterval, finishedAt: Date,
        previousSuccess: Date?, shard: Shard?
    ) {
        self.report = report
        self.exitCode = exitCode
        self.retries = retries
        self.duration = duration
        self.finishedAt = finishedAt
        self.lastSuccess = exitCode == .success ? finishedAt : previousSuccess
        self.shard = shard
    }

    public static let lastSuccessName = "meetingbot_last_success_timestamp_seconds"

    public var families: [MetricFamily] {
        let mailboxes = report?.mailboxes ?? []
        typealias Label = MetricFamily.Label
        typealias Sample = MetricFamily.Sample
        func perMailbox(_ counted: (MailboxReport) -> Int) -> [Sample] {
            mailboxes.map { Sample([Label("mailbox", $0.address)], Double(counted($0))) }
        }
        func count(_ results: Set<MessageReport.Result>) -> (MailboxReport) -> Int {
            { $0.messages.count(where: { results.contains($0.result) }) }
        }
        let messages = mailboxes.flatMap { mailbox in
            mailbox.messages.counts { [$0.kind, $0.action, $0.result.rawValue] }
                .sorted { $0.key.lexicographicallyPrecedes($1.key) }
                .map { key, count in
                    Sample(
                        [
                            Label("mailbox", mailbox.address), Label("kind", key[0]), Label("action", key[1]),
                            Label("result", key[2]),
                        ], Double(count))
                }
        }
        var families = [
            MetricFamily(
                "meetingbot_last_run_messages",
                help: "Meeting messages handled in the last run, by mailbox, kind, action and result.",
                samples: messages),
            MetricFamily(
                "meetingbot_last_run_failures",
                help: "Messages whose action failed or whose outcome is unknown in the last run, by mailbox.",
                samples: perMailbox(count([.failed, .unknownOutcome]))),
            MetricFamily(
                "meetingbot_last_run_mailbox_status",
                help:
                    "1 for how each mailbox's part of the last run ended (completed, budget_exhausted, unreachable, failed).",
                samples: mailboxes.map {
                    Sample([Label("mailbox", $0.address), Label("status", $0.status.rawValue)], 1)
                }),
            MetricFamily(
                "meetingbot_pending",
                help: "Responses waiting for the Calendar Attendant within the grace period, by mailbox.",
                samples: perMailbox(count([.pending]))),
            MetricFamily(
                "meetingbot_stuck",
                help:
                    "Items a person should look at (failing run after run, or pending past the grace period), by mailbox.",
                samples: perMailbox(count([.stuck, .stuckPending]))),
            MetricFamily(
                "meetingbot_last_run_ews_calls",
                help: "EWS requests sent in the last run, retries included, by operation.",
                samples: (report?.calls ?? [:]).sorted { $0.key < $1.key }.map {
                    Sample([Label("operation", $0.key)], Double($0.value))
                }),
            MetricFamily(
                "meetingbot_last_run_ews_retries",
                help: "EWS requests sent again in the last run after the server asked to wait or failed transiently.",
                samples: [Sample([], Double(retries))]),
            MetricFamily(
                "meetingbot_last_run_duration_seconds", help: "How long the last run took.",
                samples: [Sample([], duration)]),
            MetricFamily(
                "meetingbot_last_run_timestamp_seconds", help: "When the last run ended (Unix time).",
                samples: [Sample([], finishedAt.timeIntervalSince1970)]),
            MetricFamily(
                "meetingbot_last_run_exit_code",
                help: "The last run's exit code (0 all done; see meetingbot run --help).",
                samples: [Sample([], Double(exitCode.rawValue))]),
            MetricFamily(
                "meetingbot_last_run_dry_run", help: "1 when the last run was a dry run.",
                samples: report.map { [Sample([], $0.dryRun ? 1 : 0)] } ?? []),
        ]
        if let lastSuccess {
            families.append(
                MetricFamily(
                    Self.lastSuccessName, help: "When a run last ended with exit code 0 (Unix time).",
                    samples: [Sample([], lastSuccess.timeIntervalSince1970)]))
        }
        guard let shard else { return families }
        return families.map { family in
            var family = family
            family.samples = family.samples.map { Sample([Label("shard", shard.description)] + $0.labels, $0.value) }
            return family
        }
    }
}
