import Foundation
import MeetingBot

/// Fixed runs for the report snapshots: fixed dates, five mailboxes (one of
/// each status), every result between the real run and the dry run, and
/// hostile server text in every field a server or an organizer fills.
enum ReportSamples {
    /// Monday 2 March 2026, 08:00 UTC.
    static let started = Date(timeIntervalSince1970: 1_772_438_400)

    /// `day` March 2026 at `time` (`HH:mm`), UTC.
    static func march(_ day: Int, _ time: String) -> Date {
        let parts = time.split(separator: ":").compactMap { Double($0) }
        return started.addingTimeInterval(Double(day - 2) * 86_400 + (parts[0] - 8) * 3600 + parts[1] * 60)
    }

    static let script = "<script>alert(1)</script>"
    /// Quotes, commas, CR/LF, markup, a pipe and backticks in one subject.
    static let hostileSubject =
        "\(script) \"Q1 review\", part 1\r\nBcc: all@contoso.com | `rm -rf` *now* _or_ [never](x)"
    static let longSubject = String(
        ("Quarterly planning with the regional offices, the partners and everyone else who asked to join; "
            + String(repeating: "agenda item, ", count: 40)).prefix(500))
    /// What a spreadsheet would run, were it not guarded.
    static let formula = "=HYPERLINK(\"http://evil.example/\",\"Town hall, part 2\")"
    static let hostileFrom = "eve\"><img src=x onerror=alert(2)>@fabrikam.com"
    static let hostileDetail =
        "the server said: \"ErrorCalendarConflict\", retry later,\r\nthen \u{1B}[2Jgive up\u{202E}txt.exe"

    static func request(
        _ id: Int, _ subject: String, organizer: String = "ann@contoso.com", _ day: Int, _ from: String,
        _ to: String, rule: String?, _ action: String, reason: String, _ result: MessageReport.Result,
        detail: String? = nil, occurrences: Int = 1, conflicts: Int = 0, endDay: Int? = nil
    ) -> MessageReport {
        MessageReport(
            itemId: "AAMkAD\(id)=", kind: "request", subject: subject, organizer: organizer, from: organizer,
            start: march(day, from), end: march(endDay ?? day, to), uid: "040000008200E00074C5B7101A82E008\(id)",
            sequence: 0, received: started.addingTimeInterval(Double(-3600 * id)), rule: rule, action: action,
            reason: reason, result: result, detail: detail, occurrencesChecked: occurrences, conflicts: conflicts)
    }

    static func other(
        _ id: Int, _ kind: String, _ subject: String, organizer: String?, start: Date?, rule: String?, _ action: String,
        reason: String, _ result: MessageReport.Result, detail: String? = nil
    ) -> MessageReport {
        MessageReport(
            itemId: "AAMkAD\(id)=", kind: kind, subject: subject, organizer: organizer, from: organizer,
            start: start, end: start?.addingTimeInterval(3600), received: started.addingTimeInterval(Double(-60 * id)),
            rule: rule, action: action, reason: reason, result: result, detail: detail)
    }

    static let internalOrganizer = "the organizer ann@contoso.com is internal"

    static let room = MailboxReport(
        address: "room@contoso.com", rulesFile: "/etc/meetingbot/rules/room.yml", status: .completed,
        messages: [
            request(1, "Planning", 4, "09:00", "10:00", rule: "staff", "accept", reason: internalOrganizer, .replied),
            request(
                2, "Clash", 3, "09:30", "10:30", rule: "busy", "decline",
                reason: "the meeting conflicts with the calendar", .replied, conflicts: 1),
            request(
                3, "Second come", organizer: "pat@contoso.com", 4, "09:30", "10:30", rule: "busy", "decline",
                reason: "the meeting conflicts with the calendar", .replied, conflicts: 1),
            request(
                4, "Evening", 4, "18:00", "19:00", rule: "outside-hours", "decline",
                reason: "the meeting is outside working hours (mon-fri 08:00-18:00)", .replied),
            request(
                5, "Series", 12, "09:00", "10:00", rule: "series-mostly-free", "tentative",
                reason: "the meeting recurs, 1 of 4 occurrences conflict with the calendar", .replied, occurrences: 4,
                conflicts: 1),
            request(
                6, hostileSubject, organizer: hostileFrom, 5, "09:30", "10:30", rule: "others", "tentative",
                reason: "no earlier rule matched", .replied, detail: hostileDetail),
            request(
                7, "Budget | Q2 `final` *draft* _v2_", 5, "13:00", "14:00", rule: "staff", "accept",
                reason: "the organizer asked for no responses", .recorded),
            request(
                8, longSubject, 10, "09:00", "11:00", rule: "staff", "accept", reason: internalOrganizer, .deferred,
                detail: "the reply cap of 10 a minute leaves no room before the time budget ends"),
            request(
                9, "Moved", 6, "09:00", "10:00", rule: nil, "delete",
                reason: "a newer update of the meeting replaced it",
                .superseded),
            request(10, "Moved", 6, "12:00", "13:00", rule: "staff", "accept", reason: internalOrganizer, .replied),
            request(
                11, "Room's own", organizer: "room@contoso.com", 12, "13:00", "14:00", rule: nil, "none",
                reason: "this mailbox organizes the meeting", .ownMeeting),
            request(
                12, "Agenda", 11, "09:00", "10:00", rule: nil, "delete", reason: "it was answered before",
                .alreadyAnswered),
            request(
                13, "Lunch talk", organizer: "bob@fabrikam.com", 13, "11:00", "12:00", rule: "leave-to-people", "skip",
                reason: "the organizer bob@fabrikam.com is external", .kept),
            request(
                14, "Standup", 16, "08:30", "08:45", rule: "staff", "accept", reason: internalOrganizer,
                .unknownOutcome,
                detail: "the connection was reset after the request was sent; the next run re-reads the request"),
            request(
                15, "Workshop", 17, "14:00", "17:00", rule: "busy", "decline",
                reason: "the meeting conflicts with the calendar", .failed,
                detail: "ErrorItemNotFound: The specified object was not found in the store.", conflicts: 1),
            request(
                16, "Night shift handover", 17, "22:00", "02:00", rule: "staff", "accept", reason: internalOrganizer,
                .replied, endDay: 18),
            request(
                17, "Annual meeting", 92, "09:00", "17:00", rule: "staff", "accept", reason: internalOrganizer, .replied
            ),
            other(
                18, "request", "", organizer: nil, start: nil, rule: nil, "none",
                reason: "it failed in 3 runs in a row",
                .stuck, detail: "ErrorCorruptData: the item could not be read"),
            other(
                19, "cancellation", "Canceled: Offsite", organizer: "ann@contoso.com", start: march(10, "09:00"),
                rule: "remove", "remove", reason: "no earlier rule matched", .removed),
            other(
                20, "cancellation", "Canceled: Old offsite", organizer: "ann@contoso.com", start: march(1, "09:00"),
                rule: "past", "keep", reason: "the meeting is over", .kept),
            other(
                21, "other", "Out of office: \(script)", organizer: nil, start: nil, rule: nil, "none",
                reason: "not a meeting message", .kept),
        ])

