import EWS
import Foundation
import Logging
import MeetingJournal
import MeetingRules

/// One mailbox's part of a run (PRODUCT.md 2): scan page by page, read,
/// build the context, decide, act, clean up, and record. Given no sink it is
/// a dry run: it decides exactly as a real run would, and has nothing it
/// could write with (PRODUCT.md 7.1).
///
/// What keeps it safe: a reply is claimed in the journal before it is sent
/// and settled after, under a unique key, so no request version is answered
/// twice (PRODUCT.md 7.3); only what succeeded is cleaned up (7.4); one bad
/// item never stops the others, and one that fails in several runs is left
/// alone (7.5).
struct MailboxPass: Sendable {
    let source: any MeetingSource
    let sink: (any MeetingSink)?
    let policy: Policy
    let rulesFile: String
    let settings: PassSettings
    let journal: Journal
    let run: Int64
    let clock: any BotClock
    let deadline: Date
    let pacer: ReplyPacer
    let logger: Logger

    private var calendar = BusyCalendar()
    private var reports = MessageReports()

    init(
        source: any MeetingSource, sink: (any MeetingSink)?, policy: Policy, rulesFile: String, settings: PassSettings,
        journal: Journal, run: Int64, clock: any BotClock, deadline: Date, logger: Logger
    ) {
        self.source = source
        self.sink = sink
        self.policy = policy
        self.rulesFile = rulesFile
        self.settings = settings
        self.journal = journal
        self.run = run
        self.clock = clock
        self.deadline = deadline
        self.pacer = ReplyPacer(perMinute: settings.repliesPerMinute, clock: clock)
        self.logger = logger
    }

    private var address: String { source.address }
    private var dryRun: Bool { sink == nil }

    /// Processes the mailbox; never throws: what went wrong is in the report.
    mutating func run() async -> MailboxReport {
        var ahead = ReadAhead()
        let status: MailboxReport.Status
        var failure: String?
        do {
            if sink != nil { try await settleUnconfirmedReplies() }
            status = try await processPages(&ahead)
        } catch let error as MailboxError {
            logger.error("\(address): \(error)")
            (status, failure) = (error.isConnectionProblem ? .unreachable : .failed, error.description)
        } catch {
            logger.error("\(address): \(error)")
            (status, failure) = (.failed, "\(error)")
        }
        await ahead.settle()
        switch status {
        case .completed:
            var report = finish(.completed)
            report.attendance = await attendance()
            return report
        case .budgetExhausted: return finish(.budgetExhausted, "the time budget ran out")
        default: return finish(status, failure)
        }
    }

    /// A page of the scan, its messages read in full and the part of the
    /// calendar its requests need that was not read yet.
    private struct PageRead: Sendable {
        var summaries: [MessageSummary]
        var messages: [Result<MeetingMessage, MailboxError>]
        var calendar: BusyCalendar.Read
    }

    /// A page of the scan's summaries, and the scan to go on with.
    private struct ScanPage: Sendable {
        var summaries: [MessageSummary]
        var scanner: any MessageScanner
    }

    /// The reads in flight ahead of the page acted on.
    private struct ReadAhead {
        /// The pages being read, oldest first.
        var pages: [Task<PageRead?, any Error>] = []
        /// The scan of the page after the last of them.
        var scan: Task<ScanPage?, any Error>?

        /// Nothing of a pass stays in flight after it: what was read ahead is let finish.
        func settle() async {
            for page in pages { _ = try? await page.value }
            _ = try? await scan?.value
        }
    }

    /// How many pages are read ahead of the one acted on. With one, a page
    /// is read in the time the page before takes to act on, and its reads
    /// wait for that page's last call however few connections it holds;
    /// with two, the reads of the page after fill those connections.
    private static let pagesAhead = 2

