import Foundation
import TestSupport
import Testing

@testable import MeetingBot

/// Every format of the fixed runs, pinned in Snapshots/ (regenerate with
/// MEETINGBOT_UPDATE_SNAPSHOTS=1), and the hostile text checked escaped in each.
@Suite struct ReportSnapshotTests {
    @Test(arguments: ["run", "dry-run"], ReportFormat.allCases)
    func matchesItsSnapshot(_ sample: String, _ format: ReportFormat) throws {
        let report = try #require(ReportSamples.all.first { $0.name == sample }?.report)
        let text = format.renderer.render(report)
        let file = ReportTools.snapshot(sample, format)
        if ReportTools.updatesSnapshots { try Data(text.utf8).write(to: file) }
        let pinned = String(decoding: try Data(contentsOf: file), as: UTF8.self)
        #expect(text == pinned, "\(file.lastPathComponent) changed; regenerate with MEETINGBOT_UPDATE_SNAPSHOTS=1")
    }

    @Test func theSamplesHoldEveryResultAndEveryStatus() {
        let results = Set(ReportSamples.all.flatMap { $0.report.messages.map(\.result) })
        #expect(results == Set(MessageReport.Result.allCases))
        #expect(Set(ReportSamples.run.mailboxes.map(\.status)).count == 4)
        #expect(ReportSamples.longSubject.count == 500)
    }

    // MARK: Text

