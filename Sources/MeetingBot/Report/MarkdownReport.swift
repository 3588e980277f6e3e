import Foundation

/// The report as GitHub-flavoured Markdown, for a ticket or a wiki page:
/// per mailbox the counts by kind and action, then a table of its messages.
/// Every piece of text is escaped so that it stays text: a `|` or a newline
/// cannot break the table, and `<`, backticks, `*`, `_` or `[` start no
/// HTML, code, emphasis or link.
public struct MarkdownReport: ReportRenderer {
    static let columns = ["Result", "Kind", "Action", "Rule", "Subject", "Start", "From", "Reason", "Detail"]

    public init() {}

    public func render(_ report: RunReport) -> String {
        var lines = ["# MeetingBot run report", ""]
        if report.dryRun { lines += ["**Dry run:** nothing was changed; *planned* is what a real run would do.", ""] }
        let problems = report.messages.filter(\.result.isProblem).count
        lines.append(
            "Started \(ReportSummary.time(report.startedAt)), finished \(ReportSummary.time(report.finishedAt)): "
                + "\(report.mailboxes.count) mailboxes, \(report.messages.count) messages, \(problems) problems.")
        if !report.calls.isEmpty {
            lines += ["", "EWS calls: " + Self.escape(ReportSummary.calls(report.calls)) + "."]
        }
        for mailbox in report.mailboxes { lines += [""] + Self.section(mailbox) }
        return lines.joined(separator: "\n") + "\n"
    }

    static func section(_ mailbox: MailboxReport) -> [String] {
        var lines = [
            "## " + escape(mailbox.address), "",
            "Rules " + escape(mailbox.rulesFile) + "; status: " + ReportSummary.words(mailbox.status.rawValue) + ".",
        ]
        if let error = mailbox.error { lines += ["", "**Problem:** " + escape(error)] }
        guard !mailbox.messages.isEmpty else { return lines + ["", "No messages."] }
        lines.append("")
        for kind in ReportSummary.byKind(mailbox.messages) {
            let actions = kind.actions.map { "\(escape($0.action)) \($0.count)" }.joined(separator: ", ")
            lines.append("- \(kind.label): \(actions)")
        }
        lines += ["", row(columns), row(columns.map { _ in "---" })]
        lines += mailbox.messages.map { m in
            row(
                [
                    ReportSummary.words(m.result.rawValue), m.kind, m.action, m.rule ?? "", m.subject,
                    m.start.map(ReportSummary.time) ?? "", m.counterpart ?? "", m.reason, m.detail ?? "",
                ].map(escape))
        }
        return lines
    }

    static func row(_ cells: [String]) -> String { "| " + cells.joined(separator: " | ") + " |" }

    /// Markdown's inline punctuation behind a backslash (CommonMark 2.4);
    /// `<`, `>` and `&` as entities, which no renderer takes for markup; control
    /// characters, line or paragraph separators (one line, one row) and the
    /// bidirectional controls (CVE-2021-42574) as spaces.
    static func escape(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\", "`", "*", "_", "[", "]", "|", "~", "#": out += "\\" + String(scalar)
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "&": out += "&amp;"
            case _ where ReportSummary.isUnsafeInLine(scalar):
                out += " "
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
