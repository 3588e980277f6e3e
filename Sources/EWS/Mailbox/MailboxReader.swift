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

    /// One page of the meeting messages in `folder`, oldest first, from `offset`.
    func findMeetingMessages(in folder: Folder, offset: Int) async throws(EWSError) -> MessagePage

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
        var failure: EWSError?
        if let id = response.associatedCalendarItemId {
            for result in try await calendarItems([id]) {
                if let own = Self.ownMeeting(result, failure: &failure) { return own }
            }
        }
        guard let uid = response.uid else {
            return .failure(
                failure
                    ?? EWSError(
                        .invalidResponse,
                        "meeting response \(response.id) has neither a usable AssociatedCalendarItemId nor a UID"))
        }
        let ids = try await calendarItemIds(uid: uid)
        for result in try await calendarItems(ids) {
            if let own = Self.ownMeeting(result, failure: &failure) { return own }
        }
        return failure.map(ItemResult.failure) ?? .success(nil)
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
