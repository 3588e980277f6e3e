import EWS
import Foundation

/// How an attendee answers a meeting request.
enum MeetingAnswer: String, Sendable {
    case accept = "Accept"
    case tentative = "Tentative"
    case decline = "Decline"

    var itemClass: String {
        switch self {
        case .accept: ItemClass.meetingResponseAccepted
        case .tentative: ItemClass.meetingResponseTentative
        case .decline: ItemClass.meetingResponseDeclined
        }
    }
    var subjectPrefix: String {
        switch self {
        case .accept: "Accepted: "
        case .tentative: "Tentative: "
        case .decline: "Declined: "
        }
    }
    /// The response-object element name, for error codes like ErrorCalendarIsOrganizerForAccept.
    var errorSuffix: String {
        switch self {
        case .accept: "Accept"
        case .tentative: "Tentative"
        case .decline: "Decline"
        }
    }
}

/// What an answer asks for besides the answer itself.
struct AnswerOptions: Sendable {
    var body = ""
    /// `SendAndSaveCopy`, `SendOnly` or `SaveOnly`.
    var disposition = "SendAndSaveCopy"
    var proposedStart: Date?
    var proposedEnd: Date?
}
/// The attendee's side of the meeting life cycle: answers and removal, with
/// Exchange's after-effects (PROTOCOL.md 5.4).
extension StoreState {

    /// Answers a meeting request, given the request or the attendee's calendar
    /// item. Returns the ids Exchange reports: the attendee's re-created
    /// calendar item and the request's copy in Deleted Items.
    mutating func answer(
        _ referenceId: String, _ answer: MeetingAnswer, _ options: AnswerOptions,
        now: Date
    ) throws(StoreError) -> [StoredItem] {
        let reference = try item(referenceId)
        let request: StoredItem?
        switch reference.kind {
        case .meetingRequest:
            request = reference
        case .calendarItem where reference.isMeeting:
            request =
                find(
                    "inbox", of: reference.mailbox,
                    where: {
                        $0.kind == .meetingRequest && $0.uid == reference.uid && !$0.isOutOfDate
                    }
                ).first
        default:
            throw StoreError(
                ResponseCode(
                    rawValue: "ErrorInvalidItemForOperation"
                        + (answer == .tentative ? "Tentative" : answer.rawValue + "Item")),
                "The item is not a meeting request or meeting.")
        }
        let meeting = request ?? reference
        let suffix = answer.errorSuffix
        if meeting.isOrganizer || meeting.organizer?.email == reference.mailbox {
            throw StoreError(
                ResponseCode(rawValue: "ErrorCalendarIsOrganizerFor" + suffix),
                "The organizer cannot respond to the meeting.")
        }
        if meeting.isCancelled {
            throw StoreError(
                ResponseCode(rawValue: "ErrorCalendarIsCancelledFor" + suffix), "The meeting was cancelled.")
        }
        if meeting.isOutOfDate {
            throw StoreError(.calendarMeetingRequestIsOutOfDate, "The meeting request is out of date.")
        }
        let email = reference.mailbox
        var results: [StoredItem] = []

        // Exchange deletes and re-creates the attendee's calendar item on each answer (PROTOCOL.md 5.4).
        let existing = calendarItem(uid: meeting.uid, of: email)
        if let existing { remove(existing.id) }
        if answer != .decline {
            let calendar = try folderId("calendar", of: email)
            var entry = attendeeCalendarItem(from: existing ?? meeting, in: calendar, now: now)
            entry.myResponseType = answer.rawValue
            entry.freeBusy = answer == .accept ? (meeting.intendedFreeBusy ?? "Busy") : "Tentative"
            entry.takeSchedule(from: meeting)
            entry.sequence = meeting.sequence
            put(entry)
            results.append(entry)
        }
        // The request goes to Deleted Items (PROTOCOL.md 5.4); it points at the
        // re-created calendar item, as Exchange finds that item by the meeting's UID.
        if let request, !isFolder(request.folderId, "deleteditems") {
            let deleted = try folderId("deleteditems", of: email)
            let moved = try move(request.id, to: deleted, now: now)
            let placed = results.first?.id
            results.append(
                try update(moved.id, now: now) {
                    $0.isRead = true
                    $0.myResponseType = answer.rawValue
                    $0.associatedCalendarItemId = placed
                })
        }
        try sendResponse(for: meeting, answer, options, from: email, now: now)
        return results
    }

    private mutating func sendResponse(
        for meeting: StoredItem, _ answer: MeetingAnswer, _ options: AnswerOptions,
        from email: String, now: Date
    ) throws(StoreError) {
        let folder = options.disposition == "SaveOnly" ? "drafts" : "sentitems"
        var response = newItem(
            .meetingResponse, itemClass: answer.itemClass, in: try folderId(folder, of: email), now: now)
        response.subject = answer.subjectPrefix + meeting.subject
        response.body = options.body
        response.from = mailbox(email)?.address ?? StoredAddress(email: email)
        response.toRecipients = meeting.organizer.map { [$0] } ?? []
        response.uid = meeting.uid
        response.recurrenceId = meeting.recurrenceId
        // A response to a recurring request answers the series and says so (MeetingResponse has Recurrence).
        response.takeSchedule(from: meeting)
        response.responseType = answer.rawValue
        response.proposedStart = options.proposedStart
        response.proposedEnd = options.proposedEnd
        response.sent = now
        response.dateTimeStamp = now
        response.isRead = true
        if options.disposition != "SendOnly" { put(response) }
        guard options.disposition != "SaveOnly", let organizer = meeting.organizer?.email,
            let inbox = try? folderId("inbox", of: organizer)
        else { return }
        var delivered = copy(response, to: inbox, now: now)
        delivered.isRead = false
        put(delivered)
        enqueue(delivered.id, .recordResponse, mailbox: organizer, now: now)
    }

    /// Takes a cancelled meeting off the attendee's calendar and removes the cancellation.
    mutating func removeCancelled(_ cancellationId: String, now: Date) throws(StoreError) {
        let cancellation = try item(cancellationId)
        guard cancellation.kind == .meetingCancellation else {
            throw StoreError(.invalidItemForOperationRemoveItem, "RemoveItem is valid only for a meeting cancellation.")
        }
        let deleted = try folderId("deleteditems", of: cancellation.mailbox)
        if let entry = calendarItem(uid: cancellation.uid, of: cancellation.mailbox) {
            if let originalStart = cancellation.cancelledOccurrence(of: entry) {
                try update(entry.id, now: now) { $0.deleteOccurrence(originalStart) }
            } else {
                try move(entry.id, to: deleted, now: now)
            }
        }
        if !isFolder(cancellation.folderId, "deleteditems") {
            try move(cancellation.id, to: deleted, now: now)
        }
    }

    /// The attendee's (or organizer's) calendar item of a meeting.
    func calendarItem(uid: String?, of email: String) -> StoredItem? {
        guard let uid else { return nil }
        return find("calendar", of: email, where: { $0.kind == .calendarItem && $0.uid == uid }).first
    }

    mutating func attendeeCalendarItem(from source: StoredItem, in calendar: String, now: Date) -> StoredItem {
        var entry = copy(source, to: calendar, kind: .calendarItem, itemClass: ItemClass.appointment, now: now)
        entry.isOrganizer = false
        entry.isMeeting = true
        entry.isOutOfDate = false
        entry.associatedCalendarItemId = nil
        entry.meetingRequestType = nil
        entry.responseType = nil
        return entry
    }
}
