import Foundation
import Synchronization

/// Sizes of the requests the EWS mailbox types send.
public struct EWSMailboxOptions: Sendable {
    /// FindItem page size; at most 250, the limit for restricted finds.
    public var pageSize: Int
    /// Ids per GetItem, DeleteItem and MoveItem: 10 to 20 keeps a batch
    /// within the server's budget (PROTOCOL.md 4.3).
    public var batchSize: Int
    /// MaxEntriesReturned of one CalendarView; a fuller window is split.
    /// 1,000, the most EWSFindCountLimit lets one account have in flight
    /// (PROTOCOL.md 3.2): fewer calls, and the rest of a window is then read
    /// one view after another.
    public var calendarViewMaxEntries: Int
    /// The zone of a recurring series whose message names none: the
    /// mailbox's own, which such servers use (the rules file's time zone).
    public var defaultTimeZone: TimeZone

    public init(
        pageSize: Int = 250, batchSize: Int = 20, calendarViewMaxEntries: Int = 1000, defaultTimeZone: TimeZone = .gmt
    ) {
        self.pageSize = min(max(pageSize, 1), FindItem.maxPageSize)
        self.batchSize = max(batchSize, 1)
        self.calendarViewMaxEntries = max(calendarViewMaxEntries, 1)
        self.defaultTimeZone = defaultTimeZone
    }
}

/// `MailboxReader` over EWS. The people in the meeting messages and calendar
/// items it returns carry SMTP addresses: legacy Exchange DNs (RoutingType
/// EX) are resolved first, once per DN for the life of the reader and its
/// copies (`Mailbox`). Calendar views are left as they come: a conflict
/// check needs times, not people.
public struct EWSMailboxReader: MailboxReader {
    let client: EWSClient
    let options: EWSMailboxOptions
    let directory: LegacyDNResolver

    public init(_ client: EWSClient, options: EWSMailboxOptions = EWSMailboxOptions()) {
        self.client = client
        self.options = options
        directory = LegacyDNResolver(client)
    }

    public var address: String { client.account.address }

    public func findMeetingMessages(in folder: Folder, receivedFrom: Date?, offset: Int, known: Int)
        async throws(EWSError) -> MessagePage
    {
        try await client.perform(
            FindItem(
                folder: folder, mailbox: client.folderMailbox, receivedFrom: receivedFrom, offset: max(offset, 0),
                pageSize: min(options.pageSize + max(known, 0), FindItem.maxPageSize)))
    }

    public func meetingMessages(_ ids: [ItemId]) async throws(EWSError) -> [ItemResult<MeetingMessage>] {
        let results = try await client.inBatches(ids, of: options.batchSize) { batch throws(EWSError) in
            try await client.performEach(GetItem.meetingMessages(batch, defaultTimeZone: options.defaultTimeZone))
        }
        return await directory.resolving(results) { message in
            var message = message
            message.from = await directory.resolved(message.from)
            message.organizer = await directory.resolved(message.organizer)
            message.requiredAttendees = await directory.resolved(message.requiredAttendees)
            message.optionalAttendees = await directory.resolved(message.optionalAttendees)
            message.resources = await directory.resolved(message.resources)
            return message
        }
    }

    public func calendarItems(_ ids: [ItemId]) async throws(EWSError) -> [ItemResult<CalendarItem>] {
        let results = try await client.inBatches(ids, of: options.batchSize) { batch throws(EWSError) in
            try await client.performEach(GetItem.calendarItems(batch))
        }
        return await directory.resolving(results) { item in
            var item = item
            item.organizer = await directory.resolved(item.organizer)
            item.requiredAttendees = await directory.resolved(item.requiredAttendees)
            item.optionalAttendees = await directory.resolved(item.optionalAttendees)
            item.resources = await directory.resolved(item.resources)
            return item
        }
    }

    public func calendarItemIds(uid: String) async throws(EWSError) -> [ItemId] {
        try await client.perform(FindMeetingItems(folder: .calendar, mailbox: client.folderMailbox, uid: uid))
    }

