import CheckedYAML

/// Checks a whole rules file: version first, then the settings, then each kind's
/// rules, then the examples, then what can only be seen across rules
/// (duplicate names, unreachable rules, unused lists).
enum FileChecker {
    static let supportedVersion = 1

    /// What the top level holds once read: rules and examples wait for the settings.
    struct Draft {
        var rules: [MessageKind: YAMLNode] = [:]
        var examples: YAMLNode?
    }

    static func check(_ text: String, file: String) -> (Policy?, [Diagnostic]) {
        let checker = Checker(file: file)
        let root: YAMLNode
        switch YAMLReader.read(text, file: file) {
        case .failure(let diagnostic):
            return (nil, [diagnostic])
        case .success(nil):
            let start = SourceLocation(file: file, line: 1, column: 1)
            return (nil, [Diagnostic(.error, at: start, "the file is empty; a rules file starts with 'version: 1'")])
        case .success(let node?):
            root = node
        }
        guard versionIsSupported(root, checker) else { return (nil, checker.diagnostics.sorted()) }

        var draft = Draft()
        checker.read(root, as: "a rules file", fields: TopLevel.fields, into: &draft)
        var rules: [MessageKind: [Rule]] = [:]
        var declared: [MessageKind: [RuleReader.Declared]] = [:]
        for kind in MessageKind.allCases {
            checker.kind = kind
            guard let node = draft.rules[kind] else { continue }
            (rules[kind], declared[kind]) = RuleReader.rules(node, checker)
        }
        RuleReader.crossCheck(declared, checker)
        let names = declared.mapValues { $0.map(\.name) }
        let examples = draft.examples.map { ExampleReader.examples($0, ruleNames: names, checker) } ?? []
        for (name, list) in checker.settings.listPatterns where !checker.usedLists.contains(name) {
            checker.report(.warning, list.location, "the list \(quoted(name)) is never used")
        }
        let diagnostics = checker.diagnostics.sorted()
        guard !checker.hasErrors else { return (nil, diagnostics) }
        let policy = Policy(file: file, settings: checker.settings, rules: rules, examples: examples)
        return (policy, diagnostics)
    }

    /// Reads `version` before anything else: a file of another version may mean
    /// other things by the same keys, so nothing else is read.
    private static func versionIsSupported(_ root: YAMLNode, _ checker: Checker) -> Bool {
        guard let pairs = checker.mapping(root, as: "a rules file") else { return false }
        guard let (_, value) = pairs.first(where: { $0.key.scalarText == "version" }) else {
            checker.error(root, "missing key 'version' (a rules file starts with 'version: 1')")
            return false
        }
        guard case .integer(let version) = value.scalarType, version == supportedVersion else {
            checker.error(
                value, "unsupported version \(value.found) (this MeetingBot reads version \(supportedVersion))")
            return false
        }
        return true
    }
}

/// The keys at the top of a rules file.
enum TopLevel {
    static let fields: [Field<FileChecker.Draft>] =
        [
            Field(
                "version", "The version of the file format. Always 1; a file of another version is refused.",
                .version, example: "version: 1", required: true
            ) { _, _, _ in },
            Field(
                "timezone", "The time zone for weekdays, working hours and the times in examples.",
                .timeZone, example: "timezone: Europe/Berlin", required: true
            ) { node, checker, _ in
                if let zone = checker.timeZone(node, "timezone") { checker.settings.timeZone = zone }
            },
            Field(
                "internal_domains",
                "The domains whose addresses are `internal` (their subdomains too); everything else is `external`.",
                .domainList, example: "internal_domains: [contoso.com, contoso.de]"
            ) { node, checker, _ in
                if let domains = checker.list(node, "internal_domains", { checker.domain($0, "internal_domains") }) {
                    checker.settings.internalDomains = domains
                }
            },
            Field(
                "working_hours", "The working days and hours, for `within_working_hours`.",
                ValueSpec("a mapping with `days`, `from` and `to`", WorkingHoursFields.schema),
                example: "working_hours: { days: [mon, tue, wed, thu, fri], from: \"08:00\", to: \"18:00\" }"
            ) { node, checker, _ in
                checker.settings.workingHours = WorkingHoursFields.read(node, checker)
            },
            Field(
                "booking_window",
                "How far ahead the mailbox takes bookings, for `beyond_booking_window`; also how far the bot expands a series when it looks for conflicts. Default 180d.",
                .duration, example: "booking_window: 365d"
            ) { node, checker, _ in
                if let span = checker.duration(node, "booking_window") { checker.settings.bookingWindow = span }
            },
            Field(
                "tentative_is_busy",
                "Whether calendar items shown as Tentative count as busy when the bot looks for conflicts. Default false.",
                .bool, example: "tentative_is_busy: true"
            ) { node, checker, _ in
                if let busy = checker.bool(node, "tentative_is_busy") { checker.settings.tentativeIsBusy = busy }
            },
            Field(
                "lists", "Named lists of addresses, wildcards and domains, used by `organizer_in` and `sender_in`.",
                ValueSpec(
                    "a mapping from list names to lists of addresses, wildcards (`*@contoso.com`) and domains (`fabrikam.com`)",
                    ListsField.schema),
                example:
                    "lists: { executives: [ceo@contoso.com, cfo@contoso.com], partners: [\"*@fabrikam.com\", northwind.com] }"
            ) {
                node, checker, _ in ListsField.read(node, checker)
            },
        ]
        + MessageKind.allCases.map { kind in
            Field(
                "\(kind.rulesKey)",
                "The rules for \(kind.rulesKey), in order: the first whose conditions all hold decides. When none does, the action is `\(Action.fallback(for: kind))`.",
                ValueSpec("a list of rules", Schema.list(of: "\(kind.rawValue)_rule")), example: ruleExample[kind] ?? ""
            ) { node, _, draft in
                draft.rules[kind] = node
            }
        } + [
            Field(
                "examples", "Messages with the decision they must get, checked by `meetingbot rules test`.",
                ValueSpec("a list of examples", Schema.list(of: "example")),
                example: "examples: [{ request: { organizer: bob@fabrikam.com }, expect: { action: decline } }]"
            ) { node, _, draft in
                draft.examples = node
            }
        ]
}

