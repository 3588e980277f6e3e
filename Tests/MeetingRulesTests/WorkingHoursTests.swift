import Foundation
import Testing
@testable import MeetingRules

/// Working hours and weekdays on the wall clock of the file's time zone, on the
/// days daylight saving time starts and ends (Europe/Berlin: 2026-03-29, when
/// 02:00 CET becomes 03:00 CEST, and 2026-10-25, when 03:00 CEST becomes 02:00 CET).
@Suite struct WorkingHoursTests {
    let policy: Policy

    init() throws {
        policy = try Rules.policy(
            """
            version: 1
            timezone: Europe/Berlin
            working_hours: { days: [mon, tue, wed, thu, fri, sat, sun], from: "08:00", to: "18:00" }
            requests:
              - { name: in-hours, when: { within_working_hours: true }, then: accept }
              - { name: weekend, when: { weekdays: [sat, sun] }, then: tentative }
            """)
    }

    /// Which rule takes a meeting from `start` to `end` (UTC).
    func rule(_ start: String, _ end: String) throws -> String {
        let s = try Rules.date(start)
        let e = try Rules.date(end)
        return policy.decide(
            MeetingFacts(
                kind: .request, organizer: MeetingFacts.Mailbox(address: "a@b.c"), start: s, end: e, received: s, now: s
            )
        ).rule
    }

    struct Case: Sendable, CustomTestStringConvertible {
        let start: String, end: String, within: Bool, why: String
        var testDescription: String { "\(start)–\(end): \(why)" }
    }

    static let cases: [Case] = [
        // Spring: the same UTC time is an hour later on the wall clock from 29 March.
        Case(start: "2026-03-28T06:30Z", end: "2026-03-28T07:30Z", within: false, why: "07:30 CET is before 08:00"),
        Case(start: "2026-03-29T06:30Z", end: "2026-03-29T07:30Z", within: true, why: "08:30 CEST"),
        Case(start: "2026-03-28T16:30Z", end: "2026-03-28T17:00Z", within: true, why: "17:30-18:00 CET"),
        Case(start: "2026-03-29T16:30Z", end: "2026-03-29T17:00Z", within: false, why: "18:30 CEST is after 18:00"),
        Case(start: "2026-03-29T05:59Z", end: "2026-03-29T07:00Z", within: false, why: "07:59 CEST"),
        Case(start: "2026-03-29T06:00Z", end: "2026-03-29T16:00Z", within: true, why: "exactly 08:00-18:00 CEST"),
        // Autumn: the same UTC time is an hour earlier on the wall clock from 25 October.
        Case(start: "2026-10-24T06:30Z", end: "2026-10-24T07:30Z", within: true, why: "08:30 CEST"),
        Case(start: "2026-10-25T06:30Z", end: "2026-10-25T07:30Z", within: false, why: "07:30 CET"),
        Case(start: "2026-10-24T16:30Z", end: "2026-10-24T17:00Z", within: false, why: "18:30 CEST"),
        Case(start: "2026-10-25T16:30Z", end: "2026-10-25T17:00Z", within: true, why: "17:30-18:00 CET"),
        Case(
            start: "2026-10-25T07:00Z", end: "2026-10-25T17:00Z", within: true,
            why: "exactly 08:00-18:00 CET, an 11-hour-UTC day"),
    ]

    @Test(arguments: cases)
    func onTheChangeDays(_ c: Case) throws {
        #expect(try rule(c.start, c.end) == (c.within ? "in-hours" : "weekend"))
    }

    @Test func aWholeDayAcrossTheSpringGapIsWithinRoundTheClockHours() throws {
        let p = try Rules.policy(
            """
            version: 1
            timezone: Europe/Berlin
            working_hours: { days: [sun], from: "00:00", to: "24:00" }
            requests: [{ name: sunday, when: { within_working_hours: true }, then: accept }]
            """)
        func decide(_ s: String, _ e: String) throws -> String {
            let start = try Rules.date(s)
            let end = try Rules.date(e)
            return p.decide(
                MeetingFacts(
                    kind: .request, organizer: MeetingFacts.Mailbox(address: "a@b.c"), start: start, end: end,
                    received: start, now: start)
            ).rule
        }
        // 01:30 CET to 03:30 CEST: one hour of real time across the skipped hour.
        #expect(try decide("2026-03-29T00:30Z", "2026-03-29T01:30Z") == "sunday")
        // 00:00 to 24:00 on the 23-hour day, and on the 25-hour day.
        #expect(try decide("2026-03-28T23:00Z", "2026-03-29T22:00Z") == "sunday")
        #expect(try decide("2026-10-24T22:00Z", "2026-10-25T23:00Z") == "sunday")
        #expect(try decide("2026-10-24T22:00Z", "2026-10-25T23:01Z") == "default", "runs into Monday")
    }

    @Test func weekdaysFollowTheWallClock() throws {
        let p = try Rules.policy(
            """
            version: 1
            timezone: Europe/Berlin
            requests: [{ name: monday, when: { weekdays: [mon] }, then: accept }]
            """)
        func day(_ s: String) throws -> String {
            let start = try Rules.date(s)
            return p.decide(
                MeetingFacts(
                    kind: .request, organizer: MeetingFacts.Mailbox(address: "a@b.c"), start: start,
                    end: start.addingTimeInterval(1800), received: start, now: start)
            ).rule
        }
        #expect(try day("2026-03-29T21:30Z") == "default", "23:30 CEST on Sunday")
        #expect(try day("2026-03-29T22:30Z") == "monday", "00:30 CEST on Monday")
        #expect(try day("2026-10-25T22:30Z") == "default", "23:30 CET on Sunday")
        #expect(try day("2026-10-25T23:30Z") == "monday", "00:30 CET on Monday")
    }

    @Test func wallClockArithmetic() throws {
        let berlin = try #require(TimeZone(identifier: "Europe/Berlin"))
        let before = LocalTime(try Rules.date("2026-03-29T00:59Z"), in: berlin)
        let after = LocalTime(try Rules.date("2026-03-29T01:00Z"), in: berlin)
        #expect(before.minute == 119 && after.minute == 180 && before.day == after.day)
        #expect(after.weekday == .sun)
        let old = LocalTime(Date(timeIntervalSince1970: -1), in: TimeZone(secondsFromGMT: 0) ?? berlin)
        #expect(old.day == -1 && old.minute == 1439 && old.weekday == .wed)
    }
}
