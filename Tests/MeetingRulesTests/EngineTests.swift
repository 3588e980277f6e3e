import CheckedYAML
import Foundation
import Testing
@testable import MeetingRules

/// The engine: first match wins, per-kind defaults, options, reasons, and the
/// decisions of the shipped files.
@Suite struct EngineTests {
    let policy: Policy

    init() throws {
        policy = try Rules.policy(
            Rules.file(
                """
                requests:
                  - name: vip
                    when: { organizer_in: executives }
                    then: accept
                    comment: Welcome.
                  - name: external-series
                    when: { organizer: external, recurring: true }
                    then: decline
                    comment: "No series from outside."
                  - name: quiet
                    when: { request_type: informational_update }
                    then: accept
                    send_reply: false
                    comment: Never sent.
                  - name: either
                    when: { any: [{ subject_contains: board }, { duration_over: 3h }], not: { conflicts: true } }
                    then: tentative
                responses:
                  - { name: internal, when: { sender: internal }, then: apply }
                cancellations:
                  - { name: remove, then: remove }
                """))
    }

    func facts(
        _ kind: MessageKind = .request, organizer: String = "ann@contoso.com", subject: String = "",
        minutes: Double = 60, recurrence: MeetingFacts.Recurrence? = nil, requestType: MeetingFacts.RequestType = .new,
        conflicts: Int = 0, sender: String? = nil
    ) throws -> MeetingFacts {
        let start = try Rules.date("2026-12-01T09:00Z")
        return MeetingFacts(
            kind: kind, organizer: MeetingFacts.Mailbox(address: organizer),
            sender: sender.map { MeetingFacts.Mailbox(address: $0) },
            subject: subject, start: start, end: start.addingTimeInterval(minutes * 60), recurrence: recurrence,
            conflictingOccurrences: conflicts, requestType: requestType,
            received: start.addingTimeInterval(-86_400), now: start.addingTimeInterval(-86_400))
    }

    @Test func theFirstMatchingRuleDecides() throws {
        // An executive's external-looking series: the earlier rule wins.
        let d = policy.decide(try facts(organizer: "ceo@contoso.com", recurrence: .endless))
        #expect(d.rule == "vip")
        #expect(d.rulePosition == 1)
        #expect(d.action == .request(.accept))
        #expect(d.comment == "Welcome.")
        #expect(d.sendReply)
        #expect(d.ruleLocation == SourceLocation(file: "t.yml", line: 10, column: 5))
        #expect(d.reason == "the organizer ceo@contoso.com is on the list 'executives'")
    }

    @Test func reasonsJoinTheConditionsThatHeld() throws {
        let d = policy.decide(
            try facts(
                organizer: "Bob@Fabrikam.com", recurrence: MeetingFacts.Recurrence(occurrences: 5, seriesEnd: nil)))
        #expect(d.rule == "external-series")
        #expect(d.action == .request(.decline))
        #expect(d.reason == "the organizer Bob@Fabrikam.com is external and the meeting recurs")
        #expect(d.comment == "No series from outside.")
    }

    @Test func anyGivesTheBranchThatHeldAndNotItsNegation() throws {
        let long = policy.decide(try facts(minutes: 240))
        #expect(long.rule == "either")
        #expect(long.reason == "the meeting lasts longer than 3h and not (the meeting conflicts with nothing)")
        let board = policy.decide(try facts(subject: "Board meeting"))
        #expect(board.reason == "the subject contains 'board' and not (the meeting conflicts with nothing)")
        #expect(board.comment == nil, "a rule without comment sends none")
        let busy = policy.decide(try facts(subject: "Board meeting", conflicts: 1))
        #expect(busy.rule == Decision.defaultRuleName)
    }

    @Test func sendReplyFalseSendsNoComment() throws {
        let d = policy.decide(try facts(requestType: .informationalUpdate))
        #expect(d.rule == "quiet")
        #expect(d.action == .request(.accept))
        #expect(!d.sendReply)
        #expect(d.comment == nil)
    }

    @Test func eachKindHasItsDefault() throws {
        let request = policy.decide(try facts(subject: "Lunch"))
        #expect(request.action == .request(.skip))
        #expect(request.rule == "default")
        #expect(request.rulePosition == nil && request.ruleLocation == nil)
        #expect(request.reason == "no rule matched, and the default for a request is skip")
        #expect(!request.sendReply && request.comment == nil)
        let response = policy.decide(try facts(.response, sender: "bob@fabrikam.com"))
        #expect(response.action == .response(.keep))
        #expect(response.reason == "no rule matched, and the default for a response is keep")
        let applied = policy.decide(try facts(.response, sender: "kim@eu.contoso.com"))
        #expect(applied.action == .response(.apply))
        #expect(applied.reason == "the sender kim@eu.contoso.com is internal")
        let cancellation = policy.decide(try facts(.cancellation))
        #expect(cancellation.action == .cancellation(.remove))
        #expect(cancellation.reason == "no earlier rule matched")
        #expect(!cancellation.sendReply)
    }

