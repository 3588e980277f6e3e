import EWS
import Foundation

/// The Calendar Attendant: the server's own processing of delivered meeting
/// messages, per mailbox and after its delay (PROTOCOL.md 6.1).
extension StoreState {

    mutating func enqueue(_ itemId: String, _ action: AttendantTask.Action, mailbox email: String, now: Date) {
        guard let mailbox = mailbox(email), mailbox.attendant == .autoUpdate else { return }
        attendantQueue.append(AttendantTask(due: now + mailbox.attendantDelay, itemId: itemId, action: action))
    }

    /// Does the attendant work that is due at `now`, in delivery order.
    mutating func runAttendant(now: Date) {
        guard attendantQueue.contains(where: { $0.due <= now }) else { return }
        let due = attendantQueue.filter { $0.due <= now }
        attendantQueue.removeAll { $0.due <= now }
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
    /// to the calendar item already there (AddNewRequestsTentatively).
    private mutating func placeTentatively(_ request: StoredItem, now: Date) {
        guard let calendar = try? folderId("calendar", of: request.mailbox) else { return }
        var entry: StoredItem
        if let existing = calendarItem(uid: request.uid, of: request.mailbox) {
            entry = existing
            entry.subject = request.subject
            entry.takeSchedule(from: request)
            entry.attendees = request.attendees
            entry.sequence = request.sequence
            entry.body = request.body
            if request.meetingRequestType == RequestType.full.rawValue {
                entry.myResponseType = "NoResponseReceived"
                entry.freeBusy = "Tentative"
            }
            entry.version += 1
            entry.lastModified = now
        } else {
            entry = attendeeCalendarItem(from: request, in: calendar, now: now)
            entry.myResponseType = "NoResponseReceived"
            entry.freeBusy = "Tentative"
        }
        put(entry)
        _ = try? update(request.id, now: now) {
            $0.associatedCalendarItemId = entry.id
            $0.hasBeenProcessed = true
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
        if let entry = calendarItem(uid: cancellation.uid, of: cancellation.mailbox) {
            associated = entry.id
            let occurrence = cancellation.cancelledOccurrence(of: entry)
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