    /// Page after page until the folder's end or the budget's. The next two
    /// pages, and the calendar their requests need, are read while this one
    /// is acted on, so the reads' round trips overlap the writes'; a read
    /// cannot be shifted by what this page removes (MeetingMessageScan), and
    /// a page is decided only after the replies of the pages before it are
    /// settled, so it sees them in the journal as a page read later would.
    ///
    /// Replies, removals and clean-ups that do not fill a batch of their kind
    /// wait for the next page's (`carried`), so a run makes about as many
    /// calls as its items fill, not one part-filled call per kind and page;
    /// they go out before a page that names one of their meetings is
    /// decided, and at the end. Until then nothing of theirs was claimed or
    /// sent: a pass that stops keeps nothing back, and the next run decides
    /// them again.
    private mutating func processPages(_ ahead: inout ReadAhead) async throws -> MailboxReport.Status {
        var carried: [Step] = []
        do {
            var status = MailboxReport.Status.completed
            readAhead(&ahead)
            while let next = ahead.pages.first, let page = try await next.value {
                ahead.pages.removeFirst()
                if Self.meetings(of: carried).contains(where: Self.meetings(of: page).contains) {
                    try await act(&carried, holding: false)
                }
                let steps = try decide(page)
                if clock.now < deadline { readAhead(&ahead) }
                try await act(&carried, adding: steps, holding: true)
                if clock.now >= deadline {
                    status = .budgetExhausted
                    break
                }
            }
            try await act(&carried, holding: false)
            return status
        } catch let error as MailboxError {
            try finish(
                carried.map { step in
                    var report = step.handled.report
                    report.result = .failed
                    report.detail = "\(error); the pass stopped before this was done, the next run tries again"
                    return report
                })
            throw error
        }
    }

    /// The meetings (UIDs) that waiting replies and removals are for.
    private static func meetings(of steps: [Step]) -> Set<String> {
        Set(
            steps.compactMap { step in
                switch step {
                case .reply(_, let planned): planned.message.uid
                case .remove(_, let message): message.uid
                case .done, .lookUp: nil
                }
            })
    }

    private static func meetings(of page: PageRead) -> Set<String> {
        Set(page.messages.compactMap { try? $0.get().uid })
    }

    /// Acts on the steps carried from earlier pages and then `steps`, and
    /// records what was done; what waits for a fuller batch is carried on.
    /// A connection problem is thrown once the rest is recorded.
    private mutating func act(_ carried: inout [Step], adding steps: [Step] = [], holding: Bool) async throws {
        let all = carried + steps
        carried = []
        guard !all.isEmpty else { return }
        let acted = try await act(all, holding: holding && settings.repliesPerMinute == 0)
        try finish(acted.handled.map(\.report))
        carried = acted.carried
        if let error = acted.error { throw error }
    }

    /// Starts reading pages until `pagesAhead` are in flight, and the scan
    /// of the page after them, so that the next read finds its page scanned.
    private func readAhead(_ ahead: inout ReadAhead) {
        while ahead.pages.count < Self.pagesAhead {
            let scan = ahead.scan ?? Task { [scanner = source.scan(settings.folder)] in try await Self.next(scanner) }
            ahead.pages.append(read(scan, after: ahead.pages.last))
            // Which messages come next depends on nothing a page holds, so a
            // page's FindItem need not wait for the GetItems before it.
            ahead.scan = Task {
                guard let page = try await scan.value else { return nil }
                return try await Self.next(page.scanner)
            }
        }
    }

    /// The scan's next page from `scanner`.
    private static func next(_ scanner: any MessageScanner) async throws -> ScanPage? {
        var scanner = scanner
        return try await TransportPool.$readingAhead.withValue(true) {
            try await scanner.next().map { ScanPage(summaries: $0, scanner: scanner) }
        }
    }

    /// Reads the messages of the scan's page and the calendar over its
    /// requests beyond what was read before (what the calendar covers and what
    /// the page before reads), in a task of its own.
    private func read(_ scan: Task<ScanPage?, any Error>, after previous: Task<PageRead?, any Error>?)
        -> Task<PageRead?, any Error>
    {
        let (source, covered, meetings) = (source, calendar.covered, calendar.meetings)
        let builder = FactsBuilder(mailbox: address, settings: policy.settings, now: clock.now)
        return Task {
            guard let page = try await scan.value?.summaries else { return nil }
            return try await TransportPool.$readingAhead.withValue(true) {
                try await Self.read(
                    page, covered: covered, meetings: meetings, after: previous, builder: builder, from: source)
            }
        }
    }

    private static func read(
        _ page: [MessageSummary], covered: [DateInterval], meetings: BusyCalendar.Meetings,
        after previous: Task<PageRead?, any Error>?, builder: FactsBuilder, from source: any MeetingSource
    ) async throws -> PageRead {
        let messages = try await source.read(page.map(\.id))
        let requests = messages.compactMap { try? $0.get() }.filter {
            $0.kind == .request && !$0.isOrganizer && !$0.isOutOfDate
        }
        let spans = requests.flatMap(builder.occurrences(of:))
        var calendar = BusyCalendar.Read()
        if let start = spans.map(\.start).min(), let end = spans.map(\.end).max() {
            let span = DateInterval(start: start, end: max(end, start + 60))
            let before = try await previous?.value?.calendar.parts ?? []
            calendar = try await BusyCalendar.read(
                span, outside: covered + before, meetings: meetings, from: source)
        }
        return PageRead(summaries: page, messages: messages, calendar: calendar)
    }