extension TopLevel {
    fileprivate static let ruleExample: [MessageKind: String] = [
        .request: "requests: [{ name: busy, when: { conflicts: true }, then: decline }]",
        .response: "responses: [{ name: staff, when: { sender: internal }, then: apply }]",
        .cancellation: "cancellations: [{ name: remove, then: remove }]",
    ]
}

/// `working_hours: { days: […], from: "08:00", to: "18:00" }`.
enum WorkingHoursFields {
    struct Draft {
        var days: Set<WorkingHours.Weekday>?
        var from: TimeOfDay?
        var to: TimeOfDay?
    }

    static let fields: [Field<Draft>] = [
        Field("days", "The working days.", .weekdays, example: "days: [mon, tue, wed, thu, fri]", required: true) {
            node, checker, draft in draft.days = checker.weekdays(node, "days")
        },
        Field("from", "When the working day starts.", .timeOfDay, example: "from: \"08:00\"", required: true) {
            node, checker, draft in draft.from = checker.timeOfDay(node, "from")
        },
        Field("to", "When the working day ends.", .timeOfDay, example: "to: \"18:00\"", required: true) {
            node, checker, draft in draft.to = checker.timeOfDay(node, "to")
        },
    ]

    static var schema: JSONValue { Schema.object(fields.map(\.documentation)) }

    static func read(_ node: YAMLNode, _ checker: Checker) -> WorkingHours? {
        var draft = Draft()
        guard checker.read(node, as: "'working_hours'", fields: fields, into: &draft),
            let days = draft.days, let from = draft.from, let to = draft.to
        else { return nil }
        guard from < to else {
            checker.error(node, "working hours must end after they start, found \(from) to \(to)")
            return nil
        }
        return WorkingHours(days: days, from: from, to: to)
    }
}

/// `lists: { name: [address, wildcard, domain, …] }`.
enum ListsField {
    static var schema: JSONValue {
        let entry: JSONValue = .object([("type", "string"), ("pattern", .string(Patterns.addressOrDomain))])
        return .object([
            ("type", "object"),
            ("propertyNames", .object([("pattern", .string(Patterns.name))])),
            ("additionalProperties", .object([("type", "array"), ("items", entry)])),
        ])
    }

    static func read(_ node: YAMLNode, _ checker: Checker) {
        guard let pairs = checker.mapping(node, as: "'lists'") else { return }
        for (keyNode, value) in pairs {
            guard let name = checker.key(keyNode), checker.name(keyNode, name) else { continue }
            let entries = checker.list(value, name) { entry -> (String, AddressPattern)? in
                guard let text = checker.text(entry, name) else { return nil }
                if let pattern = checker.addressOrWildcard(text) { return (text, pattern) }
                if Checker.isDomain(text) { return (text, .domain(DomainSet([text]))) }
                checker.expected(entry, name, "an address, a wildcard such as *@contoso.com, or a domain")
                return nil
            }
            guard let entries else { continue }
            checker.settings.lists[name] = entries.map(\.0)
            checker.settings.listPatterns[name] = (entries.map(\.1), keyNode.location)
        }
    }
}

extension Checker {
    /// Checks that `text` is a usable name for a rule or list.
    func name(_ node: YAMLNode, _ text: String) -> Bool {
        let allowed =
            text.first.map { $0.isLetter || $0.isNumber } == true
            && text.allSatisfy { ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") && $0.isASCII }
        if !allowed {
            error(
                node,
                "the name \(quoted(text)) may hold only letters, digits, '-' and '_', and starts with a letter or digit"
            )
        }
        return allowed
    }
}
