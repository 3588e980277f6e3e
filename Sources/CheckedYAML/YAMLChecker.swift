/// Reads one YAML file into values, collecting every problem it finds with its
/// location rather than stopping at the first: closed key sets with
/// did-you-mean, typed values, and the diagnostics of the pass.
///
/// A file format subclasses it to add the state its readers share (the rules
/// file's settings, the configuration file's folder) and its own value readers.
/// It never falls back to a default for a value it could not read: the caller
/// gets the diagnostics and no value.
open class YAMLChecker {
    /// The file's path as it is shown in diagnostics.
    public let file: String
    /// What the pass found so far, in the order found (sort them for file order).
    public private(set) var diagnostics: [Diagnostic] = []

    /// A checker for the file shown as `file` in diagnostics.
    public init(file: String) {
        self.file = file
    }

    /// Whether the file is unusable: any diagnostic is an error.
    public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }

    /// Reports an error at `node`.
    public func error(_ node: YAMLNode, _ message: String) {
        report(.error, node.location, message)
    }

    /// Reports a warning at `node`.
    public func warning(_ node: YAMLNode, _ message: String) {
        report(.warning, node.location, message)
    }

    /// Reports a finding at `location`, once however often it is found.
    public func report(_ severity: Diagnostic.Severity, _ location: SourceLocation, _ message: String) {
        let diagnostic = Diagnostic(severity, at: location, message)
        // An alias repeats its anchor's nodes; say each thing once.
        if !diagnostics.contains(diagnostic) { diagnostics.append(diagnostic) }
    }

    /// Reads a mapping whose keys are the closed set `keys`: an unknown key is an
    /// error (with the closest known key as a suggestion), and so is a missing key
    /// of `required`. `refused` are keys that are never valid, each with the
    /// message that says why and what to write instead. `read` gets each known
    /// key's index in `keys`, its node and its value. False when `node` is not a
    /// mapping at all.
    @discardableResult
    public func readMapping(
        _ node: YAMLNode, as what: String, keys: [String], required: [String] = [],
        refused: [String: String] = [:], _ read: (_ index: Int, _ key: YAMLNode, _ value: YAMLNode) -> Void
    ) -> Bool {
        guard let pairs = mapping(node, as: what) else { return false }
        var seen: Set<String> = []
        for (keyNode, value) in pairs {
            guard let key = key(keyNode) else { continue }
            if let reason = refused[key] {
                error(keyNode, reason)
                continue
            }
            guard let index = keys.firstIndex(of: key) else {
                error(keyNode, "unknown key \(quoted(key))" + Suggestion.hint(for: key, among: keys))
                continue
            }
            seen.insert(key)
            read(index, keyNode, value)
        }
        for key in required where !seen.contains(key) {
            error(node, "missing key \(quoted(key)) in \(what)")
        }
        return true
    }

    /// The pairs of a mapping, or nil after reporting what was found instead.
    public func mapping(_ node: YAMLNode, as what: String) -> [(key: YAMLNode, value: YAMLNode)]? {
        guard case .mapping(let pairs) = node.content else {
            error(node, "expected \(what) (a mapping of keys), found \(node.found)")
            return nil
        }
        return pairs
    }

    /// A mapping key's text; keys must be scalars.
    public func key(_ node: YAMLNode) -> String? {
        guard let text = node.scalarText, node.scalarType != .null else {
            error(node, "expected a key, found \(node.found)")
            return nil
        }
        return text
    }
}

// MARK: - Reading values

extension YAMLChecker {
    /// Reports that `key` expected `what` and found something else.
    public func expected(_ node: YAMLNode, _ key: String, _ what: String, hint: String = "") {
        error(node, "\(quoted(key)) expects \(what), found \(node.found)\(hint)")
    }

    /// A text; numbers and booleans are refused with a hint to quote them.
    public func text(_ node: YAMLNode, _ key: String) -> String? {
        switch node.scalarType {
        case .text: return node.scalarText
        case .integer, .float, .bool:
            expected(node, key, "text", hint: " (put it in quotes if you mean the text)")
        default:
            expected(node, key, "text")
        }
        return nil
    }

    /// `true` or `false`; `yes`, `on` and the like are refused with a suggestion.
    public func bool(_ node: YAMLNode, _ key: String) -> Bool? {
        if case .bool(let value) = node.scalarType { return value }
        let alike = ["yes": "true", "no": "false", "on": "true", "off": "false", "y": "true", "n": "false"]
        let hint = node.scalarText.flatMap { alike[$0.lowercased()] }.map { " (did you mean \($0)?)" } ?? ""
        expected(node, key, "true or false", hint: hint)
        return nil
    }

    /// A whole number in `range`.
    public func wholeNumber(_ node: YAMLNode, _ key: String, in range: ClosedRange<Int>) -> Int? {
        if case .integer(let value?) = node.scalarType, range.contains(value) { return value }
        expected(node, key, "a whole number from \(range.lowerBound) to \(range.upperBound)")
        return nil
    }

    /// A word from a fixed set, with a suggestion when it is close to one.
    public func choice<Choice: CaseIterable & RawRepresentable>(_ node: YAMLNode, _ key: String, _: Choice.Type)
        -> Choice?
    where Choice.RawValue == String {
        let words = Choice.allCases.map(\.rawValue)
        if node.scalarType == .text, let text = node.scalarText, let value = Choice(rawValue: text) { return value }
        let hint = node.scalarText.map { Suggestion.hint(for: $0, among: words) } ?? ""
        expected(node, key, "one of " + words.joined(separator: ", "), hint: hint)
        return nil
    }

    /// A length of time written in `syntax`, from `range` (in seconds).
    public func duration(_ node: YAMLNode, _ key: String, _ syntax: DurationSyntax, in range: ClosedRange<Int>)
        -> Int?
    {
        guard node.scalarType == .text, let text = node.scalarText, let seconds = syntax.seconds(in: text) else {
            expected(node, key, "a duration such as \(syntax.examples)")
            return nil
        }
        guard range.contains(seconds) else {
            let bounds = "from \(syntax.spelling(range.lowerBound)) to \(syntax.spelling(range.upperBound))"
            error(node, "\(quoted(key)) must be \(bounds), found \(node.found)")
            return nil
        }
        return seconds
    }

    /// One value or a non-empty list of them; nil when any of them is wrong (each is reported).
    public func oneOrMore<T>(_ node: YAMLNode, _ key: String, _ read: (YAMLNode) -> T?) -> [T]? {
        switch node.content {
        case .scalar: return read(node).map { [$0] }
        case .mapping:
            expected(node, key, "a value or a list of values")
            return nil
        case .sequence(let items):
            guard !items.isEmpty else {
                error(node, "\(quoted(key)) needs at least one value, found an empty list")
                return nil
            }
            let values = items.map(read)
            return values.contains { $0 == nil } ? nil : values.compactMap { $0 }
        }
    }

    /// A list (possibly empty); nil when it is not a list or an item is wrong.
    public func list<T>(_ node: YAMLNode, _ key: String, _ read: (YAMLNode) -> T?) -> [T]? {
        guard case .sequence(let items) = node.content else {
            expected(node, key, "a list")
            return nil
        }
        let values = items.map(read)
        return values.contains { $0 == nil } ? nil : values.compactMap { $0 }
    }
}