    private func finish(_ status: MailboxReport.Status, _ error: String? = nil) -> MailboxReport {
        let counts = reports.counts(by: \.result.rawValue).map { "\($0.value) \($0.key)" }.sorted()
        logger.info("\(address): \(status.rawValue), \(reports.count) messages: \(counts.joined(separator: ", "))")
        return MailboxReport(address: address, rulesFile: rulesFile, status: status, error: error, messages: reports)
    }

    /// Who answered the meetings the mailbox organizes, when this pass
    /// handled responses: they mark a mailbox that organizes meetings and
    /// change its tally, and a pass without any (most cron runs, every room)
    /// pays nothing. One calendar view and GetItem in batches; a dry run
    /// reads it too. A failure is reported, and fails nothing.
    private func attendance() async -> MailboxAttendance? {
        guard reports.contains(where: { $0.kind == "response" }), clock.now < deadline else { return nil }
        let window = DateInterval.attendance(from: clock.now)
        do {
            return try await MailboxAttendance.read(from: source, window: window)
        } catch {
            logger.warning("\(address): the attendance of its meetings cannot be read: \(error)")
            return .unread(address, window, error.description)
        }
    }

    // MARK: Replies whose outcome a previous run did not learn

    /// Re-reads each request whose reply was claimed but never settled (a
    /// crash, a timeout, a dropped connection): gone from the folder, or
    /// answered on the calendar, means the reply went out; still waiting
    /// unanswered means it did not (PRODUCT.md 7.3). Requests that cannot be
    /// read now stay unsettled, and are not answered in this run.
    private func settleUnconfirmedReplies() async throws {
        let records = try journal.unsettledReplies(mailbox: address)
        guard !records.isEmpty else { return }
        // One read for them all, in the reader's batches.
        let reads = try await source.read(records.map { ItemId($0.requestId) })
        var settlements: [(key: ReplyKey, state: ReplyState)] = []
        for (record, read) in zip(records, reads) {
            let sent: Bool
            switch read {
            case .failure(let error) where error.kind == .notFound:
                sent = true
            case .failure(let error):
                logger.warning("\(address): cannot re-read request \(record.requestId) yet: \(error)")
                continue
            case .success(let request):
                sent = try await isAnswered(request)
            }
            settlements.append((record.key, sent ? .sent : .notSent))
            logger.notice("\(address): an unconfirmed reply to \(record.requestId) was \(sent ? "sent" : "not sent")")
        }
        try journal.settleReplies(settlements, at: clock.now)
    }

    /// The mailbox has answered the request: the request says so, or its calendar item does.
    private func isAnswered(_ request: MeetingMessage) async throws -> Bool {
        if Self.isAnswer(request.myResponse) { return true }
        guard let id = request.associatedCalendarItemId else { return false }
        guard case .success(let item)? = try await source.calendarItems([id]).first else { return false }
        return Self.isAnswer(item.myResponse)
    }

    private static func isAnswer(_ response: EWS.ResponseType?) -> Bool {
        response == .accept || response == .tentative || response == .decline
    }

    // MARK: One page

    /// What one message asks of the cleanup step.
    private struct Handled {
        var report: MessageReport
        var cleanUp = false
    }

    /// What deciding a message left to do, with the page's other messages.
    private enum Step {
        case done(Handled)
        /// A reply to claim in the journal, send, and settle.
        case reply(Handled, PlannedReply)
        /// A cancelled meeting to take off the calendar.
        case remove(Handled, MeetingMessage)
        /// A response to look for on the organizer's calendar.
        case lookUp(Handled, MeetingMessage)

        var handled: Handled {
            switch self {
            case .done(let handled), .reply(let handled, _), .remove(let handled, _), .lookUp(let handled, _): handled
            }
        }
    }

    private struct PlannedReply {
        var message: MeetingMessage
        var reply: MeetingReply
        var key: ReplyKey
    }

