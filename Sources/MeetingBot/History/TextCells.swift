import Foundation

/// The formats of `meetingbot history` and `meetingbot attendance`.
public enum ListingFormat: String, Sendable, CaseIterable {
    case text, json, csv, markdown
}

/// The cells of the history's and the attendance's listings, escaped as
/// each format needs: server text (subjects, names) and the rules' words may
/// hold anything (PRODUCT.md 7.8).
enum TextCells {
    static let width = 80

    /// On one line, with control characters (newlines, escape sequences that
    /// could rewrite a terminal) replaced by spaces.
    static func clean(_ text: String) -> String {
        String(text.unicodeScalars.map { $0.properties.generalCategory == .control ? " " : Character($0) })
    }

    /// Cleaned and cut to `width` characters, an ellipsis marking the cut.
    static func clip(_ text: String, _ width: Int) -> String {
        let line = clean(text)
        return line.count <= width ? line : String(line.prefix(max(0, width - 1))) + "…"
    }

    /// Clipped and padded to `width`, with at least one space after it.
    static func pad(_ text: String, _ width: Int) -> String {
        let clipped = clip(text, width - 1)
        return clipped + String(repeating: " ", count: width - clipped.count)
    }

    /// Cleaned and wrapped at spaces to the listing's width, each line indented.
    static func wrap(_ text: String, indent: Int) -> [String] {
        let room = width - indent
        var lines: [String] = []
        for word in clean(text).split(separator: " ").map({ clip(String($0), room) }) {
            if let last = lines.last, last.count + 1 + word.count <= room {
                lines[lines.count - 1] = last + " " + word
            } else {
                lines.append(word)
            }
        }
        return lines.map { String(repeating: " ", count: indent) + $0 }
    }

    /// `2026-03-02 08:00:00Z`: for people.
    static func time(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(dateTimeSeparator: .space, timeZone: .gmt))
    }

    /// `2026-03-02T08:00:00Z`: for programs.
    static func iso(_ date: Date?) -> String {
        date.map { $0.formatted(Date.ISO8601FormatStyle(timeZone: .gmt)) } ?? ""
    }

    /// One CSV record (RFC 4180): fields with a comma, a quote or a line
    /// break quoted, quotes doubled, CRLF at the end. Control characters are
    /// replaced as on a terminal, and a field that a spreadsheet would run
    /// as a formula (`=`, `+`, `-`, `@` first) gets a leading apostrophe
    /// (OWASP, "CSV Injection").
    static func csv(_ fields: [String]) -> String {
        fields.map { field in
            var cell = clean(field)
            if let first = cell.first, "=+-@".contains(first) { cell = "'" + cell }
            guard cell.contains(where: { $0 == "," || $0 == "\"" }) else { return cell }
            return "\"" + cell.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }.joined(separator: ",") + "\r\n"
    }

    /// Text as Markdown shows it literally, on one line: the characters that
    /// open emphasis, code, links, images, HTML, entities, strikethrough,
    /// math or a table cell are backslash-escaped (CommonMark 2.4: any ASCII
    /// punctuation may be). Server text never starts a line here, so the
    /// characters that only matter there (`-`, `+`, `1.`) stay as they are.
    static func markdown(_ text: String) -> String {
        var out = ""
        for character in clean(text) {
            if "\\`*_[]<>#!|~&$".contains(character) { out.append("\\") }
            out.append(character)
        }
        return out
    }

    /// One row of a Markdown table of cells already escaped.
    static func markdownRow(_ cells: [String]) -> String {
        "| " + cells.map { $0.isEmpty ? " " : $0 }.joined(separator: " | ") + " |\n"
    }

    /// `_` as a space: `stuck_pending` reads `stuck pending`.
    static func words(_ raw: String) -> String { raw.replacingOccurrences(of: "_", with: " ") }

    /// JSON with keys sorted and dates in ISO 8601 UTC, as the run report's.
    static func json<T: Encodable>(_ value: T) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        // Plain strings, numbers and dates always encode; should they not, the text says so rather than crash.
        guard let data = try? encoder.encode(value) else {
            return "{\"error\": \"the listing could not be encoded\"}\n"
        }
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
