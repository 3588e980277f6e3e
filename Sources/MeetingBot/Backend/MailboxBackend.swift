import EWS
import Foundation

/// How the pipeline reads one mailbox: all that a dry run is given
/// (PRODUCT.md 7.1). Values are plain (ids, messages, calendar entries);
/// failures are `MailboxError`, so the pipeline does not depend on EWS's
/// error codes and a Graph backend can implement this too (PRODUCT.md 11).
public protocol MeetingSource: Sendable {
    /// The mailbox's primary SMTP address.
    var address: String { get }

    /// A fresh scan of `folder`'s meeting messages, oldest first, page by page.
    func scan(_ folder: Folder) -> any MessageScanner

    /// Meeting messages read in full, one result per id, in order.
    func read(_ ids: [ItemId]) async throws(MailboxError) -> [Result<MeetingMessage, MailboxError>]

    /// The calendar's items and occurrences overlapping [start, end), handed
    /// to `take` view by view as they come (from views read side by side, so
    /// perhaps at once); an item may come twice.
    func calendar(from start: Date, to end: Date, each take: @escaping @Sendable ([CalendarEntry]) -> Void)
        async throws(MailboxError)

    /// Calendar items read in full, one result per id.
    func calendarItems(_ ids: [ItemId]) async throws(MailboxError) -> [Result<CalendarItem, MailboxError>]

    /// The organizer's calendar item each response belongs to, in order; nil
    /// when the meeting is gone (PRODUCT.md 3, "orphaned").
    func organizerItems(for responses: [MeetingMessage]) async throws(MailboxError)
        -> [Result<CalendarItem?, MailboxError>]

    /// The meetings this mailbox organizes that overlap [start, end), each
    /// once however often it occurs there, read in full: their attendees
    /// carry the answers the server recorded (PRODUCT.md 1, the organizers).
    func organizedMeetings(from start: Date, to end: Date) async throws(MailboxError) -> [OrganizedMeeting]
}

/// A meeting the mailbox organizes, as `MeetingSource.organizedMeetings` finds it.
public struct OrganizedMeeting: Sendable, Equatable {
    /// Its first item in the window, as the calendar lists it: the meeting,
    /// or for a series its first occurrence there.
    public var entry: CalendarEntry
    /// How many of its items overlap the window: 1 unless it recurs.
    public var occurrences: Int
    /// `entry` read in full, with the attendees and their answers.
    public var item: Result<CalendarItem, MailboxError>

    public init(entry: CalendarEntry, occurrences: Int, item: Result<CalendarItem, MailboxError>) {
        self.entry = entry
        self.occurrences = occurrences
        self.item = item
    }
}

/// Walks a folder's meeting messages a page at a time (PROTOCOL.md 3.2).
public protocol MessageScanner: Sendable {
    /// The next page, or nil after the last. What left the folder since the
    /// previous page, or leaves it while this one is read, shifts nothing.
    mutating func next() async throws(MailboxError) -> [MessageSummary]?
}

/// How the pipeline changes one mailbox. Only a real run is given one: a dry
/// run has nothing to call (PRODUCT.md 7.1, STYLE.md example 8).
public protocol MeetingSink: Sendable {
    /// Answers requests, each once, one outcome per request in order; never
    /// resent by itself (PRODUCT.md 7.3).
    func reply(_ replies: [(request: MeetingMessage, reply: MeetingReply)]) async throws(MailboxError) -> [WriteOutcome]

    /// Takes cancelled meetings off the calendar and removes the
    /// cancellations, by whatever means the server allows; one outcome each.
    func removeCancelledMeetings(_ cancellations: [MeetingMessage]) async throws(MailboxError) -> [WriteOutcome]

    /// Removes processed messages as `mode` says; one result per id.
    func cleanUp(_ ids: [ItemId], _ mode: CleanupMode) async throws(MailboxError) -> [Result<Void, MailboxError>]
}

/// What became of one write.
public enum WriteOutcome: Sendable, Equatable {
    case done
    /// The server refused it; nothing happened.
    case refused(MailboxError)
    /// It may or may not have happened: re-read before anything else.
    case unknown(MailboxError)
}

/// How processed messages leave the folder (PRODUCT.md 2, step 6).
public enum CleanupMode: Sendable, Equatable {
    case moveToDeletedItems, softDelete, hardDelete
    /// Moved to this folder (MoveItem).
    case moveTo(Folder)
}