    /// Decides every message of a page read, in order (PRODUCT.md 2, steps 3
    /// and 4), from one read of the journal and the calendar over the page's
    /// requests (read with the page); what needs the server is left to `act`.
    private mutating func decide(_ page: PageRead) throws -> [Step] {
        var messages: [MeetingMessage] = []
        for (summary, result) in zip(page.summaries, page.messages) {
            switch result {
            case .success(let message): messages.append(message)
            case .failure(let error) where error.kind == .notFound: continue  // gone meanwhile: nothing to do
            case .failure(let error): try recordFailure(of: summary, error)
            }
        }
        let ledger = try journal.ledger(
            mailbox: address, uids: Set(messages.compactMap(\.uid)), items: messages.map(\.id.id))
        let superseded = Self.superseded(in: messages)
        calendar.add(page.calendar)
        var steps: [Step] = []
        for message in messages {
            if clock.now >= deadline {
                steps.append(
                    .done(
                        Handled(report: report(message, action: "none", reason: "the time budget ran out", .deferred))))
                continue
            }
            steps.append(try step(message, superseded: superseded.contains(message.id.id), ledger))
        }
        return steps
    }

    /// What acting on a page came to, message by message, what waits for a
    /// fuller batch, and the connection problem that stopped it, if one did:
    /// the pass ends once it is recorded.
    private struct Acted {
        var handled: [Handled]
        var carried: [Step] = []
        var error: MailboxError?
    }

    /// Acts on decided steps: their lookups, replies and removals go out side
    /// by side, each in batches (one claim and one settlement transaction
    /// for its replies); then their processed messages are cleaned up. Each
    /// part changes only the messages of its steps. A part that throws fails
    /// them once the others are done, so that nothing is left in flight.
    /// Holding, the replies of a kind (answer and disposition, PROTOCOL.md
    /// 5.3), the removals and the clean-ups that do not fill a last batch
    /// are not sent but carried.
    private func act(_ steps: [Step], holding: Bool) async throws -> Acted {
        let waiting = holding ? waitingForBatches(steps) : []
        let now = steps.indices.filter { !waiting.contains($0) }.map { steps[$0] }
        async let lookedUp = Self.result { try await lookUpOrganizerItems(now) }
        async let replied = Self.result { try await sendReplies(now) }
        async let removed = Self.result { try await removeCancelledMeetings(now) }
        let parts = await (lookedUp, replied, removed)
        let (lookups, replies, removals) = (try parts.0.get(), try parts.1.get(), try parts.2.get())
        var handled = now.map(\.handled)
        for (position, step) in now.enumerated() {
            switch step {
            case .done: continue
            case .lookUp: handled[position] = lookups[position]
            case .reply: handled[position] = replies.handled[position]
            case .remove: handled[position] = removals[position]
            }
        }
        let uncleaned = try await cleanUp(&handled, holding: holding)
        return Acted(
            handled: handled.indices.filter { !uncleaned.contains($0) }.map { handled[$0] },
            carried: waiting.sorted().map { steps[$0] } + uncleaned.sorted().map { .done(handled[$0]) },
            error: replies.error)
    }

    /// The last part-filled batch of each kind of reply, and of removals.
    private func waitingForBatches(_ steps: [Step]) -> Set<Int> {
        let kinds = Dictionary(grouping: steps.indices) { position -> String in
            switch steps[position] {
            case .reply(_, let planned): planned.reply.batchKind
            case .remove: "remove"
            case .done, .lookUp: ""
            }
        }
        return Set(kinds.filter { !$0.key.isEmpty }.values.flatMap(partFilled))
    }

    /// The positions of a last batch that is not full.
    private func partFilled(_ positions: [Int]) -> ArraySlice<Int> {
        positions.suffix(positions.count % settings.batchSize)
    }

    private static func result<T>(_ body: () async throws -> T) async -> Result<T, any Error> {
        do { return .success(try await body()) } catch { return .failure(error) }
    }

    /// The organizer's items of the page's responses to apply, read together.
    private func lookUpOrganizerItems(_ steps: [Step]) async throws -> [Handled] {
        var handled = steps.map(\.handled)
        let lookups = steps.indices.compactMap { position -> (Int, MeetingMessage)? in
            guard case .lookUp(_, let message) = steps[position] else { return nil }
            return (position, message)
        }
        guard !lookups.isEmpty else { return handled }
        let items = try await source.organizerItems(for: lookups.map(\.1))
        for ((position, message), item) in zip(lookups, items) {
            handled[position] = try applied(message, handled[position].report, item)
        }
        return handled
    }

