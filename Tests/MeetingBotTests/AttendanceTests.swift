import EWS
import EWSSandbox
import Foundation
import Logging
import MeetingBot
import Synchronization
import Testing

/// A room and an organizer's service mailbox, what `history` and
/// `attendance` are shown on: the organizer's meetings were answered
/// differently, one of them is a weekly series, one was cancelled, and the
/// organizer has an appointment and an invitation of someone else's.
enum Organizers {
    static let fixture = """
        clock: "\(PipelineTests.clock)"
        mailboxes:
          - { address: bot@contoso.com, password: secret, impersonation: true }
          - { address: room@contoso.com, password: secret }
          - { address: ann@contoso.com, password: secret }
          - { address: pat@contoso.com, password: secret }
          - { address: events@contoso.com, name: Events Team, password: secret }
          - { address: bob@contoso.com, name: Bob Smith, password: secret }
          - { address: carol@contoso.com, password: secret }
          - { address: dave@contoso.com, password: secret }
          - { address: erin@contoso.com, password: secret }
        appointments:
          - { mailbox: events@contoso.com, subject: Dentist, start: "2026-03-05T07:00:00Z", end: "2026-03-05T08:00:00Z", show_as: Busy }
        meetings:
          - { organizer: ann@contoso.com, subject: Planning, start: "2026-03-04T09:00:00Z", end: "2026-03-04T10:00:00Z", resources: [room@contoso.com] }
          - { organizer: pat@contoso.com, subject: Evening, start: "2026-03-04T18:00:00Z", end: "2026-03-04T19:00:00Z", resources: [room@contoso.com] }
          - organizer: events@contoso.com
            subject: All hands
            start: "2026-03-10T09:00:00Z"
            end: "2026-03-10T10:00:00Z"
            attendees: [bob@contoso.com, carol@contoso.com, dave@contoso.com, erin@contoso.com]
            optional: [ann@contoso.com]
            responses: { bob@contoso.com: accept, carol@contoso.com: tentative, dave@contoso.com: decline }
          - organizer: events@contoso.com
            subject: Weekly sync
            start: "2026-03-03T09:00:00Z"
            end: "2026-03-03T09:30:00Z"
            attendees: [bob@contoso.com, carol@contoso.com]
            recurrence: { pattern: weekly, count: 6 }
            responses: { bob@contoso.com: accept }
          - { organizer: events@contoso.com, subject: Called off, start: "2026-03-12T09:00:00Z", end: "2026-03-12T10:00:00Z", attendees: [bob@contoso.com], cancelled: true }
          - { organizer: ann@contoso.com, subject: Ann's review, start: "2026-03-06T09:00:00Z", end: "2026-03-06T10:00:00Z", attendees: [events@contoso.com] }
        """
    static let mailboxes = """
          - { address: room@contoso.com, rules: room.yml, access: impersonation }
          - { address: events@contoso.com, rules: organizer.yml, access: impersonation }
        """
    /// The window from the sandbox's clock.
    static let from = "2026-03-02T08:00:00Z"

    static func harness() async throws -> BotHarness {
        try await BotHarness(
            fixture: fixture,
            rules: ["room.yml": PipelineTests.roomRules, "organizer.yml": PipelineTests.organizerRules],
            mailboxes: mailboxes)
    }
}

/// `meetingbot attendance` and the run report's attendance section, end to
/// end against the sandbox (issue 9, item 3).
@Suite struct AttendanceTests {
    /// The launcher in this process on the sandbox's clock.
    static func attendance(_ harness: BotHarness, mailboxes: [String] = []) async -> (BotExitCode, AttendanceReport?) {
        let delivered = Mutex<AttendanceReport?>(nil)
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let status = await AttendanceLauncher(
            configPath: harness.configFile.path, mailboxes: mailboxes, logger: logger,
            clock: SandboxClock(harness.server.sandbox), problems: { _ in }
        ).launch { report in delivered.withLock { $0 = report } }
        return (status, delivered.withLock { $0 })
    }

