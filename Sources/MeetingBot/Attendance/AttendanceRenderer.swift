import Foundation

/// What `meetingbot attendance` prints: the attendance of each mailbox asked for.
public struct AttendanceReport: Sendable, Codable, Equatable {
    /// The version of these fields (docs/REPORTS.md); grows when fields are added.
    public static let formatVersion = 1

    public var formatVersion = Self.formatVersion
    public var from: Date
    public var to: Date
    public var mailboxes: [MailboxAttendance]

    public init(from: Date, to: Date, mailboxes: [MailboxAttendance]) {
        self.from = from
        self.to = to
        self.mailboxes = mailboxes
    }
}

/// The attendance as text of one format; pure.
public struct AttendanceRenderer: Sendable {
    public var format: ListingFormat

    public init(_ format: ListingFormat) { self.format = format }

    public func render(_ report: AttendanceReport) -> String {
        switch format {
        case .text: Self.text(report)
        case .json: JSONReport.encode(report)
        case .csv: Self.csv(report)
        case .markdown: Self.markdown(report)
        }
    }

    /// `Planning, 2026-03-04 09:00:00Z` or `Standup, 10 times from 2026-03-02 08:00:00Z`.
    static func title(_ meeting: MeetingAttendance) -> String {
        let subject = meeting.subject.isEmpty ? "(no subject)" : meeting.subject
        let when =
            meeting.recurring
            ? "a series, \(meeting.occurrences) in the window from \(ReportSummary.time(meeting.start))"
            : ReportSummary.time(meeting.start)
        return subject + ", " + when
    }

    /// `Bob Smith <bob@contoso.com>, optional`.
    static func who(_ attendee: AttendeeAnswer) -> String {
        (attendee.name.map { "\($0) <\(attendee.address)>" } ?? attendee.address)
            + (attendee.role == "required" ? "" : ", " + attendee.role)
    }

    static func mailboxLine(_ mailbox: MailboxAttendance) -> String {
        let count = mailbox.meetings.count
        return mailbox.address + ": "
            + (count == 0 ? "organizes no meetings" : "\(count) meeting\(count == 1 ? "" : "s")")
    }

    // MARK: Text

    /// For a terminal, 80 columns: per mailbox its meetings, each with the
    /// counts and one line per attendee (answer, who, when answered).
    static func text(_ report: AttendanceReport) -> String {
        var lines = ["Attendance from \(ReportSummary.time(report.from)) to \(ReportSummary.time(report.to))"]
        for mailbox in report.mailboxes {
            lines.append("")
            lines.append(TextReport.clip(mailboxLine(mailbox), TextReport.width))
            if let error = mailbox.error { lines += TextReport.wrap("problem: " + error, indent: 2) }
            for meeting in mailbox.meetings {
                lines += TextReport.wrap(title(meeting), indent: 2)
                lines.append("    " + meeting.counts.summary)
                for attendee in meeting.attendees {
                    let answered = attendee.answeredAt.map(ReportSummary.time) ?? ""
                    lines.append(
                        "    " + TextReport.pad(ReportSummary.words(attendee.answer.rawValue), 14)
                            + (answered.isEmpty
                                ? TextReport.clip(who(attendee), 62) : TextReport.pad(who(attendee), 42))
                            + answered)
                }
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The run report's short section (TextReport): one line per meeting
    /// that `uids` name (those the run's messages were about), then how many
    /// others there are.
    static func summary(_ attendance: MailboxAttendance, uids: Set<String>) -> [String] {
        var lines = ["  attendance to \(ReportSummary.time(attendance.to)): " + mailboxLine(attendance)]
        if let error = attendance.error { lines += TextReport.wrap("problem: " + error, indent: 4) }
        let touched = attendance.meetings.filter { $0.uid.map(uids.contains) ?? false }
        for meeting in touched {
            lines += TextReport.wrap(title(meeting), indent: 4)
            lines.append("      " + meeting.counts.summary)
        }
        let others = attendance.meetings.count - touched.count
        if others > 0, !touched.isEmpty {
            lines.append("    and \(others) other\(others == 1 ? "" : "s"): meetingbot attendance lists them all")
        }
        return lines
    }

    // MARK: CSV and Markdown

    static let columns = [
        "mailbox", "subject", "start", "end", "uid", "recurring", "occurrences", "attendee", "name", "role", "answer",
        "answeredAt",
    ]

    /// One record per attendee of each meeting; a mailbox that could not be
    /// read or organizes nothing has none.
    static func csv(_ report: AttendanceReport) -> String {
        var out = TextCells.csv(columns)
        for mailbox in report.mailboxes {
            for meeting in mailbox.meetings {
                for attendee in meeting.attendees {
                    out += TextCells.csv([
                        mailbox.address, meeting.subject, TextCells.iso(meeting.start), TextCells.iso(meeting.end),
                        meeting.uid ?? "", String(meeting.recurring), String(meeting.occurrences), attendee.address,
                        attendee.name ?? "", attendee.role, attendee.answer.rawValue,
                        TextCells.iso(attendee.answeredAt),
                    ])
                }
            }
        }
        return out
    }

    /// A section per mailbox, per meeting its counts and a table of attendees.
    static func markdown(_ report: AttendanceReport) -> String {
        let md = TextCells.markdown
        var out = "# Attendance\n\nFrom \(ReportSummary.time(report.from)) to \(ReportSummary.time(report.to)).\n"
        for mailbox in report.mailboxes {
            out += "\n## " + md(mailboxLine(mailbox)) + "\n"
            if let error = mailbox.error { out += "\nProblem: " + md(error) + "\n" }
            for meeting in mailbox.meetings {
                out += "\n### " + md(title(meeting)) + "\n\n" + md(meeting.counts.summary) + ".\n"
                guard !meeting.attendees.isEmpty else { continue }
                out += "\n" + TextCells.markdownRow(["Attendee", "Role", "Answer", "Answered at"])
                out += TextCells.markdownRow(Array(repeating: "---", count: 4))
                for attendee in meeting.attendees {
                    out += TextCells.markdownRow([
                        md(attendee.name.map { "\($0) <\(attendee.address)>" } ?? attendee.address), md(attendee.role),
                        md(ReportSummary.words(attendee.answer.rawValue)),
                        attendee.answeredAt.map(ReportSummary.time) ?? "",
                    ])
                }
            }
        }
        return out
    }
}
