import SeededRandom

/// Seeded mutations of text files (YAML: rules, configuration, fixtures):
/// characters deleted, tokens inserted, whole lines duplicated, removed,
/// swapped or re-indented. The same seed gives the same mutations.
public enum TextMutator {
    /// YAML punctuation and odd characters every YAML reader should survive.
    public static let yamlTokens = [
        ":", ": ", "- ", " ", "\n", "\n  ", "[", "]", "{", "}", ",", "\"", "'", "*", "&a ", "*a", "#", "\t", "!!str ",
        "%", "@", "|", ">", "? ", "~", "null", "true", "no", "4h", "0m", "-1", "99999999999999999999", "25:00",
        "\u{0}", "\u{FEFF}", "ü", "😀", "\\", "---\n",
    ]

    /// One to five mutations of `text`, with `tokens` as what insertions insert.
    public static func mutate(_ text: String, tokens: [String], _ random: inout SplitMix64) -> String {
        var chars = Array(text.unicodeScalars)
        for _ in 0...random.next(4) {
            let at = random.next(chars.count + 1)
            switch random.next(6) {
            case 0:  // delete a few characters
                let end = min(chars.count, at + 1 + random.next(10))
                if at < end { chars.removeSubrange(at..<end) }
            case 1, 2:  // insert a token
                chars.insert(contentsOf: tokens[random.next(tokens.count)].unicodeScalars, at: min(at, chars.count))
            default:  // work on whole lines
                var lines = String(String.UnicodeScalarView(chars)).split(
                    separator: "\n", omittingEmptySubsequences: false
                ).map(String.init)
                guard !lines.isEmpty else { break }
                let i = random.next(lines.count)
                let j = random.next(lines.count)
                switch random.next(4) {
                case 0: lines.insert(lines[i], at: j)
                case 1: lines.remove(at: i)
                case 2: lines.swapAt(i, j)
                default: lines[i] = random.next(2) == 0 ? "  " + lines[i] : String(lines[i].drop { $0 == " " })
                }
                chars = Array(lines.joined(separator: "\n").unicodeScalars)
            }
        }
        return String(String.UnicodeScalarView(chars))
    }
}

/// Seeded mutations of XML bytes: bit flips, random bytes, truncation,
/// deletions, inserted tokens (markup, entities, invalid UTF-8, EWS values),
/// elements duplicated or spliced in from another document, and element text
/// replaced. Bytes, not text, so that the results need not be valid UTF-8.
public struct XMLMutator: Sendable {
    /// What insertions insert and text replacements put in.
    public let tokens: [[UInt8]]

    /// Markup that breaks or bends XML, and byte sequences that are not UTF-8.
    public static let markupTokens: [[UInt8]] =
        [
            "<", ">", "</", "/>", "<a>", "</a>", "<!DOCTYPE r [<!ENTITY e \"e\">]>", "<!DOCTYPE r SYSTEM \"r.dtd\">",
            "<!ENTITY x SYSTEM \"file:///etc/passwd\">", "&", "&e;", "&amp;", "&lt;", "&#0;", "&#x1;", "&#xFFFE;",
            "&#x110000;", "&#99999999999;", "<![CDATA[", "]]>", "<!--", "-->", "<?xml version=\"1.0\"?>", "<?pi x?>",
            "\"", "'", "=", " a=\"1\"", " a=\"1\" a=\"2\"", " xmlns=\"\"", " xmlns:t=\"urn:other\"", " xmlns:t=\"\"",
            "t:", "m:", "x:", ":", "\u{0}", "\t", "\r\n", " ", "\u{FEFF}", "\u{202E}", "😀", "ü",
        ].map { Array($0.utf8) } + invalidUTF8

    /// Overlong forms, surrogates, code points past U+10FFFF, cut-off and
    /// stray continuation bytes, bytes that never occur in UTF-8, a UTF-16 BOM.
    public static let invalidUTF8: [[UInt8]] = [
        [0xC0, 0x80], [0xC1, 0xBF], [0xE0, 0x80, 0xAF], [0xF0, 0x80, 0x80, 0xAF], [0xED, 0xA0, 0x80],
        [0xED, 0xBF, 0xBF], [0xF4, 0x90, 0x80, 0x80], [0xF8, 0x88, 0x80, 0x80, 0x80], [0xC3], [0xE2, 0x82],
        [0xF0, 0x9F, 0x98], [0x80], [0xBF], [0xFE], [0xFF], [0xFF, 0xFE], [0xFE, 0xFF],
    ]

