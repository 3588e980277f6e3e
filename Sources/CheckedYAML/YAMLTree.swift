import Foundation
import Yams

/// A YAML node with its place in the file: what a checker reads instead of
/// Yams' `Node`, so that every value it complains about has a location.
///
/// Plain scalars are typed by the YAML 1.2 core schema, as editors and the JSON
/// Schema see them: `08:00` is text, `yes` is text, `true` is a boolean.
public struct YAMLNode: Sendable {
    /// A scalar (its text, and whether it was written plain, without quotes), a mapping or a list.
    public enum Content: Sendable {
        case scalar(String, plain: Bool)
        case mapping([(key: YAMLNode, value: YAMLNode)])
        case sequence([YAMLNode])
    }

    /// A plain scalar's type under the YAML 1.2 core schema; quoted scalars are always text.
    public enum ScalarType: Sendable, Equatable {
        case null
        case bool(Bool)
        case integer(Int?)
        case float, text
    }

    public let content: Content
    /// Where the node starts in the file.
    public let location: SourceLocation

    /// The scalar's type, nil for a mapping or a list.
    public var scalarType: ScalarType? {
        guard case .scalar(let text, let plain) = content else { return nil }
        return plain ? Self.coreType(of: text) : .text
    }

    /// The scalar's text, whatever its type.
    public var scalarText: String? {
        if case .scalar(let text, _) = content { return text }
        return nil
    }

    /// What the node is, for "found …" in messages: `'four hours'`, `a list`, `nothing`.
    public var found: String {
        switch content {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .scalar(let text, _): return scalarType == .null ? "nothing" : quoted(text)
        }
    }

    /// A mapping's pairs (empty for other nodes).
    public var pairs: [(key: YAMLNode, value: YAMLNode)] {
        if case .mapping(let pairs) = content { return pairs }
        return []
    }

    /// The type the YAML 1.2 core schema gives a plain scalar `text`.
    public static func coreType(of text: String) -> ScalarType {
        switch text {
        case "", "~", "null", "Null", "NULL": return .null
        case "true", "True", "TRUE": return .bool(true)
        case "false", "False", "FALSE": return .bool(false)
        case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF",
            ".nan", ".NaN", ".NAN":
            return .float
        default: break
        }
        let body = text.first == "-" || text.first == "+" ? text.dropFirst() : Substring(text)
        if body.hasPrefix("0o"), body.count > 2, body.dropFirst(2).allSatisfy({ ("0"..."7").contains($0) }) {
            return .integer(Int(body.dropFirst(2), radix: 8))
        }
        if body.hasPrefix("0x"), body.count > 2, body.dropFirst(2).allSatisfy(\.isHexDigit) {
            return .integer(Int(body.dropFirst(2), radix: 16))
        }
        if !body.isEmpty, body.allSatisfy(\.isASCIIDigit) { return .integer(Int(text)) }
        return isCoreFloat(body) ? .float : .text
    }

    /// `[0-9]+(\.[0-9]*)?([eE][-+]?[0-9]+)?` or `\.[0-9]+(…)?`, the core schema's float.
    private static func isCoreFloat(_ s: Substring) -> Bool {
        var rest = s[...]
        let whole = rest.prefix(while: \.isASCIIDigit)
        rest = rest.dropFirst(whole.count)
        var fraction = Substring()
        if rest.first == "." {
            rest = rest.dropFirst()
            fraction = rest.prefix(while: \.isASCIIDigit)
            rest = rest.dropFirst(fraction.count)
        } else if whole.isEmpty || rest.isEmpty {
            return false  // integers are handled before; a lone sign or dot is text
        }
        guard !whole.isEmpty || !fraction.isEmpty else { return false }
        if rest.isEmpty { return true }
        guard rest.first == "e" || rest.first == "E" else { return false }
        rest = rest.dropFirst()
        if rest.first == "-" || rest.first == "+" { rest = rest.dropFirst() }
        return !rest.isEmpty && rest.allSatisfy(\.isASCIIDigit)
    }
}

extension Character {
    /// `0` to `9` (`isNumber` alone also takes other scripts' digits and fractions).
    public var isASCIIDigit: Bool { isASCII && isNumber }
}

/// `'text'`, the way messages quote what the file says.
public func quoted(_ text: String) -> String { "'\(text)'" }

/// Reads a YAML file's text into located nodes, turning libyaml's complaints
/// into located diagnostics and refusing input that could exhaust the stack or
/// memory (Yams composes recursively and expands aliases).
public enum YAMLReader {
    /// The largest file read.
    public static let maxBytes = 1 << 20
    /// The most nodes one file may hold, aliases counted each time they are used.
    public static let maxNodes = 50_000
    /// Bounds on what makes libyaml and Yams recurse: flow brackets, compact
    /// `- - -` sequences on one line, and indentation.
    public static let maxFlowDepth = 32, maxDashesPerLine = 16, maxIndentation = 160

    /// The document's root (nil when the file holds no document), or the diagnostics
    /// that stopped reading.
    public static func read(_ text: String, file: String) -> Result<YAMLNode?, Diagnostic> {
        if let refusal = refusal(of: text, file: file) { return .failure(refusal) }
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch {
            return .failure(diagnostic(for: error, file: file))
        }
        guard let root else { return .success(Optional<YAMLNode>.none) }
        var budget = maxNodes
        guard let node = convert(root, file: file, budget: &budget) else {
            let at = SourceLocation(file: file, line: 1, column: 1)
            return .failure(Diagnostic(.error, at: at, "the file has more than \(maxNodes) values (aliases included)"))
        }
        return .success(node)
    }

