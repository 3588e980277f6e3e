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

    /// The text of `render`, message by message: the report without its
    /// messages, encoded whole, with each mailbox's messages, each encoded
    /// alone, put where its empty list is, so that no tree of the whole
    /// report is ever built.
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
            for (position, message) in mailbox.messages.enumerated() {
                let lines = Self.encode(message, with: encoder).dropLast()
                    .split(separator: "\n", omittingEmptySubsequences: false).map { $0.isEmpty ? "" : "        " + $0 }
                try output((position == 0 ? "\n" : ",\n") + lines.joined(separator: "\n"))
            }
            try output(mailbox.messages.isEmpty ? empty : "\n      ]")
        }
        try output(pieces[pieces.count - 1])
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
