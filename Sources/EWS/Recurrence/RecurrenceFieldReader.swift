import Foundation
import XML

/// Reads the typed children of one element by local name, turning every
/// absent or bad value into a `RecurrenceError` that names the element path,
/// the offending text and the line.
struct RecurrenceFieldReader {
    let element: XMLElement
    /// Local names from the outermost element read, for messages: `Recurrence/WeeklyRecurrence`.
    let path: String

    init(_ element: XMLElement, path: String? = nil) {
        self.element = element
        self.path = path ?? element.localName
    }

    func child(_ name: String) throws(RecurrenceError) -> RecurrenceFieldReader {
        guard let c = element.child(name) else {
            throw RecurrenceError(.missing, "\(path): missing \(name)", line: element.line)
        }
        return RecurrenceFieldReader(c, path: "\(path)/\(name)")
    }

    /// The child's trimmed text; the reader of the child, for the line.
    func text(_ name: String) throws(RecurrenceError) -> (text: String, at: RecurrenceFieldReader) {
        let c = try child(name)
        return (c.element.trimmedText, c)
    }

    func invalid(_ text: String, _ expected: String) -> RecurrenceError {
        RecurrenceError(.invalid, "\(path): '\(text)' is not \(expected)", line: element.line)
    }

    func int(_ name: String, in range: ClosedRange<Int>) throws(RecurrenceError) -> Int {
        let (text, at) = try self.text(name)
        guard let value = Int(text), range.contains(value) else {
            throw at.invalid(text, "an integer in \(range.lowerBound)...\(range.upperBound)")
        }
        return value
    }

    /// One of the schema's enumeration values, spelled exactly.
    func value<T: RawRepresentable & CaseIterable>(_ name: String, as type: T.Type) throws(RecurrenceError) -> T
    where T.RawValue == String {
        let (text, at) = try self.text(name)
        guard let value = T(rawValue: text) else {
            throw at.invalid(text, "one of " + T.allCases.map(\.rawValue).joined(separator: ", "))
        }
        return value
    }

    func date(_ name: String) throws(RecurrenceError) -> LocalDate {
        let (text, at) = try self.text(name)
        guard let date = LocalDate(xsDate: text) else { throw at.invalid(text, "a date such as 2026-03-02") }
        return date
    }

    func dateTime(_ name: String) throws(RecurrenceError) -> Date {
        let (text, at) = try self.text(name)
        guard let date = EWSDateTime.parse(text) else {
            throw at.invalid(text, "a date and time such as 2026-03-02T09:00:00Z")
        }
        return date
    }
}