    @Test(arguments: ["run", "dry-run"])
    func everyTextLineFitsEightyColumnsAndHoldsNoControls(_ sample: String) throws {
        let report = try #require(ReportSamples.all.first { $0.name == sample }?.report)
        let text = TextReport().render(report)
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            #expect(TextReport.columns(String(line)) <= 80, "\(line)")
            #expect(!line.unicodeScalars.contains { ReportSummary.isUnsafeInLine($0) }, "\(line.debugDescription)")
        }
    }

    @Test func theTextReportCountsFirstAndNamesEveryResultWhole() {
        let text = TextReport().render(ReportSamples.run)
        let room = text.components(separatedBy: "\nroom@contoso.com")[1]
        let lines = room.split(separator: "\n").map(String.init)
        #expect(lines[1] == "  18 requests: accept 7, decline 4, delete 2, none 2, skip 1, tentative 2")
        #expect(lines[2] == "  2 cancellations: keep 1, remove 1")
        #expect(lines[3] == "  1 other message: none 1")
        #expect(lines[4].hasPrefix("  result            action    rule              subject"))
        #expect(text.contains("  already answered  delete    -                 Agenda\n"))
        #expect(text.contains("  stuck pending     apply     apply             Accepted: Retro, \"final\"\n"))
        #expect(
            text.hasPrefix("Run, 2026-03-02 08:00:00Z to 2026-03-02 08:00:07Z\n5 mailboxes, 30 messages, 4 problems\n"))
    }

    @Test func wideCharactersCountTwoColumnsAndLongWordsAreBrokenNotCut() {
        let url = "https://mail.contoso.com/owa/" + String(repeating: "x", count: 150)
        let message = MessageReport(
            itemId: "1", kind: "request", subject: String(repeating: "会議室", count: 20), action: "accept",
            reason: "🎉🎉 " + String(repeating: "予約", count: 50), result: .replied, detail: url)
        let report = RunReport(
            dryRun: false, startedAt: ReportSamples.started, finishedAt: ReportSamples.started,
            mailboxes: [
                MailboxReport(
                    address: "room@contoso.com", rulesFile: "room.yml", status: .completed, messages: [message])
            ])
        let lines = TextReport().render(report).split(separator: "\n").map(String.init)
        for line in lines { #expect(TextReport.columns(line) <= 80, "\(line)") }
        let row = try? #require(lines.first { $0.contains("会議室") })
        // 40 columns of subject hold 17 wide characters and the ellipsis.
        #expect(row.map(TextReport.columns) == 79)
        #expect(
            lines.filter { $0.hasPrefix("    https:") || $0.hasPrefix("    xxxx") }.map { $0.dropFirst(4) }.joined()
                == url)
    }

    @Test func controlAndBidirectionalCharactersBecomeSpaces() {
        #expect(TextReport.clean("a\u{1B}[2Jb\r\nc\u{202E}d\u{2028}e\tf") == "a [2Jb  c d e f")
    }

    // MARK: HTML

    @Test(arguments: ["run", "dry-run"])
    func theHTMLHoldsNoMarkupFromTheServer(_ sample: String) throws {
        let report = try #require(ReportSamples.all.first { $0.name == sample }?.report)
        let html = HTMLReport().render(report)
        #expect(!html.lowercased().contains("<script"))
        #expect(!html.lowercased().contains("<img"))
        // In an attribute (a bar's title) and in text (the table).
        #expect(html.contains("title=\"&lt;script&gt;alert(1)&lt;/script&gt; &quot;Q1 review&quot;, part 1"))
        #expect(html.contains(">&lt;script&gt;alert(1)&lt;/script&gt; \"Q1 review\", part 1"))
        #expect(html.contains(" · eve\"&gt;&lt;img src=x onerror=alert(2)&gt;@fabrikam.com</div>"))
        // Self-contained: nothing to fetch.
        for pattern in ["url(", "@import"] { #expect(!html.contains(pattern)) }
        #expect(!html.unicodeScalars.contains { $0 == "\u{1B}" || $0 == "\u{202E}" })

        // Parsed as a browser would, the page has no script or image, and the subjects read as the server wrote them.
        let parsed = try ReportTools.python(Self.htmlParser, input: Data(html.utf8))
        let result = try JSONDecoder().decode(ParsedHTML.self, from: parsed)
        #expect(result.tags["script"] == nil && result.tags["img"] == nil && result.tags["link"] == nil)
        // The only attributes that could fetch or run: none, but links within the page.
        #expect(
            result.attributes.filter {
                !["class", "style", "title", "id", "lang", "charset", "http-equiv", "name", "content"].contains($0)
            } == ["href"])
        #expect(result.hrefs.allSatisfy { $0.hasPrefix("#mailbox-") } && result.hrefs.count == report.mailboxes.count)
        let subjects = report.messages.map { $0.subject.isEmpty ? "(no subject)" : $0.subject }
        #expect(result.subjects == subjects.map(Self.spaced))
        let bars = report.mailboxes.map { ReportTimeline($0.messages, from: report.startedAt, weeks: 4).bars.count }
        #expect(result.bars == bars.reduce(0, +))
        #expect(result.bars == 19)
    }

    struct ParsedHTML: Decodable {
        let tags: [String: Int]
        let attributes: Set<String>
        let hrefs: [String]
        let subjects: [String]
        let bars: Int
    }

    /// Python's HTML parser: the tags it saw, the text of the table's subjects (whitespace runs as one space), the bars.
    static let htmlParser = """
        import html.parser, json, re, sys
        class P(html.parser.HTMLParser):
            def __init__(self):
                super().__init__(convert_charrefs=True)
                self.tags, self.attributes, self.hrefs, self.subjects, self.bars, self.cell = {}, set(), [], [], 0, None
            def handle_starttag(self, tag, attrs):
                self.tags[tag] = self.tags.get(tag, 0) + 1
                self.attributes.update(name for name, _ in attrs)
                self.hrefs += [value for name, value in attrs if name == "href"]
                classes = (dict(attrs).get("class") or "").split()
                if tag == "div" and "subject" in classes: self.cell = ""
                if tag == "div" and "bar" in classes: self.bars += 1
            def handle_endtag(self, tag):
                if tag == "div" and self.cell is not None:
                    self.subjects.append(re.sub(r"\\s+", " ", self.cell).strip()); self.cell = None
            def handle_data(self, data):
                if self.cell is not None: self.cell += data
        p = P(); p.feed(sys.stdin.read()); p.close()
        print(json.dumps({"tags": p.tags, "attributes": sorted(p.attributes), "hrefs": p.hrefs, "subjects": p.subjects, "bars": p.bars}))
        """

    static func spaced(_ text: String) -> String {
        let escaped = String(
            String.UnicodeScalarView(
                text.unicodeScalars.map { $0.properties.isBidiControl || $0 == "\u{1B}" ? "\u{FFFD}" : $0 }))
        return escaped.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }

    // MARK: CSV

    /// Python's csv module reads back every field as the model has it.
    @Test(arguments: ["run", "dry-run"])
    func theCSVReadsBackField(_ sample: String) throws {
        let report = try #require(ReportSamples.all.first { $0.name == sample }?.report)
        let csv = CSVReport().render(report)
        #expect(Self.recordEnds(csv) == report.messages.count + report.mailboxes.filter(\.messages.isEmpty).count + 1)
        #expect(csv.hasSuffix("\r\n"))
        let parsed = try ReportTools.python(
            "import csv, io, json, sys; print(json.dumps(list(csv.reader(io.StringIO(sys.stdin.read(), newline='')))))",
            input: Data(csv.utf8))
        let rows = try JSONDecoder().decode([[String]].self, from: parsed)
        #expect(rows.first == CSVReport.columns)
        #expect(rows.allSatisfy { $0.count == CSVReport.columns.count })
        let messages: [(MailboxReport, MessageReport?)] = report.mailboxes.flatMap { mailbox in
            mailbox.messages.isEmpty ? [(mailbox, nil)] : mailbox.messages.map { (mailbox, $0) }
        }
        #expect(rows.count == messages.count + 1)
        for (row, (mailbox, message)) in zip(rows.dropFirst(), messages) {
            let field = Dictionary(uniqueKeysWithValues: zip(CSVReport.columns, row))
            #expect(field["mailbox"] == mailbox.address && field["mailboxError"] == mailbox.error ?? "")
            guard let message else {
                #expect(field["itemId"] == "")
                continue
            }
            #expect(field["itemId"] == message.itemId)
            #expect(field["subject"] == Self.unguarded(message.subject), "\(message.subject)")
            #expect(field["from"] == message.from ?? "" && field["detail"] == message.detail ?? "")
            #expect(field["reason"] == message.reason && field["result"] == message.result.rawValue)
            #expect(field["start"] == message.start.map { $0.formatted(.iso8601) } ?? "")
            #expect(field["conflicts"] == message.conflicts.map(String.init) ?? "")
        }
    }

    /// The CRLFs that end records (outside quotes); nil when a bare CR or LF stands outside quotes.
    static func recordEnds(_ csv: String) -> Int? {
        var quoted = false
        var ends = 0
        var previous: Unicode.Scalar = " "
        for scalar in csv.unicodeScalars {
            if scalar == "\"" { quoted.toggle() }
            if !quoted {
                if scalar == "\n" {
                    guard previous == "\r" else { return nil }
                    ends += 1
                }
                if previous == "\r" && scalar != "\n" { return nil }
            }
            previous = scalar
        }
        return ends
    }

    /// The subject as the CSV writes it: a formula behind an apostrophe (the sample's formula starts with `=`).
    static func unguarded(_ text: String) -> String { text.hasPrefix("=") ? "'" + text : text }

    @Test func csvQuotesAsRFC4180Says() {
        #expect(CSVReport.quoted("plain") == "plain")
        #expect(CSVReport.quoted("a,b") == "\"a,b\"")
        #expect(CSVReport.quoted("say \"hi\"") == "\"say \"\"hi\"\"\"")
        #expect(CSVReport.quoted("two\r\nlines") == "\"two\r\nlines\"")
        #expect(CSVReport.quoted("cr\ronly") == "\"cr\ronly\"")
    }

    @Test func aSpreadsheetFormulaStaysText() {
        for formula in ["=HYPERLINK(\"http://x\")", "+1", "-2+3", "@SUM(A1)", "\tx", "\rx"] {
            #expect(CSVReport.text(formula) == "'" + formula)
        }
        #expect(CSVReport.text("Planning = fun") == "Planning = fun")
    }

    // MARK: Markdown

    @Test(arguments: ["run", "dry-run"])
    func theMarkdownTablesKeepTheirColumns(_ sample: String) throws {
        let report = try #require(ReportSamples.all.first { $0.name == sample }?.report)
        let markdown = MarkdownReport().render(report)
        let rows = markdown.split(separator: "\n").filter { $0.hasPrefix("|") }
        #expect(rows.count == report.messages.count + 2 * report.mailboxes.filter { !$0.messages.isEmpty }.count)
        for row in rows { #expect(Self.cells(String(row)) == MarkdownReport.columns.count + 1, "\(row)") }
        // No HTML, no code span, no emphasis or link can start from the server's text.
        #expect(!markdown.contains("<"))
        #expect(!markdown.unicodeScalars.contains { ReportSummary.isUnsafeInLine($0) && $0 != "\n" })
        // Every line but the report's own emphasis: the dry run's banner and the word "Problem".
        let lines = markdown.split(separator: "\n").filter { !$0.hasPrefix("**Dry run:**") }
        for line in lines.map({ $0.replacingOccurrences(of: "**Problem:** ", with: "") }) {
            #expect(Self.unescaped(["`", "*", "_", "[", "]"], in: line) == 0, "\(line)")
        }
        #expect(markdown.contains("Budget \\| Q2 \\`final\\` \\*draft\\* \\_v2\\_"))
        #expect(markdown.contains("&lt;script&gt;alert(1)&lt;/script&gt; \"Q1 review\", part 1  Bcc: all@contoso.com"))
    }

    /// The `|`s of a table row that separate cells.
    static func cells(_ row: String) -> Int { unescaped(["|"], in: row) }

    /// How many of `markers` in `line` stand without a backslash before them.
    static func unescaped(_ markers: Set<Character>, in line: String) -> Int {
        var count = 0
        var escaped = false
        for character in line {
            if markers.contains(character) && !escaped { count += 1 }
            escaped = character == "\\" && !escaped
        }
        return count
    }

    // MARK: JSON

    @Test(arguments: ["run", "dry-run"])
    func theJSONReadsBackAsTheReport(_ sample: String) throws {
        let report = try #require(ReportSamples.all.first { $0.name == sample }?.report)
        let json = JSONReport().render(report)
        #expect(try JSONDecoder.iso8601.decode(RunReport.self, from: Data(json.utf8)) == report)
        #expect(json.contains("\"formatVersion\" : \(RunReport.formatVersion)"))
    }

    /// Written piece by piece (as `meetingbot run` writes it, message by
    /// message), the JSON is the same text, mailboxes without messages,
    /// multi-line texts and empty lists included.
    @Test(arguments: ["run", "dry-run"])
    func theJSONWrittenInPiecesIsTheSameText(_ sample: String) throws {
        let report = try #require(ReportSamples.all.first { $0.name == sample }?.report)
        #expect(report.mailboxes.contains { $0.messages.isEmpty } && report.mailboxes.contains { !$0.messages.isEmpty })
        var pieces: [String] = []
        JSONReport().write(report) { pieces.append($0) }
        #expect(pieces.joined() == JSONReport().render(report))
        // A mailbox of more messages than go to one piece.
        var large = report
        let first = try #require(large.mailboxes.firstIndex { !$0.messages.isEmpty })
        large.mailboxes[first].messages = MessageReports(
            Array(repeating: large.mailboxes[first].messages, count: 30).joined())
        pieces = []
        JSONReport().write(large) { pieces.append($0) }
        #expect(pieces.joined() == JSONReport().render(large))
        #expect(pieces.count > report.mailboxes.count + large.mailboxes[first].messages.count / 256)
    }
}