    /// The span's items and occurrences, each once, by start (`calendarView(from:to:each:)`).
    public func calendarView(from start: Date, to end: Date) async throws(EWSError) -> [CalendarEntry] {
        let gathered = Locked<[CalendarEntry]>([])
        try await calendarView(from: start, to: end) { view in gathered.withLock { $0 += view } }
        var seen = Set<String>()
        return gathered.withLock { $0 }.filter { seen.insert($0.id.id).inserted }
            .sorted { ($0.start, $0.id.id) < ($1.start, $1.id.id) }
    }

    /// Reads the span in windows of at most two years, handing each view's
    /// entries to `take` as it comes, so that a reader of a long span (years
    /// of a busy room's series) need hold no more than the views in flight.
    /// A view cut short (PROTOCOL.md 8.1) holds every item that starts
    /// before its last entry's start; the rest of the window is read again
    /// from there, in as many parts as the server's count of items calls
    /// for, side by side (so `take` may be called from several at once) but
    /// with no more entries asked for at once than EWSFindCountLimit allows
    /// (PROTOCOL.md 3.2). An item in two windows or views may come twice.
    public func calendarView(
        from start: Date, to end: Date, each take: @escaping @Sendable ([CalendarEntry]) -> Void
    ) async throws(EWSError) {
        var cursor = start
        while cursor < end {
            let next = min(cursor + CalendarView.maxWindow, end)
            try await calendarWindow(from: cursor, to: next, take)
            cursor = next
        }
    }

    /// One window: the rest of a view cut short is split by the server's
    /// count into parts read side by side.
    private func calendarWindow(
        from start: Date, to end: Date, _ take: @escaping @Sendable ([CalendarEntry]) -> Void
    ) async throws(EWSError) {
        let maxEntries = options.calendarViewMaxEntries
        let first = try await calendarView(from: start, to: end, maxEntries: maxEntries)
        take(first.entries)
        guard let resume = first.resume else { return }
        let left = max((first.total ?? 0) - first.entries.count, maxEntries)
        let count = max(1, min((left + maxEntries - 1) / maxEntries, Self.findCountLimit / maxEntries))
        let step = end.timeIntervalSince(resume) / Double(count)
        let parts = (0..<count).map { resume + Double($0) * step }
        let reads = await client.concurrently(parts) { from -> Result<Void, EWSError> in
            do throws(EWSError) {
                return .success(try await calendarRun(from: from, to: from + step * 1.5 > end ? end : from + step, take))
            } catch {
                return .failure(error)
            }
        }
        for read in reads { try read.get() }
    }

    /// One part of a window, one view after another, each going on from the
    /// last one's last start.
    private func calendarRun(
        from start: Date, to end: Date, _ take: @Sendable ([CalendarEntry]) -> Void
    ) async throws(EWSError) {
        var cursor = start
        while true {
            let view = try await calendarView(from: cursor, to: end, maxEntries: options.calendarViewMaxEntries)
            take(view.entries)
            guard let resume = view.resume else { return }
            cursor = resume
        }
    }

    /// One view, and where the rest of its window starts when it was cut short.
    private func calendarView(from start: Date, to end: Date, maxEntries: Int) async throws(EWSError)
        -> (entries: [CalendarEntry], total: Int?, resume: Date?)
    {
        let page = try await client.perform(
            CalendarView(folder: .calendar, mailbox: client.folderMailbox, start: start, end: end, maxEntries: maxEntries))
        guard !page.isComplete else { return (page.entries, page.total, nil) }
        guard let resume = page.entries.last?.start, resume > start else {
            throw EWSError(
                .invalidResponse,
                "more than \(maxEntries) calendar items overlap \(EWSDateTime.format(start)), so the view cannot go past it")
        }
        return (page.entries, page.total, resume)
    }

    /// EWSFindCountLimit: entries one account may have in flight in FindItem answers at once (PROTOCOL.md 3.2).
    static let findCountLimit = 1000
}

/// Legacy Exchange DNs resolved to SMTP addresses with ResolveNames, each DN
/// once, whatever the outcome, for the life of the reader (PROTOCOL.md 6.5).
/// Safe to share between concurrent tasks: a second caller for a DN waits
/// for the first one's answer. A DN that does not resolve to exactly one
/// mailbox, or whose lookup fails, stays `EX` (`Mailbox.isUnresolved`); it
/// never fails the items that name it.
final class LegacyDNResolver: Sendable {
    private let client: EWSClient
    private let answers = Mutex<[String: Task<Mailbox?, Never>]>([:])

