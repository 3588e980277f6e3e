import Foundation
import MeetingRules
import SeededRandom

/// The rules benchmark's workload: a 20-rule policy for a busy room and a seeded
/// mix of messages that reach every rule. A library so that a unit test can run
/// it with a tiny count.
public enum RulesWorkload {
    /// What one run measured.
    public struct Figures: Sendable {
        public let decisions: Int
        /// Rules tried: for each decision, the matching rule's position, or every rule of the kind.
        public let ruleEvaluations: Int
        public let seconds: Double
        /// How many decisions each rule (and the default) made, by name.
        public let decisionsByRule: [String: Int]

        // A clock too coarse to see the run reports no rate rather than infinity.
        public var decisionsPerSecond: Double { seconds > 0 ? Double(decisions) / seconds : 0 }
        public var ruleEvaluationsPerSecond: Double { seconds > 0 ? Double(ruleEvaluations) / seconds : 0 }
    }

    /// The policy: 20 request rules, and a few for responses and cancellations.
    public static let rulesFile = """
        version: 1
        timezone: Europe/Berlin
        internal_domains: [contoso.com]
        working_hours: { days: [mon, tue, wed, thu, fri], from: "08:00", to: "18:00" }
        booking_window: 180d
        lists:
          executives: [ceo@contoso.com, cfo@contoso.com, coo@contoso.com]
          blocked: ["*@spam.example", mallory@fabrikam.com]
        requests:
          - { name: blocked, when: { organizer_in: blocked }, then: decline, comment: "Not accepted." }
          - { name: past, when: { in_past: true }, then: decline, comment: "This meeting is in the past." }
          - { name: informational, when: { request_type: informational_update }, then: accept, send_reply: false }
          - { name: executives, when: { organizer_in: executives }, then: accept }
          - { name: private-external, when: { organizer: external, sensitivity: [private, confidential] }, then: tentative }
          - { name: external-series, when: { organizer: external, recurring: true }, then: decline, comment: "No series from outside." }
          - { name: endless, when: { recurring: true, beyond_booking_window: true }, then: decline, comment: "Series must end within 180 days." }
          - { name: long-series, when: { occurrences_over: 12 }, then: decline, comment: "At most 12 occurrences." }
          - { name: too-long, when: { duration_over: 4h }, then: decline, comment: "At most 4 hours." }
          - { name: too-short, when: { duration_under: 15m }, then: decline, comment: "At least 15 minutes." }
          - { name: too-far, when: { starts_beyond: 180d }, then: decline, comment: "Book at most 180 days ahead." }
          - { name: short-notice, when: { notice_under: 2h }, then: tentative, comment: "Short notice: a person will confirm." }
          - { name: weekend, when: { weekdays: [sat, sun] }, then: decline, comment: "The room is closed at weekends." }
          - { name: out-of-hours, when: { within_working_hours: false }, then: decline, comment: "Outside opening hours." }
          - { name: busy, when: { recurring: false, conflicts: true }, then: decline, comment: "The room is booked." }
          - { name: too-many-conflicts, when: { conflict_share_over: 20% }, then: decline, comment: "Too many occurrences are booked." }
          - { name: some-conflicts, when: { conflicts_over: 0 }, then: tentative, comment: "Some occurrences are booked." }
          - { name: big, when: { attendees_over: 12 }, then: decline, comment: "The room seats 12." }
          - { name: interviews, when: { any: [{ subject_contains: [interview, hiring] }, { subject_matches: '^\\[hr\\]' }] }, then: accept }
          - { name: internal, when: { organizer: internal, not: { location_contains: offsite } }, then: accept }
        responses:
          - { name: internal-sender, when: { sender: internal }, then: apply }
          - { name: proposals, when: { proposes_new_time: true }, then: keep }
          - { name: rest, then: apply }
        cancellations:
          - { name: remove, then: remove }
        """

    /// The checked policy; the workload's own file never has errors.
    public static func policy() throws(PolicyError) -> Policy {
        try Policy.check(rulesFile, file: "benchmark.yml").usablePolicy()
    }

