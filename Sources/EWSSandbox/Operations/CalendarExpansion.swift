import Foundation

/// The calendar items and occurrences a CalendarView shows: those that
/// overlap [start, end), ordered by start. Items ending at or before the start
/// or starting at or after the end are left out (CalendarView reference).
enum CalendarExpansion {
    static func instances(of items: [StoredItem], from start: Date, to end: Date) -> [StoredItem] {
        items.filter { item in
            guard item.kind == .calendarItem, let s = item.start, let e = item.end else { return false }
            return s < end && (e > start || (s == e && s >= start))
        }
        .sorted { ($0.start ?? .distantPast, $0.id) < ($1.start ?? .distantPast, $1.id) }
    }
}
