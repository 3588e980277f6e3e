import Foundation
import MeetingBot
import MeetingJournal
import Testing

/// `meetingbot history` end to end: the journal of real and dry runs
/// against the sandbox, read by the built binary (issue 9, item 2).
@Suite struct HistoryCommandTests {
    /// A dry run, then a real run, over the room and the organizer's mailbox.
    static func recorded() async throws -> (BotHarness, dry: RunReport, real: RunReport) {
        let harness = try await Organizers.harness()
        let (_, dry, _) = await harness.run(dryRun: true)
        let (_, real, _) = await harness.run()
        return (harness, try #require(dry), try #require(real))
    }

    static func history(_ harness: BotHarness, _ arguments: [String]) throws -> HistoryListing {
        let (status, output, errors) = try harness.runProcess(arguments + ["--format", "json"], command: "history")
        #expect(status == 0, "\(errors)")
        return try JSONDecoder.iso8601.decode(HistoryListing.self, from: Data(output.utf8))
    }

    @Test func historyShowsWhatBothRunsDecidedAndMarksTheDryRun() async throws {
        let (harness, dry, real) = try await Self.recorded()
        defer { Task { await harness.stop() } }
        let listing = try Self.history(harness, ["--since", "all"])
        let reports = Array(dry.messages) + Array(real.messages)
        #expect(listing.entries.count == reports.count)
        #expect(listing.entries.count == 2 * 7, "the room's 2 requests; the organizer's 4 responses and 1 request")
        // Oldest first: the dry run's entries, then the real run's, each as its report said.
        #expect(listing.entries.map(\.dryRun) == dry.messages.map { _ in true } + real.messages.map { _ in false })
        for (entry, report) in zip(listing.entries.sorted(by: Self.byRunAndItem), Self.sorted(dry, real)) {
            #expect(entry.itemId == report.itemId)
            #expect(entry.result == report.result.rawValue)
            #expect(entry.action == report.action && entry.rule == report.rule && entry.reason == report.reason)
        }
        #expect(Set(listing.entries.filter(\.dryRun).map(\.result)) == ["planned", "kept"])
        #expect(Set(listing.entries.filter { !$0.dryRun }.map(\.result)) == ["replied", "applied", "kept"])

        let (status, text, _) = try harness.runProcess(["--since", "all"], command: "history")
        #expect(status == 0)
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines.first == "Decisions in the journal: 14, 7 of them by dry runs.")
        #expect(lines.allSatisfy { $0.count <= 80 }, "\(lines.filter { $0.count > 80 })")
        #expect(lines.filter { $0.hasSuffix("(dry run: nothing was done)  room@contoso.com") }.count == 2)
        #expect(lines.contains { $0.hasPrefix("  planned         accept    staff           Planning") })
        #expect(lines.contains { $0.hasPrefix("  replied         decline   outside-hours   Evening") })
    }

    static func byRunAndItem(_ a: JournalEntry, _ b: JournalEntry) -> Bool { (a.runId, a.itemId) < (b.runId, b.itemId) }

    static func sorted(_ dry: RunReport, _ real: RunReport) -> [MessageReport] {
        dry.messages.sorted { $0.itemId < $1.itemId } + real.messages.sorted { $0.itemId < $1.itemId }
    }

    @Test func eachFilterSelects() async throws {
        let (harness, _, real) = try await Self.recorded()
        defer { Task { await harness.stop() } }
        func entries(_ arguments: [String]) throws -> [JournalEntry] {
            try Self.history(harness, ["--since", "all"] + arguments).entries
        }
        #expect(try entries(["--mailbox", "EVENTS@contoso.com"]).map(\.mailbox).count == 10)
        #expect(try entries(["--mailbox", "room@contoso.com"]).allSatisfy { $0.mailbox == "room@contoso.com" })
        #expect(try entries(["--organizer", "pat@contoso.com"]).map(\.subject) == ["Evening", "Evening"])
        let planning = try #require(real.messages.first { $0.subject == "Planning" }?.uid)
        #expect(try entries(["--uid", planning]).map(\.result) == ["planned", "replied"])
        #expect(try entries(["--action", "decline"]).map(\.subject) == ["Evening", "Evening"])
        #expect(try entries(["--dry-runs", "exclude"]).allSatisfy { !$0.dryRun })
        #expect(try entries(["--dry-runs", "exclude"]).count == 7)
        #expect(try entries(["--dry-runs", "only"]).allSatisfy(\.dryRun))
        #expect(try entries(["--dry-runs", "only", "--action", "apply"]).count == 4)
        #expect(try entries(["--since", "2026-03-03"]).isEmpty, "the runs were on 2 March")
        #expect(try entries(["--since", "2026-03-02"]).count == 14)

        let limited = try Self.history(harness, ["--since", "all", "--limit", "3"])
        #expect(limited.limited == 3)
        #expect(limited.entries.count == 3 && limited.entries.allSatisfy { !$0.dryRun }, "the newest three")
        let (_, text, _) = try harness.runProcess(["--since", "all", "--limit", "3"], command: "history")
        #expect(text.hasPrefix("Decisions in the journal: 3, the newest 3 of more.\n"))
        let (usage, _, errors) = try harness.runProcess(["--since", "a week"], command: "history")
        #expect(usage == 64)
        #expect(errors.contains("--since takes 7d, 24h, 90m, a day (2026-03-01), a moment or all, not 'a week'"))
    }

