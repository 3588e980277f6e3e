import EWS
import EWSSandbox
import Foundation
import MeetingBot
import TestSupport
import Testing

/// The bot end to end against the sandbox over HTTP: each test asserts on
/// the sandbox's state dump, not on logs (issue "The bot", Show).
@Suite struct PipelineTests {
    static let roomRules = """
        version: 1
        timezone: Europe/Berlin
        internal_domains: [contoso.com]
        working_hours: { days: [mon, tue, wed, thu, fri], from: "08:00", to: "18:00" }
        requests:
          - name: quiet-update
            when: { request_type: informational_update, current_answer: accepted }
            then: accept
            send_reply: false
          - name: outside-hours
            when: { within_working_hours: false }
            then: decline
            comment: "The room is open Monday to Friday, 08:00 to 18:00."
          - name: series-mostly-free
            when: { recurring: true, conflicts: true, not: { conflict_share_over: 30% } }
            then: tentative
            comment: "Some occurrences conflict with other bookings."
          - name: busy
            when: { conflicts: true }
            then: decline
            comment: "The room is already booked then."
          - name: staff
            when: { organizer: internal }
            then: accept
          - name: others
            then: tentative
            comment: "A person will look at this request."
        responses:
          - name: apply
            then: apply
        cancellations:
          - name: remove
            then: remove
        """

    static let organizerRules = """
        version: 1
        timezone: Europe/Berlin
        requests:
          - name: leave
            then: skip
        responses:
          - name: apply
            then: apply
        cancellations:
          - name: keep
            then: keep
        """

    /// Monday 2 March 2026, 09:00 in Berlin.
    static let clock = "2026-03-02T08:00:00Z"

    /// The room's mixed inbox, a delegate-accessed lab, and two organizers'
    /// mailboxes with responses (the chair's attendant is an hour late).
    static let mixedFixture = """
        clock: "\(clock)"
        mailboxes:
          - { address: bot@contoso.com, password: secret, impersonation: true }
          - { address: ann@contoso.com, password: secret }
          - { address: bob@fabrikam.com, password: secret }
          - { address: pat@contoso.com, password: secret }
          - { address: room@contoso.com, password: secret }
          - { address: lab@contoso.com, password: secret, delegates: [bot@contoso.com] }
          - { address: organizer@contoso.com, password: secret }
          - { address: chair@contoso.com, password: secret, attendant_delay: 3600 }
        appointments:
          - { mailbox: room@contoso.com, subject: Cleaning, start: "2026-03-03T09:00:00Z", end: "2026-03-03T10:00:00Z", show_as: Busy }
          - { mailbox: room@contoso.com, subject: Maintenance, start: "2026-03-19T09:00:00Z", end: "2026-03-19T10:00:00Z", show_as: Busy }
        meetings:
          - { organizer: ann@contoso.com, subject: Planning, start: "2026-03-04T09:00:00Z", end: "2026-03-04T10:00:00Z", resources: [room@contoso.com] }
          - { organizer: ann@contoso.com, subject: Clash, start: "2026-03-03T09:30:00Z", end: "2026-03-03T10:30:00Z", resources: [room@contoso.com] }
          - { organizer: ann@contoso.com, subject: Evening, start: "2026-03-04T18:00:00Z", end: "2026-03-04T19:00:00Z", resources: [room@contoso.com] }
          - { organizer: ann@contoso.com, subject: First come, start: "2026-03-05T09:00:00Z", end: "2026-03-05T10:00:00Z", resources: [room@contoso.com] }
          - { organizer: pat@contoso.com, subject: Second come, start: "2026-03-05T09:30:00Z", end: "2026-03-05T10:30:00Z", resources: [room@contoso.com] }
          - organizer: ann@contoso.com
            subject: Moved
            start: "2026-03-06T09:00:00Z"
            end: "2026-03-06T10:00:00Z"
            resources: [room@contoso.com]
            move_to: { start: "2026-03-06T12:00:00Z", end: "2026-03-06T13:00:00Z" }
          - organizer: ann@contoso.com
            subject: Series
            start: "2026-03-12T09:00:00Z"
            end: "2026-03-12T10:00:00Z"
            timezone: Europe/Berlin
            resources: [room@contoso.com]
            recurrence: { pattern: weekly, days: [thursday], count: 4 }
          - organizer: ann@contoso.com
            subject: Into the weekend
            start: "2026-03-13T09:00:00Z"
            end: "2026-03-13T10:00:00Z"
            timezone: Europe/Berlin
            resources: [room@contoso.com]
            recurrence: { pattern: daily, count: 3 }
          - organizer: ann@contoso.com
            subject: Agenda
            start: "2026-03-11T09:00:00Z"
            end: "2026-03-11T10:00:00Z"
            resources: [room@contoso.com]
            responses: { room@contoso.com: accept }
            update: { subject: Agenda (v2) }
          - { organizer: ann@contoso.com, subject: Quiet, start: "2026-03-11T13:00:00Z", end: "2026-03-11T14:00:00Z", resources: [room@contoso.com], response_requested: false }
          - { organizer: room@contoso.com, subject: Room's own, start: "2026-03-12T13:00:00Z", end: "2026-03-12T14:00:00Z", attendees: [ann@contoso.com, room@contoso.com] }
          - { organizer: bob@fabrikam.com, subject: External, start: "2026-03-09T09:00:00Z", end: "2026-03-09T10:00:00Z", resources: [room@contoso.com] }
          - { organizer: ann@contoso.com, subject: Offsite, start: "2026-03-10T09:00:00Z", end: "2026-03-10T10:00:00Z", resources: [room@contoso.com], cancelled: true }
          - { organizer: ann@contoso.com, subject: Lab booking, start: "2026-03-04T13:00:00Z", end: "2026-03-04T14:00:00Z", resources: [lab@contoso.com], responses: { lab@contoso.com: accept }, cancelled: true }
          - { organizer: organizer@contoso.com, subject: Review, start: "2026-03-04T09:00:00Z", end: "2026-03-04T10:00:00Z", attendees: [ann@contoso.com, pat@contoso.com], responses: { ann@contoso.com: accept, pat@contoso.com: decline } }
          - { organizer: organizer@contoso.com, subject: Gone, start: "2026-03-05T09:00:00Z", end: "2026-03-05T10:00:00Z", attendees: [ann@contoso.com], responses: { ann@contoso.com: tentative } }
          - { organizer: chair@contoso.com, subject: Board, start: "2026-03-06T09:00:00Z", end: "2026-03-06T10:00:00Z", attendees: [ann@contoso.com], responses: { ann@contoso.com: accept } }
        """

