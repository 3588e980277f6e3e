import ArgumentParser
import Foundation
import Logging
import MeetingBot

/// `meetingbot run`: one pass over the configured mailboxes (PRODUCT.md 6).
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Process the configured mailboxes once: decide, act, clean up, record and report.",
        discussion: BotExitCode.helpText)

    @Option(help: "The configuration file.")
    var config = "/etc/meetingbot/config.yml"

    @Flag(help: "Only read: report what a real run would do, and change nothing.")
    var dryRun = false

    @Option(name: .customLong("mailbox"), help: "Process only this mailbox (repeatable).")
    var mailboxes: [String] = []

    @Option(help: "The report's format: for a terminal, a program, a spreadsheet, a ticket or a browser.")
    var format: ReportFormat = .text

    @Option(help: "Write the report to this file instead of standard output.")
    var output: String?

    @Option(
        help: ArgumentHelp(
            """
            Process only the mailboxes of shard INDEX of COUNT (0-based: 0/4 … 3/4), chosen by a stable hash of \
            each address, with the state in STATE_DIR/shard-INDEX-of-COUNT; run every shard to cover every mailbox.
            """, valueName: "INDEX/COUNT"))
    var shard: String?

    @Option(help: "Write the run's metrics (Prometheus text format) to this file instead of the configuration's.")
    var metricsFile: String?

    @OptionGroup var logging: LoggingOptions

    func validate() throws {
        if let shard, Shard(parsing: shard) == nil {
            throw ValidationError("--shard expects INDEX/COUNT with 0 <= INDEX < COUNT, such as 0/4; found '\(shard)'")
        }
    }

    func run() async throws {
        let logger = logging.bootstrap()
        let status = await BotLauncher(
            configPath: config, dryRun: dryRun, mailboxes: mailboxes, shard: shard.flatMap(Shard.init(parsing:)),
            metricsFile: metricsFile, logger: logger
        ).launch { report in
            try write(report)
        }
        throw ExitCode(status.rawValue)
    }

    /// Writes the report piece by piece as the renderer makes it, so a large
    /// one is never held whole.
    private func write(_ report: RunReport) throws {
        guard let output else {
            format.renderer.write(report) { FileHandle.standardOutput.write(Data($0.utf8)) }
            return
        }
        // Replaced whole, so a reader never sees half a report; the renderer's pieces (256 messages
        // each for JSON) gathered into writes of a few hundred kilobytes.
        try FileReplacement.write(to: output) { write in
            var buffer = Data()
            try format.renderer.write(report) { piece in
                buffer.append(contentsOf: piece.utf8)
                if buffer.count >= 1 << 18 {
                    try write(buffer)
                    buffer.removeAll(keepingCapacity: true)
                }
            }
            try write(buffer)
        }
    }
}

extension ReportFormat: ExpressibleByArgument {}

/// `--log-format` and `--verbose`, shared by the commands that log.
struct LoggingOptions: ParsableArguments {
    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json }

    @Option(help: "How log lines on standard error look: text or json (one object per line, for log shippers).")
    var logFormat: Format = .text

    @Flag(name: .shortAndLong, help: "Log what each mailbox does, not only problems.")
    var verbose = false

    /// Logs go to standard error, quiet (warnings and errors only) unless
    /// --verbose, so that cron mails only problems (PRODUCT.md 6).
    func bootstrap() -> Logger {
        let level: Logger.Level = verbose ? .info : .warning
        let format = logFormat
        LoggingSystem.bootstrap { label in
            var handler: any LogHandler =
                format == .json ? JSONLogHandler(label: label) : StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        return Logger(label: "meetingbot")
    }
}
