import Foundation

/// The calendar items and occurrences a CalendarView shows: single items and
/// the occurrences of recurring masters (never the masters themselves) that
/// overlap [start, end), ordered by start. Items ending at or before the
/// start or starting at or after the end are left out (CalendarView reference).
enum CalendarExpansion {
    static func instances(of items: [StoredItem], from start: Date, to end: Date) -> [StoredItem] {
        items.flatMap { item -> [StoredItem] in
            guard item.kind == .calendarItem else { return [] }
            if let occurrences = item.instances(from: start, to: end) { return occurrences }
            guard let s = item.start, let e = item.end, s < end && (e > start || (s == e && s >= start)) else {
                return []
            }
            return [item]
        }
        .sorted { ($0.start ?? .distantPast, $0.id) < ($1.start ?? .distantPast, $1.id) }
    }
}