    /// `count` varied messages, the same for the same seed.
    public static func messages(count: Int, seed: UInt64 = 42) -> [MeetingFacts] {
        var random = SplitMix64(seed: seed)
        let now = Date(timeIntervalSince1970: 1_780_300_800)  // 2026-06-01T08:00Z, a Monday
        let organizers = [
            "ann@contoso.com", "bob@contoso.com", "ceo@contoso.com", "eve@fabrikam.com",
            "mallory@fabrikam.com", "x@spam.example", "kim@northwind.com", "lee@eu.contoso.com",
        ]
        let subjects = [
            "Weekly sync", "Interview: backend engineer", "[HR] Onboarding", "Budget review Q3",
            "Offsite planning", "Customer call", "Ünïcode Sprint-Planung", "1:1",
        ]
        return (0..<count).map { _ in
            let kindRoll = random.next(100)
            let kind: MessageKind = kindRoll < 80 ? .request : kindRoll < 95 ? .response : .cancellation
            let dayOffset = Double(random.next(200)) - 5
            let start = now.addingTimeInterval(dayOffset * 86_400 + Double(random.next(48)) * 1_800)
            let minutes = [10, 30, 45, 60, 60, 90, 120, 300][random.next(8)]
            let recurring = random.next(5) == 0
            let occurrences = recurring ? [nil, 8, 20, 80][random.next(4)] : nil
            let checked = recurring ? (occurrences ?? 26) : 1
            let conflicting = random.next(4) == 0 ? random.next(checked + 1) : 0
            return MeetingFacts(
                kind: kind,
                organizer: MeetingFacts.Mailbox(address: organizers[random.next(organizers.count)]),
                sender: MeetingFacts.Mailbox(
                    address: kind == .response ? organizers[random.next(organizers.count)] : organizers[0]),
                subject: subjects[random.next(subjects.count)],
                location: random.next(10) == 0 ? "Offsite, Berlin" : "Room 4.12",
                start: start, end: start.addingTimeInterval(Double(minutes) * 60),
                recurrence: recurring
                    ? MeetingFacts.Recurrence(
                        occurrences: occurrences,
                        seriesEnd: occurrences.map {
                            start.addingTimeInterval(Double($0) * 7 * 86_400)
                        }) : nil,
                checkedOccurrences: checked, conflictingOccurrences: conflicting,
                attendees: (0..<random.next(16)).map { "person\($0)@contoso.com" },
                requestType: random.next(10) == 0 ? .informationalUpdate : .new,
                sensitivity: random.next(10) == 0 ? .private : .normal,
                proposedStart: kind == .response && random.next(4) == 0 ? start.addingTimeInterval(3_600) : nil,
                received: start.addingTimeInterval(-Double(random.next(72)) * 3_600),
                now: now)
        }
    }

    /// Decides every message `rounds` times and reports the figures.
    public static func run(policy: Policy, messages: [MeetingFacts], rounds: Int) -> Figures {
        var byRule: [String: Int] = [:]
        var evaluations = 0
        let ruleCounts = Dictionary(
            uniqueKeysWithValues: MessageKind.allCases.map { ($0, policy.ruleNames(for: $0).count) })
        // The first round also counts which rule decided; the timed rounds do nothing but decide.
        for facts in messages {
            let decision = policy.decide(facts)
            byRule[decision.rule, default: 0] += 1
            evaluations += decision.rulePosition ?? ruleCounts[facts.kind, default: 0]
        }
        let clock = ContinuousClock()
        var sink = 0
        let elapsed = clock.measure {
            for _ in 0..<rounds {
                // By index: `for … in` would copy each message out of the array.
                for i in messages.indices { sink &+= policy.decide(messages[i]).rulePosition ?? 0 }
            }
        }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        // `sink` keeps the optimizer from dropping the loop; it is the sum of positions, known from the first round.
        precondition(sink == rounds * messages.reduce(0) { $0 + (policy.decide($1).rulePosition ?? 0) })
        return Figures(
            decisions: rounds * messages.count, ruleEvaluations: rounds * evaluations,
            seconds: seconds, decisionsByRule: byRule)
    }
}
