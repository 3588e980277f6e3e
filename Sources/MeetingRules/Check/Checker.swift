import CheckedYAML
import Foundation

/// One key of a mapping in the rules file: what it means, how it is written, and
/// how the checker reads it. The closed set of keys at each level, their
/// documentation and their JSON Schema all come from these.
struct Field<Draft>: Sendable {
    let documentation: KeyDocumentation
    let read: @Sendable (YAMLNode, Checker, inout Draft) -> Void

    init(
        _ key: String, _ summary: String, _ value: ValueSpec, example: String, required: Bool = false,
        kinds: [MessageKind] = MessageKind.allCases,
        read: @escaping @Sendable (YAMLNode, Checker, inout Draft) -> Void
    ) {
        documentation = KeyDocumentation(
            key: key, summary: summary, value: value, example: example,
            required: required, kinds: kinds)
        self.read = read
    }

    var key: String { documentation.key }
    var required: Bool { documentation.required }
    var kinds: [MessageKind] { documentation.kinds }
}

/// A key as `rules/README.md` and the JSON Schema describe it.
struct KeyDocumentation: Sendable {
    let key: String
    let summary: String
    let value: ValueSpec
    /// The key in use, as YAML: `timezone: Europe/Berlin`.
    let example: String
    let required: Bool
    /// The message kinds the key applies to (rules and examples of other kinds may not use it).
    let kinds: [MessageKind]
}

/// Reads one rules file into values, collecting every problem it finds with
/// its location rather than stopping at the first.
final class Checker: YAMLChecker {
    /// The settings read so far; rules and examples are read after them.
    var settings = Settings()
    /// The kind whose rules are being read (conditions apply to some kinds only).
    var kind: MessageKind = .request
    /// How deeply `all` / `any` / `not` nest at the current point.
    var depth = 0
    static let maxDepth = 16
    /// The lists some rule refers to, for the "never used" warning.
    var usedLists: Set<String> = []

    /// Reads a mapping whose keys are `fields`: unknown keys, keys of another
    /// kind and missing required keys are errors. False when `node` is not a
    /// mapping at all.
    @discardableResult
    func read<Draft>(_ node: YAMLNode, as what: String, fields: [Field<Draft>], into draft: inout Draft) -> Bool {
        let required = fields.filter { $0.required && $0.kinds.contains(kind) }.map(\.key)
        return readMapping(node, as: what, keys: fields.map(\.key), required: required) { index, keyNode, value in
            let field = fields[index]
            guard field.kinds.contains(kind) else { return notApplicable(keyNode, field.key, field.kinds) }
            field.read(value, self, &draft)
        }
    }

    /// Reports a key used with a kind of message it does not apply to.
    func notApplicable(_ node: YAMLNode, _ key: String, _ kinds: [MessageKind]) {
        let names = kinds.map(\.rulesKey).joined(separator: " and ")
        error(node, "\(quoted(key)) does not apply to \(kind.rulesKey) (only to \(names))")
    }
}

// MARK: - Reading values

extension Checker {
    /// A whole number from 0 to a million.
    func count(_ node: YAMLNode, _ key: String) -> Int? {
        wholeNumber(node, key, in: 0...1_000_000)
    }

    func duration(_ node: YAMLNode, _ key: String) -> TimeSpan? {
        guard node.scalarType == .text, let text = node.scalarText, let span = TimeSpan(parsing: text) else {
            expected(node, key, "a duration such as \(TimeSpan.syntax.examples)")
            return nil
        }
        guard span.seconds > 0 else {
            error(node, "\(quoted(key)) must be longer than zero, found \(node.found)")
            return nil
        }
        guard span <= TimeSpan.maximum else {
            error(node, "\(quoted(key)) must be at most 100 years, found \(node.found)")
            return nil
        }
        return span
    }

    func timeOfDay(_ node: YAMLNode, _ key: String) -> TimeOfDay? {
        guard node.scalarType == .text, let text = node.scalarText, let time = TimeOfDay(parsing: text) else {
            expected(node, key, "a time of day from 00:00 to 24:00 such as \"08:00\"")
            return nil
        }
        return time
    }

