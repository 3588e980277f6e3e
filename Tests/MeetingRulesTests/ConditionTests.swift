import Testing
@testable import MeetingRules

/// Every condition's own examples, run as rules-file examples of a one-rule file:
/// the matching ones must be decided by the rule, the others by the default.
@Suite struct ConditionTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let key: String
        let example: ConditionExample
        let matches: Bool
        var testDescription: String {
            "\(key): \(example.value) \(matches ? "matches" : "does not match") {\(example.facts)}"
        }
    }

    static let cases: [Case] = Conditions.descriptions.flatMap { d in
        d.matching.map { Case(key: d.key, example: $0, matches: true) }
            + d.nonMatching.map { Case(key: d.key, example: $0, matches: false) }
    }

    /// A file with one rule using the condition, and the example as its only example.
    static func probe(_ c: Case) -> String {
        let kind = c.example.kind
        let action = Action.words(for: kind)[0]
        return Rules.file(
            """
            \(kind.rulesKey):
              - name: probe
                when: { \(c.key): \(c.example.value) }
                then: \(action)
            examples:
              - \(kind.rawValue): { \(c.example.facts) }
                expect: { rule: \(c.matches ? "probe" : "default"), action: \(c.matches ? action : Action.fallback(for: kind).description) }
            """)
    }

    @Test(arguments: cases)
    func example(_ c: Case) throws {
        let report = Policy.check(Self.probe(c), file: "probe.yml")
        #expect(report.errors.isEmpty, "\(report.rendered)")
        let policy = try report.usablePolicy()
        let results = policy.runExamples()
        #expect(results.count == 1)
        for result in results {
            #expect(result.passed, "\(result)")
            #expect(!result.decision.reason.isEmpty)
        }
    }

    @Test func everyConditionHasBothKindsOfExampleAndAUniqueKey() {
        let keys = Conditions.descriptions.map(\.key)
        #expect(Set(keys).count == keys.count)
        for d in Conditions.descriptions {
            #expect(!d.matching.isEmpty, "\(d.key) has no matching example")
            #expect(!d.nonMatching.isEmpty, "\(d.key) has no non-matching example")
            #expect(!d.summary.isEmpty && !d.kinds.isEmpty)
            for e in d.matching + d.nonMatching {
                #expect(d.kinds.contains(e.kind), "\(d.key) example of a kind it does not apply to")
            }
        }
    }

    @Test func coversEveryThingPRODUCTSection4Lists() {
        let keys = Set(Conditions.descriptions.map(\.key))
        let required = [
            "organizer", "organizer_domain", "organizer_in", "sender", "sender_domain", "sender_in",
            "subject_contains", "subject_matches", "location_contains", "location_matches", "body_contains",
            "body_matches",
            "weekdays", "within_working_hours", "starts_within", "starts_beyond", "in_past",
            "duration_over", "duration_under", "recurring", "occurrences_over", "beyond_booking_window",
            "conflicts", "conflicts_over", "conflict_share_over", "attendees_over", "attendees_include",
            "request_type", "sensitivity", "has_comment", "proposes_new_time", "response_type", "all", "any", "not",
        ]
        #expect(Set(required).subtracting(keys).isEmpty)
    }
}