    /// Claims, sends and settles the page's replies. With a reply cap each
    /// sending reply goes out as the cap admits it; without one, all of them
    /// at once, in the writer's batches. Returns, with the messages, the
    /// connection problem that stopped replies going out, if one did:
    /// nothing was sent then, and the pass ends after the page is recorded.
    private func sendReplies(_ steps: [Step]) async throws -> Acted {
        var acted = Acted(handled: steps.map(\.handled))
        guard let sink else { return acted }
        var planned = steps.indices.compactMap { position -> (Int, PlannedReply)? in
            guard case .reply(_, let reply) = steps[position] else { return nil }
            return (position, reply)
        }[...]
        while !planned.isEmpty {
            var batch: [(Int, PlannedReply)] = []
            while let next = planned.first, settings.repliesPerMinute == 0 || batch.isEmpty || !next.1.reply.sendReply {
                planned.removeFirst()
                if next.1.reply.sendReply, !(await pacer.admit(before: deadline)) {
                    acted.handled[next.0].report.result = .deferred
                    acted.handled[next.0].report.detail =
                        "the reply cap of \(settings.repliesPerMinute) a minute leaves no room before the time budget ends"
                    continue
                }
                batch.append(next)
            }
            acted.error = try await send(batch, &acted.handled, sink) ?? acted.error
        }
        return acted
    }
    /// One batch of replies: claimed in one transaction, sent, settled in one.
    private func send(_ batch: [(Int, PlannedReply)], _ handled: inout [Handled], _ sink: any MeetingSink) async throws
        -> MailboxError?
    {
        let claims = try journal.claimReplies(
            batch.map { _, planned in
                ReplyRequest(
                    planned.key, requestId: planned.message.id.id, answer: Self.ledgerAnswer(planned.reply.answer),
                    sendsReply: planned.reply.sendReply)
            }, run: run, at: clock.now)
        var granted: [(Int, PlannedReply)] = []
        for ((position, planned), claim) in zip(batch, claims) {
            switch claim {
            case .granted: granted.append((position, planned))
            case .alreadySent:
                if planned.reply.sendReply { await pacer.release() }
                handled[position] = removal(
                    planned.message, action: "delete", reason: "it was answered before", .alreadyAnswered)
            case .unconfirmed:
                if planned.reply.sendReply { await pacer.release() }
                handled[position].report.result = .unknownOutcome
                handled[position].report.detail =
                    "an earlier reply's outcome is not known yet; it is checked before anything is sent"
            }
        }
        guard !granted.isEmpty else { return nil }
        let outcomes = try await sink.reply(granted.map { ($0.1.message, $0.1.reply) })
        var settlements: [(key: ReplyKey, state: ReplyState)] = []
        var done: [String] = []
        var refused: [(Int, MailboxError)] = []
        var lostConnection: MailboxError?
        for ((position, planned), outcome) in zip(granted, outcomes) {
            let sends = planned.reply.sendReply
            switch outcome {
            case .done:
                settlements.append((planned.key, .sent))
                done.append(planned.message.id.id)
                handled[position].report.result = sends ? .replied : .recorded
            case .refused(let error):
                settlements.append((planned.key, .notSent))
                if sends { await pacer.release() }
                if error.isConnectionProblem {
                    lostConnection = error
                    handled[position].report.result = .failed
                    handled[position].report.detail = "\(error); nothing was sent, the next run tries again"
                } else {
                    refused.append((position, error))
                }
            case .unknown(let error):
                settlements.append((planned.key, .unknown))
                handled[position].report.result = .unknownOutcome
                handled[position].report.detail =
                    "\(error); the next run re-reads the request before anything is sent again"
            }
        }
        try journal.settleReplies(settlements, at: clock.now)
        try journal.clearFailures(mailbox: address, items: done)
        for (position, error) in refused {
            handled[position] = try failed(handled[position].report, error)
        }
        return lostConnection
    }

    /// Takes the page's cancelled meetings off the calendar, together.
    private func removeCancelledMeetings(_ steps: [Step]) async throws -> [Handled] {
        var handled = steps.map(\.handled)
        let removals = steps.indices.compactMap { position -> (Int, MeetingMessage)? in
            guard case .remove(_, let message) = steps[position] else { return nil }
            return (position, message)
        }
        guard let sink, !removals.isEmpty else { return handled }
        let outcomes = try await sink.removeCancelledMeetings(removals.map(\.1))
        var done: [String] = []
        for ((position, message), outcome) in zip(removals, outcomes) {
            switch outcome {
            case .done:
                done.append(message.id.id)
                handled[position].report.result = .removed
            case .refused(let error):
                handled[position] = try failed(handled[position].report, error)
            case .unknown(let error):
                handled[position].report.result = .unknownOutcome
                handled[position].report.detail = "\(error); the next run looks again"
            }
        }
        try journal.clearFailures(mailbox: address, items: done)
        return handled
    }