    /// A percentage, `10%`, from 0 to 100.
    func percent(_ node: YAMLNode, _ key: String) -> Double? {
        if node.scalarType == .text, let text = node.scalarText, text.hasSuffix("%"),
            let value = Double(text.dropLast()), value.isFinite, (0...100).contains(value),
            text.dropLast().allSatisfy({ $0.isASCIIDigit || $0 == "." })
        {
            return value
        }
        expected(node, key, "a percentage from 0% to 100% such as 10%")
        return nil
    }

    func regex(_ node: YAMLNode, _ key: String) -> TextRegex? {
        guard let source = text(node, key) else { return nil }
        switch TextRegex.compile(source) {
        case .success(let regex):
            return regex
        case .failure(.syntax(let problem)):
            error(node, "invalid regular expression \(quoted(source)): \(problem)")
        case .failure(.nestedRepetition(let group)):
            error(
                node,
                "regular expression \(quoted(source)) repeats \(quoted(group)), a group that itself repeats, "
                    + "which can take exponential time on some texts; rewrite it without the nested repetition")
        }
        return nil
    }

    func timeZone(_ node: YAMLNode, _ key: String) -> TimeZone? {
        guard let name = text(node, key) else { return nil }
        if let zone = TimeZone(identifier: name), zone.identifier == name || name == "UTC" { return zone }
        error(
            node,
            "unknown time zone \(quoted(name))" + Suggestion.hint(for: name, among: TimeZone.knownTimeZoneIdentifiers))
        return nil
    }

    /// A domain such as `contoso.com`.
    func domain(_ node: YAMLNode, _ key: String) -> String? {
        guard let text = text(node, key) else { return nil }
        if Self.isDomain(text) { return text.lowercased() }
        let bare = text.drop { $0 == "@" || $0 == "*" || $0 == "." }
        let hint =
            bare != Substring(text) && Self.isDomain(String(bare)) ? " (did you mean \(quoted(String(bare)))?)" : ""
        expected(node, key, "a domain such as contoso.com", hint: hint)
        return nil
    }

    static func isDomain(_ text: String) -> Bool {
        let labels = text.split(separator: ".", omittingEmptySubsequences: false)
        return labels.count >= 2
            && labels.allSatisfy { label in
                !label.isEmpty && label.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }
            }
    }

    /// An address (`ann@contoso.com`) or a wildcard (`*@contoso.com`).
    func addressOrWildcard(_ text: String) -> AddressPattern? {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty,
            !text.contains(where: { $0.isWhitespace || $0 == "," || $0 == ";" || $0 == "<" || $0 == ">" })
        else { return nil }
        let folded = FoldedText(text)
        return text.contains("*") || text.contains("?") ? .wildcard(folded) : .exact(folded)
    }

    /// An address, a wildcard, `internal` or `external`, as organizer, sender and
    /// attendee conditions take them. `domainKey` is the condition to suggest for a bare domain.
    func addressPattern(_ node: YAMLNode, _ key: String, domainKey: String?) -> AddressPattern? {
        guard let text = text(node, key) else { return nil }
        switch text {
        case "internal", "external":
            guard !settings.internalSet.isEmpty else {
                error(node, "\(quoted(text)) needs 'internal_domains' in the settings")
                return nil
            }
            return text == "internal" ? .internal(settings.internalSet) : .external(settings.internalSet)
        default:
            if let pattern = addressOrWildcard(text) { return pattern }
        }
        var hint = Suggestion.hint(for: text, among: ["internal", "external"])
        if hint.isEmpty, Self.isDomain(text) {
            hint = " (for a whole domain write '*@\(text)'" + (domainKey.map { " or use '\($0)'" } ?? "") + ")"
        }
        expected(node, key, "an address, a wildcard such as *@contoso.com, internal or external", hint: hint)
        return nil
    }

    /// The name of a list defined under `lists`.
    func listName(_ node: YAMLNode, _ key: String) -> [AddressPattern]? {
        guard let name = text(node, key) else { return nil }
        guard let list = settings.listPatterns[name] else {
            let names = settings.listPatterns.keys.sorted()
            let hint = names.isEmpty ? " (the file defines no lists)" : Suggestion.hint(for: name, among: names)
            error(node, "unknown list \(quoted(name))\(hint)")
            return nil
        }
        usedLists.insert(name)
        return list.patterns
    }
}
