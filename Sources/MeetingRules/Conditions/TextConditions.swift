import CheckedYAML

/// Which text a condition searches: subject, location or body.
protocol TextField: Sendable {
    /// The key prefix and fact name: `subject`.
    static var key: String { get }
    static func folded(_ facts: PreparedFacts) -> FoldedText
    static func raw(_ facts: MeetingFacts) -> String
}

enum Subject: TextField {
    static let key = "subject"
    static func folded(_ facts: PreparedFacts) -> FoldedText { facts.subject }
    static func raw(_ facts: MeetingFacts) -> String { facts.subject }
}

enum Location: TextField {
    static let key = "location"
    static func folded(_ facts: PreparedFacts) -> FoldedText { facts.location }
    static func raw(_ facts: MeetingFacts) -> String { facts.location }
}

enum Body: TextField {
    static let key = "body"
    static func folded(_ facts: PreparedFacts) -> FoldedText { facts.body }
    static func raw(_ facts: MeetingFacts) -> String { facts.body }
}

/// `subject_contains: [confidential, "board meeting"]`.
struct TextContains<F: TextField>: Condition {
    static var description: ConditionDescription {
        ConditionDescription(
            key: F.key + "_contains",
            summary: "The \(F.key) contains one of these texts, ignoring case.",
            value: .texts,
            matching: [
                .init("budget", "\(F.key): Budget review Q3"),
                .init("[interview, hiring]", "\(F.key): \"Hiring: Interview round 2\""),
            ],
            nonMatching: [
                .init("budget", "\(F.key): Team lunch"),
                .init("[interview, hiring]", "\(F.key): \"\""),
            ])
    }

    let needles: [FoldedText]

    init?(_ value: YAMLNode, _ checker: Checker) {
        guard
            let texts = checker.oneOrMore(
                value, Self.description.key,
                { node -> String? in
                    guard let text = checker.text(node, Self.description.key) else { return nil }
                    if text.isEmpty {
                        checker.error(node, "\(quoted(Self.description.key)) needs a text that is not empty")
                    }
                    return text.isEmpty ? nil : text
                })
        else { return nil }
        needles = texts.map(FoldedText.init)
    }

    func matches(_ facts: PreparedFacts) -> Bool {
        let text = F.folded(facts)
        return needles.contains(where: text.contains)
    }

    func reason(_ facts: PreparedFacts) -> String {
        let text = F.folded(facts)
        let needle = needles.first(where: text.contains) ?? needles[0]
        return "the \(F.key) contains \(quoted(needle.string))"
    }
}

/// `subject_matches: '^\[ext\]'`.
struct TextMatches<F: TextField>: Condition {
    static var description: ConditionDescription {
        ConditionDescription(
            key: F.key + "_matches",
            summary:
                "The \(F.key) matches this regular expression, ignoring case (a repetition inside a repetition, such as `(a+)+`, is refused because it can take exponential time).",
            value: .regex,
            matching: [
                .init("'^\\[ext(ernal)?\\]'", "\(F.key): \"[EXTERNAL] Partner sync\""),
                .init("'\\bq[1-4]\\b'", "\(F.key): Review for q3"),
            ],
            nonMatching: [
                .init("'^\\[ext(ernal)?\\]'", "\(F.key): \"Re: [ext] Partner sync\""),
                .init("'\\bq[1-4]\\b'", "\(F.key): Review for q5"),
            ])
    }

    let regex: TextRegex

    init?(_ value: YAMLNode, _ checker: Checker) {
        guard let regex = checker.regex(value, Self.description.key) else { return nil }
        self.regex = regex
    }

    func matches(_ facts: PreparedFacts) -> Bool { regex.matches(F.raw(facts.facts)) }
    func reason(_ facts: PreparedFacts) -> String { "the \(F.key) matches \(quoted(regex.source))" }
}

/// `has_comment: true`.
struct HasComment: FlagCondition {
    static let description = ConditionDescription(
        key: "has_comment",
        summary:
            "The sender wrote something in the body (true), or left it empty (false). On a response this is the attendee's comment.",
        value: .bool,
        matching: [
            .init("true", "body: Can we start at ten instead?", kind: .response),
            .init("false", "body: \"  \"", kind: .response),
        ],
        nonMatching: [.init("true", "body: \"\"", kind: .response)])

    let expected: Bool

    func matches(_ facts: PreparedFacts) -> Bool { facts.facts.hasComment == expected }
    func reason(_ facts: PreparedFacts) -> String {
        facts.facts.hasComment ? "the sender wrote a comment" : "the sender wrote no comment"
    }
}
