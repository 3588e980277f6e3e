import ArgumentParser
import Foundation
import MeetingBot

/// `meetingbot history`: what the journal recorded (PRODUCT.md 6).
struct HistoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "Show what was decided and done, when, by which rule and why, dry runs included.",
        discussion: """
            Reads the journal in the configuration's state_dir, without the run lock: it works beside a run.
            Exit codes: 0 listed (perhaps nothing); 2 the configuration or the journal cannot be used.
            """)

    @Option(help: "The configuration file; the journal is in its state_dir.")
    var config = "/etc/meetingbot/config.yml"

    @Option(
        help: """
            How far back: a duration (7d, 24h, 90m, 1h30m), a day (2026-03-01, from 00:00 UTC), \
            a moment (2026-03-01T08:00:00Z), or all.
            """)
    var since = "7d"

    @Option(help: "Only this mailbox's entries.")
    var mailbox: String?

    @Option(help: "Only meetings this address organizes.")
    var organizer: String?

    @Option(help: "Only this meeting (its UID).")
    var uid: String?

    @Option(help: "Only entries with this action (accept, decline, apply, remove, delete, …).")
    var action: String?

    @Option(help: "Entries of dry runs: \(HistoryQuery.DryRuns.allCases.map(\.rawValue).joined(separator: ", ")).")
    var dryRuns: HistoryQuery.DryRuns = .include

    @Option(help: "At most this many entries, the newest.")
    var limit: Int?

    @Option(help: "The listing's format: \(ListingFormat.allCases.map(\.rawValue).joined(separator: ", ")).")
    var format: ListingFormat = .text

    func validate() throws {
        guard HistorySince(since) != nil else {
            throw ValidationError("--since takes 7d, 24h, 90m, a day (2026-03-01), a moment or all, not '\(since)'")
        }
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1") }
    }

    func run() throws {
        let query = HistoryQuery(
            since: HistorySince(since) ?? .all, mailbox: mailbox, organizer: organizer, uid: uid, action: action,
            dryRuns: dryRuns, limit: limit)
        let listing: HistoryListing
        do {
            listing = try query.read(configPath: config, now: Date())
        } catch {
            FileHandle.standardError.write(Data("\(error)\n".utf8))
            throw ExitCode(BotExitCode.invalidConfiguration.rawValue)
        }
        FileHandle.standardOutput.write(Data(HistoryRenderer(format).render(listing).utf8))
    }
}

extension HistoryQuery.DryRuns: ExpressibleByArgument {}
extension ListingFormat: ExpressibleByArgument {}
