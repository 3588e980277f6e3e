import EWS
import Foundation

/// Occurrences of recurring masters: built from the master when an answer
/// needs them (CalendarView, GetItem by occurrence id) and never stored, as
/// Exchange keeps only the master and its exceptions.
extension StoredItem {
    /// The master's occurrence `o` as an item of its own: the master's fields
    /// with the occurrence's id, times and RecurrenceId.
    func instance(_ o: Occurrence) -> StoredItem {
        var item = self
        item.id = IDCodec.occurrenceId(master: id, originalStart: o.originalStart)
        item.recurrence = nil
        item.deletedOccurrences = []
        item.modifiedOccurrences = []
        item.occurrenceOf = id
        item.recurrenceId = o.originalStart
        item.isException = o.isModified
        item.start = o.start
        item.end = o.end
        return item
    }

    /// Checks a recurring master and puts its Start and End on its first
    /// occurrence, as Exchange shows a master (wherever the client put them,
    /// only their time of day and length count).
    mutating func alignSeries() throws(StoreError) {
        guard var pattern = series else { return }
        pattern.deletedOccurrences = []
        pattern.modifiedOccurrences = []
        guard let first = pattern.firstOccurrence else {
            throw StoreError(
                ResponseCode(rawValue: "ErrorRecurrenceHasNoOccurrence"), "The recurrence has no occurrence.")
        }
        start = first.start
        end = first.end
    }
}

extension StoreState {
    /// An item by id: a stored item, or an occurrence of a stored master.
    func instance(_ id: String) throws(StoreError) -> StoredItem {
        guard let (masterId, originalStart) = IDCodec.occurrence(id) else { return try item(id) }
        let master = try item(masterId)
        return try occurrence(of: master) { $0.occurrence(originalStart: originalStart) }
    }

    /// Occurrence `index` (1-based) of a master (`t:OccurrenceItemId`).
    func occurrence(of masterId: String, index: Int) throws(StoreError) -> StoredItem {
        let master = try item(masterId)
        return try occurrence(of: master) { $0.occurrence(index: index) }
    }

    /// The occurrence `find` picks from the master's series, with Exchange's
    /// errors for an item that is no master (ErrorCalendarCannotUseIdForRecurringMasterId:
    /// "the RecurringMasterId does not correspond to a valid recurring master
    /// item", MS-OXWSMTGS 3.1.4; its test suite's S01_TC25 gets it for an
    /// OccurrenceItemId naming a single item), a deleted occurrence and one
    /// the series does not have.
    private func occurrence(of master: StoredItem, _ find: (RecurringSeries) -> Occurrence?) throws(StoreError)
        -> StoredItem
    {
        guard let series = master.series else {
            throw StoreError(
                ResponseCode(rawValue: "ErrorCalendarCannotUseIdForRecurringMasterId"),
                "The item is not a recurring master, so it has no occurrences.")
        }
        if let o = find(series) { return master.instance(o) }
        var undeleted = series
        undeleted.deletedOccurrences = []
        if find(undeleted) != nil {
            throw StoreError(
                ResponseCode(rawValue: "ErrorCalendarOccurrenceIsDeletedFromRecurrence"),
                "The occurrence was deleted from the recurrence.")
        }
        throw StoreError(
            ResponseCode(rawValue: "ErrorCalendarOccurrenceIndexIsOutOfRecurrenceRange"),
            "The occurrence index is out of the recurrence range.")
    }

    /// Moves one occurrence (UpdateItem of its Start and End): its master
    /// records the exception. The sandbox changes no other field of an
    /// occurrence and sends no exception requests, so it refuses those.
    mutating func moveOccurrence(
        _ occurrence: StoredItem, changed: Set<String>, sending: String,
        now: Date
    ) throws(StoreError) {
        guard let masterId = occurrence.occurrenceOf, let originalStart = occurrence.recurrenceId,
            let start = occurrence.start, let end = occurrence.end
        else { return }
        guard changed.isSubset(of: ["calendar:Start", "calendar:End"]) else {
            throw StoreError(.invalidOperation, "The sandbox changes only the Start and End of a single occurrence.")
        }
        try occurrence.checkTimes()
        let master = try item(masterId)
        if master.isOrganizer, master.isMeeting, sending != "SendToNone" {
            throw StoreError(
                .invalidOperation,
                "The sandbox sends no updates of a single occurrence: "
                    + "use SendToNone, or change the whole series.")
        }
        try update(masterId, now: now) { master in
            master.modifiedOccurrences.removeAll { $0.originalStart == originalStart }
            master.modifiedOccurrences.append(ModifiedOccurrence(originalStart: originalStart, start: start, end: end))
        }
    }

    /// Deletes one occurrence from its master (DeleteItem on an occurrence
    /// id). The organizer's attendees get a cancellation of that occurrence
    /// unless `cancellations` is `SendToNone`.
    mutating func deleteOccurrence(_ occurrence: StoredItem, cancellations: String, now: Date) throws(StoreError) {
        guard let masterId = occurrence.occurrenceOf, let originalStart = occurrence.recurrenceId else { return }
        let master = try update(masterId, now: now) { $0.deleteOccurrence(originalStart) }
        if master.isOrganizer, master.isMeeting, cancellations != "SendToNone" {
            try sendCancellations(
                for: masterId, occurrence: occurrence, note: nil,
                saveCopy: cancellations == "SendToAllAndSaveCopy", now: now)
        }
    }
}
