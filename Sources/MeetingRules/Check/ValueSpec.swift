/// How a key's value is written: words for `rules/README.md` and a fragment of
/// the JSON Schema, kept side by side so that the two cannot drift apart.
public struct ValueSpec: Sendable {
    enum Shape: Sendable {
        case fixed(JSONValue)
        /// A mapping of conditions for the kind being described (`not:`).
        case conditions
        /// A list of such mappings (`all:`, `any:`).
        case conditionList
        /// An action of the kind being described (`then:`).
        case action
    }

    /// "`true` or `false`", "a duration such as `4h`".
    public let phrase: String
    let shape: Shape

    init(_ phrase: String, _ schema: JSONValue) {
        self.phrase = phrase
        shape = .fixed(schema)
    }

    init(_ phrase: String, shape: Shape) {
        self.phrase = phrase
        self.shape = shape
    }

    /// The JSON Schema fragment; conditions and actions are those of `kind`.
    func schema(for kind: MessageKind) -> JSONValue {
        let ref = Schema.ref("\(kind.rawValue)_conditions")
        switch shape {
        case .fixed(let schema): return schema
        case .conditions: return ref
        case .conditionList: return .object([("type", "array"), ("items", ref), ("minItems", 1)])
        case .action: return .object([("enum", .array(Action.words(for: kind).map(JSONValue.string)))])
        }
    }
}

extension ValueSpec {
    static let bool = ValueSpec("`true` or `false`", .object([("type", "boolean")]))
    static let count = ValueSpec("a whole number, 0 or more", .object([("type", "integer"), ("minimum", 0)]))
    static let version = ValueSpec("`1`", .object([("const", 1)]))
    static let text = ValueSpec("text", .object([("type", "string")]))
    static let address = ValueSpec("an address", .object([("type", "string"), ("pattern", .string(Patterns.address))]))
    static let name = ValueSpec(
        "a name: letters, digits, `-` and `_`",
        .object([("type", "string"), ("pattern", .string(Patterns.name))]))
    static let duration = ValueSpec(
        "a duration: numbers with units `w`, `d`, `h`, `m`, such as `4h`, `90m`, `1h30m`, `180d`",
        .object([("type", "string"), ("pattern", .string(Patterns.duration))]))
    static let timeOfDay = ValueSpec(
        "a time of day `HH:MM` in quotes, such as `\"08:00\"` (`\"24:00\"` is the end of the day)",
        .object([("type", "string"), ("pattern", .string(Patterns.timeOfDay))]))
    static let percent = ValueSpec(
        "a percentage such as `10%`", .object([("type", "string"), ("pattern", .string(Patterns.percent))]))
    static let regex = ValueSpec(
        "a regular expression (case-insensitive; in single quotes so that backslashes stay as written)",
        .object([("type", "string"), ("format", "regex")]))
    static let timeZone = ValueSpec(
        "an IANA time zone name such as `Europe/Berlin`", .object([("type", "string"), ("minLength", 1)]))
    static let instant = ValueSpec(
        "a date and time `YYYY-MM-DDTHH:MM` in quotes, on the wall clock of `timezone` (or ending in `Z` or `+01:00`); a date alone means midnight",
        .object([("type", "string"), ("pattern", .string(Patterns.instant))]))
    static let texts = oneOrMore(text, "text, or a list of texts (any of them)")
    static let addresses = oneOrMore(
        ValueSpec("", .object([("type", "string"), ("pattern", .string(Patterns.addressOrKeyword))])),
        "an address (`ann@contoso.com`), a wildcard (`*@contoso.com`), `internal` or `external`; or a list of these (any of them)"
    )
    static let domains = oneOrMore(
        ValueSpec("", .object([("type", "string"), ("pattern", .string(Patterns.domain))])),
        "a domain (`contoso.com`, which covers its subdomains too), or a list of domains")
    static let domainList = ValueSpec(
        "a list of domains",
        .object([("type", "array"), ("items", .object([("type", "string"), ("pattern", .string(Patterns.domain))]))]))
    static let listNames = oneOrMore(name, "the name of a list under `lists`, or several names")
    static let weekdays = ValueSpec(
        "a list of days: `mon`, `tue`, `wed`, `thu`, `fri`, `sat`, `sun`",
        .object([
            ("type", "array"),
            ("items", .object([("enum", .array(WorkingHours.Weekday.allCases.map { .string($0.rawValue) }))])),
            ("minItems", 1), ("uniqueItems", true),
        ]))

    /// One of `words`, or a list of them.
    static func choice(_ words: [String]) -> ValueSpec {
        let list = words.map { "`\($0)`" }.joined(separator: ", ")
        return oneOrMore(
            ValueSpec("", .object([("enum", .array(words.map(JSONValue.string)))])),
            "one of \(list), or a list of them")
    }

    /// Exactly one of `words`.
    static func oneOf(_ words: [String]) -> ValueSpec {
        ValueSpec(
            words.map { "`\($0)`" }.joined(separator: ", "), .object([("enum", .array(words.map(JSONValue.string)))]))
    }

    static func oneOrMore(_ item: ValueSpec, _ phrase: String) -> ValueSpec {
        guard case .fixed(let one) = item.shape else { return item }
        return ValueSpec(
            phrase, .object([("anyOf", [one, .object([("type", "array"), ("items", one), ("minItems", 1)])])]))
    }
}

/// The regular expressions of the JSON Schema; the checker is stricter still.
enum Patterns {
    static let name = "^[A-Za-z0-9][A-Za-z0-9_-]*$"
    static let duration = "^(?=[0-9])([0-9]+w)?([0-9]+d)?([0-9]+h)?([0-9]+m)?$"
    static let timeOfDay = "^([01]?[0-9]|2[0-3]):[0-5][0-9]$|^24:00$"
    static let percent = "^[0-9]+(\\.[0-9]+)?%$"
    static let instant = "^[0-9]{4}-[0-9]{2}-[0-9]{2}(T[0-9]{2}:[0-9]{2}(:[0-9]{2})?(Z|[+-][0-9]{2}:[0-9]{2})?)?$"
    static let domain = "^[^@\\s*?]+\\.[^@\\s*?]+$"
    static let address = "^[^@\\s]+@[^@\\s]+$"
    static let addressOrKeyword = "^(internal|external|[^@\\s]+@[^@\\s]+)$"
    static let addressOrDomain = "^([^@\\s]+@[^@\\s]+|[^@\\s*?]+\\.[^@\\s*?]+)$"
}
