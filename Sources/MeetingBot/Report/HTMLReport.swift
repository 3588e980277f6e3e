import Foundation

/// The report as one self-contained HTML page: inline CSS, no script, no
/// font, image or other file (its Content-Security-Policy forbids loading
/// any), printable. At the top the run and one line per mailbox; then per
/// mailbox its counts, a timeline of the requests' meetings over the weeks
/// from the run's start coloured by decision (hatched when only planned, a
/// mark where the calendar conflicts), and a table of every message with
/// its result, action, rule, reason and detail. Times are UTC.
public struct HTMLReport: ReportRenderer {
    /// How many weeks from the run's start the timelines show.
    public var weeks: Int

    public init(weeks: Int = 4) { self.weeks = weeks }

    public func render(_ report: RunReport) -> String {
        let title =
            (report.dryRun ? "MeetingBot dry run" : "MeetingBot run") + " of "
            + Self.format(report.startedAt, "d MMM yyyy, HH:mm 'UTC'")
        return HTMLNode.element(
            "html", [HTMLAttribute("lang", "en")],
            [
                .element(
                    "head", [],
                    [
                        .element("meta", [HTMLAttribute("charset", "utf-8")]),
                        // Nothing may load or run, whatever the text says (defence in depth behind the escaping).
                        .element(
                            "meta",
                            [
                                HTMLAttribute("http-equiv", "Content-Security-Policy"),
                                HTMLAttribute("content", "default-src 'none'; style-src 'unsafe-inline'"),
                            ]),
                        .element(
                            "meta",
                            [HTMLAttribute("name", "viewport"), HTMLAttribute("content", "width=device-width")]),
                        .element("title", text: title),
                        .element("style", [], [.trusted(Self.stylesheet)]),
                    ]),
                .element(
                    "body", [],
                    [header(report, title: title)]
                        + report.mailboxes.enumerated().map { section($1, number: $0 + 1, report) }
                        + [
                            .element(
                                "footer", [],
                                text: "Made by meetingbot from the run's decisions and outcomes. Times are UTC.")
                        ]),
            ]
        ).document()
    }

    // MARK: The run

    private func header(_ report: RunReport, title: String) -> HTMLNode {
        let messages = report.messages
        let problems = messages.filter(\.result.isProblem).count
        var facts: [(String, String)] = [
            ("Started", ReportSummary.time(report.startedAt)), ("Finished", ReportSummary.time(report.finishedAt)),
            ("Mailboxes", "\(report.mailboxes.count)"), ("Messages", "\(messages.count)"), ("Problems", "\(problems)"),
        ]
        if !report.calls.isEmpty { facts.append(("EWS calls", ReportSummary.calls(report.calls))) }
        var children: [HTMLNode] = [.element("h1", text: title)]
        if report.dryRun {
            children.append(
                .element(
                    "p", [.class("banner")],
                    text: "Dry run: nothing was changed. Planned actions, hatched below, are what a real run would do."
                ))
        }
        children.append(
            .element(
                "dl", [.class("facts")],
                facts.map { .element("div", [], [.element("dt", text: $0.0), .element("dd", text: $0.1)]) }))
        children.append(overview(report))
        children.append(legend)
        return .element("header", [], children)
    }

    /// One row per mailbox, linked to its section.
    private func overview(_ report: RunReport) -> HTMLNode {
        let rows = report.mailboxes.enumerated().map { index, mailbox in
            let problems = mailbox.messages.filter(\.result.isProblem).count
            return HTMLNode.element(
                "tr", [],
                [
                    .element(
                        "td", [],
                        [.element("a", [HTMLAttribute("href", "#mailbox-\(index + 1)")], text: mailbox.address)]),
                    .element("td", [], [Self.status(mailbox.status)]),
                    .element("td", [.class("number")], text: "\(mailbox.messages.count)"),
                    .element("td", [.class("number", problems > 0 ? "problem" : "")], text: "\(problems)"),
                    .element(
                        "td", [],
                        text: mailbox.messages.isEmpty
                            ? "—" : ReportSummary.byKind(mailbox.messages).map(\.label).joined(separator: ", ")),
                ])
        }
        return .element(
            "table", [.class("overview")],
            [
                .element(
                    "thead", [],
                    [
                        .element(
                            "tr", [],
                            ["Mailbox", "Status", "Messages", "Problems", "Kinds"].map { .element("th", text: $0) })
                    ]),
                .element("tbody", [], rows),
            ])
    }