    @Test func decidingDependsOnTheFactsAlone() throws {
        let f = try facts(organizer: "bob@fabrikam.com", recurrence: .endless)
        #expect(policy.decide(f) == policy.decide(f))
        var later = f
        later.now = f.start.addingTimeInterval(86_400 * 400)
        let inPast = try Rules.policy(
            Rules.file("requests:\n  - { name: past, when: { in_past: true }, then: decline }\n"))
        #expect(inPast.decide(f).rule == "default", "an endless series is never in the past")
        var single = later
        single.recurrence = nil
        #expect(inPast.decide(single).rule == "past", "the clock is the `now` fact, not the machine's")
    }

    @Test func theSettingsThePipelineNeedsAreExposed() throws {
        let p = try Rules.policy("version: 1\ntimezone: Asia/Tokyo\nbooking_window: 2w\ntentative_is_busy: true\n")
        #expect(p.settings.timeZone.identifier == "Asia/Tokyo")
        #expect(p.settings.bookingWindow.seconds == 14 * 86_400)
        #expect(p.settings.tentativeIsBusy)
        #expect(policy.settings.lists["partners"] == ["*@fabrikam.com", "northwind.com"])
        #expect(policy.settings.workingHours?.description == "mon-fri 08:00-18:00")
        #expect(policy.ruleNames(for: .request) == ["vip", "external-series", "quiet", "either"])
    }

    @Test func anExampleMismatchSaysWhatItGot() throws {
        let p = try Rules.policy(
            Rules.file(
                """
                requests:
                  - { name: busy, when: { conflicts: true }, then: decline }
                examples:
                  - name: wrong
                    request: { conflicting_occurrences: 1 }
                    expect: { action: accept, rule: busy, comment: "x" }
                """))
        let results = p.runExamples()
        #expect(results.count == 1 && p.exampleCount == 1)
        #expect(results.first?.passed == false)
        #expect(
            results.first?.description == """
                t.yml:12:5: example 'wrong' failed: expected action accept, got decline; expected comment 'x', got '' \
                (decided by rule 'busy': the meeting conflicts with the calendar)
                """)
    }
}

/// The files in `rules/`: they check clean, their examples pass, and a few
/// decisions are pinned here with their reasons.
@Suite struct ShippedRulesTests {
    @Test func thereAreTheFourFiles() {
        #expect(
            Rules.shippedFiles.map(\.lastPathComponent) == [
                "equipment.yml", "executive.yml", "organizer.yml", "room.yml",
            ])
    }

    @Test(arguments: Rules.shippedFiles)
    func checksCleanAndItsExamplesPass(_ file: URL) throws {
        let report = Policy.check(contentsOf: file.path)
        #expect(report.diagnostics.isEmpty, "\(report.rendered)")
        let policy = try report.usablePolicy()
        let results = policy.runExamples()
        #expect(results.count >= 8)
        for result in results { #expect(result.passed, "\(result)") }
        // Every rule is exercised by some example.
        for kind in MessageKind.allCases {
            let decided = Set(results.filter { $0.decision.action.kind == kind }.map(\.decision.rule))
            for name in policy.ruleNames(for: kind) {
                #expect(decided.contains(name), "\(file.lastPathComponent): no example for \(name)")
            }
        }
    }

    @Test func roomDecisions() throws {
        let room = try Policy.load(contentsOf: Rules.directory.appendingPathComponent("room.yml").path)
        let start = try Rules.date("2026-12-01T08:00Z")  // 09:00 in Berlin, a Tuesday
        func request(
            _ organizer: String, hours: Double = 1, recurrence: MeetingFacts.Recurrence? = nil, checked: Int = 1,
            conflicting: Int = 0
        ) -> Decision {
            room.decide(
                MeetingFacts(
                    kind: .request, organizer: MeetingFacts.Mailbox(address: organizer), start: start,
                    end: start.addingTimeInterval(hours * 3600),
                    recurrence: recurrence, checkedOccurrences: checked, conflictingOccurrences: conflicting,
                    received: start.addingTimeInterval(-86_400), now: start.addingTimeInterval(-86_400)))
        }
        let staff = request("ann@contoso.com")
        #expect(
            (staff.rule, staff.action, staff.reason) == (
                "staff", .request(.accept), "the organizer ann@contoso.com is internal"
            ))
        let series = request(
            "ann@contoso.com",
            recurrence: MeetingFacts.Recurrence(occurrences: 20, seriesEnd: start.addingTimeInterval(19 * 7 * 86_400)),
            checked: 20, conflicting: 1)
        #expect(series.rule == "series-mostly-free")
        #expect(
            series.reason
                == "the meeting recurs, 1 of 20 occurrences conflict with the calendar and not (1 of 20 occurrences conflict (5%, more than 10%))"
        )
        let long = request("ann@contoso.com", hours: 6)
        #expect((long.rule, long.comment) == ("too-long", "Bookings are limited to 4 hours; please split the meeting."))
    }
}