    /// Requests replaced by a newer update of the same meeting on the same
    /// page (PRODUCT.md 3); older pages were handled before, in arrival order.
    private static func superseded(in messages: [MeetingMessage]) -> Set<String> {
        var newest: [String: MeetingMessage] = [:]
        var older = Set<String>()
        for message in messages where message.kind == .request {
            guard let uid = message.uid else { continue }
            let key = uid + "|" + (message.recurrenceId.map(EWSDateTime.format) ?? "")
            guard let other = newest[key] else {
                newest[key] = message
                continue
            }
            let newer =
                (message.sequenceNumber ?? 0, message.received ?? .distantPast)
                >= (other.sequenceNumber ?? 0, other.received ?? .distantPast)
            older.insert(newer ? other.id.id : message.id.id)
            if newer { newest[key] = message }
        }
        return older
    }

    /// Removes, in batches, the messages whose handling succeeded; a removal
    /// that fails turns the message's result into a failure (PRODUCT.md 7.4).
    /// Holding, those of a last part-filled batch are left for later, and
    /// their positions returned.
    private func cleanUp(_ handled: inout [Handled], holding: Bool) async throws -> Set<Int> {
        let all = handled.indices.filter { handled[$0].cleanUp }
        guard let sink, !all.isEmpty else { return [] }
        let later = holding ? partFilled(all) : []
        let positions = all.dropLast(later.count)
        guard !positions.isEmpty else { return Set(later) }
        let ids = positions.map { ItemId(handled[$0].report.itemId) }
        let results = try await sink.cleanUp(ids, settings.cleanup)
        for (position, result) in zip(positions, results) {
            switch result {
            case .success: continue
            case .failure(let error) where error.kind == .notFound: continue
            case .failure(let error):
                handled[position].report.result = .failed
                handled[position].report.detail = "could not remove the message: \(error)"
            }
        }
        return Set(later)
    }

    // MARK: One message

    private mutating func step(_ message: MeetingMessage, superseded: Bool, _ ledger: LedgerView) throws -> Step {
        if !dryRun, ledger.failureRuns(item: message.id.id) >= settings.stuckAfterRuns {
            return .done(
                Handled(
                    report: report(
                        message, action: "none", reason: "it failed in \(settings.stuckAfterRuns) runs in a row",
                        .stuck)))
        }
        switch message.kind {
        case .request: return try request(message, superseded: superseded, ledger)
        case .response: return response(message)
        case .cancellation: return cancellation(message)
        case .other:
            return .done(Handled(report: report(message, action: "none", reason: "not a meeting message", .kept)))
        }
    }

    private func decide(
        _ message: MeetingMessage, occurrences: [DateInterval] = [], conflicting: Int = 0,
        answer: EWS.ResponseType? = nil
    ) -> Decision {
        let builder = FactsBuilder(mailbox: address, settings: policy.settings, now: clock.now)
        return policy.decide(
            builder.facts(for: message, occurrences: occurrences, conflicting: conflicting, answer: answer))
    }

    /// The mailbox's current answer to the meeting (PRODUCT.md 2, step 3):
    /// its calendar item's MyResponseType when it has one (accepted or
    /// tentative), else the last reply the journal says went out (a decline
    /// leaves no calendar item), else what the request says.
    private func currentAnswer(_ message: MeetingMessage, _ key: ReplyKey, _ ledger: LedgerView) -> EWS.ResponseType? {
        if let answer = calendar.answer(uid: key.uid) { return answer }
        if let last = ledger.lastSentReply(uid: key.uid, recurrenceId: key.recurrenceId) {
            switch last.answer {
            case .accept: return .accept
            case .tentative: return .tentative
            case .decline: return .decline
            }
        }
        return message.myResponse
    }

