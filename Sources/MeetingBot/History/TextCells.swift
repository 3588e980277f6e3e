import Foundation

/// The formats of `meetingbot history` and `meetingbot attendance`.
public enum ListingFormat: String, Sendable, CaseIterable {
    case text, json, csv, markdown
}

/// The cells of the history's and the attendance's listings, escaped as
/// each format needs: server text (subjects, names) and the rules' words may
/// hold anything (PRODUCT.md 7.8). Lines for a terminal are made with the run
/// report's own `TextReport.clean`, `clip`, `pad` and `wrap`.
enum TextCells {
    /// `2026-03-02T08:00:00Z`: for programs.
    static func iso(_ date: Date?) -> String {
        date.map { $0.formatted(Date.ISO8601FormatStyle(timeZone: .gmt)) } ?? ""
    }

    /// One CSV record, its fields quoted and guarded as the run report's
    /// (`CSVReport`): RFC 4180, no formula a spreadsheet would run, one line.
    static func csv(_ fields: [String]) -> String {
        fields.map { CSVReport.quoted(CSVReport.text(TextReport.clean($0))) }.joined(separator: ",") + "\r\n"
    }

    /// Text as Markdown shows it literally, escaped as the run report's.
    static func markdown(_ text: String) -> String { MarkdownReport.escape(text) }

    /// One row of a Markdown table of cells already escaped.
    static func markdownRow(_ cells: [String]) -> String {
        "| " + cells.map { $0.isEmpty ? " " : $0 }.joined(separator: " | ") + " |\n"
    }
}
