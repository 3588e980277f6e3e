/// A place in a YAML file: the file's path as given, and a 1-based line and
/// column (columns count Unicode scalars, as libyaml does).
public struct SourceLocation: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let file: String
    public let line: Int
    public let column: Int

    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    public static func < (a: Self, b: Self) -> Bool {
        (a.file, a.line, a.column) < (b.file, b.line, b.column)
    }

    public var description: String { "\(file):\(line):\(column)" }
}

/// One finding of a checker, located in the file.
///
/// Errors make the file unusable (nothing reads its values); warnings point at
/// something that works but is probably not what the admin meant.
public struct Diagnostic: Error, Sendable, Hashable, Comparable, CustomStringConvertible {
    public enum Severity: String, Sendable, Hashable {
        case error, warning
    }

    public let severity: Severity
    public let location: SourceLocation
    /// What is wrong, quoting the offending text, with a suggestion where one is close:
    /// `unknown key 'organiser' (did you mean 'organizer'?)`.
    public let message: String

    public init(_ severity: Severity, at location: SourceLocation, _ message: String) {
        self.severity = severity
        self.location = location
        self.message = message
    }

    public static func < (a: Self, b: Self) -> Bool {
        (a.location, a.message) < (b.location, b.message)
    }

    /// `rules/rooms.yml:12:7: error: unknown key 'organiser' (did you mean 'organizer'?)`
    public var description: String { "\(location): \(severity.rawValue): \(message)" }

    /// The description followed by the source line and a caret under the column,
    /// as compilers print them; `source` is the checked file's text.
    public func rendered(source: String) -> String {
        let lines = yamlLines(source)
        guard location.line >= 1, location.line <= lines.count else { return description }
        let line = lines[location.line - 1].replacingTabs()
        let indent = String(repeating: " ", count: max(0, min(location.column - 1, line.unicodeScalars.count)))
        return "\(description)\n    \(line)\n    \(indent)^"
    }
}

extension Substring {
    /// Tabs as single spaces, so the caret lines up with the column libyaml counts.
    fileprivate func replacingTabs() -> String {
        String(String.UnicodeScalarView(unicodeScalars.map { $0 == "\t" ? " " : $0 }))
    }
}

/// The lines of a YAML file as libyaml counts them, and so as every location
/// in a diagnostic counts them: a line ends at LF, CR, CR LF, NEL, LS or PS
/// (YAML 1.1, 5.4). Counting LF alone would put the lines of a file with
/// lone carriage returns past its end.
public func yamlLines(_ text: String) -> [Substring] {
    let scalars = text.unicodeScalars
    var lines: [Substring] = []
    var start = scalars.startIndex
    var i = start
    while i < scalars.endIndex {
        let scalar = scalars[i]
        guard ["\n", "\r", "\u{85}", "\u{2028}", "\u{2029}"].contains(scalar) else {
            i = scalars.index(after: i)
            continue
        }
        lines.append(Substring(scalars[start..<i]))
        i = scalars.index(after: i)
        if scalar == "\r", i < scalars.endIndex, scalars[i] == "\n" { i = scalars.index(after: i) }
        start = i
    }
    lines.append(Substring(scalars[start...]))
    return lines
}