    /// Decides a request. The reply is booked on the pass's calendar when it
    /// is decided, so the page's later requests see it, as a dry run's do; a
    /// reply that then fails keeps its time booked for the rest of the pass,
    /// which can decline a later request but never doubles a booking, and
    /// the next run decides the failed one again.
    private mutating func request(_ message: MeetingMessage, superseded: Bool, _ ledger: LedgerView) throws -> Step {
        // Exchange refuses to let the organizer answer (PROTOCOL.md 5.1); a
        // server that does not say IsOrganizer still names the organizer.
        if message.isOrganizer || FactsBuilder.person(message.organizer).address.lowercased() == address.lowercased() {
            return .done(
                Handled(
                    report: report(message, action: "none", reason: "this mailbox organizes the meeting", .ownMeeting)))
        }
        guard let key = replyKey(message) else {
            return .done(
                try failed(
                    report(message, action: "none", reason: "it could not be handled", .failed),
                    MailboxError(.refused, "the request has no UID, so a reply could not be recorded")))
        }
        if message.isOutOfDate || superseded
            || (ledger.newestSequence(uid: key.uid, recurrenceId: key.recurrenceId) ?? -1) > key.sequence
        {
            return .done(
                removal(message, action: "delete", reason: "a newer update of the meeting replaced it", .superseded))
        }
        if let earlier = ledger.reply(key), earlier.state == .sent {
            return .done(removal(message, action: "delete", reason: "it was answered before", .alreadyAnswered))
        }
        let builder = FactsBuilder(mailbox: address, settings: policy.settings, now: clock.now)
        let occurrences = builder.occurrences(of: message)
        let tentativeIsBusy = policy.settings.tentativeIsBusy
        let conflicting = occurrences.filter {
            calendar.isBusy($0, excluding: message.uid, tentativeIsBusy: tentativeIsBusy)
        }.count
        let decision = decide(
            message, occurrences: occurrences, conflicting: conflicting, answer: currentAnswer(message, key, ledger))
        var report = report(message, decision, .kept)
        report.occurrencesChecked = occurrences.count
        report.conflicts = conflicting
        guard case .request(let action) = decision.action, let answer = Self.answer(action) else {
            return .done(Handled(report: report))
        }
        book(message, occurrences, answer)
        guard sink != nil else {
            report.result = .planned
            return .done(Handled(report: report))
        }
        // The organizer asked for no responses: recorded, never sent (PRODUCT.md 3).
        let sends = decision.sendReply && message.isResponseRequested
        let reply = MeetingReply(answer, comment: sends ? decision.comment : nil, sendReply: sends)
        return .reply(Handled(report: report), PlannedReply(message: message, reply: reply, key: key))
    }

    private static func ledgerAnswer(_ answer: MeetingReply.Answer) -> ReplyAnswer {
        switch answer {
        case .accept: .accept
        case .tentative: .tentative
        case .decline: .decline
        }
    }

    private static func answer(_ action: RequestAction) -> MeetingReply.Answer? {
        switch action {
        case .accept: .accept
        case .tentative: .tentative
        case .decline: .decline
        case .skip: nil
        }
    }

    /// Accepted meetings make later requests of the same pass conflict. A
    /// series is booked with every occurrence in the span of calendar read,
    /// as a calendar view would show it in the next run, so a run that was
    /// interrupted decides the rest as an uninterrupted one would.
    private mutating func book(_ message: MeetingMessage, _ occurrences: [DateInterval], _ answer: MeetingReply.Answer)
    {
        guard answer != .decline else { return }
        var booked = occurrences
        if let series = message.recurrence, let span = calendar.coveredSpan {
            booked = series.occurrences(from: span.start, to: span.end, limit: FactsBuilder.maxOccurrences)
                .map { DateInterval(start: $0.start, end: max($0.end, $0.start)) }
        }
        calendar.book(uid: message.uid, booked, tentative: answer == .tentative)
    }

    private func replyKey(_ message: MeetingMessage) -> ReplyKey? {
        guard let uid = message.uid else { return nil }
        return ReplyKey(
            mailbox: address, uid: uid, recurrenceId: message.recurrenceId, sequence: message.sequenceNumber ?? 0)
    }

    private func response(_ message: MeetingMessage) -> Step {
        let decision = decide(message)
        var report = report(message, decision, .kept)
        guard case .response(let action) = decision.action else { return .done(Handled(report: report)) }
        switch action {
        case .keep:
            return .done(Handled(report: report))
        case .delete:
            report.result = dryRun ? .planned : .deleted
            return .done(Handled(report: report, cleanUp: true))
        case .apply:
            return .lookUp(Handled(report: report), message)
        }
    }

    /// A response to apply, once its organizer's item is read.
    private func applied(
        _ message: MeetingMessage, _ base: MessageReport, _ item: Result<CalendarItem?, MailboxError>
    ) throws -> Handled {
        var report = base
        switch item {
        case .failure(let error):
            return try failed(report, error)
        case .success(nil):
            report.result = dryRun ? .planned : .orphaned
            report.detail = "the meeting is no longer on the organizer's calendar"
            return Handled(report: report, cleanUp: true)
        case .success(let item?):
            if Self.shows(message, on: item) {
                report.result = dryRun ? .planned : .applied
                return Handled(report: report, cleanUp: true)
            }
            let waited = clock.now.timeIntervalSince(message.received ?? clock.now)
            report.result = waited >= settings.pendingGrace ? .stuckPending : .pending
            report.detail = "the organizer's calendar item does not show this response yet"
            return Handled(report: report)
        }
    }

