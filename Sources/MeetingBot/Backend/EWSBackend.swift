import EWS
import Foundation

/// The EWS implementation of the pipeline's mailbox seam: the EWS client's
/// reader and writer, with EWS errors turned into `MailboxError`.
public struct EWSMeetingSource: MeetingSource {
    let reader: EWSMailboxReader

    public init(_ reader: EWSMailboxReader) { self.reader = reader }

    public var address: String { reader.address }

    public func scan(_ folder: Folder) -> any MessageScanner {
        EWSMessageScanner(scan: MeetingMessageScan(reader, folder: folder))
    }

    public func read(_ ids: [ItemId]) async throws(MailboxError) -> [Result<MeetingMessage, MailboxError>] {
        try await mapped { () throws(EWSError) in try await reader.meetingMessages(ids).map(\.result) }
    }

    public func calendar(
        from start: Date, to end: Date, each take: @escaping @Sendable ([CalendarEntry]) -> Void
    ) async throws(MailboxError) {
        try await mapped { () throws(EWSError) in try await reader.calendarView(from: start, to: end, each: take) }
    }

    public func calendarItems(_ ids: [ItemId]) async throws(MailboxError) -> [Result<CalendarItem, MailboxError>] {
        try await mapped { () throws(EWSError) in try await reader.calendarItems(ids).map(\.result) }
    }

    public func organizerItems(for responses: [MeetingMessage]) async throws(MailboxError)
        -> [Result<CalendarItem?, MailboxError>]
    {
        try await mapped { () throws(EWSError) in
            try await reader.organizerCalendarItems(for: responses).map(\.result)
        }
    }

    /// One calendar view, then GetItem in batches of one item per meeting.
    /// The view answers MyResponseType, `Organizer` on the mailbox's own
    /// items (PROTOCOL.md 6.4; appointments too, which only GetItem's
    /// IsMeeting tells apart), and lists a series as its occurrences, which
    /// share the master's UID and its attendees: the first one in the window
    /// stands for the series. The attendees' ResponseType and
    /// LastResponseTime are the server's record (PROTOCOL.md 6.1).
    /// Cancelled meetings and those gone meanwhile are left out.
    public func organizedMeetings(from start: Date, to end: Date) async throws(MailboxError) -> [OrganizedMeeting] {
        let entries = try await mapped { () throws(EWSError) in try await reader.calendarView(from: start, to: end) }
            .filter { $0.myResponse == .organizer && !$0.isCancelled }
        var firsts: [CalendarEntry] = []
        var counts: [String: Int] = [:]
        for entry in entries {
            let key = entry.uid ?? entry.id.id
            if counts[key] == nil { firsts.append(entry) }
            counts[key, default: 0] += 1
        }
        let items = try await calendarItems(firsts.map(\.id))
        return zip(firsts, items).compactMap { entry, item in
            switch item {
            case .success(let read) where !read.isOrganizer || !read.isMeeting || read.isCancelled: return nil
            case .failure(let error) where error.kind == .notFound: return nil
            default:
                return OrganizedMeeting(entry: entry, occurrences: counts[entry.uid ?? entry.id.id] ?? 1, item: item)
            }
        }
    }
}

struct EWSMessageScanner: MessageScanner {
    var scan: MeetingMessageScan

    mutating func next() async throws(MailboxError) -> [MessageSummary]? {
        do {
            return try await scan.next()
        } catch {
            throw MailboxError(error)
        }
    }
}

/// The EWS implementation of the writing half.
public struct EWSMeetingSink: MeetingSink {
    let writer: EWSMailboxWriter
    let reader: EWSMailboxReader

    public init(_ writer: EWSMailboxWriter, reader: EWSMailboxReader) {
        self.writer = writer
        self.reader = reader
    }

    public func reply(_ replies: [(request: MeetingMessage, reply: MeetingReply)]) async throws(MailboxError)
        -> [WriteOutcome]
    {
        try await mapped { () throws(EWSError) in
            try await writer.respond(replies.map { ($0.request.id, $0.reply) }).map(WriteOutcome.init)
        }
    }

