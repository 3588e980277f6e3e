import Foundation

/// The layout of one mailbox's timeline in the HTML report: the requests
/// whose meeting starts in the weeks from the run's start, one bar each, in
/// a row per day (UTC) on an hour axis; bars that overlap go to separate
/// lanes of their row, so a double booking shows as two bars one above the
/// other. A label too long for its bar stands beside it (before it near the
/// axis's end), and counts as part of the bar for the lanes. Pure: the
/// same messages give the same layout.
struct ReportTimeline: Equatable {
    /// What the bar's colour says.
    enum Decision: String, CaseIterable {
        case accepted, tentative, declined, skipped
        /// Not answered: superseded, own meeting, answered before, failures to read.
        case other

        init(action: String) {
            switch action {
            case "accept": self = .accepted
            case "tentative": self = .tentative
            case "decline": self = .declined
            case "skip": self = .skipped
            default: self = .other
            }
        }
    }

    struct Bar: Equatable {
        let message: MessageReport
        let start: Date
        let end: Date
        /// Where the bar starts and how wide it is, as fractions of the axis.
        let left: Double
        let width: Double
        /// The meeting goes on past midnight (UTC): the bar stops at the day's end.
        let continues: Bool
        let lane: Int
        /// The subject, or for a request not answered what became of it and the subject.
        let label: String
        let place: LabelPlace
        var decision: Decision { Decision(action: message.action) }
        var conflicts: Int { message.conflicts ?? 0 }
    }

    enum LabelPlace: String { case inside, after, before }

    /// For packing labels: a track at least 900 px wide (the page's CSS
    /// makes it so on screen, and print's smaller type leaves room), 6.6 px a
    /// character (12 px DejaVu Sans), labels cut at `labelLimit` characters.
    static let trackWidth = 900
    static let characterShare = 6.6 / Double(trackWidth)
    static let labelLimit = 32

    struct Day: Equatable {
        let date: Date
        let lanes: Int
        let bars: [Bar]
    }

    /// The run's start day (UTC): the timeline shows the weeks from it.
    let from: Date
    /// The hours of the day the axis spans (UTC), at least 08 to 18.
    let hours: ClosedRange<Int>
    let days: [Day]
    /// Requests outside the weeks shown, or without a start.
    let outside: Int

    static let calendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? TimeZone(secondsFromGMT: 0) ?? calendar.timeZone
        return calendar
    }()

    init(_ messages: some Collection<MessageReport>, from start: Date, weeks: Int) {
        let calendar = Self.calendar
        let from = calendar.startOfDay(for: start)
        let to = from.addingTimeInterval(Double(weeks) * 7 * 86_400)
        self.from = from
        let requests = messages.filter { $0.kind == "request" }
        let shown = requests.compactMap { m -> (MessageReport, Date, Date)? in
            guard let start = m.start, start >= from, start < to else { return nil }
            // A meeting without an end (unreadable) is drawn as half an hour.
            return (m, start, max(m.end ?? start.addingTimeInterval(1800), start))
        }.sorted { ($0.1, $0.2) < ($1.1, $1.2) }
        outside = requests.count - shown.count

        func hourOfDay(_ date: Date) -> Double {
            date.timeIntervalSince(calendar.startOfDay(for: date)) / 3600
        }
        /// Where a meeting ends on its first day's axis: a later day ends it at 24.
        func endHour(_ start: Date, _ end: Date) -> Double {
            end >= calendar.startOfDay(for: start).addingTimeInterval(86_400) ? 24 : hourOfDay(end)
        }
        let first = shown.map { hourOfDay($0.1) }.min() ?? 8
        let last = shown.map { endHour($0.1, $0.2) }.max() ?? 18
        let hours = min(8, Int(first.rounded(.down)))...max(18, Int(last.rounded(.up)))
        self.hours = hours
        let span = Double(hours.upperBound - hours.lowerBound)

        days = Dictionary(grouping: shown) { calendar.startOfDay(for: $0.1) }.sorted { $0.key < $1.key }.map {
            date, meetings in
            var lanes: [[Range<Double>]] = []
            let bars = meetings.map { message, start, end in
                let left = (hourOfDay(start) - Double(hours.lowerBound)) / span
                let width = (endHour(start, end) - hourOfDay(start)) / span
                let label = Self.label(message)
                // The time, the label and a conflict mark, and the bar's padding.
                let characters = 6 + min(label.count, Self.labelLimit) + ((message.conflicts ?? 0) > 0 ? 4 : 0) + 2
                let labelWidth = Double(characters) * Self.characterShare
                let place: LabelPlace =
                    labelWidth <= width ? .inside : left + width + labelWidth <= 1 ? .after : .before
                // Half open, never empty (a label has a width): a meeting may start as the previous one ends.
                let taken: Range<Double> =
                    switch place {
                    case .inside: left..<(left + width)
                    case .after: left..<(left + width + labelWidth)
                    case .before: (left - labelWidth)..<(left + width)
                    }
                let lane = lanes.firstIndex { $0.allSatisfy { !$0.overlaps(taken) } } ?? lanes.count
                if lane == lanes.count { lanes.append([]) }
                lanes[lane].append(taken)
                return Bar(
                    message: message, start: start, end: end, left: left, width: width,
                    continues: end > date.addingTimeInterval(86_400), lane: lane, label: label, place: place)
            }
            return Day(date: date, lanes: lanes.count, bars: bars)
        }
    }

    static func label(_ message: MessageReport) -> String {
        let subject = message.subject.isEmpty ? "(no subject)" : message.subject
        guard Decision(action: message.action) == .other else { return subject }
        let what =
            message.result == .planned ? "planned " + message.action : ReportSummary.words(message.result.rawValue)
        return what + ": " + subject
    }

    var bars: [Bar] { days.flatMap(\.bars) }
}