    /// The organizer's item records this response: the attendee's answer
    /// matches, and was recorded no earlier than the response was sent
    /// (PRODUCT.md 2, step 5; LastResponseTime has whole seconds).
    private static func shows(_ response: MeetingMessage, on item: CalendarItem) -> Bool {
        guard let sender = response.from?.smtpAddress ?? response.from?.address,
            let attendee = item.attendee(sender), attendee.response == response.responseType
        else { return false }
        guard let sent = response.sent else { return true }
        return (attendee.lastResponseTime ?? .distantPast) >= sent.addingTimeInterval(-1)
    }

    private func cancellation(_ message: MeetingMessage) -> Step {
        let decision = decide(message)
        var report = report(message, decision, .kept)
        guard case .cancellation(.remove) = decision.action else { return .done(Handled(report: report)) }
        guard sink != nil else {
            report.result = .planned
            return .done(Handled(report: report))
        }
        return .remove(Handled(report: report), message)
    }

    // MARK: Reports and failures

    /// A message the bot removes without a rule (superseded, answered before).
    private func removal(
        _ message: MeetingMessage, action: String, reason: String, _ result: MessageReport.Result
    ) -> Handled {
        Handled(report: report(message, action: action, reason: reason, dryRun ? .planned : result), cleanUp: true)
    }

    /// A failed action: reported, counted towards "stuck" across runs.
    private func failed(_ base: MessageReport, _ error: MailboxError) throws -> Handled {
        var report = base
        report.detail = error.description
        report.result = try failureResult(item: report.itemId, error)
        return Handled(report: report)
    }

    private func failureResult(item: String, _ error: MailboxError) throws -> MessageReport.Result {
        guard !dryRun else { return .failed }
        let runs = try journal.recordFailure(
            mailbox: address, item: item, error: error.description, run: run, at: clock.now)
        return runs >= settings.stuckAfterRuns ? .stuck : .failed
    }

    /// A message that could not be read at all.
    private mutating func recordFailure(of summary: MessageSummary, _ error: MailboxError) throws {
        var report = MessageReport(
            itemId: summary.id.id, kind: Self.kindName(summary.kind), received: summary.received, action: "none",
            reason: "it could not be read", result: .failed, detail: error.description)
        report.result = try failureResult(item: summary.id.id, error)
        try finish([report])
    }

    private func report(_ message: MeetingMessage, _ decision: Decision, _ result: MessageReport.Result)
        -> MessageReport
    {
        var report = report(message, action: decision.action.description, reason: decision.reason, result)
        report.rule = decision.rule
        return report
    }

    private func report(
        _ message: MeetingMessage, action: String, reason: String, _ result: MessageReport.Result
    ) -> MessageReport {
        var report = MessageReport(
            itemId: message.id.id, kind: Self.kindName(message.kind), subject: message.subject,
            organizer: message.kind == .response ? address : FactsBuilder.person(message.organizer).address,
            from: FactsBuilder.person(message.from).address, start: message.start, end: message.end,
            uid: message.uid, recurrenceId: message.recurrenceId, sequence: message.sequenceNumber,
            received: message.received, action: action, reason: reason, result: result)
        // An Exchange address the server could not resolve is neither internal
        // nor external to the rules (PROTOCOL.md 6.5): say so.
        if message.organizer?.isUnresolved == true {
            report.detail = "the organizer's Exchange address could not be resolved to SMTP"
        }
        return report
    }

    private static func kindName(_ kind: MeetingMessageKind) -> String {
        switch kind {
        case .request: "request"
        case .response: "response"
        case .cancellation: "cancellation"
        case .other: "other"
        }
    }

    /// Keeps the reports and writes them to the journal, in one transaction.
    private mutating func finish(_ finished: [MessageReport]) throws {
        reports.append(contentsOf: finished)
        let now = clock.now
        try journal.record(
            finished.map { report in
                JournalEntry(
                    runId: run, mailbox: address, itemId: report.itemId, uid: report.uid,
                    recurrenceId: report.recurrenceId, sequence: report.sequence, kind: report.kind,
                    organizer: report.organizer, subject: report.subject, start: report.start, rule: report.rule,
                    action: report.action, reason: report.reason, result: report.result.rawValue,
                    detail: report.detail, decidedAt: now, dryRun: dryRun)
            })
    }
}
