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
struct BusyCalendar: Sendable {
    /// What a busy check needs of one item or occurrence, in four bytes: a
    /// mailbox's calendar holds hundreds of thousands of them over years.
    fileprivate struct Busy: Sendable {
        /// One more than the meeting's index in `meetings` (0 for an item
        /// without a UID), times two, plus one when tentative.
        private var bits: UInt32

        /// `meeting` is -1 for an item without a UID.
        init(meeting: Int32, tentative: Bool) { bits = UInt32(meeting + 1) << 1 | (tentative ? 1 : 0) }

        var meeting: Int32 {
            get { Int32(bits >> 1) - 1 }
            set { self = Busy(meeting: newValue, tentative: tentative) }
        }
        var tentative: Bool { bits & 1 == 1 }
    }

    /// A meeting's UID as 128 bits of the process's keyed hash (SipHash,
    /// seeded at random per process): a calendar of years knows tens of
    /// thousands of meetings, whose UIDs are a hundred characters and more, and
    /// only sameness is asked of them. Two UIDs share a key with odds of
    /// about one in 10^38 per pair, and no server can aim at it.
    fileprivate struct MeetingKey: Hashable, Sendable {
        private let halves: (UInt64, UInt64)

        init(_ uid: String) {
            func half(_ domain: UInt8) -> UInt64 {
                var hasher = Hasher()
                hasher.combine(domain)
                hasher.combine(uid)
                return UInt64(bitPattern: Int64(hasher.finalize()))
            }
            halves = (half(0), half(1))
        }

        static func == (lhs: Self, rhs: Self) -> Bool { lhs.halves == rhs.halves }
        func hash(into hasher: inout Hasher) { hasher.combine(halves.0) }
    }

    /// Each meeting once, and its index: shared with the reads of the pages
    /// read ahead (they run while the pass checks the page before), so that
    /// what they bring is taken in as it is, not renumbered into a copy.
    final class Meetings: Sendable {
        private let indexes = Locked([MeetingKey: Int32]())

        fileprivate func index(of meetings: [MeetingKey]) -> [Int32] {
            indexes.withLock { indexes in
                meetings.map { meeting in
                    if let index = indexes[meeting] { return index }
                    let index = Int32(indexes.count)
                    indexes[meeting] = index
                    return index
                }
            }
        }

        fileprivate func index(of meeting: MeetingKey) -> Int32? { indexes.withLock { $0[meeting] } }
    }

    let meetings = Meetings()
    private var entries = TimeIndex<Busy>()
    /// The spans read so far.
    private(set) var covered: [DateInterval] = []
    /// The mailbox's answer to each meeting on the calendar, by meeting.
    private var answers: [Int32: ResponseType] = [:]
    /// Meetings accepted (or tentatively accepted) in this pass.
    private var booked = TimeIndex<Busy>()

    /// What was read of the parts of a span the calendar had not read, as
    /// `read(_:outside:meetings:from:)` brought it: each entry made into a
    /// busy time as its view came in, since years of a room's series are far
    /// more entries than their busy times are bytes.
    struct Read: Sendable {
        /// The spans read.
        fileprivate(set) var parts: [DateInterval] = []
        fileprivate var answers: [Int32: ResponseType] = [:]
        fileprivate var busyTimes: [TimeIndex<Busy>.Entry] = []

        fileprivate mutating func take(_ entries: [CalendarEntry], _ meetings: Meetings) {
            let indexes = meetings.index(of: entries.compactMap { $0.uid.map(MeetingKey.init) })
            var next = indexes.makeIterator()
            for entry in entries {
                let meeting = entry.uid == nil ? -1 : next.next() ?? -1
                if let answer = entry.myResponse, [.accept, .tentative, .decline].contains(answer), meeting >= 0 {
                    answers[meeting] = answer
                }
                if let busy = BusyCalendar.busy(entry, meeting) {
                    busyTimes.append(.init(busy, start: entry.start, end: entry.end))
                }
            }
        }
    }

    /// Reads the parts of `span` not in `covered` (a calendar's `covered`),
    /// without the calendar itself but with its `meetings`: a page read ahead
    /// reads its part while the pass still acts on the page before, then
    /// hands it to `add`.
    static func read(
        _ span: DateInterval, outside covered: [DateInterval], meetings: Meetings, from source: any MeetingSource
    ) async throws(MailboxError) -> Read {
        let read = Locked(Read())
        for gap in gaps(in: span, outside: covered) {
            try await source.calendar(from: gap.start, to: gap.end) { entries in
                read.withLock { $0.take(entries, meetings) }
            }
            read.withLock { $0.parts.append(gap) }
        }
        return read.withLock { $0 }
    }

    /// Takes in what `read` brought, as it is: a view's entries come in
    /// order, so the first read's (years of a room's calendar) becomes the
    /// index without a copy. An item read twice (it overlaps two views or
    /// windows) is held twice, which blocks no more than once.
    mutating func add(_ read: Read) {
        answers.merge(read.answers) { $1 }
        entries.insert(contentsOf: read.busyTimes)
        covered += read.parts
    }

    /// What the entry blocks: nothing when cancelled, free or an unanswered
    /// placeholder; tentatively when shown Tentative; else busy. No status at
    /// all is taken as busy, since a double booking is worse than a decline.
    fileprivate static func busy(_ entry: CalendarEntry, _ meeting: Int32) -> Busy? {
        if entry.isCancelled || entry.myResponse == .noResponseReceived { return nil }
        switch entry.freeBusy {
        case .busy?, .outOfOffice?, nil: return Busy(meeting: meeting, tentative: false)
        case .tentative?: return Busy(meeting: meeting, tentative: true)
        default: return nil
        }
    }

