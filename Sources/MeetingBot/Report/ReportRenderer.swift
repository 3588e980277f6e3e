import Foundation

/// Turns a run's report into text of one format. Renderers are pure: the
/// same report gives the same text (STYLE.md example 9). Server text
/// (subjects, names) is escaped as each format needs.
public protocol ReportRenderer: Sendable {
    func render(_ report: RunReport) -> String
    /// The same text, handed to `output` in pieces, in order, for a report
    /// too large to hold twice (50,000 messages make tens of megabytes).
    func write(_ report: RunReport, to output: (String) throws -> Void) rethrows
}

extension ReportRenderer {
    public func write(_ report: RunReport, to output: (String) throws -> Void) rethrows {
        try output(render(report))
    }
}

/// The formats `--format` takes.
public enum ReportFormat: String, Sendable, CaseIterable {
    case text, json, csv, markdown, html

    public var renderer: any ReportRenderer {
        switch self {
        case .text: TextReport()
        case .json: JSONReport()
        case .csv: CSVReport()
        case .markdown: MarkdownReport()
        case .html: HTMLReport()
        }
    }
}

/// The report as JSON: the fields of `RunReport`, keys sorted, dates in
/// ISO 8601 UTC; `formatVersion` grows when fields are added
/// (docs/REPORTS.md documents every field).
public struct JSONReport: ReportRenderer {
    public init() {}

    public func render(_ report: RunReport) -> String { Self.encode(report) }

    /// The text of `render`, a few hundred messages at a time: the report
    /// without its messages, encoded whole, with each mailbox's messages,
    /// encoded as lists of a few hundred and indented to their place, put
    /// where its empty list is, so that no tree of the whole report is built.
    public func write(_ report: RunReport, to output: (String) throws -> Void) rethrows {
        var skeleton = report
        for index in skeleton.mailboxes.indices { skeleton.mailboxes[index].messages = [] }
        let text = Self.encode(skeleton)
        // Keys sorted and pretty-printed, each mailbox's empty list sits six spaces in, once; no value holds a bare quote.
        let list = "\n      \"messages\" : [", empty = "\n\n      ]"
        let pieces = text.components(separatedBy: list + empty)
        guard pieces.count == report.mailboxes.count + 1 else { return try output(render(report)) }
        let encoder = Self.encoder()
        for (mailbox, piece) in zip(report.mailboxes, pieces) {
            try output(piece + list)
            for start in stride(from: 0, to: mailbox.messages.count, by: 256) {
                let chunk = mailbox.messages[start..<min(start + 256, mailbox.messages.count)]
                try output((start == 0 ? "\n" : ",\n") + Self.listed(Array(chunk), with: encoder))
            }
            try output(mailbox.messages.isEmpty ? empty : "\n      ]")
        }
        try output(pieces[pieces.count - 1])
    }

    /// The elements of a list as they sit in a mailbox's list: the encoded
    /// list without its brackets, each line six spaces further in (empty
    /// lines, of empty lists, stay empty).
    private static func listed(_ messages: [MessageReport], with encoder: JSONEncoder) -> String {
        let encoded = Array(encode(messages, with: encoder).utf8)
        // "[\n" … "\n]\n" around the elements.
        guard encoded.count > 5 else { return "" }
        var bytes: [UInt8] = Array("      ".utf8)
        bytes.reserveCapacity(encoded.count + encoded.count / 4)
        for (index, byte) in encoded[2..<(encoded.count - 3)].enumerated() {
            bytes.append(byte)
            if byte == UInt8(ascii: "\n"), encoded[index + 3] != UInt8(ascii: "\n") {
                bytes.append(contentsOf: "      ".utf8)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Any listing as the report's JSON is written (the history and the
    /// attendance use it too): keys sorted, dates in ISO 8601 UTC.
    static func encode<T: Encodable>(_ value: T, with encoder: JSONEncoder = encoder()) -> String {
        // Encoding plain strings, numbers and dates cannot fail; should it, the text says so rather than crash.
        guard let data = try? encoder.encode(value) else { return "{\"error\": \"it could not be encoded\"}\n" }
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    private static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }
}
