import EWS
import Foundation

extension StoredItem {
    /// Takes the meeting's time, place and recurrence from `source`: what an
    /// answer or an update brings to the attendee's calendar item. Occurrences
    /// cancelled since the request was sent stay deleted while the pattern is
    /// the same.
    mutating func takeSchedule(from source: StoredItem) {
        let cancelled = recurrence == source.recurrence ? deletedOccurrences : []
        start = source.start
        end = source.end
        isAllDay = source.isAllDay
        location = source.location
        timeZoneId = source.timeZoneId
        recurrence = source.recurrence
        deletedOccurrences = source.deletedOccurrences
        modifiedOccurrences = source.modifiedOccurrences
        for originalStart in cancelled { deleteOccurrence(originalStart) }
    }

    /// For a cancellation of one occurrence (it has a RecurrenceId and no
    /// recurrence) of the recurring `entry`: that occurrence's original start.
    func cancelledOccurrence(of entry: StoredItem) -> Date? {
        guard recurrence == nil, entry.recurrence != nil else { return nil }
        return recurrenceId
    }

    mutating func deleteOccurrence(_ originalStart: Date) {
        if !deletedOccurrences.contains(originalStart) { deletedOccurrences.append(originalStart) }
    }
}
