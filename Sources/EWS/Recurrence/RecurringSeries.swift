import Foundation

/// A recurring master and what it expands to: the occurrences Exchange shows
/// in a CalendarView, with their deletions and changes applied. The sandbox
/// stores one per recurring master; the bot builds one per recurring request
/// to check it occurrence by occurrence.
///
/// Occurrences keep the master's wall-clock time in `timeZone` across
/// daylight-saving changes (a 09:00 Europe/Berlin meeting is 08:00Z in winter
/// and 07:00Z in summer), and end as many wall-clock minutes later as the
/// master does (MS-OXOCAL keeps start and end as minutes after local midnight).
/// Deleted and modified occurrences are matched by their original local date,
/// as Exchange matches exceptions (a pattern has at most one occurrence a day).
public struct RecurringSeries: Equatable, Sendable, Codable {
    public var recurrence: Recurrence
    /// The master's `Start` and `End`: they give the time of day and the length.
    /// The dates come from the recurrence's range.
    public var start: Date
    public var end: Date
    public var timeZone: TimeZone
    /// Original starts of the deleted occurrences (`t:DeletedOccurrences`).
    public var deletedOccurrences: [Date]
    /// Occurrences moved or changed (`t:ModifiedOccurrences`).
    public var modifiedOccurrences: [ModifiedOccurrence]

    public init(
        recurrence: Recurrence, start: Date, end: Date, timeZone: TimeZone,
        deletedOccurrences: [Date] = [], modifiedOccurrences: [ModifiedOccurrence] = []
    ) {
        self.recurrence = recurrence
        self.start = start
        self.end = end
        self.timeZone = timeZone
        self.deletedOccurrences = deletedOccurrences
        self.modifiedOccurrences = modifiedOccurrences
    }

    /// The occurrences that overlap `[from, to)`, earliest first (ties by
    /// index), at most `limit` of them. An occurrence overlaps when it starts
    /// before `to` and ends after `from` (or, lasting no time, starts at `from`).
    /// Ask for `limit + 1` to learn whether a view was cut short. The work is
    /// proportional to the occurrences in the window, not to those before it;
    /// with no range end and no `to`, `limit` is what bounds it.
    public func occurrences(from: Date, to: Date, limit: Int) -> [Occurrence] {
        guard limit > 0, from < to, let x = Expansion(self) else { return [] }
        func overlaps(_ start: Date, _ end: Date) -> Bool { start < to && (start >= from || end > from) }

        var found: [Occurrence] = []
        let spanDays = WallClock.dayNumber(localSeconds: x.wallDuration) + 2
        var cursor = x.grid.occurrences(from: x.clock.dayNumber(from) - spanDays)
        while found.count < limit, let (index, day) = cursor.next() {
            let o = x.patternOccurrence(index: index, day: day)
            if o.start >= to { break }
            if x.deleted.contains(day) || x.modified[day] != nil { continue }
            if overlaps(o.start, o.end) { found.append(o) }
        }
        // Moved occurrences count where they are now, wherever the pattern put them.
        for (day, change) in x.modified where !x.deleted.contains(day) && overlaps(change.start, change.end) {
            if let index = x.grid.index(ofDay: day) { found.append(x.occurrence(index: index, day: day)) }
        }
        found.sort { ($0.start, $0.index) < ($1.start, $1.index) }
        return Array(found.prefix(limit))
    }

    /// Occurrence `index` (1-based, as EWS's `OccurrenceItemId` InstanceIndex);
    /// nil when the range has no such occurrence or it was deleted.
    public func occurrence(index: Int) -> Occurrence? {
        guard let x = Expansion(self), let day = x.grid.day(ofIndex: index), !x.deleted.contains(day) else {
            return nil
        }
        return x.occurrence(index: index, day: day)
    }

    /// The occurrence whose original start (its `RecurrenceId`) falls on the
    /// same local date as `originalStart`; nil when there is none or it was deleted.
    public func occurrence(originalStart: Date) -> Occurrence? {
        let day = WallClock(zone: timeZone).dayNumber(originalStart)
        guard let x = Expansion(self), let index = x.grid.index(ofDay: day), !x.deleted.contains(day) else {
            return nil
        }
        return x.occurrence(index: index, day: day)
    }

