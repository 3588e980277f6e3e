import Foundation

/// The report for a terminal (PRODUCT.md 2, step 7): the run's totals, then
/// per mailbox the counts by kind and action first, then a table of its
/// messages: result, action, rule and subject, with the reason in plain
/// words below. Every line fits in 80 terminal columns (wide characters
/// count two), and server text cannot move the cursor or reorder the line.
public struct TextReport: ReportRenderer {
    public static let width = 80
    /// Result, action and rule columns: the longest result, `already answered`, and a space.
    static let columns = [18, 10, 18]

    public init() {}

    public func render(_ report: RunReport) -> String {
        let span = "\(ReportSummary.time(report.startedAt)) to \(ReportSummary.time(report.finishedAt))"
        var lines = Self.wrap(
            report.dryRun
                ? "Dry run, \(span): nothing was changed; 'planned' is what a real run would do." : "Run, \(span)",
            indent: 0)
        lines.append(Self.totals(report))
        for mailbox in report.mailboxes {
            lines.append("")
            lines += Self.wrap(
                "\(mailbox.address) (\(mailbox.rulesFile)): \(Self.words(mailbox.status.rawValue))", indent: 0)
            if let error = mailbox.error { lines += Self.wrap("problem: " + error, indent: 2) }
            guard !mailbox.messages.isEmpty else { continue }
            for kind in ReportSummary.byKind(mailbox.messages) {
                let actions = kind.actions.map { "\($0.action) \($0.count)" }.joined(separator: ", ")
                lines += Self.wrap("\(kind.label): \(actions)", indent: 2)
            }
            lines.append(Self.row(["result", "action", "rule"], "subject"))
            for message in mailbox.messages { lines += Self.lines(for: message) }
            if let attendance = mailbox.attendance { lines += Self.attendance(attendance, of: mailbox) }
        }
        lines.append("")
        // Last as well as first: the end of a long report is what a terminal shows.
        lines.append(Self.totals(report))
        return lines.joined(separator: "\n") + "\n"
    }

    static func totals(_ report: RunReport) -> String {
        let problems = report.messages.filter(\.result.isProblem).count
        return "\(report.mailboxes.count) mailboxes, \(report.messages.count) messages, \(problems) problems"
    }

    /// One message: result, action, rule and subject on the first line,
    /// then the kind, time, organizer and reason, and any detail, wrapped.
    static func lines(for message: MessageReport) -> [String] {
        let subject = message.subject.isEmpty ? "(no subject)" : message.subject
        var out = [row([words(message.result.rawValue), message.action, message.rule ?? "-"], subject)]
        var about = message.kind
        if let start = message.start { about += " at " + ReportSummary.time(start) }
        if let counterpart = message.counterpart, !counterpart.isEmpty { about += " from " + counterpart }
        out += wrap(about + ": " + message.reason, indent: 4)
        if let detail = message.detail { out += wrap(detail, indent: 4) }
        return out
    }

    /// The three columns, each clipped to its width, and the rest of the line.
    static func row(_ cells: [String], _ last: String) -> String {
        let head = "  " + zip(cells, columns).map { pad($0, $1) }.joined()
        return head + clip(last, width - columns(head))
    }

    static func pad(_ text: String, _ width: Int) -> String {
        let clipped = clip(text, width - 1)
        return clipped + String(repeating: " ", count: max(1, width - columns(clipped)))
    }

    /// Server text on one line, what `ReportSummary.isUnsafeInLine` names as spaces.
    static func clean(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.map { ReportSummary.isUnsafeInLine($0) ? " " : $0 }))
    }

    /// Terminal columns: East Asian wide and emoji characters take two.
    static func columns(_ text: String) -> Int { text.reduce(0) { $0 + columns($1) } }

    static func columns(_ character: Character) -> Int {
        guard let first = character.unicodeScalars.first else { return 0 }
        if first.properties.isEmojiPresentation
            || (first.properties.isEmoji && character.unicodeScalars.contains("\u{FE0F}"))
        {
            return 2
        }
        switch first.value {
        case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF,
            0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60, 0xFFE0...0xFFE6, 0x20000...0x3FFFD:
            return 2
        default:
            return 1
        }
    }

    /// At most `width` columns, an ellipsis where text was cut.
    static func clip(_ text: String, _ width: Int) -> String {
        let line = clean(text)
        guard columns(line) > width else { return line }
        return prefix(line, width - 1) + "…"
    }

    /// The longest start of `text` within `width` columns.
    private static func prefix(_ text: String, _ width: Int) -> String {
        var out = ""
        var used = 0
        for character in text {
            used += columns(character)
            guard used <= width else { break }
            out.append(character)
        }
        return out
    }

    /// Wraps at spaces to the report's width, each line indented; a word
    /// longer than a line (a URL, a server's token) is broken, not cut.
    static func wrap(_ text: String, indent: Int) -> [String] {
        let room = width - indent
        var lines: [String] = []
        var line = ""
        func add(_ word: String) {
            if line.isEmpty {
                line = word
            } else if columns(line) + 1 + columns(word) <= room {
                line += " " + word
            } else {
                lines.append(line)
                line = word
            }
        }
        for word in clean(text).split(separator: " ") {
            var rest = String(word)
            while columns(rest) > room {
                let piece = prefix(rest, room)
                add(piece)
                rest.removeFirst(piece.count)
            }
            add(rest)
        }
        if !line.isEmpty { lines.append(line) }
        return lines.map { String(repeating: " ", count: indent) + $0 }
    }

    static func words(_ raw: String) -> String { ReportSummary.words(raw) }
}

extension TextReport {
    /// A mailbox's attendance section: the meetings its messages in this run
    /// were about, each with its counts, and how many others it organizes.
    static func attendance(_ attendance: MailboxAttendance, of mailbox: MailboxReport) -> [String] {
        AttendanceRenderer.summary(attendance, uids: Set(mailbox.messages.compactMap(\.uid)))
    }
}
