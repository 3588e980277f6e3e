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
}

extension MailboxReader {
    /// The organizer's calendar item that a meeting response belongs to: by
    /// its AssociatedCalendarItemId, else by UID among the calendar items at
    /// the meeting's time (PRODUCT.md 2, step 3). `.success(nil)` when the
    /// meeting is gone (the response is orphaned).
    public func organizerCalendarItem(for response: MeetingMessage) async throws(EWSError) -> ItemResult<CalendarItem?>
    {
        if let id = response.associatedCalendarItemId, let result = try await calendarItems([id]).first {
            guard case .failure(let error) = result, error.responseCode == .itemNotFound else {
                return result.map { $0 }
            }
        }
        guard let uid = response.uid, let start = response.start else { return .success(nil) }
        let end = max(response.end ?? start, start + 60)
        let entries = try await calendarView(from: start, to: end)
        guard let entry = entries.first(where: { $0.uid == uid }) else { return .success(nil) }
        guard let result = try await calendarItems([entry.id]).first else { return .success(nil) }
        if case .failure(let error) = result, error.responseCode == .itemNotFound { return .success(nil) }
        return result.map { $0 }
    }
}