    init(_ client: EWSClient) { self.client = client }

    /// `mailbox` with its SMTP address when the server named it by a legacy DN.
    func resolved(_ mailbox: Mailbox?) async -> Mailbox? {
        guard var mailbox, mailbox.isUnresolved, let dn = mailbox.legacyDN ?? mailbox.address, !dn.isEmpty else {
            return mailbox
        }
        mailbox.legacyDN = dn
        guard let found = await smtpMailbox(for: dn) else { return mailbox }
        return Mailbox(name: mailbox.name ?? found.name, address: found.address, routingType: "SMTP", legacyDN: dn)
    }

    func resolved(_ attendees: [Attendee]) async -> [Attendee] {
        var list = attendees
        for index in list.indices {
            list[index].mailbox = await resolved(list[index].mailbox) ?? list[index].mailbox
        }
        return list
    }

    /// `results` with `resolve` applied to each value.
    func resolving<T>(_ results: [ItemResult<T>], _ resolve: (T) async -> T) async -> [ItemResult<T>] {
        var list: [ItemResult<T>] = []
        list.reserveCapacity(results.count)
        for result in results {
            switch result {
            case .success(let value): list.append(.success(await resolve(value)))
            case .warning(let value, let warning): list.append(.warning(await resolve(value), warning))
            case .failure: list.append(result)
            }
        }
        return list
    }

    private func smtpMailbox(for dn: String) async -> Mailbox? {
        let answer = answers.withLock { answers in
            let key = dn.lowercased()
            if let answer = answers[key] { return answer }
            let answer = Task { await self.lookUp(dn) }
            answers[key] = answer
            return answer
        }
        return await answer.value
    }

    private func lookUp(_ dn: String) async -> Mailbox? {
        do {
            let candidates = try await client.perform(ResolveNames(entry: dn))
            guard candidates.count == 1, let found = candidates.first, found.smtpAddress != nil else {
                client.logger.warning("ResolveNames for \(dn): \(candidates.count) candidates; it stays unresolved")
                return nil
            }
            return found
        } catch {
            client.logger.warning("ResolveNames for \(dn) failed: \(error); it stays unresolved")
            return nil
        }
    }
}

/// `MailboxWriter` over EWS.
public struct EWSMailboxWriter: MailboxWriter {
    let client: EWSClient
    let options: EWSMailboxOptions

    public init(_ client: EWSClient, options: EWSMailboxOptions = EWSMailboxOptions()) {
        self.client = client
        self.options = options
    }

    /// Answers the requests in batches of one answer and one disposition
    /// (PROTOCOL.md 5.3), the batches concurrently; one outcome per request,
    /// in order.
    public func respond(_ replies: [(request: ItemId, reply: MeetingReply)]) async throws(EWSError) -> [SendOutcome] {
        for (_, reply) in replies where reply.proposedStart != nil || reply.proposedEnd != nil {
            guard let start = reply.proposedStart, let end = reply.proposedEnd, start < end else {
                throw EWSError(.invalidRequest, "a proposed new time needs a start before its end")
            }
            guard client.version.isAtLeast(.exchange2013SP1) else {
                throw EWSError(
                    .invalidRequest,
                    "proposing a new time needs Exchange2013_SP1 or later, not \(client.version.rawValue)")
            }
        }
        let groups = Dictionary(grouping: replies.indices) { replies[$0].reply.batchKind }
        var outcomes = [SendOutcome?](repeating: nil, count: replies.count)
        let batches = groups.values.sorted { $0[0] < $1[0] }.flatMap { $0.chunked(options.batchSize) }
        let answers = await client.concurrently(batches) { batch in
            await send(RespondToMeeting(batch.map { replies[$0] }, mailbox: client.folderMailbox))
        }
        for (batch, answer) in zip(batches, answers) {
            for (position, outcome) in zip(batch, answer) { outcomes[position] = outcome }
        }
        return outcomes.map { $0 ?? .unknown(EWSError(.unknownOutcome, "CreateItem left the request unanswered")) }
    }

