import Foundation
import Testing
@testable import MeetingRules

/// A series is judged occurrence by occurrence: a time condition holds for it
/// only when it holds for every occurrence the pipeline checked (PRODUCT.md 4).
@Suite struct SeriesFactsTests {
    let policy: Policy

    init() throws {
        policy = try Rules.policy(
            Rules.file(
                """
                requests:
                  - name: outside-hours
                    when: { within_working_hours: false }
                    then: decline
                  - name: weekend-only
                    when: { weekdays: [sat, sun] }
                    then: tentative
                  - name: long
                    when: { duration_over: 2h }
                    then: decline
                  - name: soon
                    when: { starts_within: 2d }
                    then: tentative
                  - name: external
                    when: { organizer: external }
                    then: decline
                  - name: rest
                    then: accept
                """))
    }

    /// A daily series from Monday 2026-06-01 10:00 UTC with `days` occurrences.
    func daily(
        _ days: Int, minutes: Double = 60, now: String = "2026-05-20T10:00Z", organizer: String = "ann@contoso.com"
    )
        throws -> MeetingFacts
    {
        let start = try Rules.date("2026-06-01T10:00Z")
        let occurrences = (0..<days).map {
            MeetingFacts.Occurrence(
                start: start.addingTimeInterval(Double($0) * 86_400),
                end: start.addingTimeInterval(Double($0) * 86_400 + minutes * 60))
        }
        return MeetingFacts(
            kind: .request, organizer: MeetingFacts.Mailbox(address: organizer), start: start,
            end: start.addingTimeInterval(minutes * 60),
            recurrence: MeetingFacts.Recurrence(occurrences: days, seriesEnd: occurrences.last?.end),
            occurrences: occurrences, checkedOccurrences: days, received: try Rules.date(now), now: try Rules.date(now))
    }

    @Test func aWeekdaySeriesThatRunsIntoTheWeekendIsOutsideWorkingHours() throws {
        // Monday to Friday: every occurrence within hours.
        #expect(policy.decide(try daily(5)).rule == "rest")
        // Monday to Saturday: the Saturday is outside.
        let six = policy.decide(try daily(6))
        #expect(six.rule == "outside-hours")
        #expect(six.reason == "an occurrence is outside working hours (mon-fri 08:00-18:00)")
    }

    @Test func durationsAndLeadTimesHoldForEveryOccurrence() throws {
        #expect(policy.decide(try daily(3, minutes: 150)).rule == "long")
        #expect(policy.decide(try daily(3, minutes: 150)).reason == "every occurrence lasts longer than 2h")
        // Only the first occurrence is within two days of now: the series is not "soon".
        #expect(policy.decide(try daily(3, now: "2026-05-31T10:00Z")).rule == "rest")
        #expect(policy.decide(try daily(1, now: "2026-05-31T10:00Z")).rule == "soon")
    }

    @Test func aSingleMeetingHasItsOwnOccurrence() throws {
        let start = try Rules.date("2026-06-06T10:00Z")
        let facts = MeetingFacts(
            kind: .request, organizer: MeetingFacts.Mailbox(address: "ann@contoso.com"), start: start,
            end: start.addingTimeInterval(3600), received: start, now: start.addingTimeInterval(-7 * 86_400))
        #expect(facts.occurrences == [MeetingFacts.Occurrence(start: start, end: start.addingTimeInterval(3600))])
        #expect(policy.decide(facts).rule == "outside-hours")
    }

    /// An Exchange legacy DN that could not be resolved to SMTP has no
    /// domain: it is neither internal nor external.
    @Test func anUnresolvedLegacyDNIsNotExternal() throws {
        let legacy = "/o=Contoso/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=ann"
        #expect(policy.decide(try daily(1, organizer: legacy)).rule == "rest")
        #expect(policy.decide(try daily(1, organizer: "bob@fabrikam.com")).rule == "external")
    }
}
