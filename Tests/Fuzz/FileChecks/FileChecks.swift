import CheckedYAML
import MeetingBot
import MeetingRules
import RulesWorkload

/// One hostile rules or configuration file through its reader: each must give
/// a usable value or errors located in the file (`file:line:column`), never a
/// crash or a hang. Shared by the seeded tests and the libFuzzer target.
public enum FileChecks {
    /// What a reader made of a file.
    public enum Outcome: Sendable, Equatable {
        /// A usable policy or configuration.
        case accepted
        /// Refused with located errors.
        case refused
        /// Neither, or errors that do not say where: a bug.
        case problem(String)
    }

    static let file = "/fuzz/input.yml"
    static let facts = RulesWorkload.messages(count: 20, seed: 20_260_329)

    /// A rules file: a policy that runs its examples and decides seeded
    /// messages, or located errors.
    public static func rules(_ text: String) -> Outcome {
        let report = Policy.check(text, file: file)
        if let problem = unlocated(report.diagnostics, in: text) { return .problem(problem) }
        guard let policy = report.policy else {
            return report.errors.isEmpty ? .problem("no policy and no error") : .refused
        }
        guard report.errors.isEmpty else { return .problem("a policy despite errors: \(report.errors)") }
        _ = policy.runExamples()
        for message in facts { _ = policy.decide(message) }
        return .accepted
    }

    /// A configuration file: a configuration, or located errors.
    public static func configuration(_ text: String) -> Outcome {
        switch BotConfiguration.check(text, file: file) {
        case .success: return .accepted
        case .failure(let error):
            if error.diagnostics.isEmpty { return .problem("a configuration error without diagnostics") }
            return unlocated(error.diagnostics, in: text).map { .problem($0) } ?? .refused
        }
    }

    /// The first diagnostic that does not name the file, a line of it (as
    /// YAML counts lines) and a column, or has no message.
    static func unlocated(_ diagnostics: [Diagnostic], in text: String) -> String? {
        let lines = yamlLines(text).count
        for d in diagnostics {
            let located = d.location.file == file && (1...lines + 1).contains(d.location.line) && d.location.column >= 1
            if !located || d.message.isEmpty { return "not located or without a message: \(d)" }
        }
        return nil
    }
}