    /// The text of the file at `path`, or the diagnostic that says why there is none.
    public static func text(contentsOf path: String) -> Result<String, Diagnostic> {
        let start = SourceLocation(file: path, line: 1, column: 1)
        guard let data = FileManager.default.contents(atPath: path) else {
            return .failure(Diagnostic(.error, at: start, "cannot read the file"))
        }
        guard let text = String(data: data, encoding: .utf8) else {
            return .failure(Diagnostic(.error, at: start, "the file is not UTF-8 text"))
        }
        return .success(text)
    }

    private static func convert(_ node: Node, file: String, budget: inout Int) -> YAMLNode? {
        budget -= 1
        guard budget >= 0 else { return nil }
        let location = SourceLocation(file: file, line: node.mark?.line ?? 1, column: node.mark?.column ?? 1)
        switch node {
        case .scalar(let s):
            return YAMLNode(content: .scalar(s.string, plain: s.style == .plain || s.style == .any), location: location)
        case .mapping(let m):
            var pairs: [(key: YAMLNode, value: YAMLNode)] = []
            for (k, v) in m {
                guard let key = convert(k, file: file, budget: &budget),
                    let value = convert(v, file: file, budget: &budget)
                else { return nil }
                pairs.append((key, value))
            }
            return YAMLNode(content: .mapping(pairs), location: location)
        case .sequence(let s):
            var items: [YAMLNode] = []
            for v in s {
                guard let item = convert(v, file: file, budget: &budget) else { return nil }
                items.append(item)
            }
            return YAMLNode(content: .sequence(items), location: location)
        case .alias(let a):
            // Yams resolves aliases while composing; an unresolved one is an empty value.
            let at = a.mark.map { SourceLocation(file: file, line: $0.line, column: $0.column) } ?? location
            return YAMLNode(content: .scalar("", plain: true), location: at)
        }
    }

    /// Refuses input too large or too deeply nested to compose safely.
    private static func refusal(of text: String, file: String) -> Diagnostic? {
        if text.utf8.count > maxBytes {
            return Diagnostic(
                .error, at: SourceLocation(file: file, line: 1, column: 1),
                "the file is larger than \(maxBytes / 1024) KiB")
        }
        var flowDepth = 0
        for (index, line) in yamlLines(text).enumerated() {
            let at = { (column: Int) in SourceLocation(file: file, line: index + 1, column: column) }
            let indentation = line.prefix { $0 == " " }.count
            if indentation > maxIndentation {
                return Diagnostic(.error, at: at(1), "the line is indented more than \(maxIndentation) columns")
            }
            var rest = line.dropFirst(indentation)
            var dashes = 0
            while rest.hasPrefix("- ") {
                dashes += 1
                rest = rest.dropFirst(2).drop { $0 == " " }
            }
            if dashes > maxDashesPerLine {
                return Diagnostic(
                    .error, at: at(indentation + 1), "more than \(maxDashesPerLine) nested lists on one line")
            }
            for (column, scalar) in line.unicodeScalars.enumerated() {
                if scalar == "[" || scalar == "{" { flowDepth += 1 }
                if scalar == "]" || scalar == "}" { flowDepth = max(0, flowDepth - 1) }
                if flowDepth > maxFlowDepth {
                    return Diagnostic(.error, at: at(column + 1), "more than \(maxFlowDepth) nested brackets")
                }
            }
        }
        return nil
    }

    private static func diagnostic(for error: Error, file: String) -> Diagnostic {
        func at(_ mark: Mark) -> SourceLocation { SourceLocation(file: file, line: mark.line, column: mark.column) }
        let start = SourceLocation(file: file, line: 1, column: 1)
        guard let yaml = error as? YamlError else {
            return Diagnostic(.error, at: start, "not readable as YAML: \(error)")
        }
        switch yaml {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            let detail = context.map { " \($0.text) at line \($0.mark.line), column \($0.mark.column)" } ?? ""
            return Diagnostic(
                .error, at: at(mark), "not valid YAML: \(problem)\(detail.isEmpty ? "" : " (\(detail.dropFirst()))")")
        case .duplicatedKeysInMapping(let duplicates, let context):
            let keys = duplicates.map(quoted).joined(separator: ", ")
            return Diagnostic(.error, at: at(context.mark), "duplicate key \(keys) in one mapping")
        case .reader(let problem, let offset, _, let yaml):
            return Diagnostic(
                .error, at: offset.map { location(ofOffset: $0, in: yaml, file: file) } ?? start,
                "not readable as text: \(problem)")
        default:
            return Diagnostic(.error, at: start, "not readable as YAML: \(yaml)")
        }
    }

    /// Line (as libyaml counts lines) and column (in bytes) of a UTF-8 byte offset.
    private static func location(ofOffset offset: Int, in text: String, file: String) -> SourceLocation {
        let lines = yamlLines(String(decoding: text.utf8.prefix(offset), as: UTF8.self))
        return SourceLocation(file: file, line: lines.count, column: (lines.last?.utf8.count ?? 0) + 1)
    }
}
