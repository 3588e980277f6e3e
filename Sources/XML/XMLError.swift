/// What went wrong reading, writing or validating XML.
///
/// A struct wrapping a private code so that cases can be added without
/// breaking callers (the swift-nio pattern); the message is for people.
public struct XMLError: Error, Sendable, Equatable, CustomStringConvertible {
    enum Code: Sendable, Equatable {
        case tooLarge, tooDeep, malformed, doctypeForbidden, xpath, writer, schema
    }
    let code: Code
    /// What libxml2 or the check said, for people.
    public let message: String
    /// 1-based line and column in the input, when known.
    public let line: Int?
    public let column: Int?

    init(_ code: Code, _ message: String, line: Int? = nil, column: Int? = nil) {
        self.code = code
        self.message = message
        self.line = line
        self.column = column
    }

    public static let tooLarge = XMLError(.tooLarge, "")
    public static let tooDeep = XMLError(.tooDeep, "")
    public static let malformed = XMLError(.malformed, "")
    public static let doctypeForbidden = XMLError(.doctypeForbidden, "")

    /// Compares the kind of error only, so callers can write `error ~= .tooLarge`.
    public static func ~= (pattern: XMLError, value: any Error) -> Bool {
        (value as? XMLError)?.code == pattern.code
    }

    public var description: String {
        var place = ""
        if let line { place = "line \(line)" + (column.map { ", column \($0)" } ?? "") + ": " }
        return place + message
    }
}