    private var legend: HTMLNode {
        let decisions = ReportTimeline.Decision.allCases.map { decision in
            HTMLNode.element(
                "li", [], [.element("span", [.class("swatch", decision.rawValue)]), .text(Self.words(decision))])
        }
        let marks: [HTMLNode] = [
            .element(
                "li", [], [.element("span", [.class("swatch", "accepted", "planned")]), .text("planned (dry run)")]),
            .element(
                "li", [],
                [
                    .element("span", [.class("swatch", "accepted", "undone")]),
                    .text("not done: failed, deferred, unknown, stuck"),
                ]),
            .element("li", [], [.element("span", [.class("clash")], text: "⚠ 2"), .text("occurrences that conflict")]),
        ]
        return .element("ul", [.class("legend")], decisions + marks)
    }

    // MARK: A mailbox

    private func section(_ mailbox: MailboxReport, number: Int, _ report: RunReport) -> HTMLNode {
        var children: [HTMLNode] = [
            .element("h2", [], [.text(mailbox.address + " "), Self.status(mailbox.status)]),
            .element("p", [.class("rules")], text: "Rules: " + mailbox.rulesFile),
        ]
        if let error = mailbox.error { children.append(.element("p", [.class("error")], text: "Problem: " + error)) }
        if mailbox.messages.isEmpty {
            children.append(.element("p", [.class("empty")], text: "No messages."))
        } else {
            children.append(summary(mailbox.messages))
            if mailbox.messages.contains(where: { $0.kind == "request" }) {
                children.append(timeline(mailbox.messages, report))
            }
            children.append(table(mailbox.messages))
        }
        if let attendance = mailbox.attendance { children.append(Self.attendance(attendance)) }
        return .element("section", [.class("mailbox"), HTMLAttribute("id", "mailbox-\(number)")], children)
    }

    /// Who answered the meetings the mailbox organizes (`meetingbot attendance`
    /// lists every attendee): one row per meeting with its counts.
    private static func attendance(_ attendance: MailboxAttendance) -> HTMLNode {
        var children: [HTMLNode] = [
            .element(
                "h3", [], text: "Attendance of the meetings it organizes, to " + format(attendance.to, "EEE d MMM yyyy")
            )
        ]
        if let error = attendance.error { children.append(.element("p", [.class("error")], text: "Problem: " + error)) }
        let head = ["Meeting", "Starts", "Accepted", "Tentative", "Declined", "Not answered"]
        let rows = attendance.meetings.map { meeting in
            HTMLNode.element(
                "tr", [],
                [
                    .element(
                        "td", [],
                        text: meeting.subject
                            + (meeting.recurring ? " (series, \(meeting.occurrences) in the window)" : "")),
                    .element("td", [], text: format(meeting.start, "EEE d MMM, HH:mm")),
                ]
                    + [
                        meeting.counts.accepted, meeting.counts.tentative, meeting.counts.declined,
                        meeting.counts.notAnswered,
                    ]
                    .map { .element("td", [.class("count")], text: String($0)) })
        }
        children.append(
            .element(
                "table", [.class("attendance")],
                [.element("tr", [], head.map { .element("th", [], text: $0) })] + rows))
        return .element("div", [.class("attendance")], children)
    }

