import Foundation

extension StoreState {
    /// The calendar items that overlap a meeting request's or calendar item's
    /// time (ConflictingMeetings) and those that end as it starts or start as
    /// it ends (AdjacentMeetings). "Meeting requests are compared with
    /// calendar items in the default calendar folder" (ConflictingMeetingCount
    /// reference), occurrences of recurring ones included. The meeting's own
    /// items (the same UID: its tentative placeholder, its other occurrences)
    /// and free time are no conflict; that Exchange leaves those two out is
    /// not documented (PROTOCOL.md 8.1).
    /// Readies the calendar index for `neighbours(of: item)`, so that long
    /// series need not be expanded for it (CalendarIndex.cover).
    mutating func prepareNeighbours(of item: StoredItem) {
        guard let end = item.end, let calendar = try? folderId("calendar", of: item.mailbox) else { return }
        coverCalendar(calendar, until: end + 1)
    }

    func neighbours(of item: StoredItem) -> (conflicting: [StoredItem], adjacent: [StoredItem]) {
        guard item.kind == .calendarItem || item.kind == .meetingRequest, let start = item.start, let end = item.end,
            let calendar = try? folderId("calendar", of: item.mailbox)
        else { return ([], []) }
        // A second more on either side takes in the items that touch the meeting.
        let near = calendarItems(in: calendar, from: start - 1, to: end + 1)
        let around = CalendarExpansion.instances(of: near, from: start - 1, to: end + 1).filter {
            $0.id != item.id && (item.uid == nil || $0.uid != item.uid) && $0.freeBusy != "Free"
        }
        return (
            around.filter { ($0.start ?? .distantFuture) < end && ($0.end ?? .distantPast) > start },
            around.filter { $0.end == start || $0.start == end }
        )
    }
}