    /// The mailbox's answer to the meeting `uid` as its calendar shows it, if it has one.
    func answer(uid: String) -> ResponseType? {
        meetings.index(of: MeetingKey(uid)).flatMap { answers[$0] }
    }

    /// The parts of `span` outside the spans `covered`.
    private static func gaps(in span: DateInterval, outside covered: [DateInterval]) -> [DateInterval] {
        var gaps = [span]
        for done in covered {
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

    /// From the earliest to the latest time read, if any was.
    var coveredSpan: DateInterval? {
        guard let start = covered.map(\.start).min(), let end = covered.map(\.end).max() else { return nil }
        return DateInterval(start: start, end: end)
    }

    /// Records a meeting accepted in this pass, so later requests see it.
    mutating func book(uid: String?, _ intervals: [DateInterval], tentative: Bool) {
        let busy = Busy(meeting: uid.flatMap { meetings.index(of: [MeetingKey($0)]).first } ?? -1, tentative: tentative)
        booked.insert(contentsOf: intervals.map { .init(busy, start: $0.start, end: $0.end) })
    }

    /// Whether `interval` overlaps something busy, leaving out the items of
    /// the meeting `uid` itself.
    func isBusy(_ interval: DateInterval, excluding uid: String?, tentativeIsBusy: Bool) -> Bool {
        let own = uid.flatMap { meetings.index(of: MeetingKey($0)) }
        let blocks = { (busy: Busy) in (own == nil || busy.meeting != own) && (!busy.tentative || tentativeIsBusy) }
        return entries.overlapping(interval).contains(where: blocks)
            || booked.overlapping(interval).contains(where: blocks)
    }
}

/// Values with a time span, kept sorted by start, so that finding those
/// overlapping an interval costs a binary search plus what overlaps, not a
/// pass over every value: a pass checks each occurrence of each request.
struct TimeIndex<Value: Sendable>: Sendable {
    /// 16 bytes for a 4-byte value: a span's length is whole seconds, rounded
    /// up (EWS times are whole seconds), and at most 136 years.
    struct Entry: Sendable {
        fileprivate let start: Date
        fileprivate let length: UInt32
        fileprivate let value: Value

        init(_ value: Value, start: Date, end: Date) {
            self.start = start
            length = UInt32(clamping: Int64(exactly: max(0, end.timeIntervalSince(start)).rounded(.up)) ?? Int64.max)
            self.value = value
        }
    }
    private typealias Item = Entry
    /// Both sorted by start. Values that start before the last one held go to
    /// `recent`, which joins `settled` once it holds a sixteenth as many: each
    /// accepted request books its few occurrences among hundreds of thousands
    /// of a large calendar, and put in place each would move half of them.
    private var settled: [Item] = []
    private var recent: [Item] = []
    /// The longest span held: a value starting that long before an
    /// interval may still overlap it.
    private var longest: TimeInterval = 0

    /// Adds many at once: sorted among themselves, then merged in one pass
    /// (a calendar view brings thousands, which one by one would each move
    /// the rest of the index).
    mutating func insert(contentsOf values: [Entry]) {
        guard !values.isEmpty else { return }
        // Values in order are taken as they are, their buffer shared, not copied.
        let inOrder = zip(values, values.dropFirst()).allSatisfy { $0.start <= $1.start }
        let added = inOrder ? values : values.sorted { $0.start < $1.start }
        for item in added { longest = max(longest, TimeInterval(item.length)) }
        guard let last = settled.last, last.start > added[0].start else {
            if settled.isEmpty { settled = added } else { settled += added }
            return
        }
        Self.merge(added, into: &recent)
        if recent.count > max(64, settled.count / 16) {
            Self.merge(recent, into: &settled)
            recent = []
        }
    }

    /// Merges sorted `added` into sorted `items` from the back, in place: only
    /// the values starting after the first added one move.
    private static func merge(_ added: [Item], into items: inout [Item]) {
        var i = items.count - 1
        var j = added.count - 1
        items += added
        var k = items.count - 1
        while j >= 0 {
            if i >= 0 && items[i].start > added[j].start {
                items[k] = items[i]
                i -= 1
            } else {
                items[k] = added[j]
                j -= 1
            }
            k -= 1
        }
    }

    /// The values whose span overlaps [interval.start, interval.end).
    func overlapping(_ interval: DateInterval) -> [Value] {
        var found: [Value] = []
        Self.collect(interval, from: settled, longest: longest, into: &found)
        Self.collect(interval, from: recent, longest: longest, into: &found)
        return found
    }

    private static func collect(
        _ interval: DateInterval, from items: [Item], longest: TimeInterval, into found: inout [Value]
    ) {
        var i = firstIndex(in: items, startingAtOrAfter: interval.start - longest)
        while i < items.count, items[i].start < interval.end {
            if items[i].start + TimeInterval(items[i].length) > interval.start { found.append(items[i].value) }
            i += 1
        }
    }

    private static func firstIndex(in items: [Item], startingAtOrAfter date: Date) -> Int {
        var low = 0
        var high = items.count
        while low < high {
            let middle = (low + high) / 2
            if items[middle].start < date { low = middle + 1 } else { high = middle }
        }
        return low
    }
}
