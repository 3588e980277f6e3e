import CheckedYAML

/// Reads the rules of one kind, and checks what only shows across rules.
enum RuleReader {
    struct Draft {
        var name: String?
        var when: ConditionSet?
        var whenGiven = false
        var whenFailed = false
        var action: Action?
        var comment: (text: String, node: YAMLNode)?
        var sendReply: (value: Bool, node: YAMLNode)?
    }

    static let fields: [Field<Draft>] = [
        Field(
            "name",
            "The rule's name, shown in decisions and reports and used by examples. Unnamed rules are called `requests-1`, `responses-2`…",
            .name, example: "name: too-long"
        ) { node, checker, draft in
            if let text = checker.text(node, "name"), checker.name(node, text) {
                if text == Decision.defaultRuleName {
                    checker.error(node, "the name 'default' is kept for decisions that no rule made")
                } else {
                    draft.name = text
                }
            }
        },
        Field(
            "when",
            "The conditions, all of which must hold. Leave it out for a rule that takes every message that reaches it.",
            ValueSpec("a mapping of conditions", shape: .conditions),
            example: "when: { organizer: external, recurring: true }"
        ) { node, checker, draft in
            draft.when = ConditionSet(node, checker, as: "'when'")
            draft.whenGiven = true
            draft.whenFailed = draft.when == nil
        },
        Field(
            "then",
            "The action: for requests `accept`, `tentative`, `decline` or `skip`; for responses `apply`, `keep` or `delete`; for cancellations `remove` or `keep`.",
            ValueSpec("an action of the rule's kind", shape: .action), example: "then: decline", required: true
        ) {
            node, checker, draft in draft.action = action(node, "then", checker)
        },
        Field(
            "comment", "The text sent with an `accept`, `tentative` or `decline`.",
            .text, example: "comment: \"Bookings are limited to 4 hours; please split the meeting.\"", kinds: [.request]
        ) {
            node, checker, draft in draft.comment = checker.text(node, "comment").map { ($0, node) }
        },
        Field(
            "send_reply",
            "Whether the answer is sent to the organizer (default true). With false the bot answers without sending a reply, as Outlook's \"Don't send a response\".",
            .bool, example: "send_reply: false", kinds: [.request]
        ) { node, checker, draft in
            draft.sendReply = checker.bool(node, "send_reply").map { ($0, node) }
        },
    ]

    /// An action word for the checker's current kind.
    static func action(_ node: YAMLNode, _ key: String, _ checker: Checker) -> Action? {
        let words = Action.words(for: checker.kind)
        if node.scalarType == .text, let word = node.scalarText, let action = Action(word, for: checker.kind) {
            return action
        }
        var hint = node.scalarText.map { Suggestion.hint(for: $0, among: words) } ?? ""
        if let word = node.scalarText, let other = MessageKind.allCases.first(where: { Action(word, for: $0) != nil }) {
            hint = " (\(quoted(word)) is an action for \(other.rulesKey))"
        }
        checker.expected(node, key, "one of " + words.joined(separator: ", "), hint: hint)
        return nil
    }

    /// A rule as written, even one with errors: enough to see duplicates and unreachable rules.
    struct Declared {
        let name: String
        let location: SourceLocation
        let takesEverything: Bool
    }

    /// The rules in `node`, a list; rules with errors are reported and left out of
    /// `rules` but kept in `declared`.
    static func rules(_ node: YAMLNode, _ checker: Checker) -> (rules: [Rule], declared: [Declared]) {
        guard case .sequence(let items) = node.content else {
            checker.expected(node, checker.kind.rulesKey, "a list of rules")
            return ([], [])
        }
        var rules: [Rule] = []
        var declared: [Declared] = []
        for (index, item) in items.enumerated() {
            var draft = Draft()
            guard checker.read(item, as: "a rule", fields: fields, into: &draft) else { continue }
            let name = draft.name ?? "\(checker.kind.rulesKey)-\(index + 1)"
            declared.append(Declared(name: name, location: item.location, takesEverything: !draft.whenGiven))
            guard !draft.whenFailed, let action = draft.action else { continue }
            if let comment = draft.comment, !action.replies {
                checker.error(
                    comment.node,
                    "'comment' goes with accept, tentative or decline, not with \(quoted(action.description))")
            }
            if let sendReply = draft.sendReply, !action.replies {
                checker.error(
                    sendReply.node,
                    "'send_reply' goes with accept, tentative or decline, not with \(quoted(action.description))")
            }
            if let comment = draft.comment, draft.sendReply?.value == false {
                checker.warning(comment.node, "the comment is never sent, because 'send_reply' is false")
            }
            rules.append(
                Rule(
                    name: name, position: index + 1,
                    location: item.location, action: action, comment: draft.comment?.text,
                    sendReply: draft.sendReply?.value ?? true, when: draft.when))
        }
        return (rules, declared)
    }

    /// Duplicate names (across the file: examples and reports name rules alone)
    /// and rules that follow a rule without conditions.
    static func crossCheck(_ declared: [MessageKind: [Declared]], _ checker: Checker) {
        var seen: [String: Declared] = [:]
        for kind in MessageKind.allCases {
            var catchAll: Declared?
            for rule in declared[kind] ?? [] {
                if let first = seen[rule.name] {
                    checker.report(
                        .error, rule.location,
                        "duplicate rule name \(quoted(rule.name)) (first used at line \(first.location.line))")
                } else {
                    seen[rule.name] = rule
                }
                if let catchAll {
                    checker.report(
                        .error, rule.location,
                        "rule \(quoted(rule.name)) can never match: rule \(quoted(catchAll.name)) at line "
                            + "\(catchAll.location.line) has no 'when' and takes every \(kind.rawValue) first")
                } else if rule.takesEverything {
                    catchAll = rule
                }
            }
        }
    }
}