    @Test func eachAttendeesAnswerOfEachMeetingTheMailboxOrganizes() async throws {
        let harness = try await Organizers.harness()
        defer { Task { await harness.stop() } }
        let (status, report) = await Self.attendance(harness)
        #expect(status == .success)
        let mailboxes = try #require(report).mailboxes
        #expect(mailboxes.map(\.address) == ["room@contoso.com", "events@contoso.com"])
        #expect(mailboxes[0].meetings.isEmpty && mailboxes[0].error == nil)
        let events = mailboxes[1]
        #expect(events.from == Date(timeIntervalSince1970: 1_772_438_400))
        #expect(events.to == events.from + 90 * 86_400)
        // Neither the appointment, nor the cancelled meeting, nor the invitation it received.
        #expect(events.meetings.map(\.subject) == ["Weekly sync", "All hands"])

        let series = events.meetings[0]
        #expect(series.recurring && series.occurrences == 6)
        #expect(series.start == ISO8601DateFormatter().date(from: "2026-03-03T09:00:00Z"))
        #expect(series.attendees.map(\.address) == ["bob@contoso.com", "carol@contoso.com"])
        #expect(series.attendees.map(\.answer) == [.accepted, .notAnswered])

        let allHands = events.meetings[1]
        #expect(!allHands.recurring && allHands.occurrences == 1)
        #expect(
            allHands.attendees.map { "\($0.address) \($0.role) \($0.answer.rawValue)" } == [
                "bob@contoso.com required accepted", "carol@contoso.com required tentative",
                "dave@contoso.com required declined", "erin@contoso.com required not_answered",
                "ann@contoso.com optional not_answered",
            ])
        #expect(allHands.counts == AttendanceCounts(allHands.attendees))
        #expect(allHands.counts.summary == "1 accepted, 1 tentative, 1 declined, 2 not answered")
        #expect(allHands.attendees[0].name == "Bob Smith")
        #expect(allHands.attendees[1].name == nil, "a name that is only the address is no name")
        // When each answer was recorded: only for those who answered.
        #expect(allHands.attendees.map { $0.answeredAt != nil } == [true, true, true, false, false])
        #expect(allHands.uid != nil && allHands.uid != series.uid)
    }

    /// The organizer's items, a series once: its two meetings and its
    /// appointment, which only GetItem tells apart (IsMeeting), so 3 items.
    @Test func oneCalendarViewAndGetItemInBatchesOneItemPerMeeting() async throws {
        let harness = try await Organizers.harness()
        defer { Task { await harness.stop() } }
        for (batchSize, getItems) in [(20, 1), (2, 2), (1, 3)] {
            let counter = CallCounter()
            let client = EWSClient(
                url: try #require(URL(string: harness.server.url)),
                account: MailboxAccount(address: "events@contoso.com"),
                transport: counter.counting(
                    try CurlTransport(
                        authentication: .basic(username: "events@contoso.com", password: Secret("secret")))))
            let source = EWSMeetingSource(EWSMailboxReader(client, options: EWSMailboxOptions(batchSize: batchSize)))
            let from = Date(timeIntervalSince1970: 1_772_438_400)
            let meetings = try await source.organizedMeetings(from: from, to: from + 90 * 86_400)
            #expect(meetings.map(\.occurrences) == [6, 1])
            #expect(counter.byOperation == ["FindItem": 1, "GetItem": getItems], "batch size \(batchSize)")
        }
    }

    @Test func theCommandPrintsEachFormat() async throws {
        let harness = try await Organizers.harness()
        defer { Task { await harness.stop() } }
        let window = ["--from", Organizers.from, "--mailbox", "events@contoso.com"]
        let (status, text, errors) = try harness.runProcess(window, command: "attendance")
        #expect(status == 0, "\(errors)")
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.first == "Attendance from 2026-03-02 08:00:00Z to 2026-05-31 08:00:00Z")
        #expect(lines.allSatisfy { $0.count <= 80 })
        let allHands = try #require(lines.firstIndex(of: "  All hands, 2026-03-10 09:00:00Z"))
        #expect(lines[allHands + 1] == "    1 accepted, 1 tentative, 1 declined, 2 not answered")
        #expect(lines[allHands + 2].hasPrefix("    accepted      Bob Smith <bob@contoso.com>"))
        #expect(lines[allHands + 5] == "    not answered  erin@contoso.com")
        #expect(lines[allHands + 6] == "    not answered  ann@contoso.com, optional")
        #expect(lines.contains("  Weekly sync, a series, 6 in the window from 2026-03-03 09:00:00Z"))
        #expect(lines.filter { $0.hasPrefix("  Weekly sync") }.count == 1, "a series is listed once")

        let (_, json, _) = try harness.runProcess(window + ["--format", "json"], command: "attendance")
        let report = try JSONDecoder.iso8601.decode(AttendanceReport.self, from: Data(json.utf8))
        #expect(report.formatVersion == 1)
        #expect(report.mailboxes.flatMap(\.meetings).map(\.subject) == ["Weekly sync", "All hands"])

        let (_, csv, _) = try harness.runProcess(window + ["--format", "csv"], command: "attendance")
        let records = csv.components(separatedBy: "\r\n")
        #expect(records.first == AttendanceTests.csvHeader)
        #expect(records.count == 1 + 7 + 1, "one record per attendee, and the final CRLF")
        #expect(
            records.contains {
                $0.hasPrefix("events@contoso.com,All hands,2026-03-10T09:00:00Z,")
                    && $0.contains(",dave@contoso.com,,required,declined,2026-")
            })

        let (_, markdown, _) = try harness.runProcess(window + ["--format", "markdown"], command: "attendance")
        #expect(markdown.hasPrefix("# Attendance\n\nFrom 2026-03-02 08:00:00Z to 2026-05-31 08:00:00Z.\n"))
        #expect(
            markdown.contains(
                "\n### All hands, 2026-03-10 09:00:00Z\n\n1 accepted, 1 tentative, 1 declined, 2 not answered.\n"))
    }

    static let csvHeader =
        "mailbox,subject,start,end,uid,recurring,occurrences,attendee,name,role,answer,answeredAt"

    @Test func anUnknownMailboxExits2ABackwardWindow64AndRefusedCredentials3() async throws {
        let harness = try await Organizers.harness()
        defer { Task { await harness.stop() } }
        let (unknown, _, errors) = try harness.runProcess(["--mailbox", "nobody@contoso.com"], command: "attendance")
        #expect(unknown == 2)
        #expect(errors.contains("no mailbox nobody@contoso.com is configured"))
        let (backwards, _, usage) = try harness.runProcess(
            ["--from", "2026-03-02", "--to", "2026-03-01"], command: "attendance")
        #expect(backwards == 64)
        #expect(usage.contains("--to must be after --from"))
        try harness.write(secret: "not-the-password", to: "password")
        let (refused, output, _) = try harness.runProcess(["--from", Organizers.from], command: "attendance")
        #expect(refused == 3)
        #expect(!output.contains("not-the-password"))
        // Both mailboxes say so; the second is not tried against a server that refused the first.
        #expect(output.contains("room@contoso.com: organizes no meetings\n  problem: "), "\(output)")
        #expect(output.contains("events@contoso.com: organizes no meetings\n  problem: not tried: "), "\(output)")
    }

    // MARK: The run report's section

    @Test func theRunReportShowsTheAttendanceOfTheMailboxWhoseResponsesItHandled() async throws {
        let harness = try await Organizers.harness()
        defer { Task { await harness.stop() } }
        for dryRun in [true, false] {
            let (status, report, problems) = await harness.run(dryRun: dryRun)
            #expect(status == .success, "\(problems)")
            let run = try #require(report)
            let room = try #require(run.mailboxes.first { $0.address == "room@contoso.com" })
            let events = try #require(run.mailboxes.first { $0.address == "events@contoso.com" })
            #expect(room.attendance == nil, "no responses, no calendar read")
            #expect(events.messages.filter { $0.kind == "response" }.count == 4)
            let attendance = try #require(events.attendance)
            #expect(attendance.meetings.map(\.subject) == ["Weekly sync", "All hands"])
            #expect(attendance.meetings[1].counts.summary == "1 accepted, 1 tentative, 1 declined, 2 not answered")
            let html = HTMLReport().render(run)
            #expect(html.contains("Attendance of the meetings it organizes"))
            #expect(html.contains("<td>All hands</td>"))
            let text = TextReport().render(run)
            #expect(
                text.contains("\n  attendance to 2026-05-31 08:00:00Z: events@contoso.com: 2 meetings\n"), "\(text)")
            #expect(
                text.contains(
                    """

                        Weekly sync, a series, 6 in the window from 2026-03-03 09:00:00Z
                          1 accepted, 0 tentative, 0 declined, 1 not answered
                        All hands, 2026-03-10 09:00:00Z
                          1 accepted, 1 tentative, 1 declined, 2 not answered

                    2 mailboxes, 7 messages, 0 problems

                    """))
            // The JSON carries it, and a report without it (format version 1) still reads.
            let json = JSONReport().render(run)
            #expect(try JSONDecoder.iso8601.decode(RunReport.self, from: Data(json.utf8)) == run)
            var old = run
            for index in old.mailboxes.indices { old.mailboxes[index].attendance = nil }
            let stripped = JSONReport().render(old)
            #expect(!stripped.contains("\"attendance\""))
            #expect(
                try JSONDecoder.iso8601.decode(RunReport.self, from: Data(stripped.utf8)).mailboxes[1].attendance == nil
            )
        }
    }

    @Test func theSectionListsTheMeetingsTheRunWasAboutAndCountsTheOthers() {
        let start = Date(timeIntervalSince1970: 1_772_438_400)
        let meeting = { (subject: String, uid: String) in
            MeetingAttendance(
                subject: subject, start: start + 86_400, end: start + 90_000, uid: uid,
                attendees: [AttendeeAnswer(address: "bob@contoso.com", role: "required", answer: .declined)])
        }
        let attendance = MailboxAttendance(
            address: "events@contoso.com", from: start, to: start + 90 * 86_400,
            meetings: [meeting("Kick-off", "U1"), meeting("Retro", "U2"), meeting("Demo", "U3")])
        let mailbox = MailboxReport(
            address: "events@contoso.com", rulesFile: "organizer.yml", status: .completed,
            messages: [
                MessageReport(
                    itemId: "m1", kind: "response", subject: "Declined: Retro", uid: "U2", action: "apply", reason: "r",
                    result: .applied)
            ], attendance: attendance)
        let text = TextReport().render(
            RunReport(dryRun: false, startedAt: start, finishedAt: start, mailboxes: [mailbox]))
        #expect(
            text.contains(
                """
                  attendance to 2026-05-31 08:00:00Z: events@contoso.com: 3 meetings
                    Retro, 2026-03-03 08:00:00Z
                      0 accepted, 0 tentative, 1 declined, 0 not answered
                    and 2 others: meetingbot attendance lists them all

                """), "\(text)")
    }
}

