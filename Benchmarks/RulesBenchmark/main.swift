import Foundation
import MeetingRules
import RulesWorkload

// The rule engine's benchmark (PRODUCT.md section 9: at least a million rule
// evaluations per second). Run with `swift run -c release rules-benchmark [ROUNDS]`.
let rounds = CommandLine.arguments.dropFirst().first.flatMap(Int.init) ?? 200
do {
    let policy = try RulesWorkload.policy()
    let messages = RulesWorkload.messages(count: 5_000)
    let figures = RulesWorkload.run(policy: policy, messages: messages, rounds: rounds)
    func grouped(_ value: Double) -> String {
        let digits = String(Int(value.rounded()))
        return digits.reversed().enumerated().reduce(into: "") { out, pair in
            if pair.offset > 0 && pair.offset % 3 == 0 { out.append(",") }
            out.append(pair.element)
        }.reversed().map(String.init).joined()
    }
    print(
        "rules benchmark: \(policy.ruleNames(for: .request).count) request rules, \(messages.count) messages x \(rounds) rounds"
    )
    print("decisions:        \(grouped(Double(figures.decisions))) in \(String(format: "%.3f", figures.seconds)) s")
    print("decisions/s:      \(grouped(figures.decisionsPerSecond))")
    print(
        "rule evaluations/s: \(grouped(figures.ruleEvaluationsPerSecond)) (\(String(format: "%.1f", Double(figures.ruleEvaluations) / Double(figures.decisions))) rules tried per decision)"
    )
    print(
        "decided by rule:  "
            + figures.decisionsByRule.sorted { $0.value > $1.value }.map { "\($0.key) \($0.value)" }.joined(
                separator: ", "))
} catch {
    print(error)
    exit(2)
}