    static let mixedMailboxes = """
          - { address: room@contoso.com, rules: room.yml, access: impersonation }
          - { address: lab@contoso.com, rules: room.yml, access: delegate }
          - { address: organizer@contoso.com, rules: organizer.yml, access: impersonation }
          - { address: chair@contoso.com, rules: organizer.yml, access: impersonation }
        """

    static func mixedHarness() async throws -> BotHarness {
        let harness = try await BotHarness(
            fixture: mixedFixture, rules: ["room.yml": roomRules, "organizer.yml": organizerRules],
            mailboxes: mixedMailboxes)
        // The organizer deletes "Gone" outright: its response has nothing left to apply to.
        try await harness.deleteOrganizersItem("Gone", of: "organizer@contoso.com")
        return harness
    }

    @Test func aMixedMailboxEndsAsTheRulesSay() async throws {
        let harness = try await Self.mixedHarness()
        defer { Task { await harness.stop() } }
        let (status, report, problems) = await harness.run()
        #expect(problems.isEmpty, "\(problems)")
        let run = try #require(report)
        // The pending response is not a problem yet; nothing failed.
        #expect(status == .success, "\(run.messages.filter(\.result.isProblem))")
        let state = try StateDump(try harness.dump())

        func outcome(_ subject: String, _ mailbox: String = "room@contoso.com") -> (
            String?, String, MessageReport.Result?
        ) {
            let message = run.mailboxes.first { $0.address == mailbox }?.messages.first { $0.subject == subject }
            return (message?.rule, message?.action ?? "", message?.result)
        }
        #expect(outcome("Planning") == ("staff", "accept", .replied))
        #expect(outcome("Clash") == ("busy", "decline", .replied))
        #expect(outcome("Evening") == ("outside-hours", "decline", .replied))
        #expect(outcome("First come") == ("staff", "accept", .replied))
        // Accepted earlier in the same run, so the later request conflicts with it.
        #expect(outcome("Second come") == ("busy", "decline", .replied))
        #expect(outcome("Series") == ("series-mostly-free", "tentative", .replied))
        // The daily series runs into Saturday and Sunday.
        #expect(outcome("Into the weekend") == ("outside-hours", "decline", .replied))
        #expect(outcome("External") == ("others", "tentative", .replied))
        // An informational update of a meeting already accepted: accepted again without a reply.
        #expect(outcome("Agenda (v2)") == ("quiet-update", "accept", .recorded))
        // The organizer asked for no responses: recorded, whatever the rule's send_reply.
        #expect(outcome("Quiet") == ("staff", "accept", .recorded))

        // Every message of the room has a reason in the report.
        let room = try #require(run.mailboxes.first { $0.address == "room@contoso.com" })
        #expect(room.status == .completed)
        #expect(room.messages.allSatisfy { !$0.reason.isEmpty })
        // The out-of-date requests (Moved before its update, Offsite before its cancellation) were never answered.
        let superseded = room.messages.filter { $0.result == .superseded }.map(\.subject).sorted()
        #expect(superseded == ["Moved", "Offsite"])
        #expect(room.messages.filter { $0.subject == "Moved" && $0.result == .replied }.count == 1)
        #expect(room.messages.first { $0.kind == "cancellation" }?.result == .removed)

        // A request for the room's own meeting is reported, never answered, and stays.
        #expect(outcome("Room's own").2 == .ownMeeting)
        // Otherwise the room's inbox is empty; its calendar holds what it accepted.
        #expect(state.subjects("room@contoso.com", "inbox") == ["Room's own"])
        let calendar = Dictionary(
            state.items("room@contoso.com", "calendar").map { ($0.subject, $0.myResponseType ?? "") },
            uniquingKeysWith: { a, _ in a })
        #expect(calendar["Planning"] == "Accept")
        #expect(calendar["First come"] == "Accept")
        #expect(calendar["Moved"] == "Accept")
        #expect(calendar["Series"] == "Tentative")
        #expect(calendar["Clash"] == nil)
        #expect(calendar["Second come"] == nil)
        #expect(calendar["Offsite"] == nil)

        // Each answered request reached its organizer exactly once.
        let toAnn = state.items("ann@contoso.com", "inbox").filter {
            $0.kind == "meetingResponse" && $0.from?.email == "room@contoso.com"
        }
        let answers = Dictionary(grouping: toAnn, by: \.subject).mapValues { $0.map { $0.responseType ?? "" } }
        #expect(answers["Accepted: Planning"] == ["Accept"])
        #expect(answers["Declined: Clash"] == ["Decline"])
        #expect(answers["Declined: Second come"] == nil)  // Pat organized that one.
        // Seven replies of the bot, and the room's own answer to Agenda from the fixture;
        // nothing for the quiet update or for Quiet.
        #expect(toAnn.count == 8, "\(toAnn.map(\.subject))")
        #expect(!toAnn.contains { $0.subject.contains("Agenda (v2)") || $0.subject.contains("Quiet") })
        #expect(calendar["Agenda (v2)"] == "Accept")
        #expect(calendar["Quiet"] == "Accept")
        #expect(
            state.items("pat@contoso.com", "inbox").filter { $0.kind == "meetingResponse" }.map(\.subject)
                == ["Declined: Second come"])
        #expect(
            state.items("bob@fabrikam.com", "inbox").filter { $0.kind == "meetingResponse" }.map(\.subject)
                == ["Tentative: External"])

        // Delegate access: the lab's cancelled meeting is off its calendar and the cancellation gone.
        #expect(state.items("lab@contoso.com", "inbox").isEmpty, "\(state.subjects("lab@contoso.com", "inbox"))")
        #expect(state.items("lab@contoso.com", "calendar").filter { $0.subject.contains("Lab booking") }.isEmpty)

        // Responses: applied ones deleted, the orphaned one deleted, the chair's left pending.
        #expect(outcome("Accepted: Review", "organizer@contoso.com").2 == .applied)
        #expect(outcome("Declined: Review", "organizer@contoso.com").2 == .applied)
        #expect(outcome("Tentative: Gone", "organizer@contoso.com").2 == .orphaned)
        #expect(outcome("Accepted: Board", "chair@contoso.com").2 == .pending)
        #expect(state.items("organizer@contoso.com", "inbox").filter { $0.kind == "meetingResponse" }.isEmpty)
        #expect(state.subjects("chair@contoso.com", "inbox", kind: "meetingResponse") == ["Accepted: Board"])
    }

    @Test func aDryRunChangesNothingAndDecidesAsTheRealRun() async throws {
        let harness = try await Self.mixedHarness()
        defer { Task { await harness.stop() } }
        let before = try harness.dump()
        let (dryStatus, dry, _) = await harness.run(dryRun: true)
        #expect(dryStatus == .success)
        #expect(try harness.dump() == before, "a dry run changed the store")
        let planned = try #require(dry)
        #expect(planned.dryRun)
        #expect(planned.messages.contains { $0.result == .planned })

        let (_, real, _) = await harness.run()
        let done = try #require(real)
        func decisions(_ report: RunReport) -> [String: String] {
            Dictionary(
                report.messages.map { ($0.itemId, "\($0.rule ?? "-") \($0.action)") }, uniquingKeysWith: { a, _ in a })
        }
        #expect(decisions(planned) == decisions(done))
        #expect(planned.messages.count == done.messages.count)
    }
}

