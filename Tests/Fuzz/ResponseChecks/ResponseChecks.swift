import Foundation
import XML
@testable import EWS

/// One hostile answer through the client's whole reading path: the XML layer,
/// the SOAP envelope and fault handling, and every operation's response
/// parser, then the values read (a recurring series is expanded). Each step
/// must give a value or a clear error; a crash or a hang is a bug by itself.
/// Shared by the seeded tests (EWSTests) and the libFuzzer target (`make fuzz`).
public enum ResponseChecks {
    /// Reads an answer to the operation named, throwing what the client would.
    typealias Parser = @Sendable (XMLElement) throws -> Void

    static let window = (
        from: Date(timeIntervalSince1970: 1_767_225_600), to: Date(timeIntervalSince1970: 1_830_297_600)
    )  // 2026 to 2028
    static let ids = (0..<4).map { ItemId("id\($0)", changeKey: "ck\($0)") }

    /// Every parser of the client, by the operation whose answer it reads.
    static let parsers: [String: [Parser]] = [
        "FindItem": [
            { body in _ = try FindItem(folder: .inbox, offset: 0, pageSize: 3).parse(body) },
            { body in
                _ = try CalendarView(
                    folder: .calendar, start: window.from, end: window.to, maxEntries: 10
                ).parse(body)
            },
            { body in _ = try FindMeetingItems(folder: .calendar, uid: "uid").parse(body) },
        ],
        "GetItem": [
            { body in
                for result in try GetItem.meetingMessages(ids).parse(body) {
                    try check(result)
                    _ = result.value?.recurrence?.occurrences(from: window.from, to: window.to, limit: 50)
                    _ = result.value?.kind
                }
            },
            { body in
                for result in try GetItem.calendarItems(ids).parse(body) { try check(result) }
            },
        ],
        "DeleteItem": [
            { body in
                for result in try DeleteItem(
                    ids: ids, deleteType: .moveToDeletedItems, cancellations: nil, suppressReadReceipts: true
                ).parse(body) { try check(result) }
            }
        ],
        "MoveItem": [
            { body in
                for result in try MoveItem(ids: ids, destination: .deletedItems).parse(body) { try check(result) }
            }
        ],
        "CreateItem": [
            { body in
                for result in try RespondToMeeting(ids.map { ($0, MeetingReply(.accept)) }, mailbox: nil).parse(body) {
                    try check(result)
                }
            },
            { body in
                for result in try RemoveItem(cancellations: ids).parse(body) { try check(result) }
            },
        ],
        "ResolveNames": [{ body in _ = try ResolveNames(entry: "ann").parse(body) }],
    ]

    /// The operations with a parser, sorted.
    public static var operations: [String] { parsers.keys.sorted() }

    /// What the client made of an answer.
    public enum Outcome: Sendable, Equatable {
        /// The parsers of the operation it answers read values from it.
        case values
        /// Refused with clear errors.
        case refused
        /// An error without words, or one that is not an EWSError: a bug.
        case problem(String)
    }

    /// `bytes` as an answer with HTTP 200 and with HTTP 500 (how faults
    /// come), through the parsers of the operation it answers (FindItem's
    /// when it answers none).
    public static func check(_ bytes: [UInt8]) -> Outcome {
        let answered: String?
        switch readXML(bytes) {
        case .failure(let problem): return .problem(problem.text)
        case .success(let name): answered = name
        }
        let operation = answered.flatMap { parsers[$0] == nil ? nil : $0 } ?? "FindItem"
        var outcome = Outcome.values
        for (index, parse) in (parsers[operation] ?? []).enumerated() {
            // The status matters before any parser runs, so one parser is enough for HTTP 500.
            for status in index == 0 ? [200, 500] : [200] {
                switch run(bytes, status: status, operation: operation, parse) {
                case .problem(let problem): return .problem(problem)
                case .refused where status == 200: outcome = .refused
                default: break
                }
            }
        }
        return outcome
    }

    struct Problem: Error { var text: String }

    /// The XML layer alone: a document, every element of which can be read,
    /// and the operation its SOAP body answers (`FindItem` for a
    /// `FindItemResponse`); or an error with a message, which is no problem.
    static func readXML(_ bytes: [UInt8]) -> Result<String?, Problem> {
        let document: XMLDocument
        do {
            document = try XMLDocument(bytes)
        } catch {
            return error.message.isEmpty
                ? .failure(Problem(text: "XMLError without a message: \(error)")) : .success(nil)
        }
        var pending = document.root.map { [$0] } ?? []
        while let element = pending.popLast() {
            _ = (element.localName, element.namespaceURI, element.line, element.text, element.attribute("Id"))
            pending += element.children
        }
        let content = document.root?.child("Body")?.children.first?.localName
        return .success(content.flatMap { $0.hasSuffix("Response") ? String($0.dropLast("Response".count)) : nil })
    }

    static func run(_ bytes: [UInt8], status: Int, operation: String, _ parse: Parser) -> Outcome {
        do {
            try parse(try SOAP.body(of: HTTPResponse(status: status, body: bytes), operation: operation))
            return .values
        } catch let error as EWSError {
            return unclear(error).map { .problem("\(operation), HTTP \(status): \($0)") } ?? .refused
        } catch {
            return .problem("\(operation), HTTP \(status): not an EWSError: \(error)")
        }
    }

    /// A per-item failure must be as clear as a thrown error.
    static func check<Value>(_ result: ItemResult<Value>) throws(EWSError) {
        if let error = result.error, unclear(error) != nil { throw error }
    }

    /// What is unclear about `error`, if anything: no words at all, or a
    /// failure that calls itself NoError.
    static func unclear(_ error: EWSError) -> String? {
        let text = error.description.trimmingCharacters(in: .whitespacesAndNewlines)
        if text.isEmpty { return "an error without a message (\(error.kind))" }
        if error.responseCode == .noError && error.message.isEmpty { return "an error that says only NoError" }
        return nil
    }
}
