import CheckedYAML

/// Whose address a condition looks at: the organizer or the sender. The address
/// conditions are generic over it so that both get the same three forms.
protocol Party: Sendable {
    /// The key prefix and fact name: `organizer`, `sender`.
    static var key: String { get }
    /// Who that is, for summaries.
    static var who: String { get }
    static func address(_ facts: PreparedFacts) -> FoldedAddress
}

enum Organizer: Party {
    static let key = "organizer"
    static let who = "the meeting's organizer"
    static func address(_ facts: PreparedFacts) -> FoldedAddress { facts.organizer }
}

enum Sender: Party {
    static let key = "sender"
    static let who = "the message's sender (for a response, the attendee who answered)"
    static func address(_ facts: PreparedFacts) -> FoldedAddress { facts.sender }
}

/// Address patterns, any of which may match one address.
struct PatternSet: Sendable {
    let patterns: [AddressPattern]

    func matches(_ address: FoldedAddress) -> Bool {
        patterns.contains { $0.matches(address) }
    }

    /// The pattern that matched (or the first, when none did), in words.
    func phrase(_ who: String, _ address: FoldedAddress) -> String {
        guard let pattern = patterns.first(where: { $0.matches(address) }) ?? patterns.first else { return who }
        return "\(who) \(pattern.phrase(for: address))"
    }
}

/// `organizer: external`, `sender: [ann@contoso.com, "*@fabrikam.com"]`.
struct PartyAddress<P: Party>: Condition {
    static var description: ConditionDescription {
        ConditionDescription(
            key: P.key,
            summary:
                "\(P.who.capitalizedFirst) is one of these addresses, matches one of these wildcards, or is internal or external (by `internal_domains`).",
            value: .addresses,
            matching: [
                .init("external", "\(P.key): bob@fabrikam.com"),
                .init("[ann@contoso.com, \"*@fabrikam.com\"]", "\(P.key): Ann@Contoso.com"),
                .init("\"*@*.fabrikam.com\"", "\(P.key): bob@eu.fabrikam.com"),
            ],
            nonMatching: [
                .init("external", "\(P.key): ann@eu.contoso.com"),
                .init("\"*@fabrikam.com\"", "\(P.key): bob@eu.fabrikam.com"),
            ])
    }

    let patterns: PatternSet

    init?(_ value: YAMLNode, _ checker: Checker) {
        guard
            let patterns = checker.oneOrMore(
                value, P.key,
                {
                    checker.addressPattern($0, P.key, domainKey: P.key + "_domain")
                })
        else { return nil }
        self.patterns = PatternSet(patterns: patterns)
    }

    func matches(_ facts: PreparedFacts) -> Bool { patterns.matches(P.address(facts)) }
    func reason(_ facts: PreparedFacts) -> String { patterns.phrase("the \(P.key)", P.address(facts)) }
}

/// `organizer_domain: contoso.com`.
struct PartyDomain<P: Party>: Condition {
    static var description: ConditionDescription {
        ConditionDescription(
            key: P.key + "_domain",
            summary: "\(P.who.capitalizedFirst) has an address in one of these domains or their subdomains.",
            value: .domains,
            matching: [
                .init("contoso.com", "\(P.key): ann@contoso.com"),
                .init("[fabrikam.com, contoso.com]", "\(P.key): ann@eu.contoso.com"),
            ],
            nonMatching: [
                .init("contoso.com", "\(P.key): bob@fabrikam.com"),
                .init("contoso.com", "\(P.key): eve@notcontoso.com"),
            ])
    }

    let patterns: PatternSet

    init?(_ value: YAMLNode, _ checker: Checker) {
        guard
            let domains = checker.oneOrMore(
                value, Self.description.key,
                {
                    checker.domain($0, Self.description.key)
                })
        else { return nil }
        patterns = PatternSet(patterns: [.domain(DomainSet(domains))])
    }

    func matches(_ facts: PreparedFacts) -> Bool { patterns.matches(P.address(facts)) }
    func reason(_ facts: PreparedFacts) -> String { patterns.phrase("the \(P.key)", P.address(facts)) }
}