/// An internal organizer named by a legacy Exchange DN (PROTOCOL.md 6.5).
@Suite struct ExchangeAddressTests {
    static let fixture = """
        clock: "\(PipelineTests.clock)"
        mailboxes:
          - { address: room@contoso.com, password: secret }
          - { address: ann@contoso.com, password: secret, routing_type: EX }
        meetings:
          - { organizer: ann@contoso.com, subject: Planning, start: "2026-03-04T09:00:00Z", end: "2026-03-04T10:00:00Z", resources: [room@contoso.com] }
        """

    static let rules = """
        version: 1
        timezone: Europe/Berlin
        internal_domains: [contoso.com]
        requests:
          - { name: external, when: { organizer: external }, then: decline }
          - { name: staff, when: { organizer: internal }, then: accept }
          - { name: others, then: tentative }
        """

    static func run(faults: [FaultRule] = []) async throws -> MessageReport? {
        let mailboxes = "  - { address: room@contoso.com, rules: room.yml }"
        let harness = try await BotHarness(
            fixture: fixture, rules: ["room.yml": rules], mailboxes: mailboxes, faults: faults)
        defer { Task { await harness.stop() } }
        try harness.configuration(mailboxes: mailboxes, extra: "", user: "room@contoso.com").write(
            to: harness.configFile, atomically: true, encoding: .utf8)
        return await harness.run().1?.messages.first
    }

    @Test func aResolvedOrganizerIsInternal() async throws {
        let message = try #require(try await Self.run())
        #expect(message.rule == "staff")
        #expect(message.organizer == "ann@contoso.com")
    }

    @Test func anUnresolvedOrganizerIsNotTakenForAnExternalOne() async throws {
        let message = try #require(
            try await Self.run(faults: [
                try FaultRule(parsing: "item-error:ops=ResolveNames:code=ErrorNameResolutionNoResults")
            ]))
        #expect(message.rule == "others")
        #expect(message.detail?.contains("could not be resolved") == true)
    }
}

extension BotHarness {
    /// The organizer deletes its meeting `subject` without telling anyone.
    func deleteOrganizersItem(_ subject: String, of organizer: String) async throws {
        let client = EWSClient(
            url: try #require(URL(string: server.url)), account: MailboxAccount(address: organizer),
            transport: try CurlTransport(authentication: .basic(username: organizer, password: Secret("secret"))))
        let item = try #require(items(organizer, "calendar").first { $0.subject == subject })
        let results = try await EWSMailboxWriter(client).delete(
            [ItemId(item.id, changeKey: item.changeKey)], .hardDelete, cancellations: .sendToNone)
        #expect(results.first?.value != nil)
    }
}
