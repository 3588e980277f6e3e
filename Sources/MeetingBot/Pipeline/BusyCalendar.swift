import EWS
import Foundation

/// The mailbox's busy times for the requests of one pass (PRODUCT.md 2,
/// step 3). The calendar is read once per span: a span already read is not
/// read again, so however many pages of requests come, each part of the
/// calendar costs one view (the reader splits views into windows of at most
/// two years and re-splits truncated ones).
///
/// What counts as busy: items shown Busy or OOF (Tentative too when the
/// rules say so), not cancelled, but never the placeholders the Calendar
/// Attendant puts up for requests nobody has answered (NoResponseReceived)
/// and never the request's own items (same UID). Requests accepted earlier
/// in this pass count, so of two overlapping requests the earlier one wins.
struct BusyCalendar {
    private(set) var entries: [CalendarEntry] = []
    private var loaded: [DateInterval] = []
    private var seen = Set<String>()
    /// Meetings accepted (or tentatively accepted) in this pass.
    private var booked: [(uid: String?, interval: DateInterval, tentative: Bool)] = []

    /// Reads whatever part of [start, end) has not been read yet.
    mutating func cover(_ span: DateInterval, from source: any MeetingSource) async throws(MailboxError) {
        for gap in gaps(in: span) {
            for entry in try await source.calendar(from: gap.start, to: gap.end) where seen.insert(key(entry)).inserted
            {
                entries.append(entry)
            }
            loaded.append(gap)
        }
    }

    /// The parts of `span` not covered by what was read.
    private func gaps(in span: DateInterval) -> [DateInterval] {
        var gaps = [span]
        for done in loaded {
            gaps = gaps.flatMap { gap -> [DateInterval] in
                guard let overlap = gap.intersection(with: done), overlap.duration > 0 else { return [gap] }
                var rest: [DateInterval] = []
                if gap.start < overlap.start { rest.append(DateInterval(start: gap.start, end: overlap.start)) }
                if overlap.end < gap.end { rest.append(DateInterval(start: overlap.end, end: gap.end)) }
                return rest
            }
        }
        return gaps.filter { $0.duration > 0 }
    }

    /// An occurrence has its own id in a view; a single item, its item id.
    private func key(_ entry: CalendarEntry) -> String { entry.id.id }

    /// From the earliest to the latest time read, if any was.
    var coveredSpan: DateInterval? {
        guard let start = loaded.map(\.start).min(), let end = loaded.map(\.end).max() else { return nil }
        return DateInterval(start: start, end: end)
    }

    /// Records a meeting accepted in this pass, so later requests see it.
    mutating func book(uid: String?, _ intervals: [DateInterval], tentative: Bool) {
        for interval in intervals { booked.append((uid, interval, tentative)) }
    }

    /// Whether `interval` overlaps something busy, leaving out the items of
    /// the meeting `uid` itself.
    func isBusy(_ interval: DateInterval, excluding uid: String?, tentativeIsBusy: Bool) -> Bool {
        func overlaps(_ start: Date, _ end: Date) -> Bool { start < interval.end && interval.start < end }
        for entry in entries where overlaps(entry.start, entry.end) {
            if let uid, entry.uid == uid { continue }
            if entry.isCancelled || entry.myResponse == .noResponseReceived { continue }
            switch entry.freeBusy {
            case .busy?, .outOfOffice?: return true
            case .tentative?: if tentativeIsBusy { return true }
            // No status at all: taken as busy, since a double booking is worse than a decline.
            case nil: return true
            default: continue
            }
        }
        return booked.contains { booking in
            (uid == nil || booking.uid != uid) && overlaps(booking.interval.start, booking.interval.end)
                && (!booking.tentative || tentativeIsBusy)
        }
    }
}
