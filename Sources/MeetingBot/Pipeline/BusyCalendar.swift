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
    private var entries = TimeIndex<CalendarEntry>()
    private var loaded: [DateInterval] = []
    private var seen = Set<String>()
    /// The mailbox's answer to each meeting on the calendar, by UID.
    private(set) var answers: [String: ResponseType] = [:]
    /// Meetings accepted (or tentatively accepted) in this pass.
    private var booked = TimeIndex<(uid: String?, tentative: Bool)>()

    /// Reads whatever part of [start, end) has not been read yet.
    mutating func cover(_ span: DateInterval, from source: any MeetingSource) async throws(MailboxError) {
        for gap in gaps(in: span) {
            for entry in try await source.calendar(from: gap.start, to: gap.end) where seen.insert(key(entry)).inserted
            {
                entries.insert(entry, start: entry.start, end: entry.end)
                if let uid = entry.uid, let answer = entry.myResponse, [.accept, .tentative, .decline].contains(answer)
                {
                    answers[uid] = answer
                }
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
        for interval in intervals { booked.insert((uid, tentative), start: interval.start, end: interval.end) }
    }

    /// Whether `interval` overlaps something busy, leaving out the items of
    /// the meeting `uid` itself.
    func isBusy(_ interval: DateInterval, excluding uid: String?, tentativeIsBusy: Bool) -> Bool {
        for entry in entries.overlapping(interval) {
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
        return booked.overlapping(interval).contains { booking in
            (uid == nil || booking.uid != uid) && (!booking.tentative || tentativeIsBusy)
        }
    }
}

/// Values with a time span, kept sorted by start, so that finding those
/// overlapping an interval costs a binary search plus what overlaps, not a
/// pass over every value: a pass checks each occurrence of each request.
struct TimeIndex<Value> {
    private var items: [(start: Date, end: Date, value: Value)] = []
    /// The longest span held: a value starting that long before an
    /// interval may still overlap it.
    private var longest: TimeInterval = 0

    mutating func insert(_ value: Value, start: Date, end: Date) {
        items.insert((start, max(end, start), value), at: firstIndex(startingAtOrAfter: start))
        longest = max(longest, end.timeIntervalSince(start))
    }

    /// The values whose span overlaps [interval.start, interval.end).
    func overlapping(_ interval: DateInterval) -> [Value] {
        var found: [Value] = []
        var i = firstIndex(startingAtOrAfter: interval.start - longest)
        while i < items.count, items[i].start < interval.end {
            if items[i].end > interval.start { found.append(items[i].value) }
            i += 1
        }
        return found
    }

    private func firstIndex(startingAtOrAfter date: Date) -> Int {
        var low = 0
        var high = items.count
        while low < high {
            let middle = (low + high) / 2
            if items[middle].start < date { low = middle + 1 } else { high = middle }
        }
        return low
    }
}
