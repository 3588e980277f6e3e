import Testing
import MeetingRules
import RulesWorkload

/// The benchmark's workload, run with a tiny count: it must work and reach the
/// rules. No timing is asserted (machines are noisy); `rules-benchmark` reports figures.
@Suite struct BenchmarkWorkloadTests {
    @Test func theWorkloadRunsAndReachesMostRules() throws {
        let policy = try RulesWorkload.policy()
        #expect(policy.ruleNames(for: .request).count == 20)
        let messages = RulesWorkload.messages(count: 2_000)
        #expect(messages == RulesWorkload.messages(count: 2_000), "the same seed gives the same messages")
        let figures = RulesWorkload.run(policy: policy, messages: messages, rounds: 2)
        #expect(figures.decisions == 4_000)
        // Counted independently of the workload: a decision tries the rules
        // up to the one that matched, or all of its kind when none did.
        let tried = messages.reduce(0) { sum, facts in
            sum + (policy.decide(facts).rulePosition ?? policy.ruleNames(for: facts.kind).count)
        }
        #expect(figures.ruleEvaluations == 2 * tried)
        #expect(figures.ruleEvaluations > figures.decisions)
        #expect(figures.decisionsByRule.values.reduce(0, +) == 2_000)
        let requestRulesUsed = Set(policy.ruleNames(for: .request)).intersection(figures.decisionsByRule.keys)
        #expect(
            requestRulesUsed.count >= 18,
            "unused: \(Set(policy.ruleNames(for: .request)).subtracting(requestRulesUsed))")
    }
}