/// The attendance's formats, exactly, for a small fixed case with hostile
/// server text (a subject with a newline, an escape sequence, a pipe, a
/// comma and quotes; a name that a spreadsheet would run as a formula).
@Suite struct AttendanceFormatTests {
    static let report: AttendanceReport = {
        let t = Date(timeIntervalSince1970: 1_772_438_400)  // 2026-03-02 08:00 UTC
        let meetings = [
            MeetingAttendance(
                subject: "Budget | Q1, \"final\"\n\u{1B}[31mred", start: t + 86_400, end: t + 90_000, uid: "U1",
                attendees: [
                    AttendeeAnswer(
                        address: "bob@contoso.com", name: "Bob *Smith*", role: "required", answer: .accepted,
                        answeredAt: t - 3600),
                    AttendeeAnswer(
                        address: "eve@fabrikam.com", name: "=cmd|' /C calc'!A0", role: "optional", answer: .declined,
                        answeredAt: t - 60),
                    AttendeeAnswer(address: "room@contoso.com", role: "resource", answer: .notAnswered),
                ]),
            MeetingAttendance(
                subject: "Standup", start: t + 3600, end: t + 4500, uid: "U2", recurring: true, occurrences: 12,
                attendees: [
                    AttendeeAnswer(address: "bob@contoso.com", role: "required", answer: .tentative, answeredAt: t)
                ]),
        ]
        return AttendanceReport(
            from: t, to: t + 7 * 86_400,
            mailboxes: [
                MailboxAttendance(address: "events@contoso.com", from: t, to: t + 7 * 86_400, meetings: meetings),
                .init(
                    address: "room@contoso.com", from: t, to: t + 7 * 86_400, meetings: [],
                    error: "ErrorAccessDenied: no <access>"),
            ])
    }()