    /// RemoveItem, and where the server refuses it ("RemoveItem is not
    /// supported for delegate access", PROTOCOL.md 5.2) the documented
    /// fallback: the attendee's calendar item deleted without sending
    /// cancellations, then the cancellation message.
    public func removeCancelledMeetings(_ cancellations: [MeetingMessage]) async throws(MailboxError)
        -> [WriteOutcome]
    {
        let outcomes = try await mapped { () throws(EWSError) in
            try await writer.removeFromCalendar(cancellations.map(\.id)).map(WriteOutcome.init)
        }
        var results: [WriteOutcome] = []
        for (cancellation, outcome) in zip(cancellations, outcomes) {
            results.append(try await fallingBack(cancellation, outcome))
        }
        return results
    }

    private func fallingBack(_ cancellation: MeetingMessage, _ outcome: WriteOutcome) async throws(MailboxError)
        -> WriteOutcome
    {
        guard case .refused(let error) = outcome, error.serverCode == "ErrorCalendarIsDelegatedForRemove" else {
            return outcome
        }
        if let entry = try await attendeeItem(of: cancellation) {
            let removed = try await mapped { () throws(EWSError) in
                try await writer.delete([entry], .moveToDeletedItems, cancellations: .sendToNone).map(\.result)
            }
            if case .failure(let failure)? = removed.first, failure.kind != .notFound { return .refused(failure) }
        }
        let message = try await cleanUp([cancellation.id], .moveToDeletedItems)
        if case .failure(let failure)? = message.first { return .refused(failure) }
        return .done
    }

    /// The attendee's calendar item of a cancelled meeting: the one the
    /// cancellation points at, else the one of its UID at its time.
    private func attendeeItem(of cancellation: MeetingMessage) async throws(MailboxError) -> ItemId? {
        if let id = cancellation.associatedCalendarItemId { return id }
        guard let uid = cancellation.uid, let start = cancellation.start else { return nil }
        let end = max(cancellation.end ?? start, start + 60)
        let entries = try await mapped { () throws(EWSError) in try await reader.calendarView(from: start, to: end) }
        return entries.first { $0.uid == uid && $0.type != .occurrence }?.id
            ?? entries.first { $0.uid == uid }?.id
    }

    public func cleanUp(_ ids: [ItemId], _ mode: CleanupMode) async throws(MailboxError) -> [Result<Void, MailboxError>]
    {
        let type: DeleteType
        switch mode {
        case .moveTo(let folder):
            return try await mapped { () throws(EWSError) in
                try await writer.move(ids, to: folder).map { $0.result.map { _ in } }
            }
        case .moveToDeletedItems: type = .moveToDeletedItems
        case .softDelete: type = .softDelete
        case .hardDelete: type = .hardDelete
        }
        return try await mapped { () throws(EWSError) in
            try await writer.delete(ids, type, cancellations: nil).map { $0.result.map { _ in } }
        }
    }
}

/// Runs an EWS call and turns its error into the pipeline's.
private func mapped<T>(_ body: () async throws(EWSError) -> T) async throws(MailboxError) -> T {
    do {
        return try await body()
    } catch {
        throw MailboxError(error)
    }
}

extension MailboxError {
    /// The pipeline's view of an EWS failure.
    init(_ error: EWSError) {
        let code = error.responseCode?.rawValue
        let kind: Kind =
            if error.isConnectionProblem {
                EWSError.authentication ~= error ? .authentication : .unreachable
            } else if EWSError.throttled ~= error {
                .throttled
            } else if EWSError.unknownOutcome ~= error {
                .unknownOutcome
            } else if error.responseCode == .itemNotFound {
                .notFound
            } else if EWSError.item ~= error {
                .refused
            } else {
                .failed
            }
        self.init(kind, error.message.isEmpty ? (code ?? "failed") : error.message, serverCode: code)
    }
}

extension ItemResult {
    /// A per-item result as the pipeline sees it. A warning keeps its value:
    /// the EWS client has already turned warnings that mean "not done" into
    /// failures.
    var result: Result<Value, MailboxError> {
        switch self {
        case .success(let value), .warning(let value, _): .success(value)
        case .failure(let error): .failure(MailboxError(error))
        }
    }
}

extension WriteOutcome {
    init(_ outcome: SendOutcome) {
        switch outcome {
        case .answered(.failure(let error)): self = .refused(MailboxError(error))
        case .answered: self = .done
        case .unknown(let error): self = .unknown(MailboxError(error))
        }
    }
}
