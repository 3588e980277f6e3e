import Foundation

/// Reads one mailbox: everything a run needs before it acts, and all that a
/// dry run is ever given (PRODUCT.md 7.1: the guarantee is in the types; a
/// reader cannot write). It speaks in domain values, not EWS XML, so a
/// Microsoft Graph backend can implement it too (PRODUCT.md 11).
///
/// Request-level failures (unreachable, credentials refused, throttled past
/// the budget) are thrown; per-item failures are values.
public protocol MailboxReader: Sendable {
    /// The mailbox's primary SMTP address.
    var address: String { get }

    /// One page of the meeting messages in `folder` that arrived at or after
    /// `receivedFrom` (all of them when nil), oldest first, from `offset`;
    /// `known` longer than a page (within the server's limit), for that many
    /// at its start the caller has seen already.
    func findMeetingMessages(in folder: Folder, receivedFrom: Date?, offset: Int, known: Int) async throws(EWSError)
        -> MessagePage

    /// Meeting messages read in full, one result per id, in order.
    func meetingMessages(_ ids: [ItemId]) async throws(EWSError) -> [ItemResult<MeetingMessage>]

    /// The items and occurrences of the mailbox's calendar that overlap
    /// [start, end), ordered by start. Any span works: it is read in windows.
    func calendarView(from start: Date, to end: Date) async throws(EWSError) -> [CalendarEntry]

    /// Calendar items read in full with their attendees, one result per id.
    func calendarItems(_ ids: [ItemId]) async throws(EWSError) -> [ItemResult<CalendarItem>]

    /// The calendar's items of the meeting with this UID, wherever they are
    /// now: the single meeting or the recurring series, not its occurrences.
    /// Found by the meeting's identity, not by its times (PROTOCOL.md 6.4).
    func calendarItemIds(uid: String) async throws(EWSError) -> [ItemId]
}

extension MailboxReader {
    /// The organizer's calendar item that a meeting response belongs to: by
    /// its AssociatedCalendarItemId, else by the meeting's UID, taken only if
    /// it is the mailbox's own meeting (PROTOCOL.md 6.4). `.success(nil)`
    /// when those lookups find nothing (the response is orphaned): a meeting
    /// moved since the answer, or a series whose first occurrence was
    /// deleted, is still found. A failure other than "not found" is returned
    /// rather than calling the response orphaned.
    public func organizerCalendarItem(for response: MeetingMessage) async throws(EWSError) -> ItemResult<CalendarItem?>
    {
        try await organizerCalendarItems(for: [response])[0]
    }

    /// `organizerCalendarItem(for:)` for each response, in order: the items
    /// the responses point at are read once each, in batches, and only the
    /// responses left without their meeting are looked up by UID.
    public func organizerCalendarItems(for responses: [MeetingMessage]) async throws(EWSError)
        -> [ItemResult<CalendarItem?>]
    {
        var failures = [EWSError?](repeating: nil, count: responses.count)
        var found = [ItemResult<CalendarItem?>?](repeating: nil, count: responses.count)
        let associated = Self.distinct(responses.compactMap(\.associatedCalendarItemId))
        let byId = Dictionary(zip(associated.map(\.id), try await calendarItems(associated))) { first, _ in first }
        for (position, response) in responses.enumerated() {
            guard let id = response.associatedCalendarItemId, let result = byId[id.id] else { continue }
            found[position] = Self.ownMeeting(result, failure: &failures[position])
        }
        let unfound = { (position: Int) in found[position].map { _ in false } ?? true }
        for uid in Self.distinct(responses.indices.filter(unfound).compactMap { responses[$0].uid }) {
            let results = try await calendarItems(try await calendarItemIds(uid: uid))
            for position in responses.indices where unfound(position) && responses[position].uid == uid {
                for result in results where unfound(position) {
                    found[position] = Self.ownMeeting(result, failure: &failures[position])
                }
                if unfound(position) { found[position] = failures[position].map(ItemResult.failure) ?? .success(nil) }
            }
        }
        return responses.indices.map { position in
            found[position]
                ?? .failure(
                    failures[position]
                        ?? EWSError(
                            .invalidResponse,
                            "meeting response \(responses[position].id) has neither a usable AssociatedCalendarItemId nor a UID"
                        ))
        }
    }

    /// Each value once, in the order first seen.
    private static func distinct<T: Hashable>(_ values: [T]) -> [T] {
        var seen = Set<T>()
        return values.filter { seen.insert($0).inserted }
    }

    /// `result` when it is the mailbox's own meeting; else nil, keeping a
    /// failure other than "not found" in `failure`.
    private static func ownMeeting(_ result: ItemResult<CalendarItem>, failure: inout EWSError?)
        -> ItemResult<CalendarItem?>?
    {
        switch result {
        case .success(let item) where item.isOrganizer: return .success(item)
        case .warning(let item, let warning) where item.isOrganizer: return .warning(item, warning)
        case .failure(let error) where error.responseCode != .itemNotFound: failure = error
        default: break
        }
        return nil
    }
}
