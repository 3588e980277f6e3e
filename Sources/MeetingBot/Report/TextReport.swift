import Foundation

/// The report for a terminal (PRODUCT.md 2, step 7): per mailbox, the
/// counts by kind and action first, then each message with its result,
/// action, rule and the reason in plain words; lines fit in 80 columns.
public struct TextReport: ReportRenderer {
    public static let width = 80

    public init() {}

    public func render(_ report: RunReport) -> String {
        var lines: [String] = []
        let mode = report.dryRun ? "Dry run: nothing was changed; 'planned' is what a real run would do." : "Run"
        lines.append("\(mode) (\(Self.time(report.startedAt)) to \(Self.time(report.finishedAt)))")
        for mailbox in report.mailboxes {
            lines.append("")
            lines.append(
                Self.clean("\(mailbox.address) (\(mailbox.rulesFile)): \(Self.words(mailbox.status.rawValue))"))
            if let error = mailbox.error { lines += Self.wrap("problem: " + error, indent: 2) }
            lines += Self.counts(mailbox.messages).map { "  " + $0 }
            for message in mailbox.messages { lines += Self.lines(for: message) }
            if let attendance = mailbox.attendance { lines += Self.attendance(attendance, of: mailbox) }
        }
        let problems = report.messages.filter(\.result.isProblem).count
        lines.append("")
        lines.append("\(report.messages.count) messages, \(problems) problems")
        return lines.joined(separator: "\n") + "\n"
    }

    /// `requests: accept 2, skip 1` and so on, one line per kind.
    static func counts(_ messages: [MessageReport]) -> [String] {
        ["request", "response", "cancellation"].compactMap { kind in
            let of = messages.filter { $0.kind == kind }
            guard !of.isEmpty else { return nil }
            let byAction = Dictionary(grouping: of, by: \.action).map { "\($0.key) \($0.value.count)" }.sorted()
            return "\(kind)s: " + byAction.joined(separator: ", ")
        }
    }

    /// One message: result, action and rule on the first line with the
    /// subject, then the reason and any detail, wrapped.
    static func lines(for message: MessageReport) -> [String] {
        let head =
            "  " + pad(words(message.result.rawValue), 16) + pad(message.action, 10) + pad(message.rule ?? "-", 16)
        var out = [head + clip(message.subject.isEmpty ? "(no subject)" : message.subject, width - head.count)]
        var about = message.kind
        if let start = message.start { about += " at " + time(start) }
        if let organizer = message.organizer, !organizer.isEmpty { about += " from " + organizer }
        out += wrap(about + ": " + message.reason, indent: 4)
        if let detail = message.detail { out += wrap(detail, indent: 4) }
        return out
    }

    static func pad(_ text: String, _ width: Int) -> String {
        let clipped = clip(text, width - 1)
        return clipped + String(repeating: " ", count: max(1, width - clipped.count))
    }

    /// Server text on one line, with control characters (newlines, escape
    /// sequences that could rewrite the terminal) replaced by spaces.
    static func clean(_ text: String) -> String {
        String(text.unicodeScalars.map { $0.properties.generalCategory == .control ? " " : Character($0) })
    }

    static func clip(_ text: String, _ width: Int) -> String {
        let line = clean(text)
        guard line.count > width else { return line }
        return String(line.prefix(max(0, width - 1))) + "…"
    }

    /// Wraps at spaces to the report's width, each line indented.
    static func wrap(_ text: String, indent: Int) -> [String] {
        let room = width - indent
        var lines: [String] = []
        var line = ""
        for word in clean(text).split(separator: " ") {
            let word = clip(String(word), room)
            if line.isEmpty {
                line = word
            } else if line.count + 1 + word.count <= room {
                line += " " + word
            } else {
                lines.append(line)
                line = word
            }
        }
        if !line.isEmpty { lines.append(line) }
        return lines.map { String(repeating: " ", count: indent) + $0 }
    }

    static func words(_ raw: String) -> String { raw.replacingOccurrences(of: "_", with: " ") }

    static func time(_ date: Date) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withFullDate, .withTime, .withColonSeparatorInTime, .withSpaceBetweenDateAndTime]
        f.timeZone = TimeZone(identifier: "UTC")
        return f.string(from: date) + "Z"
    }
}

extension TextReport {
    /// A mailbox's attendance section: the meetings its messages in this run
    /// were about, each with its counts, and how many others it organizes.
    static func attendance(_ attendance: MailboxAttendance, of mailbox: MailboxReport) -> [String] {
        AttendanceRenderer.summary(attendance, uids: Set(mailbox.messages.compactMap(\.uid)))
    }
}
