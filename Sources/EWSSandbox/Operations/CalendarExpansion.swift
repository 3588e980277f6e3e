import EWS
import Foundation

/// The calendar items and occurrences a CalendarView shows: single items and
/// the occurrences of recurring masters (never the masters themselves) that
/// overlap [start, end), ordered by start. Items ending at or before the
/// start or starting at or after the end are left out (CalendarView reference).
enum CalendarExpansion {
    /// How many there are, and the first `limit` of them. Only their keys are
    /// sorted and only the first are made into items: a window of a busy
    /// room's calendar holds thousands, of which a view returns a few hundred.
    static func instances(of items: [StoredItem], from start: Date, to end: Date, limit: Int)
        -> (total: Int, first: [StoredItem])
    {
        // Each instance as its order's key, the item it is of and, for an occurrence, which one.
        var keys: [(start: Date, id: String, item: Int, occurrence: Occurrence?)] = []
        for (position, item) in items.enumerated() where item.kind == .calendarItem {
            if let series = item.series {
                for o in series.occurrences(from: start, to: end, limit: .max) {
                    keys.append((o.start, IDCodec.occurrenceId(master: item.id, originalStart: o.originalStart), position, o))
                }
            } else if let s = item.start, let e = item.end, s < end && (e > start || (s == e && s >= start)) {
                keys.append((s, item.id, position, nil))
            }
        }
        keys.sort { ($0.start, $0.id) < ($1.start, $1.id) }
        let first = keys.prefix(max(0, limit)).map { key in
            key.occurrence.map { items[key.item].instance($0) } ?? items[key.item]
        }
        return (keys.count, first)
    }

    /// All of them, in order.
    static func instances(of items: [StoredItem], from start: Date, to end: Date) -> [StoredItem] {
        instances(of: items, from: start, to: end, limit: .max).first
    }
}