    static let organizer = MailboxReport(
        address: "organizer@contoso.com", rulesFile: "/etc/meetingbot/rules/organizer.yml", status: .completed,
        messages: [
            other(
                31, "response", "Accepted: Review", organizer: "organizer@contoso.com", start: march(4, "09:00"),
                rule: "apply", "apply", reason: "no earlier rule matched", .applied),
            other(
                32, "response", "Declined: Review", organizer: "organizer@contoso.com", start: march(4, "09:00"),
                rule: "apply", "apply", reason: "no earlier rule matched", .applied),
            other(
                33, "response", "Tentative: Gone", organizer: "organizer@contoso.com", start: march(5, "09:00"),
                rule: "apply", "apply", reason: "no earlier rule matched", .orphaned,
                detail: "the meeting is no longer on the organizer's calendar"),
            other(
                34, "response", "Accepted: Board", organizer: "organizer@contoso.com", start: march(6, "09:00"),
                rule: "apply", "apply", reason: "no earlier rule matched", .pending,
                detail: "the organizer's calendar item does not show this response yet"),
            other(
                36, "response", "Accepted: Old review", organizer: "organizer@contoso.com", start: march(1, "09:00"),
                rule: "past", "delete", reason: "the meeting is over", .deleted),
            other(
                35, "response", "Accepted: Retro, \"final\"", organizer: "organizer@contoso.com",
                start: march(3, "15:00"), rule: "apply", "apply", reason: "no earlier rule matched", .stuckPending,
                detail: "still pending after 24 hours"),
        ])

    static let lab = MailboxReport(
        address: "lab@contoso.com", rulesFile: "/etc/meetingbot/rules/room.yml", status: .unreachable,
        error: "could not reach https://mail.contoso.com/EWS/Exchange.asmx: Couldn't connect to server", messages: [])

    static let hall = MailboxReport(
        address: "hall@contoso.com", rulesFile: "/etc/meetingbot/rules/room.yml", status: .budgetExhausted,
        error: "the time budget of 240 seconds ran out; the rest waits for the next run",
        messages: [
            request(41, "Town hall", 9, "15:00", "16:30", rule: "staff", "accept", reason: internalOrganizer, .replied),
            request(
                43, formula, 10, "15:00", "16:00", rule: "others", "tentative", reason: "no earlier rule matched",
                .replied),
            other(
                42, "request", "Town hall rehearsal", organizer: "ann@contoso.com", start: march(8, "15:00"), rule: nil,
                "none", reason: "the time budget ran out", .deferred),
        ])

    static let desk = MailboxReport(
        address: "desk@contoso.com", rulesFile: "/etc/meetingbot/rules/desk.yml", status: .failed,
        error: "the rules file could not be read: \"desk.yml\", <No such file>\r\nline 2", messages: [])

    static let run = RunReport(
        dryRun: false, startedAt: started, finishedAt: started.addingTimeInterval(7),
        mailboxes: [room, organizer, lab, hall, desk],
        calls: ["FindItem": 9, "GetItem": 24, "CreateItem": 9, "DeleteItem": 6, "ResolveNames": 3])

    /// The same mailboxes read by a dry run: every write is planned, the rest as it was.
    static let dryRun: RunReport = {
        var report = run
        report.dryRun = true
        report.calls = ["FindItem": 9, "GetItem": 24, "ResolveNames": 3]
        for m in report.mailboxes.indices {
            report.mailboxes[m].messages = MessageReports(
                report.mailboxes[m].messages.map { message in
                    var message = message
                    switch message.result {
                    case .kept, .pending, .stuckPending, .ownMeeting, .failed: break
                    // A dry run does not count failures: the unreadable item fails again.
                    case .stuck: message.result = .failed
                    case .deferred where message.action == "none": break
                    default:
                        message.result = .planned
                        message.detail = nil
                    }
                    return message
                })
        }
        return report
    }()

    static let all: [(name: String, report: RunReport)] = [("run", run), ("dry-run", dryRun)]
}
