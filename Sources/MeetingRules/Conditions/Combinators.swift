import CheckedYAML

extension Checker {
    /// Reads the condition mappings of a combinator one level deeper, refusing
    /// nesting that only a generated or hostile file would have.
    func nested<T>(_ node: YAMLNode, _ key: String, _ read: () -> T?) -> T? {
        guard depth < Self.maxDepth else {
            error(node, "\(quoted(key)) nests more than \(Self.maxDepth) levels deep")
            return nil
        }
        depth += 1
        defer { depth -= 1 }
        return read()
    }

    /// A non-empty list of condition mappings, for `all` and `any`.
    func conditionSets(_ node: YAMLNode, _ key: String) -> [ConditionSet]? {
        nested(node, key) {
            guard case .sequence(let items) = node.content, !items.isEmpty else {
                expected(node, key, "a list of condition mappings")
                return nil
            }
            let sets = items.map { ConditionSet($0, self, as: "a condition mapping") }
            return sets.contains { $0 == nil } ? nil : sets.compactMap { $0 }
        }
    }
}

/// `all: [{…}, {…}]`: every mapping holds.
struct AllOf: Condition {
    static let description = ConditionDescription(
        key: "all",
        summary:
            "Every one of these condition mappings holds (as the conditions of one `when` do; useful inside `any` and `not`).",
        value: ValueSpec("a list of condition mappings", shape: .conditionList),
        matching: [
            .init("[{ recurring: true }, { organizer: external }]", "recurring: true, organizer: bob@fabrikam.com")
        ],
        nonMatching: [
            .init("[{ recurring: true }, { organizer: external }]", "recurring: true, organizer: ann@contoso.com")
        ])

    let sets: [ConditionSet]

    init?(_ value: YAMLNode, _ checker: Checker) {
        guard let sets = checker.conditionSets(value, Self.description.key) else { return nil }
        self.sets = sets
    }

    func matches(_ facts: PreparedFacts) -> Bool {
        for set in sets where !set.matches(facts) { return false }
        return true
    }

    func reason(_ facts: PreparedFacts) -> String { joinedWithAnd(sets.map { $0.reason(facts) }) }
}

/// `any: [{…}, {…}]`: at least one mapping holds.
struct AnyOf: Condition {
    static let description = ConditionDescription(
        key: "any",
        summary: "At least one of these condition mappings holds.",
        value: ValueSpec("a list of condition mappings", shape: .conditionList),
        matching: [
            .init("[{ weekdays: [sat, sun] }, { within_working_hours: false }]", "start: \"2026-06-02T20:00\"")
        ],
        nonMatching: [
            .init("[{ weekdays: [sat, sun] }, { within_working_hours: false }]", "start: \"2026-06-02T10:00\"")
        ])

    let sets: [ConditionSet]

    init?(_ value: YAMLNode, _ checker: Checker) {
        guard let sets = checker.conditionSets(value, Self.description.key) else { return nil }
        self.sets = sets
    }

    func matches(_ facts: PreparedFacts) -> Bool {
        for set in sets where set.matches(facts) { return true }
        return false
    }

    /// The reason of the mapping that held.
    func reason(_ facts: PreparedFacts) -> String {
        (sets.first { $0.matches(facts) } ?? sets[0]).reason(facts)
    }
}

/// `not: {…}`: the mapping does not hold.
struct NotCondition: Condition {
    static let description = ConditionDescription(
        key: "not",
        summary: "This condition mapping does not hold (when it has several conditions: not all of them hold).",
        value: ValueSpec("a condition mapping", shape: .conditions),
        matching: [.init("{ organizer_domain: contoso.com }", "organizer: bob@fabrikam.com")],
        nonMatching: [.init("{ organizer_domain: contoso.com }", "organizer: ann@contoso.com")])

    let set: ConditionSet

    init?(_ value: YAMLNode, _ checker: Checker) {
        guard
            let set = checker.nested(
                value, Self.description.key,
                {
                    ConditionSet(value, checker, as: "a condition mapping")
                })
        else { return nil }
        self.set = set
    }

    func matches(_ facts: PreparedFacts) -> Bool { !set.matches(facts) }
    func reason(_ facts: PreparedFacts) -> String { "not (\(set.reason(facts)))" }
}