    @Test func textIsForATerminal() {
        let text = AttendanceRenderer(.text).render(Self.report)
        #expect(
            text == """
                Attendance from 2026-03-02 08:00:00Z to 2026-03-09 08:00:00Z

                events@contoso.com: 2 meetings
                  Budget | Q1, "final" [31mred, 2026-03-03 08:00:00Z
                    1 accepted, 0 tentative, 1 declined, 1 not answered
                    accepted      Bob *Smith* <bob@contoso.com>             2026-03-02 07:00:00Z
                    declined      =cmd|' /C calc'!A0 <eve@fabrikam.com>, o… 2026-03-02 07:59:00Z
                    not answered  room@contoso.com, resource
                  Standup, a series, 12 in the window from 2026-03-02 09:00:00Z
                    0 accepted, 1 tentative, 0 declined, 0 not answered
                    tentative     bob@contoso.com                           2026-03-02 08:00:00Z

                room@contoso.com: organizes no meetings
                  problem: ErrorAccessDenied: no <access>

                """)
        #expect(text.split(separator: "\n").allSatisfy { $0.count <= 80 })
    }

    @Test func csvIsRFC4180() {
        let meeting =
            "events@contoso.com,\"Budget | Q1, \"\"final\"\"  [31mred\",2026-03-03T08:00:00Z,2026-03-03T09:00:00Z,U1,false,1,"
        #expect(
            AttendanceRenderer(.csv).render(Self.report)
                == AttendanceTests.csvHeader + "\r\n"
                + meeting + "bob@contoso.com,Bob *Smith*,required,accepted,2026-03-02T07:00:00Z\r\n"
                + meeting + "eve@fabrikam.com,'=cmd|' /C calc'!A0,optional,declined,2026-03-02T07:59:00Z\r\n"
                + meeting + "room@contoso.com,,resource,not_answered,\r\n"
                + "events@contoso.com,Standup,2026-03-02T09:00:00Z,2026-03-02T09:15:00Z,U2,true,12,bob@contoso.com,,"
                + "required,tentative,2026-03-02T08:00:00Z\r\n")
    }

    @Test func markdownIsEscaped() {
        #expect(
            AttendanceRenderer(.markdown).render(Self.report) == """
                # Attendance

                From 2026-03-02 08:00:00Z to 2026-03-09 08:00:00Z.

                ## events@contoso.com: 2 meetings

                ### Budget \\| Q1, "final"  \\[31mred, 2026-03-03 08:00:00Z

                1 accepted, 0 tentative, 1 declined, 1 not answered.

                | Attendee | Role | Answer | Answered at |
                | --- | --- | --- | --- |
                | Bob \\*Smith\\* &lt;bob@contoso.com&gt; | required | accepted | 2026-03-02 07:00:00Z |
                | =cmd\\|' /C calc'!A0 &lt;eve@fabrikam.com&gt; | optional | declined | 2026-03-02 07:59:00Z |
                | room@contoso.com | resource | not answered |   |

                ### Standup, a series, 12 in the window from 2026-03-02 09:00:00Z

                0 accepted, 1 tentative, 0 declined, 0 not answered.

                | Attendee | Role | Answer | Answered at |
                | --- | --- | --- | --- |
                | bob@contoso.com | required | tentative | 2026-03-02 08:00:00Z |

                ## room@contoso.com: organizes no meetings

                Problem: ErrorAccessDenied: no &lt;access&gt;

                """)
    }

    @Test func jsonHasTheDocumentedFieldsAndReadsBack() throws {
        let json = AttendanceRenderer(.json).render(Self.report)
        #expect(try JSONDecoder.iso8601.decode(AttendanceReport.self, from: Data(json.utf8)) == Self.report)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        #expect(Set(object.keys) == ["formatVersion", "from", "to", "mailboxes"])
        let mailbox = try #require((object["mailboxes"] as? [[String: Any]])?.first)
        #expect(Set(mailbox.keys) == ["address", "from", "to", "meetings"])
        let meeting = try #require((mailbox["meetings"] as? [[String: Any]])?.first)
        #expect(
            Set(meeting.keys) == [
                "subject", "start", "end", "uid", "recurring", "occurrences", "counts", "attendees",
            ])
        #expect(
            meeting["counts"] as? [String: Int] == ["accepted": 1, "tentative": 0, "declined": 1, "notAnswered": 1])
        let attendee = try #require((meeting["attendees"] as? [[String: Any]])?.first)
        #expect(Set(attendee.keys) == ["address", "name", "role", "answer", "answeredAt"])
        #expect(meeting["subject"] as? String == "Budget | Q1, \"final\"\n\u{1B}[31mred", "JSON keeps the text exactly")
    }
}
