import Foundation

/// Turns a run's report into text of one format. Renderers are pure: the
/// same report gives the same text (STYLE.md example 9). Server text
/// (subjects, names) is escaped as each format needs.
public protocol ReportRenderer: Sendable {
    func render(_ report: RunReport) -> String
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

    /// Any listing as the report's JSON is written (the history and the
    /// attendance use it too): keys sorted, dates in ISO 8601 UTC.
    static func encode<T: Encodable>(_ value: T) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        // Encoding plain strings, numbers and dates cannot fail; should it, the text says so rather than crash.
        guard let data = try? encoder.encode(value) else { return "{\"error\": \"it could not be encoded\"}\n" }
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