    /// Values a parser reads: numbers, dates, booleans, response classes and
    /// codes, ids, and EWS elements that may come where they are not expected.
    public static let ewsTokens: [[UInt8]] = [
        "0", "-1", "1", "2147483648", "9223372036854775808", "99999999999999999999", "1e9", "0x10", "NaN", "",
        "true", "false", "TRUE", "2026-03-02T09:00:00Z", "2026-02-30T25:61:61Z", "0001-01-01T00:00:00Z",
        "9999-12-31T23:59:59Z", "2026-03-02T09:00:00+14:00", "2026-03-02T09:00:00.1234567-12:00", "2026-03-02",
        "P1D", "-P1D", "PT0S", "Success", "Warning", "Error", "NoError", "ErrorServerBusy", "ErrorItemNotFound",
        "ErrorBatchProcessingStopped", "ErrorInternalServerTransientError", "Single", "Occurrence",
        "RecurringMaster", "Exception", "Accept", "Decline", "Tentative", "Unknown", "Organizer", "Monday",
        "Sunday Saturday", "Weekday", "Last", "Fifth", "January", "W. Europe Standard Time", "Nowhere/Zone",
        " ResponseClass=\"Error\"", " ResponseClass=\"Warning\"", " Id=\"\"", " Id=\"x\" ChangeKey=\"y\"",
        " IncludesLastItemInRange=\"false\"", " IndexedPagingOffset=\"0\"", " TotalItemsInView=\"-5\"",
        "<t:ItemId Id=\"x\"/>", "<t:ItemId/>", "<m:ResponseCode>ErrorServerBusy</m:ResponseCode>",
        "<t:Mailbox><t:EmailAddress>a@b</t:EmailAddress></t:Mailbox>", "<t:Attendee/>",
        "<t:Recurrence><t:DailyRecurrence><t:Interval>0</t:Interval></t:DailyRecurrence><t:NoEndRecurrence>"
            + "<t:StartDate>2026-03-02</t:StartDate></t:NoEndRecurrence></t:Recurrence>",
        "<t:Recurrence><t:RelativeMonthlyRecurrence><t:Interval>1</t:Interval><t:DaysOfWeek>Monday</t:DaysOfWeek>"
            + "<t:DayOfWeekIndex>Fifth</t:DayOfWeekIndex></t:RelativeMonthlyRecurrence><t:NumberedRecurrence>"
            + "<t:StartDate>2026-03-02</t:StartDate><t:NumberOfOccurrences>999999999</t:NumberOfOccurrences>"
            + "</t:NumberedRecurrence></t:Recurrence>",
        "<t:Recurrence><t:AbsoluteYearlyRecurrence><t:DayOfMonth>30</t:DayOfMonth><t:Month>February</t:Month>"
            + "</t:AbsoluteYearlyRecurrence><t:NoEndRecurrence><t:StartDate>2026-03-02</t:StartDate>"
            + "</t:NoEndRecurrence></t:Recurrence>",
    ].map { Array($0.utf8) }

    public init(tokens: [[UInt8]] = XMLMutator.markupTokens + XMLMutator.ewsTokens) {
        self.tokens = tokens
    }