    /// A tile per kind with its actions, one with the results, one with the problems.
    private func summary(_ messages: some Collection<MessageReport>) -> HTMLNode {
        func tile(_ count: Int, _ noun: String, _ items: [(String, Bool)], _ modifier: String = "") -> HTMLNode {
            .element(
                "div", [.class("tile", modifier)],
                [
                    .element("b", text: "\(count)"), .text(noun),
                    .element("ul", [], items.map { .element("li", $0.1 ? [.class("problem")] : [], text: $0.0) }),
                ])
        }
        let results = ReportSummary.byResult(messages).map {
            ("\(Self.words($0.result.rawValue)) \($0.count)", $0.result.isProblem)
        }
        let problems = messages.filter(\.result.isProblem).count
        return .element(
            "div", [.class("summary")],
            ReportSummary.byKind(messages).map { kind in
                tile(kind.total, kind.noun, kind.actions.map { ("\($0.action) \($0.count)", false) })
            } + [
                tile(messages.count, messages.count == 1 ? "result" : "results", results.filter { !$0.1 }, "results"),
                tile(
                    problems, problems == 1 ? "problem" : "problems", results.filter(\.1), problems > 0 ? "problem" : ""
                ),
            ])
    }

    private func timeline(_ messages: some Collection<MessageReport>, _ report: RunReport) -> HTMLNode {
        let timeline = ReportTimeline(messages, from: report.startedAt, weeks: weeks)
        let heading = HTMLNode.element(
            "h3",
            text: "Meetings requested, \(weeks) weeks from \(Self.format(timeline.from, "EEE d MMM yyyy"))")
        guard !timeline.days.isEmpty else {
            return .element(
                "div", [.class("timeline")],
                [heading, .element("p", [.class("empty")], text: "No requested meeting starts in these weeks.")])
        }
        let span = timeline.hours.upperBound - timeline.hours.lowerBound
        let step = span <= 12 ? 1 : span <= 18 ? 2 : 3
        let ticks = stride(from: timeline.hours.lowerBound, through: timeline.hours.upperBound, by: step).map { hour in
            HTMLNode.element(
                "span",
                [
                    HTMLAttribute(
                        "style", "left:" + Self.percent(Double(hour - timeline.hours.lowerBound) / Double(span)))
                ],
                text: String(format: "%02d:00", hour))
        }
        var rows: [HTMLNode] = [
            heading,
            .element("div", [.class("axis")], [.element("div"), .element("div", [.class("scale")], ticks)]),
        ]
        var week: Int?
        for day in timeline.days {
            let thisWeek = Int(day.date.timeIntervalSince(timeline.from) / (7 * 86_400))
            if thisWeek != week {
                week = thisWeek
                let weekStart = timeline.from.addingTimeInterval(Double(thisWeek) * 7 * 86_400)
                rows.append(.element("div", [.class("week")], text: "Week from " + Self.format(weekStart, "EEE d MMM")))
            }
            rows.append(
                .element(
                    "div", [.class("day")],
                    [
                        .element("div", [.class("date")], text: Self.format(day.date, "EEE d MMM")),
                        .element(
                            "div",
                            [
                                .class("track"),
                                HTMLAttribute(
                                    "style", "--hours:\(span);height:\(Self.em(Double(day.lanes) * 1.8 + 0.2))"),
                            ], day.bars.map(Self.bar)),
                    ]))
        }
        if timeline.outside > 0 {
            rows.append(
                .element(
                    "p", [.class("outside")],
                    text:
                        "\(timeline.outside) more \(timeline.outside == 1 ? "request" : "requests") outside these weeks: see the table."
                ))
        }
        return .element("div", [.class("timeline")], rows)
    }

    private static func bar(_ bar: ReportTimeline.Bar) -> HTMLNode {
        let m = bar.message
        var title = "\(bar.label), \(format(bar.start, "EEE d MMM HH:mm"))–"
        title += format(bar.end, bar.continues ? "EEE d MMM HH:mm" : "HH:mm") + ": " + m.action
        if let rule = m.rule { title += " (rule \(rule))" }
        title += ", " + words(m.result.rawValue)
        if bar.conflicts > 0 {
            title += "; \(bar.conflicts) of \(m.occurrencesChecked ?? bar.conflicts) occurrences conflict"
        }
        var label: [HTMLNode] = []
        if bar.conflicts > 0 { label.append(.element("span", [.class("clash")], text: "⚠ \(bar.conflicts)")) }
        label += [.element("span", [.class("when")], text: format(bar.start, "HH:mm")), .text(" " + bar.label)]
        return .element(
            "div",
            [
                .class(
                    "bar", bar.decision.rawValue, state(m.result), bar.conflicts > 0 ? "conflict" : "",
                    bar.continues ? "continues" : "", "label-" + bar.place.rawValue),
                HTMLAttribute(
                    "style",
                    "left:\(percent(bar.left));width:\(percent(bar.width));top:\(em(Double(bar.lane) * 1.8 + 0.2))"),
                HTMLAttribute("title", title),
            ], [.element("span", [.class("label")], label)])
    }

