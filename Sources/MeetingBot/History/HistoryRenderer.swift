import Foundation
import MeetingJournal

/// A history listing as text of one format; pure, as the run's renderers are.
public struct HistoryRenderer: Sendable {
    public var format: ListingFormat

    public init(_ format: ListingFormat) { self.format = format }

    public func render(_ listing: HistoryListing) -> String {
        switch format {
        case .text: Self.text(listing)
        case .json: JSONReport.encode(listing)
        case .csv: Self.csv(listing)
        case .markdown: Self.markdown(listing)
        }
    }

    /// `Decisions since 2026-02-23 08:00:00Z: 3, 1 of them by dry runs.`;
    /// `escape` is applied to the one part not of the bot's making, the path.
    static func headline(_ listing: HistoryListing, escape: (String) -> String) -> String {
        let span = listing.since.map { "since " + ReportSummary.time($0) } ?? "in the journal"
        if let directory = listing.emptyStateDirectory {
            return "No decisions \(span): no run has recorded anything in \(escape(directory)) yet."
        }
        let entries = listing.entries
        guard !entries.isEmpty else { return "No decisions \(span)." }
        let dry = entries.count(where: \.dryRun)
        let shown = listing.limited.map { ", the newest \($0) of more" } ?? ""
        return "Decisions \(span): \(entries.count)\(shown)" + (dry == 0 ? "" : ", \(dry) of them by dry runs") + "."
    }

    // MARK: Text

    /// For a terminal, 80 columns: per entry a line with the time, run and
    /// mailbox, one with result, action, rule and subject, then the reason
    /// and any detail, wrapped.
    static func text(_ listing: HistoryListing) -> String {
        var lines = TextReport.wrap(headline(listing, escape: TextReport.clean), indent: 0)
        for entry in listing.entries {
            let run = "run \(entry.runId)" + (entry.dryRun ? " (dry run: nothing was done)" : "")
            lines.append(
                TextReport.clip("\(ReportSummary.time(entry.decidedAt))  \(run)  \(entry.mailbox)", TextReport.width))
            let head =
                "  " + TextReport.pad(ReportSummary.words(entry.result), 16) + TextReport.pad(entry.action, 10)
                + TextReport.pad(entry.rule ?? "-", 16)
            let subject = entry.subject.flatMap { $0.isEmpty ? nil : $0 } ?? "(no subject)"
            lines.append(head + TextReport.clip(subject, TextReport.width - head.count))
            lines += TextReport.wrap(about(entry) + ": " + entry.reason, indent: 4)
            if let detail = entry.detail { lines += TextReport.wrap(detail, indent: 4) }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `request for 2026-03-04 09:00:00Z by ann@contoso.com`.
    static func about(_ entry: JournalEntry) -> String {
        var about = entry.kind
        if let start = entry.start { about += " for " + ReportSummary.time(start) }
        if let organizer = entry.organizer, !organizer.isEmpty { about += " by " + organizer }
        return about
    }

    // MARK: CSV and Markdown

    static let columns = [
        "decidedAt", "runId", "dryRun", "mailbox", "kind", "subject", "organizer", "start", "uid", "recurrenceId",
        "sequence", "rule", "action", "result", "reason", "detail", "itemId",
    ]

    /// A header and one record per entry, the JSON's field names as column names.
    static func csv(_ listing: HistoryListing) -> String {
        TextCells.csv(columns)
            + listing.entries.map { e in
                TextCells.csv([
                    TextCells.iso(e.decidedAt), String(e.runId), String(e.dryRun), e.mailbox, e.kind, e.subject ?? "",
                    e.organizer ?? "", TextCells.iso(e.start), e.uid ?? "", TextCells.iso(e.recurrenceId),
                    e.sequence.map(String.init) ?? "", e.rule ?? "", e.action, e.result, e.reason, e.detail ?? "",
                    e.itemId,
                ])
            }.joined()
    }

    /// The headline and a table, every text cell escaped.
    static func markdown(_ listing: HistoryListing) -> String {
        var out = "# History\n\n" + headline(listing, escape: TextCells.markdown) + "\n"
        guard !listing.entries.isEmpty else { return out }
        let md = TextCells.markdown
        out += "\n"
        out += TextCells.markdownRow([
            "When", "Run", "Mailbox", "Message", "Subject", "Result", "Action", "Rule", "Why",
        ])
        out += TextCells.markdownRow(Array(repeating: "---", count: 9))
        for e in listing.entries {
            let run = "\(e.runId)" + (e.dryRun ? " (dry run)" : "")
            let why = md(e.reason) + (e.detail.map { " (" + md($0) + ")" } ?? "")
            out += TextCells.markdownRow([
                ReportSummary.time(e.decidedAt), run, md(e.mailbox), md(about(e)), md(e.subject ?? ""),
                md(ReportSummary.words(e.result)), md(e.action), md(e.rule ?? "-"), why,
            ])
        }
        return out
    }
}