/// `organizer_in: executives`: a named list from the settings.
struct PartyInList<P: Party>: Condition {
    static var description: ConditionDescription {
        ConditionDescription(
            key: P.key + "_in",
            summary: "\(P.who.capitalizedFirst) is on one of these lists (defined under `lists`).",
            value: .listNames,
            matching: [
                .init("executives", "\(P.key): CEO@contoso.com"),
                .init("[executives, partners]", "\(P.key): bob@northwind.com"),
            ],
            nonMatching: [
                .init("executives", "\(P.key): ann@contoso.com"),
                .init("partners", "\(P.key): bob@fabrikam.org"),
            ])
    }

    let lists: [(name: String, patterns: PatternSet)]

    init?(_ value: YAMLNode, _ checker: Checker) {
        guard
            let names = checker.oneOrMore(
                value, Self.description.key,
                { node in
                    checker.listName(node, Self.description.key).map {
                        (node.scalarText ?? "", PatternSet(patterns: $0))
                    }
                })
        else { return nil }
        lists = names
    }

    func matches(_ facts: PreparedFacts) -> Bool {
        let address = P.address(facts)
        return lists.contains { $0.patterns.matches(address) }
    }

    func reason(_ facts: PreparedFacts) -> String {
        let address = P.address(facts)
        let list = lists.first { $0.patterns.matches(address) } ?? lists[0]
        return "the \(P.key) \(address.string) is on the list \(quoted(list.name))"
    }
}

/// `attendees_include: room-42@contoso.com`.
struct AttendeesInclude: Condition {
    static let description = ConditionDescription(
        key: "attendees_include",
        summary:
            "One of the attendees is one of these addresses, matches one of these wildcards, or is internal or external.",
        value: .addresses,
        matching: [
            .init("ceo@contoso.com", "attendees: [ann@contoso.com, CEO@contoso.com]"),
            .init("external", "attendees: [ann@contoso.com, bob@fabrikam.com]"),
        ],
        nonMatching: [
            .init("ceo@contoso.com", "attendees: [ann@contoso.com]"),
            .init("external", "attendees: []"),
        ])

    let patterns: PatternSet

    init?(_ value: YAMLNode, _ checker: Checker) {
        guard
            let patterns = checker.oneOrMore(
                value, Self.description.key,
                {
                    checker.addressPattern($0, Self.description.key, domainKey: nil)
                })
        else { return nil }
        self.patterns = PatternSet(patterns: patterns)
    }

    func matches(_ facts: PreparedFacts) -> Bool { facts.attendees.contains(where: patterns.matches) }

    func reason(_ facts: PreparedFacts) -> String {
        guard let attendee = facts.attendees.first(where: patterns.matches) else {
            return "an attendee matches " + patterns.patterns.map(\.text).joined(separator: " or ")
        }
        return patterns.phrase("the attendee", attendee)
    }
}

/// `attendees_over: 10`.
struct AttendeesOver: CountCondition {
    static let description = ConditionDescription(
        key: "attendees_over",
        summary: "The meeting has more than this many attendees.",
        value: .count,
        matching: [.init("2", "attendees: [a@contoso.com, b@contoso.com, c@contoso.com]")],
        nonMatching: [.init("2", "attendees: [a@contoso.com, b@contoso.com]")])

    let limit: Int

    func matches(_ facts: PreparedFacts) -> Bool { facts.facts.attendees.count > limit }
    func reason(_ facts: PreparedFacts) -> String {
        "the meeting has \(facts.facts.attendees.count) attendees, more than \(limit)"
    }
}

/// `attendees_under: 2`.
struct AttendeesUnder: CountCondition {
    static let description = ConditionDescription(
        key: "attendees_under",
        summary: "The meeting has fewer than this many attendees.",
        value: .count,
        matching: [.init("2", "attendees: [a@contoso.com]")],
        nonMatching: [.init("2", "attendees: [a@contoso.com, b@contoso.com]")])

    let limit: Int

    func matches(_ facts: PreparedFacts) -> Bool { facts.facts.attendees.count < limit }
    func reason(_ facts: PreparedFacts) -> String {
        "the meeting has \(facts.facts.attendees.count) attendees, fewer than \(limit)"
    }
}

extension String {
    /// The first letter in upper case: "The meeting's organizer".
    var capitalizedFirst: String { prefix(1).uppercased() + dropFirst() }
}
