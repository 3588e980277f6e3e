import CheckedYAML

/// One thing a rule can ask about a message, declared like a SwiftLint rule: a
/// small type whose description (key, summary, examples) drives the checker,
/// the tests, the JSON Schema and `rules/README.md`.
protocol Condition: Sendable {
    static var description: ConditionDescription { get }
    /// Reads the condition's value; on a problem, reports it to `checker` and returns nil.
    init?(_ value: YAMLNode, _ checker: Checker)
    func matches(_ facts: PreparedFacts) -> Bool
    /// Plain words for the decision's reason, e.g. "the meeting recurs".
    func reason(_ facts: PreparedFacts) -> String
}

/// What a condition is, as data.
public struct ConditionDescription: Sendable {
    /// The YAML key. Never rename one: files in the field use it.
    public let key: String
    /// One sentence saying when the condition holds.
    public let summary: String
    public let value: ValueSpec
    /// The message kinds whose rules may use the condition.
    public let kinds: [MessageKind]
    /// Examples that must match, and examples that must not.
    public let matching: [ConditionExample]
    public let nonMatching: [ConditionExample]

    init(
        key: String, summary: String, value: ValueSpec, kinds: [MessageKind] = MessageKind.allCases,
        matching: [ConditionExample], nonMatching: [ConditionExample]
    ) {
        self.key = key
        self.summary = summary
        self.value = value
        self.kinds = kinds
        self.matching = matching
        self.nonMatching = nonMatching
    }
}

/// A condition's value and the facts of a message, both as YAML, with the kind
/// of message. Facts not given take the documented example defaults; settings
/// are `ConditionExample.settings`.
public struct ConditionExample: Sendable {
    /// The condition's value, e.g. `external` or `[sat, sun]`.
    public let value: String
    /// The message's facts as a YAML flow mapping body, e.g. `organizer: bob@fabrikam.com`.
    public let facts: String
    public let kind: MessageKind

    init(_ value: String, _ facts: String, kind: MessageKind = .request) {
        self.value = value
        self.facts = facts
        self.kind = kind
    }

    /// The settings every condition example is read with (also shown in the README).
    public static let settings = """
        version: 1
        timezone: Europe/Berlin
        internal_domains: [contoso.com]
        working_hours: { days: [mon, tue, wed, thu, fri], from: "08:00", to: "18:00" }
        booking_window: 180d
        lists:
          executives: [ceo@contoso.com, cfo@contoso.com]
          partners: ["*@fabrikam.com", northwind.com]
        """
}

/// Every condition, in documentation order. A key appears here once.
enum Conditions {
    static let all: [any Condition.Type] = [
        // Who
        PartyAddress<Organizer>.self, PartyDomain<Organizer>.self, PartyInList<Organizer>.self,
        PartyAddress<Sender>.self, PartyDomain<Sender>.self, PartyInList<Sender>.self,
        AttendeesInclude.self, AttendeesOver.self, AttendeesUnder.self,
        // What
        TextContains<Subject>.self, TextMatches<Subject>.self,
        TextContains<Location>.self, TextMatches<Location>.self,
        TextContains<Body>.self, TextMatches<Body>.self, HasComment.self,
        // When
        Weekdays.self, WithinWorkingHours.self, StartsWithin.self, StartsBeyond.self, InPast.self,
        NoticeUnder.self, DurationOver.self, DurationUnder.self, AllDay.self,
        // Series and conflicts
        Recurring.self, OccurrencesOver.self, BeyondBookingWindow.self,
        Conflicts.self, ConflictsOver.self, ConflictShareOver.self,
        // The message
        RequestTypeIs.self, CurrentAnswerIs.self, SensitivityIs.self, ResponseTypeIs.self, ProposesNewTime.self,
        // Combinators
        AllOf.self, AnyOf.self, NotCondition.self,
    ]

    static let byKey: [String: any Condition.Type] = Dictionary(
        all.map { ($0.description.key, $0) }, uniquingKeysWith: { first, _ in first })

    /// The descriptions, in documentation order.
    public static var descriptions: [ConditionDescription] { all.map { $0.description } }
}

/// The conditions of one `when` mapping, all of which must hold.
struct ConditionSet: Sendable {
    let conditions: [any Condition]

    /// Reads a `when`-style mapping for the checker's current kind; nil after reporting problems.
    init?(_ node: YAMLNode, _ checker: Checker, as what: String = "conditions") {
        guard let pairs = checker.mapping(node, as: what) else { return nil }
        guard !pairs.isEmpty else {
            checker.error(node, "\(what) is empty; leave 'when' out for a rule that matches every message")
            return nil
        }
        var conditions: [any Condition] = []
        var failed = false
        for (keyNode, value) in pairs {
            guard let key = checker.key(keyNode) else {
                failed = true
                continue
            }
            guard let type = Conditions.byKey[key] else {
                checker.error(
                    keyNode,
                    "unknown condition \(quoted(key))"
                        + Suggestion.hint(for: key, among: Conditions.all.map { $0.description.key }))
                failed = true
                continue
            }
            let description = type.description
            guard description.kinds.contains(checker.kind) else {
                checker.notApplicable(keyNode, key, description.kinds)
                failed = true
                continue
            }
            if let condition = type.init(value, checker) { conditions.append(condition) } else { failed = true }
        }
        if failed { return nil }
        self.conditions = conditions
    }

    init(_ conditions: [any Condition]) {
        self.conditions = conditions
    }

    func matches(_ facts: PreparedFacts) -> Bool {
        var i = 0
        while i < conditions.count {
            if !conditions[i].matches(facts) { return false }
            i += 1
        }
        return true
    }

    /// "a, b and c" from the conditions' reasons.
    func reason(_ facts: PreparedFacts) -> String {
        joinedWithAnd(conditions.map { $0.reason(facts) })
    }
}

/// "a", "a and b", "a, b and c".
func joinedWithAnd(_ parts: [String]) -> String {
    guard parts.count > 1, let last = parts.last else { return parts.first ?? "" }
    return parts.dropLast().joined(separator: ", ") + " and " + last
}

/// A condition whose value is `true` or `false` (stored as `expected`).
protocol FlagCondition: Condition {
    init(expected: Bool)
}

extension FlagCondition {
    init?(_ value: YAMLNode, _ checker: Checker) {
        guard let expected = checker.bool(value, Self.description.key) else { return nil }
        self.init(expected: expected)
    }
}

/// A condition whose value is a duration (stored as `span`).
protocol SpanCondition: Condition {
    init(span: TimeSpan)
}

extension SpanCondition {
    init?(_ value: YAMLNode, _ checker: Checker) {
        guard let span = checker.duration(value, Self.description.key) else { return nil }
        self.init(span: span)
    }
}

/// A condition whose value is a whole number (stored as `limit`).
protocol CountCondition: Condition {
    init(limit: Int)
}

extension CountCondition {
    init?(_ value: YAMLNode, _ checker: Checker) {
        guard let limit = checker.count(value, Self.description.key) else { return nil }
        self.init(limit: limit)
    }
}
