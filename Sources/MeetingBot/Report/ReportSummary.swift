import Foundation

/// What the text, Markdown and HTML reports count and say alike, from the
/// messages alone.
enum ReportSummary {
    /// Kinds in the order the reports list them (`other`: not a meeting message).
    static let kinds = ["request", "response", "cancellation", "other"]

    struct KindCount: Equatable {
        let kind: String
        /// `(action, count)`, sorted by action.
        let actions: [ActionCount]
        var total: Int { actions.reduce(0) { $0 + $1.count } }
        /// `request`, `requests`, `other messages`.
        var noun: String { (kind == "other" ? "other message" : kind) + (total == 1 ? "" : "s") }
        /// `1 request`, `3 other messages`.
        var label: String { "\(total) \(noun)" }
    }

    struct ActionCount: Equatable {
        let action: String
        let count: Int
    }

    /// Per kind present, in `kinds` order (a kind not listed comes last), the counts by action.
    static func byKind(_ messages: some Collection<MessageReport>) -> [KindCount] {
        // Counted, not grouped (Sequence.counts).
        let counted = messages.reduce(into: [String: [String: Int]]()) {
            $0[$1.kind, default: [:]][$1.action, default: 0] += 1
        }
        let order = kinds + counted.keys.filter { !kinds.contains($0) }.sorted()
        return order.compactMap { kind in
            guard let actions = counted[kind] else { return nil }
            return KindCount(
                kind: kind,
                actions: actions.map { ActionCount(action: $0.key, count: $0.value) }.sorted { $0.action < $1.action })
        }
    }

    struct ResultCount: Equatable {
        let result: MessageReport.Result
        let count: Int
    }

    /// The results present, in the order `MessageReport.Result` declares them.
    static func byResult(_ messages: some Collection<MessageReport>) -> [ResultCount] {
        MessageReport.Result.allCases.compactMap { result in
            let count = messages.count(where: { $0.result == result })
            return count == 0 ? nil : ResultCount(result: result, count: count)
        }
    }

    /// What must not reach a one-line rendering of server text: control
    /// characters (newlines, escape sequences that rewrite a terminal), line
    /// and paragraph separators, and the bidirectional controls that show a
    /// line in another order than it reads (CVE-2021-42574).
    static func isUnsafeInLine(_ scalar: Unicode.Scalar) -> Bool {
        [.control, .lineSeparator, .paragraphSeparator].contains(scalar.properties.generalCategory)
            || scalar.properties.isBidiControl
    }

    /// `stuck_pending` as `stuck pending`.
    static func words(_ raw: String) -> String { raw.replacingOccurrences(of: "_", with: " ") }

    /// `2026-03-02 08:00:00Z`: UTC, as every format but JSON writes times.
    static func time(_ date: Date) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withFullDate, .withTime, .withColonSeparatorInTime, .withSpaceBetweenDateAndTime]
        f.timeZone = TimeZone(identifier: "UTC")
        return f.string(from: date) + "Z"
    }

    /// The EWS calls as `CreateItem 7, FindItem 3`, by operation name.
    static func calls(_ calls: [String: Int]) -> String {
        calls.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
    }
}
