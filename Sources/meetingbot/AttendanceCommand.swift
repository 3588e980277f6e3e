import ArgumentParser
import Foundation
import MeetingBot

/// `meetingbot attendance`: who answered the meetings a mailbox organizes (PRODUCT.md 1, 6).
struct AttendanceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "attendance",
        abstract:
            "For mailboxes that organize meetings: per meeting, who accepted, declined, answered tentatively or not.",
        discussion: """
            Reads the organizer's calendar items, where Exchange records each attendee's answer; changes nothing \
            and needs no run lock.
            Exit codes: 0 all read; 1 a mailbox or meeting could not be read (the listing says which); \
            2 the configuration is invalid; 3 the server could not be reached or refused the credentials.
            """)

    @Option(help: "The configuration file.")
    var config = "/etc/meetingbot/config.yml"

    @Option(name: .customLong("mailbox"), help: "Only this mailbox (repeatable).")
    var mailboxes: [String] = []

    @Option(help: "The window's start: a day (2026-03-01, 00:00 UTC) or a moment (default: now).")
    var from: String?

    @Option(help: "The window's end: a day or a moment (default: --days after its start).")
    var to: String?

    @Option(help: "The window's length in days, when --to is not given.")
    var days = 90

    @Option(help: "The listing's format: \(ListingFormat.allCases.map(\.rawValue).joined(separator: ", ")).")
    var format: ListingFormat = .text

    @OptionGroup var logging: LoggingOptions

    func validate() throws {
        for (name, value) in [("--from", from), ("--to", to)] {
            if let value, ListingDate.parse(value) == nil {
                throw ValidationError("\(name) takes a day (2026-03-01) or a moment (2026-03-01T08:00:00Z)")
            }
        }
        if let start = from.flatMap(ListingDate.parse), let end = to.flatMap(ListingDate.parse), end <= start {
            throw ValidationError("--to must be after --from")
        }
        guard (1...730).contains(days) else { throw ValidationError("--days must be from 1 to 730") }
    }

    func run() async throws {
        let status = await AttendanceLauncher(
            configPath: config, mailboxes: mailboxes, from: from.flatMap(ListingDate.parse),
            to: to.flatMap(ListingDate.parse), days: days, logger: logging.bootstrap()
        ).launch { report in
            FileHandle.standardOutput.write(Data(AttendanceRenderer(format).render(report).utf8))
        }
        throw ExitCode(status.rawValue)
    }
}
