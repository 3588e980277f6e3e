import CheckedYAML

/// An example from a rules file: a message and the decision it must get.
struct RuleExample: Sendable {
    /// "example 3", or the example's `name`.
    let title: String
    let location: SourceLocation
    let facts: MeetingFacts
    let expectation: Expectation
}

/// What an example pins; only the keys it gives are compared.
struct Expectation: Sendable {
    var action: Action?
    var rule: String?
    var comment: String?
    var reason: String?
    var sendReply: Bool?

    /// What differs between this expectation and `decision`, in words.
    func mismatches(_ decision: Decision) -> [String] {
        var found: [String] = []
        func compare<T: Equatable>(_ what: String, _ expected: T?, _ got: T, _ show: (T) -> String) {
            if let expected, expected != got { found.append("\(what) \(show(expected)), got \(show(got))") }
        }
        compare("action", action, decision.action) { $0.description }
        compare("rule", rule, decision.rule) { quoted($0) }
        compare("comment", comment, decision.comment ?? "") { quoted($0) }
        compare("reason", reason, decision.reason) { quoted($0) }
        compare("send_reply", sendReply, decision.sendReply) { String($0) }
        return found
    }
}

/// The outcome of running one example.
public struct ExampleResult: Sendable, CustomStringConvertible {
    /// "example 3", or the example's name.
    public let title: String
    public let location: SourceLocation
    /// The decision the rules made.
    public let decision: Decision
    /// What differed from the expectation, e.g. "expected action accept, got decline"; empty when it passed.
    public let mismatches: [String]

    public var passed: Bool { mismatches.isEmpty }

    /// `rules/room.yml:40:5: example 'late-booking' failed: expected action accept, got decline (by rule 'busy': …)`
    public var description: String {
        guard !passed else { return "\(location): \(title) passed" }
        return "\(location): \(title) failed: expected " + mismatches.joined(separator: "; expected ")
            + " (decided by rule \(quoted(decision.rule)): \(decision.reason))"
    }
}

extension Policy {
    /// Runs the file's examples through the engine.
    public func runExamples() -> [ExampleResult] {
        examples.map { example in
            let decision = decide(example.facts)
            return ExampleResult(
                title: example.title, location: example.location, decision: decision,
                mismatches: example.expectation.mismatches(decision))
        }
    }

    /// How many examples the file has.
    public var exampleCount: Int { examples.count }
}

/// Reads the `examples` list.
enum ExampleReader {
    struct Draft {
        var name: String?
        var message: (kind: MessageKind, node: YAMLNode)?
        var expect: YAMLNode?
    }

    static let fields: [Field<Draft>] =
        [
            Field("name", "A name for the example, shown when it fails.", .text, example: "name: external-series") {
                n, c, d in d.name = c.text(n, "name")
            }
        ]
        + MessageKind.allCases.map { kind in
            Field(
                kind.rawValue,
                "The \(kind.rawValue)'s facts (see below). An example has exactly one of `request`, `response`, `cancellation`.",
                ValueSpec("a mapping of facts", Schema.ref("\(kind.rawValue)_facts")),
                example: factsExample[kind] ?? ""
            ) { n, c, d in
                if d.message != nil {
                    c.error(n, "an example describes one message; it already has a \(d.message?.kind.rawValue ?? "")")
                } else {
                    d.message = (kind, n)
                }
            }
        } + [
            Field(
                "expect", "The decision the message must get.", ValueSpec("a mapping", Schema.ref("expect")),
                example: "expect: { action: decline, rule: too-long }", required: true
            ) { n, _, d in d.expect = n }
        ]

    private static let factsExample: [MessageKind: String] = [
        .request: "request: { organizer: ann@contoso.com, start: \"2026-12-01T09:00\", duration: 90m }",
        .response: "response: { sender: bob@fabrikam.com, response_type: declined }",
        .cancellation: "cancellation: { organizer: ann@contoso.com }",
    ]

    /// The keys of `expect`.
    static let expectFields: [Field<Expectation>] = [
        Field(
            "action", "The action the decision must have.",
            ValueSpec("an action of the message's kind", shape: .action),
            example: "action: accept", required: true
        ) { n, c, e in e.action = RuleReader.action(n, "action", c) },
        Field("rule", "The rule that must decide, or `default` when none may match.", .text, example: "rule: in-hours")
        { n, c, e in
            e.rule = c.text(n, "rule")
        },
        Field(
            "comment", "The exact comment the reply must carry (empty for none).", .text,
            example: "comment: \"The room is booked.\""
        ) {
            n, c, e in e.comment = c.text(n, "comment")
        },
        Field(
            "reason", "The exact reason the decision must give.", .text,
            example: "reason: \"the organizer bob@fabrikam.com is external and the meeting recurs\""
        ) { n, c, e in
            e.reason = c.text(n, "reason")
        },
        Field("send_reply", "Whether a reply must be sent.", .bool, example: "send_reply: false") { n, c, e in
            e.sendReply = c.bool(n, "send_reply")
        },
    ]

    /// The examples in `node`; `ruleNames` are the rules of each kind, for `expect: { rule: … }`.
    static func examples(_ node: YAMLNode, ruleNames: [MessageKind: [String]], _ checker: Checker) -> [RuleExample] {
        guard case .sequence(let items) = node.content else {
            checker.expected(node, "examples", "a list of examples")
            return []
        }
        return items.enumerated().compactMap { index, item in
            example(item, number: index + 1, ruleNames: ruleNames, checker)
        }
    }

    private static func example(_ item: YAMLNode, number: Int, ruleNames: [MessageKind: [String]], _ checker: Checker)
        -> RuleExample?
    {
        var draft = Draft()
        guard checker.read(item, as: "an example", fields: fields, into: &draft) else { return nil }
        guard let message = draft.message else {
            checker.error(item, "an example needs one of 'request', 'response' or 'cancellation'")
            return nil
        }
        checker.kind = message.kind
        // The facts and the expectation are both checked, so that one pass shows the problems of each.
        let facts = FactFields.read(message.node, checker)
        guard let expectNode = draft.expect else { return nil }
        var expectation = Expectation()
        guard checker.read(expectNode, as: "'expect'", fields: expectFields, into: &expectation) else { return nil }
        if let rule = expectation.rule {
            let names = (ruleNames[message.kind] ?? []) + [Decision.defaultRuleName]
            if !names.contains(rule) {
                let at = expectNode.pairs.first { $0.key.scalarText == "rule" }?.value ?? expectNode
                checker.error(
                    at,
                    "no \(message.kind.rawValue) rule is named \(quoted(rule))"
                        + Suggestion.hint(for: rule, among: names))
                return nil
            }
        }
        guard let facts else { return nil }
        let title = draft.name.map { "example \(quoted($0))" } ?? "example \(number)"
        return RuleExample(title: title, location: item.location, facts: facts, expectation: expectation)
    }
}
