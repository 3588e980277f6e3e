import CheckedYAML

/// One rule of a checked file.
struct Rule: Sendable {
    let name: String
    /// 1-based position in its kind's list.
    let position: Int
    let location: SourceLocation
    let action: Action
    let comment: String?
    let sendReply: Bool
    /// The conditions of `when`; nil when the rule matches every message.
    let when: ConditionSet?
}

/// The rules of one kind, with their conditions kept apart for a tight loop
/// that copies nothing.
struct RuleList: Sendable {
    let rules: [Rule]
    /// Each rule's `when`; nil matches every message.
    private let matchers: [ConditionSet?]

    init(_ rules: [Rule]) {
        self.rules = rules
        matchers = rules.map(\.when)
    }

    /// The index of the first rule whose conditions hold.
    func firstMatch(_ facts: PreparedFacts) -> Int? {
        var i = 0
        while i < matchers.count {
            if matchers[i]?.matches(facts) ?? true { return i }
            i += 1
        }
        return nil
    }
}

/// A rules file that passed the checker: the only thing the engine decides with.
///
/// There is no public way to make one except checking a file, so a file with
/// errors can never decide anything (PRODUCT.md section 7, rule 2).
public struct Policy: Sendable {
    /// The file's path as it was given.
    public let file: String
    public let settings: Settings
    private let requests: RuleList, responses: RuleList, cancellations: RuleList
    let examples: [RuleExample]

    init(file: String, settings: Settings, rules: [MessageKind: [Rule]], examples: [RuleExample]) {
        self.file = file
        self.settings = settings
        requests = RuleList(rules[.request] ?? [])
        responses = RuleList(rules[.response] ?? [])
        cancellations = RuleList(rules[.cancellation] ?? [])
        self.examples = examples
    }

    private func rules(for kind: MessageKind) -> RuleList {
        switch kind {
        case .request: requests
        case .response: responses
        case .cancellation: cancellations
        }
    }

    /// The engine: the first rule of the message's kind whose conditions all hold
    /// chooses the action; when none does, the kind's default applies.
    public func decide(_ facts: MeetingFacts) -> Decision {
        let prepared = PreparedFacts(facts, settings: settings)
        let list = rules(for: facts.kind)
        if let index = list.firstMatch(prepared) {
            let rule = list.rules[index]
            let replies = rule.action.replies
            return Decision(
                action: rule.action, rule: rule.name, rulePosition: rule.position, ruleLocation: rule.location,
                reason: rule.when?.reason(prepared) ?? "no earlier rule matched",
                comment: replies && rule.sendReply ? rule.comment : nil,
                sendReply: replies && rule.sendReply)
        }
        let fallback = Action.fallback(for: facts.kind)
        return Decision(
            action: fallback, rule: Decision.defaultRuleName, rulePosition: nil, ruleLocation: nil,
            reason: "no rule matched, and the default for a \(facts.kind.rawValue) is \(fallback)",
            comment: nil, sendReply: false)
    }

    /// The names of the rules for `kind`, in order.
    public func ruleNames(for kind: MessageKind) -> [String] {
        rules(for: kind).rules.map(\.name)
    }

    /// Checks a rules file's text. `file` is the path to show in diagnostics.
    public static func check(_ text: String, file: String) -> CheckReport {
        let (policy, diagnostics) = FileChecker.check(text, file: file)
        return CheckReport(file: file, source: text, diagnostics: diagnostics, policy: policy)
    }

    /// Reads and checks the file at `path`.
    public static func check(contentsOf path: String) -> CheckReport {
        switch YAMLReader.text(contentsOf: path) {
        case .success(let text): check(text, file: path)
        case .failure(let problem): CheckReport(file: path, source: "", diagnostics: [problem], policy: nil)
        }
    }

    /// The checked policy in the file at `path`, or an error carrying every diagnostic.
    public static func load(contentsOf path: String) throws(PolicyError) -> Policy {
        try check(contentsOf: path).usablePolicy()
    }
}

/// What checking one file found: its diagnostics (errors and warnings, in file
/// order) and, when there are no errors, the policy.
public struct CheckReport: Sendable {
    public let file: String
    /// The text that was checked, for showing the lines diagnostics point at.
    public let source: String
    public let diagnostics: [Diagnostic]
    /// Present exactly when there are no errors.
    public let policy: Policy?

    /// The policy, or an error carrying every diagnostic when the file has errors.
    public func usablePolicy() throws(PolicyError) -> Policy {
        guard let policy else { throw PolicyError(report: self) }
        return policy
    }

    public var errors: [Diagnostic] { diagnostics.filter { $0.severity == .error } }
    public var warnings: [Diagnostic] { diagnostics.filter { $0.severity == .warning } }

    /// Every diagnostic with its source line and caret.
    public var rendered: String {
        diagnostics.map { $0.rendered(source: source) }.joined(separator: "\n")
    }
}

/// A rules file that cannot be used, with everything that is wrong with it.
public struct PolicyError: Error, Sendable, CustomStringConvertible {
    public let report: CheckReport

    public var description: String {
        let count = report.errors.count
        return "\(report.file): \(count) error\(count == 1 ? "" : "s"); the rules cannot be used\n" + report.rendered
    }
}