    /// RemoveItem for the cancellations, in batches sent concurrently; one outcome each, in order.
    public func removeFromCalendar(_ cancellations: [ItemId]) async throws(EWSError) -> [SendOutcome] {
        let batches = Array(cancellations.indices).chunked(options.batchSize)
        let answers = await client.concurrently(batches) { batch in
            await send(RemoveItem(cancellations: batch.map { cancellations[$0] }))
        }
        return answers.flatMap { $0 }
    }

    /// One outcome per item of the batch. A call that fails as a whole gives
    /// each item its error: `unknown` when the request may have reached the
    /// server, else an answer that nothing was done.
    private func send<Op: PerItemOperation>(_ operation: Op) async -> [SendOutcome] where Op.Element == [ItemId] {
        do throws(EWSError) {
            let results = try await client.performEach(operation)
            return results.map(SendOutcome.answered)
        } catch {
            let outcome: SendOutcome = error.kind == .unknownOutcome ? .unknown(error) : .answered(.failure(error))
            return Array(repeating: outcome, count: operation.itemCount)
        }
    }

    /// A delegate may not delete to Deleted Items (ErrorCannotDeleteObject):
    /// it moves the items there instead (PROTOCOL.md 2.2, 7).
    public func delete(_ ids: [ItemId], _ type: DeleteType, cancellations: SendMeetingCancellations?)
        async throws(EWSError) -> [ItemResult<ItemId>]
    {
        if type == .moveToDeletedItems, client.account.access == .delegate {
            return zip(ids, try await move(ids, to: .deletedItems)).map { id, result in result.map { _ in id } }
        }
        let suppress = client.version.isAtLeast(ExchangeVersion(rawValue: "Exchange2013"))
        return try await client.inBatches(ids, of: options.batchSize) { batch throws(EWSError) in
            try await client.performEach(
                DeleteItem(ids: batch, deleteType: type, cancellations: cancellations, suppressReadReceipts: suppress))
        }
    }

    public func move(_ ids: [ItemId], to folder: Folder) async throws(EWSError) -> [ItemResult<ItemId?>] {
        try await client.inBatches(ids, of: options.batchSize) { batch throws(EWSError) in
            try await client.performEach(MoveItem(ids: batch, destination: folder, mailbox: client.folderMailbox))
        }
    }
}

extension EWSClient {
    /// Runs `body` on the batches of `ids`, concurrently, and joins the
    /// results in order; the first error, if any, after every batch ended.
    /// The transport decides how many requests are in flight at once.
    func inBatches<T>(
        _ ids: [ItemId], of size: Int,
        _ body: @escaping @Sendable ([ItemId]) async throws(EWSError) -> [ItemResult<T>]
    ) async throws(EWSError) -> [ItemResult<T>] {
        let results = await concurrently(ids.chunked(size)) { batch -> Result<[ItemResult<T>], EWSError> in
            do throws(EWSError) { return .success(try await body(batch)) } catch { return .failure(error) }
        }
        var joined: [ItemResult<T>] = []
        joined.reserveCapacity(ids.count)
        for result in results { joined += try result.get() }
        return joined
    }

    /// `body` of every element, all at once, the results in order.
    func concurrently<Element: Sendable, T: Sendable>(
        _ elements: [Element], _ body: @escaping @Sendable (Element) async -> T
    ) async -> [T] {
        if elements.count == 1 { return [await body(elements[0])] }
        return await withTaskGroup(of: (Int, T).self) { group in
            for (position, element) in elements.enumerated() { group.addTask { (position, await body(element)) } }
            var results: [(Int, T)] = []
            results.reserveCapacity(elements.count)
            for await result in group { results.append(result) }
            return results.sorted { $0.0 < $1.0 }.map(\.1)
        }
    }
}

extension Array {
    /// Consecutive slices of at most `size` elements.
    func chunked(_ size: Int) -> [[Element]] {
        stride(from: 0, to: count, by: Swift.max(size, 1)).map { Array(self[$0..<Swift.min($0 + size, count)]) }
    }
}
