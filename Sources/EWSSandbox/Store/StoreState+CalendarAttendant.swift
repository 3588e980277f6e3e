import EWS
import Foundation

/// The Calendar Attendant: the server's own processing of delivered meeting
/// messages, per mailbox and after its delay (PROTOCOL.md 6.1). With the
/// attendant `None` none of it happens, marking older requests out of date
/// included: the attendant "deletes out-of-date meeting requests" (Exchange
/// 2007 help, PROTOCOL.md 6.1), so a client of such a mailbox must tell a
/// superseded request by its UID and sequence itself.
extension StoreState {

    mutating func enqueue(_ itemId: String, _ action: AttendantTask.Action, mailbox email: String, now: Date) {
        guard let mailbox = mailbox(email), mailbox.attendant == .autoUpdate else { return }
        let due = now + mailbox.attendantDelay
        attendantQueue.append(AttendantTask(due: due, itemId: itemId, action: action))
        earliestDue = min(earliestDue ?? due, due)
    }

    /// Does the attendant work that is due at `now`, in delivery order. Every
    /// request runs this first: with nothing due it costs nothing, and the
    /// queue holds only the messages of the last attendant delay, so going
    /// through it does not grow with the store.
    mutating func runAttendant(now: Date) {
        guard let earliestDue, earliestDue <= now else { return }
        let due = attendantQueue.filter { $0.due <= now }
        attendantQueue.removeAll { $0.due <= now }
        self.earliestDue = attendantQueue.map(\.due).min()
        for task in due {
            // The message may be gone already (answered, deleted): nothing to do then.
            guard let message = items[task.itemId] else { continue }
            switch task.action {
            case .placeRequest: placeTentatively(message, now: now)
            case .recordResponse: recordResponse(message, now: now)
            case .markCancelled: markCancelled(message, now: now)
            }
        }
    }

    /// Puts a new request on the calendar as tentative, or applies an update
    /// to the calendar item already there (AddNewRequestsTentatively); older
    /// requests of the meeting become out of date. A delegate's copy is its
    /// principal's meeting, not the delegate's: it stays off their calendar.
    private mutating func placeTentatively(_ request: StoredItem, now: Date) {
        outdateRequests(before: request, now: now)
        guard !request.isDelegated, let calendar = try? folderId("calendar", of: request.mailbox) else {
            _ = try? update(request.id, now: now) { $0.hasBeenProcessed = true }
            return
        }
        var entry: StoredItem
        if let existing = calendarItem(uid: request.uid, of: request.mailbox) {
            entry = existing
            let moved = request.isRescheduled(from: existing)
            entry.subject = request.subject
            entry.takeSchedule(from: request)
            entry.attendees = request.attendees
            entry.sequence = request.sequence
            entry.body = request.body
            entry.isResponseRequested = request.isResponseRequested
            entry.intendedFreeBusy = request.intendedFreeBusy
            // A moved meeting must be answered again; an informational update keeps the answer.
            if moved {
                entry.myResponseType = "NoResponseReceived"
                entry.freeBusy = request.tentativeFreeBusy
            }
            entry.version += 1
            entry.lastModified = now
        } else {
            entry = attendeeCalendarItem(from: request, in: calendar, now: now)
            entry.myResponseType = "NoResponseReceived"
            entry.freeBusy = request.tentativeFreeBusy
        }
        put(entry)
        _ = try? update(request.id, now: now) {
            $0.associatedCalendarItemId = entry.id
            $0.hasBeenProcessed = true
        }
    }

    /// Marks the requests `message` supersedes as out of date (PROTOCOL.md
    /// 4.2), in every folder: an answered request in Deleted Items is as
    /// outdated as an unanswered one in the Inbox. A request supersedes those
    /// of lower sequence numbers; a cancellation of the whole meeting also
    /// the requests of its own.
    private mutating func outdateRequests(before message: StoredItem, now: Date) {
        let cancelsAll = message.kind == .meetingCancellation
        for old in items(uid: message.uid, of: message.mailbox)
        where old.kind == .meetingRequest && old.id != message.id && !old.isOutOfDate
            && (old.sequence < message.sequence || (cancelsAll && old.sequence == message.sequence))
        {
            _ = try? update(old.id, now: now) { $0.isOutOfDate = true }
        }
    }

    /// Records an attendee's response on the organizer's calendar item.
    private mutating func recordResponse(_ response: StoredItem, now: Date) {
        guard let meeting = calendarItem(uid: response.uid, of: response.mailbox), meeting.isOrganizer,
            let responder = response.from?.email
        else {
            _ = try? update(response.id, now: now) { $0.hasBeenProcessed = true }
            return
        }
        _ = try? update(meeting.id, now: now) { item in
            for i in item.attendees.indices where item.attendees[i].address.email == responder {
                item.attendees[i].responseType = response.responseType ?? "Unknown"
                item.attendees[i].lastResponseTime = response.sent ?? now
                item.attendees[i].proposedStart = response.proposedStart
                item.attendees[i].proposedEnd = response.proposedEnd
            }
        }
        _ = try? update(response.id, now: now) {
            $0.hasBeenProcessed = true
            $0.associatedCalendarItemId = meeting.id
        }
    }

    /// Marks the attendee's calendar item of a cancelled meeting as cancelled
    /// and free; a cancelled occurrence is taken out of the attendee's series.
    private mutating func markCancelled(_ cancellation: StoredItem, now: Date) {
        var associated: String?
        // A cancelled occurrence (a RecurrenceId, no recurrence) leaves the series' requests in date.
        if cancellation.recurrenceId == nil || cancellation.recurrence != nil {
            outdateRequests(before: cancellation, now: now)
        }
        let entry = cancellation.isDelegated ? nil : calendarItem(uid: cancellation.uid, of: cancellation.mailbox)
        if let entry {
            let occurrence = cancellation.cancelledOccurrence(of: entry)
            associated = entry.id
            _ = try? update(entry.id, now: now) {
                if let occurrence { return $0.deleteOccurrence(occurrence) }
                $0.isCancelled = true
                $0.freeBusy = "Free"
                if !$0.subject.hasPrefix("Canceled: ") { $0.subject = "Canceled: " + $0.subject }
            }
        }
        _ = try? update(cancellation.id, now: now) {
            $0.hasBeenProcessed = true
            $0.associatedCalendarItemId = associated
        }
    }
}
