import EWS
import Foundation

/// The calendar items of one folder by time, so that a window (a
/// CalendarView, the conflicts of a meeting) touches only the items near it
/// rather than the whole folder. Derived from the items; never dumped.
///
/// A short item (an instance of at most a day) is entered under the hour its
/// instance starts; a window looks back from its start by the longest short
/// instance the folder has held. A recurring master is entered under the hour
/// of each of its occurrences up to `horizon` after its first one; a series
/// that goes on past that is also kept in `beyond`, by the end of its indexed
/// span, and taken in by every window that reaches past it until `cover`
/// enters its next occurrences (done before a GetItem or a CalendarView
/// reads the window, so each series is expanded once). Items with a
/// longer instance are few (multi-day events) and taken in by every window.
/// The answer is a superset of the items with an instance in the window:
/// CalendarExpansion then decides exactly, as it did over the whole folder.
struct CalendarIndex: Sendable {
    static let bucket: TimeInterval = 3600
    static let day: TimeInterval = 86_400
    /// How far a master's occurrences are entered: a year covers the
    /// CalendarView windows a bot reads ahead while keeping a daily series to
    /// a few hundred entries.
    static let horizon: TimeInterval = 366 * day

    /// One instance of an item: a single item's time or an occurrence's.
    struct Instance: Hashable, Sendable {
        var id: String
        var start: Date
        var end: Date
        /// Where the pattern puts an occurrence (its id's part); nil for a single item.
        var originalStart: Date?
    }

    /// Start hour → the short instances starting then, with their times, so a
    /// window takes in only the items with an instance that reaches into it.
    private var hours: [Int: Set<Instance>] = [:]
    /// Where each item's instances are entered, to take them out again.
    private var entered: [String: [(hour: Int, instance: Instance)]] = [:]
    /// The longest short instance entered; it never shrinks, so it is an upper bound.
    private var longestShort: TimeInterval = 0
    /// Items with an instance longer than a day.
    private(set) var long: Set<String> = []
    /// Series going on past their indexed span, ordered by the end of that span.
    private var beyond: [(end: Date, id: String)] = []
    private var beyondEnd: [String: Date] = [:]

    var isEmpty: Bool { entered.isEmpty && long.isEmpty }

    /// Whether `item` is entered here at all: only calendar items have instances in a window.
    static func isIndexed(_ item: StoredItem) -> Bool {
        item.kind == .calendarItem && item.start != nil && item.end != nil
    }

    /// Whether two versions of an item sit in the same places of the index.
    static func sameTimes(_ a: StoredItem, _ b: StoredItem) -> Bool {
        a.kind == b.kind && a.start == b.start && a.end == b.end && a.recurrence == b.recurrence
            && a.timeZoneId == b.timeZoneId && a.deletedOccurrences == b.deletedOccurrences
            && a.modifiedOccurrences == b.modifiedOccurrences
    }

    mutating func insert(_ item: StoredItem) {
        guard Self.isIndexed(item), let start = item.start, let end = item.end else { return }
        guard let series = item.series else {
            enter(item.id, instances: [(start, end, nil)])
            return
        }
        // Modified occurrences may have moved before the first one of the pattern.
        let first =
            ([start] + [series.firstOccurrence?.start].compactMap { $0 } + item.modifiedOccurrences.map(\.start))
            .min() ?? start
        enterSeries(item, series, from: first - 2 * Self.day)
    }

    /// Enters a series' occurrences from `lower` for `horizon`; a series that
    /// goes on after that waits in `beyond` for `cover` to enter more.
    private mutating func enterSeries(_ item: StoredItem, _ series: RecurringSeries, from lower: Date) {
        let upper = lower + Self.horizon
        enter(
            item.id,
            instances: series.occurrences(from: lower, to: upper, limit: .max).map { ($0.start, $0.end, $0.originalStart) })
        let goesOn =
            series.lastOccurrence.map { $0.end >= upper } ?? true
            || item.modifiedOccurrences.contains { $0.end >= upper }
        if goesOn {
            let at = beyond.partitioningIndex { ($0.end, $0.id) >= (upper, item.id) }
            beyond.insert((upper, item.id), at: at)
            beyondEnd[item.id] = upper
        }
    }

