import CheckedYAML

/// A condition whose value is one word of a fixed set, or a list of them (stored as `choices`).
protocol ChoiceCondition: Condition {
    associatedtype Choice: CaseIterable & RawRepresentable & Hashable & Sendable where Choice.RawValue == String
    init(choices: Set<Choice>)
}

extension ChoiceCondition {
    init?(_ value: YAMLNode, _ checker: Checker) {
        let key = Self.description.key
        guard let choices = checker.oneOrMore(value, key, { checker.choice($0, key, Choice.self) }) else { return nil }
        self.init(choices: Set(choices))
    }

    static var words: [String] { Choice.allCases.map(\.rawValue) }
}

/// `request_type: full_update`.
struct RequestTypeIs: ChoiceCondition {
    static let description = ConditionDescription(
        key: "request_type",
        summary:
            "The request is new, a full update (time, place or recurrence changed), an informational update (nothing the answer depends on changed), a silent update, the mailbox's copy of a request its delegate received (`principal_wants_copy`), out of date, or of no type (`none`), as Exchange's MeetingRequestType says.",
        value: .choice(words),
        kinds: [.request],
        matching: [
            .init("new", "request_type: new"),
            .init("[full_update, informational_update]", "request_type: informational_update"),
        ],
        nonMatching: [.init("informational_update", "request_type: full_update")])

    let choices: Set<MeetingFacts.RequestType>

    func matches(_ facts: PreparedFacts) -> Bool { choices.contains(facts.facts.requestType) }
    func reason(_ facts: PreparedFacts) -> String {
        switch facts.facts.requestType {
        case .new: "the request is new"
        case .fullUpdate: "the request is a full update"
        case .informationalUpdate: "the request is an informational update"
        case .silentUpdate: "the request is a silent update"
        case .principalWantsCopy: "the request is the mailbox's copy of one its delegate received"
        case .outdated: "the request is out of date"
        case .untyped: "the request has no type"
        }
    }
}

/// `current_answer: accepted`: what the mailbox has answered so far.
struct CurrentAnswerIs: ChoiceCondition {
    static let description = ConditionDescription(
        key: "current_answer",
        summary:
            "The mailbox's current answer to the meeting is one of these (`none` for a meeting it has not answered, such as a new request), so that an update of a declined meeting is not accepted like one of an accepted meeting.",
        value: .choice(words),
        kinds: [.request],
        matching: [
            .init("accepted", "request_type: informational_update, current_answer: accepted"),
            .init("[none, tentative]", "request_type: new"),
        ],
        nonMatching: [.init("accepted", "request_type: informational_update, current_answer: declined")])

    let choices: Set<MeetingFacts.CurrentAnswer>

    func matches(_ facts: PreparedFacts) -> Bool { choices.contains(facts.facts.currentAnswer) }
    func reason(_ facts: PreparedFacts) -> String {
        switch facts.facts.currentAnswer {
        case .noAnswer: "the mailbox has not answered the meeting"
        case .accepted: "the mailbox has accepted the meeting"
        case .tentative: "the mailbox has accepted the meeting tentatively"
        case .declined: "the mailbox has declined the meeting"
        }
    }
}

/// `sensitivity: [private, confidential]`.
struct SensitivityIs: ChoiceCondition {
    static let description = ConditionDescription(
        key: "sensitivity",
        summary: "The organizer marked the meeting with one of these sensitivities.",
        value: .choice(words),
        matching: [.init("[private, confidential]", "sensitivity: private")],
        nonMatching: [.init("private", "sensitivity: normal")])

    let choices: Set<MeetingFacts.Sensitivity>

    func matches(_ facts: PreparedFacts) -> Bool { choices.contains(facts.facts.sensitivity) }
    func reason(_ facts: PreparedFacts) -> String { "the meeting is marked \(facts.facts.sensitivity.rawValue)" }
}

/// `response_type: declined`.
struct ResponseTypeIs: ChoiceCondition {
    static let description = ConditionDescription(
        key: "response_type",
        summary: "The attendee answered with one of these.",
        value: .choice(words),
        kinds: [.response],
        matching: [.init("[accepted, tentative]", "response_type: tentative", kind: .response)],
        nonMatching: [.init("declined", "response_type: accepted", kind: .response)])

    let choices: Set<MeetingFacts.ResponseType>

    func matches(_ facts: PreparedFacts) -> Bool { facts.facts.responseType.map(choices.contains) ?? false }
    func reason(_ facts: PreparedFacts) -> String {
        switch facts.facts.responseType {
        case .accepted: "the attendee accepted"
        case .tentative: "the attendee accepted tentatively"
        case .declined: "the attendee declined"
        case nil: "the message carries no answer"
        }
    }
}

/// `proposes_new_time: true`.
struct ProposesNewTime: FlagCondition {
    static let description = ConditionDescription(
        key: "proposes_new_time",
        summary: "The attendee proposes a new time for the meeting (true), or does not (false).",
        value: .bool,
        kinds: [.response],
        matching: [
            .init("true", "proposed_start: \"2026-06-02T11:00\", proposed_end: \"2026-06-02T12:00\"", kind: .response),
            .init("false", "response_type: accepted", kind: .response),
        ],
        nonMatching: [.init("true", "response_type: declined", kind: .response)])

    let expected: Bool

    private func proposes(_ facts: MeetingFacts) -> Bool { facts.proposedStart != nil || facts.proposedEnd != nil }

    func matches(_ facts: PreparedFacts) -> Bool { proposes(facts.facts) == expected }
    func reason(_ facts: PreparedFacts) -> String {
        proposes(facts.facts) ? "the attendee proposes a new time" : "the attendee proposes no new time"
    }
}
