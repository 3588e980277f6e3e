import Foundation

/// Walks the meeting messages of a folder page by page, oldest first, and
/// fetches a page only when the caller asks for it, so memory holds one page
/// however many messages wait (PRODUCT.md 2, steps 1 and 2).
///
/// Offsets shift while items leave the folder (PROTOCOL.md 3.2): the bot
/// removes what it processed, Exchange moves an answered request to Deleted
/// Items itself, and the bot reads the next page while it still acts on this
/// one. So a page does not start at an offset but at an arrival time: the
/// next page asks for what arrived at or after the last message handed out,
/// and leaves out the messages of that very time it handed out already.
/// Whatever leaves the folder meanwhile, earlier arrivals cannot shift it.
/// Only when a whole page arrived in that same second does an offset into
/// them come in; then one that slips past (others removed some) is found by
/// the next run.
public struct MeetingMessageScan: Sendable {
    private let reader: any MailboxReader
    public let folder: Folder
    private var finished = false
    /// The arrival second of the last message handed out (the restriction's
    /// constant has whole seconds, so a second is the unit).
    private var boundary: Date?
    /// The messages of that second already handed out.
    private var atBoundary: Set<String> = []
    /// Set while a page held nothing but the boundary's messages.
    private var offset = 0

    public init(_ reader: any MailboxReader, folder: Folder) {
        self.reader = reader
        self.folder = folder
    }

    /// The next page's messages (possibly none while more follow), or nil
    /// once the folder has been read to its end.
    public mutating func next() async throws(EWSError) -> [MessageSummary]? {
        guard !finished else { return nil }
        // At offset 0 the boundary's messages still in the folder come first again.
        let page = try await reader.findMeetingMessages(
            in: folder, receivedFrom: boundary, offset: offset, known: offset == 0 ? atBoundary.count : 0)
        let fresh = page.messages.filter { !atBoundary.contains($0.id.id) }
        finished = page.nextOffset == nil
        guard !finished, let last = page.messages.last else { return fresh }
        guard let received = last.received.map(Self.second) else {
            throw EWSError(
                .invalidResponse,
                "FindItem answered \(last.id.id) without the DateTimeReceived it was asked for, so the scan cannot go past it"
            )
        }
        if received == boundary {
            // The whole page arrived in one second: step over what was seen of it.
            atBoundary.formUnion(fresh.map(\.id.id))
            offset = atBoundary.count
        } else {
            boundary = received
            atBoundary = Set(page.messages.filter { $0.received.map(Self.second) == received }.map(\.id.id))
            offset = 0
        }
        return fresh
    }

    private static func second(_ date: Date) -> Date {
        Date(timeIntervalSince1970: date.timeIntervalSince1970.rounded(.down))
    }
}