    /// Enters the occurrences of the series waiting in `beyond` up to `date`,
    /// so that windows before it need not expand them: each series is entered
    /// a horizon at a time, once, as far as windows have reached.
    mutating func cover(until date: Date, items: [String: StoredItem]) {
        while let next = beyond.first, next.end < date {
            beyond.removeFirst()
            beyondEnd[next.id] = nil
            guard let item = items[next.id], let series = item.series else { continue }
            enterSeries(item, series, from: next.end)
        }
    }

    private mutating func enter(_ id: String, instances: [(start: Date, end: Date, originalStart: Date?)]) {
        if instances.contains(where: { $0.end.timeIntervalSince($0.start) > Self.day }) {
            long.insert(id)
            return
        }
        var keys: [(hour: Int, instance: Instance)] = []
        for (start, end, originalStart) in instances {
            longestShort = max(longestShort, end.timeIntervalSince(start))
            let hour = Self.hour(start)
            let instance = Instance(id: id, start: start, end: end, originalStart: originalStart)
            if hours[hour, default: []].insert(instance).inserted { keys.append((hour, instance)) }
        }
        if !keys.isEmpty { entered[id, default: []] += keys }
    }

    mutating func remove(_ item: StoredItem) {
        let id = item.id
        long.remove(id)
        for (hour, instance) in entered.removeValue(forKey: id) ?? [] {
            hours[hour]?.remove(instance)
            if hours[hour]?.isEmpty == true { hours[hour] = nil }
        }
        if let end = beyondEnd.removeValue(forKey: id) {
            let at = beyond.partitioningIndex { ($0.end, $0.id) >= (end, id) }
            if at < beyond.count, beyond[at].id == id { beyond.remove(at: at) }
        }
    }

    /// One instance of a CalendarView, in its order: by start, then id (an occurrence's own).
    typealias ViewEntry = (start: Date, key: String, id: String, originalStart: Date?)

    /// The short instances of a CalendarView from the index alone: how many
    /// overlap [from, to) (as CalendarExpansion reads overlapping) and the
    /// first `limit` of them in order, so that a view costs what it returns
    /// plus a count, however full the window. The items in `long` are left
    /// to the caller; nil when a series is not entered that far.
    func view(from: Date, to: Date, limit: Int) -> (total: Int, first: [ViewEntry])? {
        guard beyond.first.map({ $0.end >= to }) ?? true else { return nil }
        var total = 0
        var first: [ViewEntry] = []
        let low = Self.hour(from - longestShort) - 1
        let high = Self.hour(to)
        guard low <= high else { return (0, []) }
        for hour in low...high {
            guard let bucket = hours[hour] else { continue }
            // Buckets go by start hour, so the first `limit` come from the first buckets, each sorted.
            var inView: [ViewEntry] = []
            for instance in bucket
            where instance.start < to && (instance.end > from || (instance.start == instance.end && instance.start >= from)) {
                total += 1
                guard first.count < limit else { continue }
                let key = instance.originalStart.map { IDCodec.occurrenceId(master: instance.id, originalStart: $0) }
                inView.append((instance.start, key ?? instance.id, instance.id, instance.originalStart))
            }
            guard !inView.isEmpty else { continue }
            inView.sort { ($0.start, $0.key) < ($1.start, $1.key) }
            first += inView.prefix(limit - first.count)
        }
        return (total, first)
    }

    /// The ids of the items that may have an instance overlapping [from, to].
    func candidates(from: Date, to: Date) -> Set<String> {
        var found = long
        // An instance overlapping the window starts at most `longestShort` before it.
        let first = Self.hour(from - longestShort) - 1
        let last = Self.hour(to)
        if first <= last {
            // Overlapping as CalendarExpansion and RecurringSeries read it, whichever is wider.
            for hour in first...last {
                for instance in hours[hour] ?? []
                where instance.start < to && (instance.end > from || instance.start >= from) {
                    found.insert(instance.id)
                }
            }
        }
        for entry in beyond.prefix(while: { $0.end < to }) { found.insert(entry.id) }
        return found
    }

    private static func hour(_ date: Date) -> Int { Int((date.timeIntervalSince1970 / bucket).rounded(.down)) }
}

extension RandomAccessCollection where Index == Int {
    /// The first index whose element satisfies `predicate`, for a predicate
    /// false on a prefix and true after it (a binary search).
    func partitioningIndex(where predicate: (Element) -> Bool) -> Int {
        var low = startIndex
        var high = endIndex
        while low < high {
            let mid = (low + high) / 2
            if predicate(self[mid]) { high = mid } else { low = mid + 1 }
        }
        return low
    }
}