    @Test func sinceIsADurationBeforeNowADayOrAMoment() throws {
        let day = Date(timeIntervalSince1970: 1_772_323_200)  // 2026-03-01 00:00 UTC
        #expect(HistorySince("7d") == .ago(seconds: 604_800))
        #expect(HistorySince("24h") == .ago(seconds: 86_400))
        #expect(HistorySince("1h30m") == .ago(seconds: 5_400))
        #expect(HistorySince("all") == .all)
        #expect(HistorySince("2026-03-01") == .moment(day))
        #expect(HistorySince("2026-03-01T08:00:00Z") == .moment(day + 8 * 3600))
        #expect(HistorySince("2026-03-01T09:00:00+01:00") == .moment(day + 8 * 3600))
        for bad in ["", "7", "d7", "7 days", "yesterday", "2026-13-01", "1m1h"] {
            #expect(HistorySince(bad) == nil, "\(bad)")
        }
        #expect(HistorySince.ago(seconds: 60).date(now: day) == day - 60)
        #expect(HistorySince.all.date(now: day) == nil)
        // The default is the last seven days.
        #expect(HistoryQuery().since == .ago(seconds: 604_800))
    }

    @Test func sinceSelectsFromTheJournal() async throws {
        let (harness, _, _) = try await Self.recorded()
        defer { Task { await harness.stop() } }
        let ran = harness.server.sandbox.now
        let state = harness.stateDirectory.path
        #expect(
            try HistoryQuery(since: .ago(seconds: 3600)).read(stateDirectory: state, now: ran + 60).entries.count == 14)
        #expect(
            try HistoryQuery(since: .ago(seconds: 3600)).read(stateDirectory: state, now: ran + 7200).entries.isEmpty)
        #expect(
            try HistoryQuery(since: .ago(seconds: 604_800)).read(stateDirectory: state, now: ran + 6 * 86_400).entries
                .count == 14)
    }

    @Test func anEmptyStateDirectoryListsNothingAndCreatesNothing() async throws {
        let harness = try await Organizers.harness()
        defer { Task { await harness.stop() } }
        let (status, text, errors) = try harness.runProcess(["--since", "all"], command: "history")
        #expect(status == 0, "\(errors)")
        #expect(
            text == "No decisions in the journal: no run has recorded anything in\n\(harness.stateDirectory.path) yet.\n")
        #expect(!FileManager.default.fileExists(atPath: harness.stateDirectory.path))
        let listing = try Self.history(harness, [])
        #expect(listing.entries.isEmpty && listing.emptyStateDirectory == harness.stateDirectory.path)
        let (_, csv, _) = try harness.runProcess(["--format", "csv"], command: "history")
        #expect(csv == HistoryCommandTests.csvHeader + "\r\n")
    }

    @Test func historyWorksWhileARunHoldsTheLock() async throws {
        let (harness, _, _) = try await Self.recorded()
        defer { Task { await harness.stop() } }
        var lock: RunLock? = try RunLock(directory: harness.stateDirectory)
        #expect(try Self.history(harness, ["--since", "all"]).entries.count == 14)
        #expect(lock != nil)
        lock = nil
    }

    @Test func aDamagedJournalOrAnInvalidConfigurationExits2() async throws {
        let (harness, _, _) = try await Self.recorded()
        defer { Task { await harness.stop() } }
        let file = harness.stateDirectory.appendingPathComponent(Journal.fileName)
        try Data(repeating: 0x5A, count: 8192).write(to: file)
        let (damaged, output, errors) = try harness.runProcess([], command: "history")
        #expect(damaged == 2)
        #expect(output.isEmpty)
        #expect(errors.contains("the journal \(file.path) is damaged"), "\(errors)")
        #expect(try Data(contentsOf: file) == Data(repeating: 0x5A, count: 8192), "left as it was")

        try "exchange: {".write(to: harness.configFile, atomically: true, encoding: .utf8)
        let (invalid, _, _) = try harness.runProcess([], command: "history")
        #expect(invalid == 2)
    }

    // MARK: Formats, exactly

    static let csvHeader =
        "decidedAt,runId,dryRun,mailbox,kind,subject,organizer,start,uid,recurrenceId,sequence,rule,action,result,reason,detail,itemId"

    /// Two entries with hostile server text: a subject with a newline, an
    /// escape sequence, a pipe, a comma and quotes; one that a spreadsheet
    /// would run as a formula, and Markdown emphasis.
    static let listing: HistoryListing = {
        let t = Date(timeIntervalSince1970: 1_772_438_400)  // 2026-03-02 08:00 UTC
        return HistoryListing(
            since: t - 7 * 86_400,
            entries: [
                JournalEntry(
                    runId: 1, mailbox: "room@contoso.com", itemId: "AAMk1", uid: "UID-1", sequence: 0, kind: "request",
                    organizer: "ann@contoso.com", subject: "Budget | Q1, \"final\"\n\u{1B}[31mred",
                    start: t + 2 * 86_400 + 3600,
                    rule: "staff", action: "accept", reason: "the organizer is internal", result: "replied",
                    decidedAt: t,
                    dryRun: false),
                JournalEntry(
                    runId: 2, mailbox: "events@contoso.com", itemId: "AAMk2", uid: nil, kind: "response",
                    organizer: "events@contoso.com", subject: "=HYPERLINK(\"x\") *bold* <b>", start: nil, rule: nil,
                    action: "apply", reason: "the response is on the organizer's item", result: "stuck_pending",
                    detail: "ErrorServerBusy: try later", decidedAt: t + 90, dryRun: true),
            ])
    }()

    @Test func textIsForATerminal() {
        #expect(
            HistoryRenderer(.text).render(Self.listing) == """
                Decisions since 2026-02-23 08:00:00Z: 2, 1 of them by dry runs.
                2026-03-02 08:00:00Z  run 1  room@contoso.com
                  replied         accept    staff           Budget | Q1, "final"  [31mred
                    request for 2026-03-04 09:00:00Z by ann@contoso.com: the organizer is
                    internal
                2026-03-02 08:01:30Z  run 2 (dry run: nothing was done)  events@contoso.com
                  stuck pending   apply     -               =HYPERLINK("x") *bold* <b>
                    response by events@contoso.com: the response is on the organizer's item
                    ErrorServerBusy: try later

                """)
    }

    @Test func csvIsRFC4180() {
        #expect(
            HistoryRenderer(.csv).render(Self.listing)
                == Self.csvHeader + "\r\n"
                + "2026-03-02T08:00:00Z,1,false,room@contoso.com,request,\"Budget | Q1, \"\"final\"\"  [31mred\","
                + "ann@contoso.com,2026-03-04T09:00:00Z,UID-1,,0,staff,accept,replied,the organizer is internal,,AAMk1\r\n"
                + "2026-03-02T08:01:30Z,2,true,events@contoso.com,response,\"'=HYPERLINK(\"\"x\"\") *bold* <b>\","
                + "events@contoso.com,,,,,,apply,stuck_pending,the response is on the organizer's item,"
                + "ErrorServerBusy: try later,AAMk2\r\n")
    }

    @Test func markdownIsEscaped() {
        #expect(
            HistoryRenderer(.markdown).render(Self.listing) == """
                # History

                Decisions since 2026-02-23 08:00:00Z: 2, 1 of them by dry runs.

                | When | Run | Mailbox | Message | Subject | Result | Action | Rule | Why |
                | --- | --- | --- | --- | --- | --- | --- | --- | --- |
                | 2026-03-02 08:00:00Z | 1 | room@contoso.com | request for 2026-03-04 09:00:00Z by ann@contoso.com | Budget \\| Q1, "final"  \\[31mred | replied | accept | staff | the organizer is internal |
                | 2026-03-02 08:01:30Z | 2 (dry run) | events@contoso.com | response by events@contoso.com | =HYPERLINK("x") \\*bold\\* &lt;b&gt; | stuck pending | apply | - | the response is on the organizer's item (ErrorServerBusy: try later) |

                """)
    }

    @Test func jsonHasTheDocumentedFields() throws {
        let json = HistoryRenderer(.json).render(Self.listing)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        #expect(Set(object.keys) == ["formatVersion", "since", "entries"])
        #expect(object["since"] as? String == "2026-02-23T08:00:00Z")
        let first = try #require((object["entries"] as? [[String: Any]])?.first)
        #expect(
            Set(first.keys) == [
                "runId", "mailbox", "itemId", "uid", "sequence", "kind", "organizer", "subject", "start", "rule",
                "action",
                "reason", "result", "decidedAt", "dryRun",
            ])
        #expect(first["subject"] as? String == "Budget | Q1, \"final\"\n\u{1B}[31mred", "JSON keeps the text exactly")
        #expect(try JSONDecoder.iso8601.decode(HistoryListing.self, from: Data(json.utf8)) == Self.listing)
    }
}
