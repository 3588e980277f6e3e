/// What is wrong with a recurrence, an occurrence list or a time zone read
/// from EWS XML. A struct wrapping a private code so cases can be added
/// without breaking callers; the message names the element, the bad value and
/// the line, for people.
public struct RecurrenceError: Error, Sendable, Equatable, CustomStringConvertible {
    enum Code: Sendable, Equatable { case missing, invalid, unsupported }
    let code: Code
    public let message: String
    /// 1-based line of the offending element, when known.
    public let line: Int?

    init(_ code: Code, _ message: String, line: Int?) {
        self.code = code
        self.message = message
        self.line = line
    }

    /// A required element is absent.
    public static let missing = RecurrenceError(.missing, "", line: nil)
    /// A value is not one the schema or EWS allows.
    public static let invalid = RecurrenceError(.invalid, "", line: nil)
    /// Valid EWS, but not something a calendar series can be expanded from
    /// (a task's regeneration pattern).
    public static let unsupported = RecurrenceError(.unsupported, "", line: nil)

    /// Compares the kind of error only: `error ~= .invalid`.
    public static func ~= (pattern: RecurrenceError, value: any Error) -> Bool {
        (value as? RecurrenceError)?.code == pattern.code
    }

    public var description: String { (line.map { "line \($0): " } ?? "") + message }
}
