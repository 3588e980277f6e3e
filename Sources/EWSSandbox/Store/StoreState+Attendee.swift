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
    /// SavedItemFolderId: where the copy (or the unsent draft) goes instead
    /// of Sent Items (or Drafts).
    var savedFolderId: String?
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
            // The newest one: without a Calendar Attendant older requests are not marked out of date.
            request = inboxRequests(uid: reference.uid, of: reference.mailbox).filter { !$0.isOutOfDate }
                .max { $0.sequence < $1.sequence }
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
        // Every folder is looked up before anything changes, so a failure changes nothing.
        let calendar = try folderId("calendar", of: email)
        let deleted = try folderId("deleteditems", of: email)
        let responseFolder =
            if let saved = options.savedFolderId { saved } else {
                try folderId(options.disposition == "SaveOnly" ? "drafts" : "sentitems", of: email)
            }
        var results: [StoredItem] = []

        // Exchange deletes and re-creates the attendee's calendar item on each answer (PROTOCOL.md 5.4).
        let existing = calendarItem(uid: meeting.uid, of: email)
        if let existing { remove(existing.id) }
        if answer != .decline {
            var entry = attendeeCalendarItem(from: existing ?? meeting, in: calendar, now: now)
            entry.myResponseType = answer.rawValue
            entry.freeBusy = answer == .accept ? (meeting.intendedFreeBusy ?? "Busy") : meeting.tentativeFreeBusy
            entry.takeSchedule(from: meeting)
            entry.sequence = meeting.sequence
            put(entry)
            results.append(entry)
        }
        // The request goes to Deleted Items (PROTOCOL.md 5.4); it points at the
        // re-created calendar item, as Exchange finds that item by the meeting's UID.
        if let request, !isFolder(request.folderId, "deleteditems") {
            let moved = try move(request.id, to: deleted, now: now)
            let placed = results.first?.id
            results.append(
                try update(moved.id, now: now) {
                    $0.isRead = true
                    $0.myResponseType = answer.rawValue
                    $0.associatedCalendarItemId = placed
                })
        }
        sendResponse(for: meeting, answer, options, from: email, in: responseFolder, now: now)
        return results
    }

    /// The answer to the organizer, its copy in `folderId` (Sent Items), or
    /// for SaveOnly only an unsent draft there (Drafts, PROTOCOL.md 5.1).
    private mutating func sendResponse(
        for meeting: StoredItem, _ answer: MeetingAnswer, _ options: AnswerOptions,
        from email: String, in folderId: String, now: Date
    ) {
        let sending = options.disposition != "SaveOnly"
        var response = newItem(.meetingResponse, itemClass: answer.itemClass, in: folderId, now: now)
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
        response.sent = sending ? now : nil
        response.dateTimeStamp = now
        response.isRead = true
        if options.disposition != "SendOnly" { put(response) }
        guard sending, let organizer = meeting.organizer?.email, let inbox = try? self.folderId("inbox", of: organizer)
        else { return }
        var delivered = copy(response, to: inbox, now: now)
        delivered.isRead = false
        put(delivered)
        enqueue(delivered.id, .recordResponse, mailbox: organizer, now: now)
    }

    /// Takes a cancelled meeting off the attendee's calendar and removes the
    /// cancellation. "RemoveItem is not supported for delegate access"
    /// (RemoveItem reference, PROTOCOL.md 5.2): a delegate (`delegated`)
    /// deletes the calendar item and moves the cancellation instead.
    mutating func removeCancelled(_ cancellationId: String, delegated: Bool, now: Date) throws(StoreError) {
        let cancellation = try item(cancellationId)
        guard cancellation.kind == .meetingCancellation else {
            throw StoreError(.invalidItemForOperationRemoveItem, "RemoveItem is valid only for a meeting cancellation.")
        }
        if cancellation.organizer?.email == cancellation.mailbox {
            throw StoreError(.calendarIsOrganizerForRemove, "The organizer cannot remove the meeting's cancellation.")
        }
        if delegated {
            throw StoreError(
                ResponseCode(rawValue: "ErrorCalendarIsDelegatedForRemove"),
                "RemoveItem is not supported for delegate access.")
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
        guard let calendar = try? folderId("calendar", of: email) else { return nil }
        return items(uid: uid, of: email).first { $0.folderId == calendar && $0.kind == .calendarItem }
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

extension StoredItem {
    /// The attendee's busy time for a meeting not (or tentatively) accepted:
    /// tentative, but a meeting the organizer sent as free stays free (the
    /// MS-OXWSMTGS test suite, S01_TC09, finds Free on the attendee's item of a
    /// meeting created with LegacyFreeBusyStatus Free, R16501).
    var tentativeFreeBusy: String { intendedFreeBusy == "Free" ? "Free" : "Tentative" }
}
