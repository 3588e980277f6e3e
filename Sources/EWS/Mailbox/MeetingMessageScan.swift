/// Walks the meeting messages of a folder page by page, oldest first, and
/// fetches a page only when the caller asks for it, so memory holds one page
/// however many messages wait (PRODUCT.md 2, steps 1 and 2).
///
/// Offsets shift while items leave the folder (PROTOCOL.md 3.2): the bot
/// removes what it processed, and Exchange moves an answered request to
/// Deleted Items itself. So the caller says how many messages of the page it
/// was handed have left the folder since, and the next page starts that much
/// earlier. A message seen on the previous page again (someone else removed
/// items meanwhile) is not handed on twice; one that slips past is found by
/// the next run.
public struct MeetingMessageScan: Sendable {
    private let reader: any MailboxReader
    public let folder: Folder
    private var offset: Int? = 0
    private var lastPage: Set<String> = []

    public init(_ reader: any MailboxReader, folder: Folder) {
        self.reader = reader
        self.folder = folder
    }

    /// The next page's messages (possibly none while more follow), or nil
    /// once the folder has been read to its end. `departed` is how many of
    /// the messages handed out by the previous call have left the folder.
    public mutating func next(departed: Int = 0) async throws(EWSError) -> [MessageSummary]? {
        guard let current = offset else { return nil }
        let start = max(0, current - min(max(departed, 0), lastPage.count))
        let page = try await reader.findMeetingMessages(in: folder, offset: start)
        let fresh = page.messages.filter { !lastPage.contains($0.id.id) }
        lastPage = Set(page.messages.map(\.id.id))
        offset = page.nextOffset
        return fresh
    }
}