    /// The first occurrence not deleted (`t:FirstOccurrence`).
    public var firstOccurrence: Occurrence? {
        guard let x = Expansion(self) else { return nil }
        var cursor = x.grid.occurrences(from: x.grid.start)
        while let (index, day) = cursor.next() {
            if !x.deleted.contains(day) { return x.occurrence(index: index, day: day) }
        }
        return nil
    }

    /// The last occurrence not deleted (`t:LastOccurrence`); nil for a series without end.
    public var lastOccurrence: Occurrence? {
        guard let x = Expansion(self), let last = x.grid.lastIndex else { return nil }
        for index in stride(from: last, through: 1, by: -1) {
            guard let day = x.grid.day(ofIndex: index) else { return nil }
            if !x.deleted.contains(day) { return x.occurrence(index: index, day: day) }
        }
        return nil
    }

    /// How many occurrences the series has, deleted ones not counted; nil when it never ends.
    public var occurrenceCount: Int? {
        guard let x = Expansion(self) else { return 0 }
        guard let last = x.grid.lastIndex else { return x.grid.hasEnd ? 0 : nil }
        return last - x.deleted.count { x.grid.index(ofDay: $0) != nil }
    }
}

/// One occurrence of a recurring series, as a CalendarView shows it.
public struct Occurrence: Hashable, Sendable, Codable {
    /// 1-based position in the series, deleted occurrences included (EWS InstanceIndex).
    public var index: Int
    /// Where the pattern puts it: the occurrence's `RecurrenceId` and `OriginalStart`.
    public var originalStart: Date
    public var start: Date
    public var end: Date
    /// True when it was moved or changed (an exception).
    public var isModified: Bool

    public init(index: Int, originalStart: Date, start: Date, end: Date, isModified: Bool) {
        self.index = index
        self.originalStart = originalStart
        self.start = start
        self.end = end
        self.isModified = isModified
    }
}

/// An occurrence whose time was changed (`t:Occurrence` in `t:ModifiedOccurrences`).
public struct ModifiedOccurrence: Hashable, Sendable, Codable {
    public var originalStart: Date
    public var start: Date
    public var end: Date

    public init(originalStart: Date, start: Date, end: Date) {
        self.originalStart = originalStart
        self.start = start
        self.end = end
    }
}

/// A series prepared for one expansion: the grid, the wall clock, and the
/// exceptions keyed by local day number.
private struct Expansion {
    let grid: PatternGrid
    let clock: WallClock
    let timeOfDay: Double
    let wallDuration: Double
    let deleted: Set<Int>
    let modified: [Int: ModifiedOccurrence]

    init?(_ series: RecurringSeries) {
        guard let grid = PatternGrid(series.recurrence) else { return nil }
        self.grid = grid
        let clock = WallClock(zone: series.timeZone)
        self.clock = clock
        let local = clock.localSeconds(series.start)
        timeOfDay = local - (local / 86_400).rounded(.down) * 86_400
        wallDuration = max(0, clock.localSeconds(series.end) - local)
        deleted = Set(series.deletedOccurrences.map(clock.dayNumber))
        modified = Dictionary(series.modifiedOccurrences.map { (clock.dayNumber($0.originalStart), $0) }) { _, later in
            later
        }
    }

    func patternOccurrence(index: Int, day: Int) -> Occurrence {
        let local = Double(day) * 86_400 + timeOfDay
        let start = clock.instant(localSeconds: local)
        return Occurrence(
            index: index, originalStart: start, start: start,
            end: clock.instant(localSeconds: local + wallDuration), isModified: false)
    }

    func occurrence(index: Int, day: Int) -> Occurrence {
        var o = patternOccurrence(index: index, day: day)
        if let change = modified[day] {
            (o.start, o.end, o.isModified) = (change.start, change.end, true)
        }
        return o
    }
}