    /// One to five mutations of `input`; `donors` are documents whose elements may be spliced in.
    public func mutate(_ input: [UInt8], donors: [[UInt8]] = [], _ random: inout SplitMix64) -> [UInt8] {
        var bytes = input
        for _ in 0...random.next(4) {
            let at = random.next(bytes.count + 1)
            switch random.next(12) {
            case 0:  // flip a bit
                if at < bytes.count { bytes[at] ^= 1 << UInt8(random.next(8)) }
            case 1:  // any byte at all
                if at < bytes.count { bytes[at] = UInt8(random.next(256)) }
            case 2:  // cut off, as a dropped connection would
                if random.next(3) == 0 { bytes.removeSubrange(at...) }
            case 3:  // delete a few bytes
                bytes.removeSubrange(at..<min(bytes.count, at + 1 + random.next(16)))
            case 4, 5:  // a token at a tag boundary or anywhere
                let place = random.next(2) == 0 ? Self.tagBoundary(in: bytes, near: at) : at
                bytes.insert(contentsOf: tokens[random.next(tokens.count)], at: place)
            case 6, 7:  // an element again, elsewhere
                if let span = Self.element(in: bytes, &random) {
                    bytes.insert(contentsOf: bytes[span], at: Self.tagBoundary(in: bytes, near: at))
                }
            case 8:  // an element of another document
                if !donors.isEmpty {
                    let donor = donors[random.next(donors.count)]
                    if let span = Self.element(in: donor, &random) {
                        bytes.insert(contentsOf: donor[span], at: Self.tagBoundary(in: bytes, near: at))
                    }
                }
            case 9:  // an element removed
                if let span = Self.element(in: bytes, &random) { bytes.removeSubrange(span) }
            default:  // the text of an element (or an attribute value) replaced
                if let span = Self.value(in: bytes, near: at) {
                    bytes.replaceSubrange(span, with: tokens[random.next(tokens.count)])
                }
            }
        }
        return bytes
    }

    /// The position of the first `<` at or after `at`, else the end.
    static func tagBoundary(in bytes: [UInt8], near at: Int) -> Int {
        bytes[min(at, bytes.count)...].firstIndex(of: UInt8(ascii: "<")) ?? bytes.count
    }

    /// A random element with its content, from a start tag to its end tag
    /// (matched by nesting, not by name), or an empty-element tag.
    static func element(in bytes: [UInt8], _ random: inout SplitMix64) -> ClosedRange<Int>? {
        let starts = bytes.indices.filter {
            bytes[$0] == UInt8(ascii: "<") && $0 + 1 < bytes.count && !"/!?".utf8.contains(bytes[$0 + 1])
        }
        guard !starts.isEmpty else { return nil }
        let start = starts[random.next(starts.count)]
        var depth = 0
        var i = start
        while i < bytes.count {
            guard let open = bytes[i...].firstIndex(of: UInt8(ascii: "<")),
                let close = bytes[open...].firstIndex(of: UInt8(ascii: ">"))
            else { return nil }
            let isEnd = open + 1 < bytes.count && bytes[open + 1] == UInt8(ascii: "/")
            let isEmpty = bytes[close - 1] == UInt8(ascii: "/")
            depth += isEnd ? -1 : (isEmpty ? 0 : 1)
            if depth <= 0 { return start...close }
            i = close + 1
        }
        return nil
    }

    /// The text between the first `>` at or after `at` and the next `<`, or
    /// the value of the first quoted attribute there.
    static func value(in bytes: [UInt8], near at: Int) -> Range<Int>? {
        let tail = bytes[min(at, bytes.count)...]
        let text = tail.firstIndex(of: UInt8(ascii: ">")).map { $0 + 1 }
        let quote = tail.firstIndex(of: UInt8(ascii: "\"")).map { $0 + 1 }
        guard let from = [text, quote].compactMap({ $0 }).min() else { return nil }
        let stop = from == quote ? UInt8(ascii: "\"") : UInt8(ascii: "<")
        guard let to = bytes[from...].firstIndex(of: stop) else { return nil }
        return from..<to
    }
}

/// YAML made to hurt a reader: aliases that expand exponentially, nesting
/// past any stack, and a file of tens of megabytes.
public enum HostileYAML {
    /// Nine levels of nine aliases of the level before: 387 million values once expanded.
    public static let aliasBomb: String = {
        var lines = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
        for level in 1...9 {
            lines.append(
                "a\(level): &a\(level) [" + Array(repeating: "*a\(level - 1)", count: 9).joined(separator: ", ") + "]")
        }
        return lines.joined(separator: "\n") + "\n"
    }()
    /// 100,000 nested flow sequences.
    public static let deepFlow = "exchange: " + String(repeating: "[", count: 100_000) + "\n"
    /// 1,000 nested block sequences, one level per line.
    public static let deepBlock = (0..<1_000).map { String(repeating: " ", count: $0) + "- " }.joined(separator: "\n")
    /// 20 MB of one scalar.
    public static let huge = "exchange: " + String(repeating: "x", count: 20 << 20) + "\n"
}