    /// How a bar or a result is drawn beside its decision: hatched when only planned, faded when not done.
    private static func state(_ result: MessageReport.Result) -> String {
        switch result {
        case .planned: "planned"
        case .failed, .stuck, .deferred, .unknownOutcome: "undone"
        default: ""
        }
    }

    /// Every message: what became of it and why.
    private func table(_ messages: some Collection<MessageReport>) -> HTMLNode {
        let head = ["Result", "Decision", "Message", "Why"]
        let rows = messages.map { m in
            HTMLNode.element(
                "tr", m.result.isProblem ? [.class("problem")] : [],
                [
                    .element(
                        "td", [.class("result")],
                        [
                            .element(
                                "span", [.class("pill", m.result.isProblem ? "problem" : Self.state(m.result))],
                                text: Self.words(m.result.rawValue))
                        ]),
                    .element(
                        "td", [.class("decision")],
                        (m.kind == "request"
                            ? [.element("span", [.class("swatch", ReportTimeline.Decision(action: m.action).rawValue)])]
                            : [])
                            + [
                                .text(m.action),
                                .element("div", [.class("minor")], text: m.rule.map { "rule " + $0 } ?? "by the bot"),
                            ]),
                    .element(
                        "td", [.class("message")],
                        [
                            .element("div", [.class("subject")], text: Self.subject(m)),
                            .element("div", [.class("minor")], text: Self.about(m)),
                        ]),
                    .element(
                        "td", [.class("why")],
                        [.element("div", [], text: m.reason)]
                            + (m.detail.map { [.element("div", [.class("detail")], text: $0)] } ?? [])),
                ])
        }
        return .element(
            "table", [.class("messages")],
            [
                .element("thead", [], [.element("tr", [], head.map { .element("th", text: $0) })]),
                .element("tbody", [], rows),
            ])
    }

    /// `request · Wed 4 Mar 2026, 09:00–10:00 · ann@contoso.com · 1 of 4 occurrences conflict`.
    private static func about(_ m: MessageReport) -> String {
        var parts = [m.kind]
        if let start = m.start {
            let sameDay = m.end.map { ReportTimeline.calendar.isDate($0, inSameDayAs: start) } ?? false
            parts.append(
                format(start, "EEE d MMM yyyy, HH:mm")
                    + (m.end.map { "–" + format($0, sameDay ? "HH:mm" : "EEE d MMM HH:mm") } ?? ""))
        }
        if let counterpart = m.counterpart, !counterpart.isEmpty { parts.append(counterpart) }
        if let checked = m.occurrencesChecked, checked > 1 || (m.conflicts ?? 0) > 0 {
            parts.append(
                "\(m.conflicts ?? 0) of \(checked) \(checked == 1 ? "occurrence conflicts" : "occurrences conflict")")
        }
        return parts.joined(separator: " · ")
    }

    // MARK: Words and numbers

    private static func status(_ status: MailboxReport.Status) -> HTMLNode {
        .element("span", [.class("status", status.rawValue)], text: words(status.rawValue))
    }

    private static func subject(_ m: MessageReport) -> String { m.subject.isEmpty ? "(no subject)" : m.subject }

    private static func words(_ decision: ReportTimeline.Decision) -> String {
        decision == .other ? "not answered: superseded, own meeting, answered before" : decision.rawValue
    }

    private static func words(_ raw: String) -> String { ReportSummary.words(raw) }

    private static func percent(_ fraction: Double) -> String { String(format: "%.3f%%", fraction * 100) }

    private static func em(_ value: Double) -> String { String(format: "%.1fem", value) }

