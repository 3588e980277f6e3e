import Foundation

/// The report as CSV (RFC 4180): a header row, then one row per message
/// with its mailbox and every field of `MessageReport`; a mailbox with no
/// messages has one row of its own columns only, so that an unreachable
/// mailbox is not missing. Lines end in CRLF; a field holding a comma, a
/// quote, CR or LF is quoted, its quotes doubled. Dates are ISO 8601 UTC.
///
/// A spreadsheet runs a cell that starts with `=`, `+`, `-` or `@` as a
/// formula (OWASP "CSV Injection"), and an organizer chooses the subject: a
/// text field starting so, or with a tab or CR, gets a leading `'`. The
/// item id, which Exchange makes, is written as it is.
public struct CSVReport: ReportRenderer {
    public static let columns = [
        "mailbox", "mailboxStatus", "mailboxError", "itemId", "kind", "subject", "organizer", "from", "start", "end",
        "uid", "recurrenceId", "sequence", "received", "rule", "action", "reason", "result", "detail",
        "occurrencesChecked", "conflicts",
    ]

    public init() {}

    public func render(_ report: RunReport) -> String {
        var rows = [Self.columns]
        for mailbox in report.mailboxes {
            let head = [Self.text(mailbox.address), mailbox.status.rawValue, Self.text(mailbox.error)]
            guard !mailbox.messages.isEmpty else {
                rows.append(head + Array(repeating: "", count: Self.columns.count - head.count))
                continue
            }
            rows += mailbox.messages.map { head + Self.fields($0) }
        }
        return rows.map { $0.map(Self.quoted).joined(separator: ",") + "\r\n" }.joined()
    }

    static func fields(_ m: MessageReport) -> [String] {
        [
            m.itemId, m.kind, text(m.subject), text(m.organizer), text(m.from), date(m.start), date(m.end), text(m.uid),
            date(m.recurrenceId), number(m.sequence), date(m.received), text(m.rule), m.action, text(m.reason),
            m.result.rawValue, text(m.detail), number(m.occurrencesChecked), number(m.conflicts),
        ]
    }

    /// Text that a spreadsheet must not take for a formula.
    static func text(_ value: String?) -> String {
        guard let value else { return "" }
        guard let first = value.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) else { return value }
        return "'" + value
    }

    static func date(_ value: Date?) -> String {
        value.map { $0.formatted(.iso8601) } ?? ""
    }

    static func number(_ value: Int?) -> String { value.map(String.init) ?? "" }

    /// RFC 4180 section 2, rules 6 and 7.
    static func quoted(_ field: String) -> String {
        guard field.unicodeScalars.contains(where: { "\",\r\n".unicodeScalars.contains($0) }) else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
