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

extension StoredItem {
    /// Whether this version of a meeting moved against `earlier`: another
    /// Start, End, all-day flag or recurrence. Only a move is a full update
    /// ("A full update has updated time and informational content",
    /// MeetingRequestType reference); a new location or text is informational
    /// (MS-OXWSMTGS test suite S02_TC10: a location change reaches an
    /// attendee who accepted as InformationalUpdate).
    func isRescheduled(from earlier: StoredItem) -> Bool {
        start != earlier.start || end != earlier.end || isAllDay != earlier.isAllDay
            || recurrence != earlier.recurrence
    }

    /// Exchange's refusals of a calendar item's times: End before Start, and
    /// a duration over five years (MS-OXWSMTGS 3.1.4: ErrorCalendarDurationIsTooLong
    /// "Specifies that the item duration of a calendar item exceeds five years").
    func checkTimes() throws(StoreError) {
        guard let start, let end else { return }
        guard start <= end else {
            throw StoreError(
                ResponseCode(rawValue: "ErrorCalendarEndDateIsEarlierThanStartDate"),
                "The end date is earlier than the start date.")
        }
        var utc = Calendar(identifier: .gregorian)
        utc.timeZone = .gmt
        if let limit = utc.date(byAdding: .year, value: 5, to: start), end > limit {
            throw StoreError(
                ResponseCode(rawValue: "ErrorCalendarDurationIsTooLong"),
                "The duration of the calendar item is too long.")
        }
    }
}