    /// UTC, in English whatever the machine's locale, so that the page is the same everywhere.
    static func format(_ date: Date, _ pattern: String) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = ReportTimeline.calendar.timeZone
        formatter.dateFormat = pattern
        return formatter.string(from: date)
    }

    static let stylesheet: StaticString = """

        :root { --accepted: #2e7d32; --tentative: #e5a000; --declined: #c62828; --skipped: #8a8f96; --other: #5c6f91;
          --ink: #1d232a; --muted: #5b6570; --line: #d9dee3; --problem: #b3261e; }
        * { box-sizing: border-box; }
        html { print-color-adjust: exact; -webkit-print-color-adjust: exact; }
        body { margin: 0 auto; max-width: 1280px; padding: 20px 24px; color: var(--ink); background: #fff;
          font: 14px/1.45 system-ui, "DejaVu Sans", sans-serif; }
        h1 { font-size: 1.57em; margin: 0 0 8px; }
        h2 { font-size: 1.29em; margin: 0 0 2px; overflow-wrap: anywhere; }
        h3 { font-size: 0.93em; margin: 0 0 6px; color: var(--muted); font-weight: 600; }
        a { color: inherit; }
        .banner { background: #fff4d6; border: 1px solid #e6c463; border-radius: 6px; padding: 6px 10px; margin: 0 0 8px; }
        .facts { display: flex; flex-wrap: wrap; gap: 4px 28px; margin: 0 0 10px; }
        .facts dt { color: var(--muted); font-size: 0.86em; }
        .facts dd { margin: 0; font-weight: 600; }
        table { border-collapse: collapse; width: 100%; font-size: 0.93em; }
        th, td { border-bottom: 1px solid var(--line); padding: 4px 6px; text-align: left; vertical-align: top; }
        th { background: #f3f5f7; font-size: 0.86em; font-weight: 600; }
        td.number { text-align: right; }
        td.number.problem { color: var(--problem); font-weight: 700; }
        tr.problem td { background: #fdeceb; }
        .overview { width: auto; min-width: 60%; margin-bottom: 10px; }
        .overview td { overflow-wrap: anywhere; }
        .messages { table-layout: fixed; }
        .messages th:nth-child(1) { width: 11em; }
        .messages th:nth-child(2) { width: 11em; }
        .messages th:nth-child(3) { width: 52%; }
        .messages td { overflow-wrap: anywhere; }
        .messages .subject { font-weight: 600; }
        .minor { color: var(--muted); font-size: 0.86em; }
        .detail { color: var(--muted); font-size: 0.86em; margin-top: 2px; padding-left: 8px;
          border-left: 2px solid var(--line); }
        .legend { display: flex; flex-wrap: wrap; gap: 4px 18px; list-style: none; padding: 0; margin: 0; font-size: 0.86em;
          color: var(--muted); }
        .swatch { display: inline-block; width: 14px; height: 10px; border-radius: 2px; margin-right: 5px;
          vertical-align: baseline; background: var(--c); }
        .accepted { --c: var(--accepted); --fg: #fff; }
        .tentative { --c: var(--tentative); --fg: #1d232a; }
        .declined { --c: var(--declined); --fg: #fff; }
        .skipped { --c: var(--skipped); --fg: #fff; }
        .other { --c: var(--other); --fg: #fff; }
        .status { font-size: 0.86em; font-weight: 600; padding: 1px 8px; border-radius: 10px; background: #e3f1e4;
          color: #1b5e20; vertical-align: middle; white-space: nowrap; }
        .status.budget_exhausted { background: #fff4d6; color: #7a5200; }
        .status.unreachable, .status.failed { background: var(--problem); color: #fff; }
        section.mailbox { border-top: 2px solid var(--line); margin-top: 22px; padding-top: 12px; }
        .rules { margin: 0; color: var(--muted); font-size: 0.86em; overflow-wrap: anywhere; }
        .error { color: var(--problem); font-weight: 600; overflow-wrap: anywhere; }
        .empty { color: var(--muted); }
        .summary { display: flex; flex-wrap: wrap; align-items: flex-start; gap: 8px; margin: 10px 0; }
        .tile { border: 1px solid var(--line); border-radius: 6px; padding: 6px 12px; min-width: 150px; }
        .tile b { display: block; font-size: 1.43em; line-height: 1.2; }
        .tile ul { list-style: none; margin: 2px 0 0; padding: 0; font-size: 0.86em; color: var(--muted); }
        .tile.results ul { columns: 2; column-gap: 16px; }
        .tile.problem { border-color: var(--problem); }
        .tile.problem b, .tile li.problem { color: var(--problem); font-weight: 600; }
        .timeline { border: 1px solid var(--line); border-radius: 6px; padding: 8px 12px 10px; margin: 10px 0;
          break-inside: avoid; overflow-x: auto; }
        /* The track (less its 22 px margin) at least 900 px wide, as ReportTimeline packs labels for: narrower screens scroll. */
        .axis, .day { display: grid; grid-template-columns: 92px minmax(922px, 1fr); gap: 10px; }
        .scale { position: relative; height: 16px; font-size: 0.79em; color: var(--muted); margin: 0 22px 0 0; }
        .scale span { position: absolute; transform: translateX(-50%); }
        .week { font-size: 0.79em; font-weight: 600; color: var(--muted); text-transform: uppercase; letter-spacing: .04em;
          margin-top: 6px; }
        .day { border-top: 1px solid #eef1f4; }
        .date { font-size: 0.86em; padding-top: 5px; white-space: nowrap; }
        .track { position: relative; font-size: 0.86em; margin-right: 22px; background-image: linear-gradient(to right, #e4e8ec 1px,
          transparent 1px); background-size: calc(100% / var(--hours)) 100%; border-right: 1px solid #e4e8ec; }
        .bar { position: absolute; height: 1.6em; min-width: 6px; border-radius: 4px; background: var(--c);
          color: var(--fg); line-height: 1.6em; white-space: nowrap; }
        .bar .label { display: block; padding: 0 5px; overflow: hidden; text-overflow: ellipsis; }
        .bar.label-after .label, .bar.label-before .label { position: absolute; top: 0; padding: 0; max-width: 34ch;
          color: var(--ink); text-shadow: none; }
        .bar.label-after .label { left: calc(100% + 4px); }
        .bar.label-before .label { right: calc(100% + 4px); }
        .bar.planned, .swatch.planned { background: repeating-linear-gradient(135deg, var(--c) 0 5px,
          color-mix(in srgb, var(--c) 45%, #fff) 5px 10px); outline: 1px dashed var(--ink); outline-offset: -1px; }
        .bar.planned { color: var(--ink); text-shadow: 0 0 3px #fff, 0 0 2px #fff; }
        .bar.undone, .swatch.undone { background: color-mix(in srgb, var(--c) 40%, #fff); color: var(--ink);
          outline: 2px dotted var(--problem); outline-offset: -2px; }
        .bar.conflict { box-shadow: 0 0 0 2px #fff, 0 0 0 4px var(--problem); }
        .bar.continues { border-top-right-radius: 0; border-bottom-right-radius: 0; }
        .bar .when { font-weight: 600; }
        .clash { display: inline-block; background: var(--problem); color: #fff; border-radius: 3px; padding: 0 4px;
          margin-right: 4px; font-weight: 700; line-height: 1.35em; text-shadow: none; }
        .outside { margin: 6px 0 0; font-size: 0.86em; color: var(--muted); }
        .pill { display: inline-block; padding: 0 7px; border-radius: 9px; background: #eef1f4; font-size: 0.86em;
          white-space: nowrap; }
        .pill.problem { background: var(--problem); color: #fff; }
        .pill.planned { background: #fff4d6; }
        footer { margin-top: 24px; font-size: 0.86em; color: var(--muted); }
        @media print {
          body { max-width: none; padding: 0; font-size: 10px; }
          thead { display: table-header-group; }
          tr, .tile { break-inside: avoid; }
          h2, h3 { break-after: avoid; }
          .axis, .day { grid-template-columns: 92px 1fr; }
          a { text-decoration: none; }
        }
        @page { size: A4 landscape; margin: 10mm; }

        """
}
