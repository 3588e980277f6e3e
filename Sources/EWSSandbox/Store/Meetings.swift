import EWS
import Foundation

/// How an attendee answers a meeting request.
enum MeetingAnswer: String, Sendable {
    case accept = "Accept", tentative = "Tentative", decline = "Decline"

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

/// The kind of update an organizer sends (meetingRequest:MeetingRequestType).
enum RequestType: String, Sendable {
    case new = "NewMeetingRequest", full = "FullUpdate", informational = "InformationalUpdate"
}

/// The meeting life cycle: the organizer's side (invitations, updates,
/// cancellations), the attendee's side (answers, removal) and the Calendar
/// Attendant, with Exchange's after-effects (PROTOCOL.md 5.4, 6.1).
extension StoreState {
    // MARK: Organizer

    /// Stores a new calendar item of the folder's owner, who becomes the
    /// organizer, and sends invitations unless `invitations` is `SendToNone`.
    mutating func createMeeting(_ draft: StoredItem, invitations: String, now: Date) throws(StoreError) -> StoredItem {
        var item = draft
        guard let start = item.start, let end = item.end, start <= end else {
            throw StoreError(ResponseCode(rawValue: "ErrorCalendarEndDateIsEarlierThanStartDate"),
                             "The end date is earlier than the start date.")
        }
        try item.alignSeries()
        if item.freeBusy == nil { item.freeBusy = "Busy" }
        if item.uid == nil { item.uid = Self.uid(for: item.id) }
        item.organizer = mailbox(item.mailbox)?.address
        item.isOrganizer = true
        item.isMeeting = !item.attendees.isEmpty
        item.dateTimeStamp = now
        put(item)
        if item.isMeeting, invitations != "SendToNone" {
            try sendRequests(for: item.id, type: .new, saveCopy: invitations == "SendToAllAndSaveCopy", now: now)
        }
        return try self.item(item.id)
    }

    /// After the organizer changed `changed` (FieldURIs) on a meeting: a new
    /// sequence number, responses reset on a full update, and the update sent
    /// unless `sending` is `SendToNone`.
    mutating func publishChanges(of id: String, changed: Set<String>, previousAttendees: [String], sending: String,
                                 now: Date) throws(StoreError) {
        let item = try item(id)
        guard item.isOrganizer, item.isMeeting, !changed.isEmpty else { return }
        let full = !changed.isDisjoint(with: Self.fullUpdateFields)
        try update(id, now: now) { item in
            item.sequence += 1
            guard full else { return }
            for i in item.attendees.indices {
                item.attendees[i].responseType = "Unknown"
                item.attendees[i].lastResponseTime = nil
            }
        }
        guard sending != "SendToNone" else { return }
        let added = item.attendees.contains { !previousAttendees.contains($0.address.email) }
        try sendRequests(for: id, type: full || added ? .full : .informational,
                         saveCopy: sending.hasSuffix("AndSaveCopy"), now: now)
    }

    /// Changes to these make a full update (attendees must answer again);
    /// others are informational (MeetingRequestType reference).
    static let fullUpdateFields: Set<String> = ["calendar:Start", "calendar:End", "calendar:Location",
                                                "calendar:Recurrence", "calendar:IsAllDayEvent"]

    /// Cancels the organizer's meeting: cancellations to the attendees, the
    /// item to Deleted Items (CancelCalendarItem; `note` is its NewBodyContent).
    mutating func cancelMeeting(_ id: String, note: String?, saveCopy: Bool, now: Date) throws(StoreError) {
        let meeting = try item(id)
        guard meeting.kind == .calendarItem, meeting.isOrganizer else {
            throw StoreError(ResponseCode(rawValue: "ErrorInvalidItemForOperationCancelItem"),
                             "Only the organizer's calendar item can be cancelled.")
        }
        try sendCancellations(for: id, note: note, saveCopy: saveCopy, now: now)
        try move(id, to: try folderId("deleteditems", of: meeting.mailbox), now: now)
    }

    /// A globally unique id in the form Outlook uses: a fixed header and a hash of the item id.
    static func uid(for itemId: String) -> String {
        let hash = Array(itemId.utf8).reduce(UInt64(14_695_981_039_346_656_037)) { ($0 ^ UInt64($1)) &* 1_099_511_628_211 }
        return "040000008200E00074C5B7101A82E00800000000" + String(format: "%016llX", hash) + "0000000000000000"
    }

    /// Delivers a meeting request (new or update) for the organizer's `itemId`
    /// to every attendee that has a mailbox here.
    mutating func sendRequests(for itemId: String, type: RequestType, saveCopy: Bool, now: Date) throws(StoreError) {
        let meeting = try item(itemId)
        for attendee in meeting.attendees {
            deliverRequest(meeting, type: type, to: attendee.address.email, now: now)
        }
        if saveCopy, let sent = try? folderId("sentitems", of: meeting.mailbox) {
            var copy = meetingMessage(from: meeting, kind: .meetingRequest, itemClass: ItemClass.meetingRequest,
                                      in: sent, now: now)
            copy.meetingRequestType = type.rawValue
            copy.isRead = true
            put(copy)
        }
    }

    private mutating func deliverRequest(_ meeting: StoredItem, type: RequestType, to email: String, now: Date) {
        guard let inbox = try? folderId("inbox", of: email), let uid = meeting.uid else { return }
        outdateRequests(uid: uid, of: email, now: now)
        var request = meetingMessage(from: meeting, kind: .meetingRequest, itemClass: ItemClass.meetingRequest,
                                     in: inbox, now: now)
        request.meetingRequestType = type.rawValue
        request.intendedFreeBusy = meeting.freeBusy ?? "Busy"
        request.responseType = "NoResponseReceived"
        request.myResponseType = "NoResponseReceived"
        put(request)
        enqueue(request.id, .placeRequest, mailbox: email, now: now)
    }

    /// Delivers cancellations of the organizer's `itemId` to its attendees:
    /// of the whole meeting, or of one `occurrence` of a recurring one (which
    /// leaves the series' requests in date). The organizer's `note`
    /// (NewBodyContent) is the body if given; a copy stays in the organizer's
    /// Sent Items when asked (…AndSaveCopy).
    mutating func sendCancellations(for itemId: String, occurrence: StoredItem? = nil, note: String?, saveCopy: Bool,
                                    now: Date) throws(StoreError) {
        let meeting = if let occurrence { occurrence } else { try item(itemId) }
        for attendee in meeting.attendees {
            let email = attendee.address.email
            guard let inbox = try? folderId("inbox", of: email), let uid = meeting.uid else { continue }
            if occurrence == nil { outdateRequests(uid: uid, of: email, now: now) }
            let cancellation = cancellationMessage(of: meeting, note: note, in: inbox, now: now)
            put(cancellation)
            enqueue(cancellation.id, .markCancelled, mailbox: email, now: now)
        }
        if saveCopy, !meeting.attendees.isEmpty, let sent = try? folderId("sentitems", of: meeting.mailbox) {
            var copy = cancellationMessage(of: meeting, note: note, in: sent, now: now)
            copy.isRead = true
            put(copy)
        }
    }

    private mutating func cancellationMessage(of meeting: StoredItem, note: String?, in folderId: String,
                                              now: Date) -> StoredItem {
        var cancellation = meetingMessage(from: meeting, kind: .meetingCancellation,
                                          itemClass: ItemClass.meetingCancellation, in: folderId, now: now)
        cancellation.subject = "Canceled: " + meeting.subject
        cancellation.isCancelled = true
        cancellation.importance = "High"
        if let note { cancellation.body = note }
        return cancellation
    }

    /// Marks the requests a newer message of the meeting replaces as out of
    /// date (PROTOCOL.md 4.2), in every folder: an answered request in Deleted
    /// Items is as outdated as an unanswered one in the Inbox.
    private mutating func outdateRequests(uid: String, of email: String, now: Date) {
        for folder in (mailbox(email)?.folders.values).map(Array.init) ?? [] {
            for old in items(in: folder) where old.kind == .meetingRequest && old.uid == uid && !old.isOutOfDate {
                _ = try? update(old.id, now: now) { $0.isOutOfDate = true }
            }
        }
    }

    /// A meeting message in `folderId` carrying the meeting's calendar data.
    private mutating func meetingMessage(from meeting: StoredItem, kind: ItemKind, itemClass: String,
                                         in folderId: String, now: Date) -> StoredItem {
        var message = copy(meeting, to: folderId, kind: kind, itemClass: itemClass, now: now)
        message.sent = now
        message.from = meeting.organizer
        message.toRecipients = meeting.attendees.map(\.address)
        message.isRead = false
        message.isOrganizer = false
        message.associatedCalendarItemId = nil
        message.occurrenceOf = nil
        message.hasBeenProcessed = false
        message.isOutOfDate = false
        message.dateTimeStamp = now
        return message
    }

    // MARK: Attendee

    /// Answers a meeting request, given the request or the attendee's calendar
    /// item. Returns the ids Exchange reports: the attendee's re-created
    /// calendar item and the request's copy in Deleted Items.
    mutating func answer(_ referenceId: String, _ answer: MeetingAnswer, _ options: AnswerOptions,
                         now: Date) throws(StoreError) -> [StoredItem] {
        let reference = try item(referenceId)
        let request: StoredItem?
        switch reference.kind {
        case .meetingRequest:
            request = reference
        case .calendarItem where reference.isMeeting:
            request = find("inbox", of: reference.mailbox, where: {
                $0.kind == .meetingRequest && $0.uid == reference.uid && !$0.isOutOfDate
            }).first
        default:
            throw StoreError(ResponseCode(rawValue: "ErrorInvalidItemForOperation" + (answer == .tentative ? "Tentative" : answer.rawValue + "Item")),
                             "The item is not a meeting request or meeting.")
        }
        let meeting = request ?? reference
        let suffix = answer.errorSuffix
        if meeting.isOrganizer || meeting.organizer?.email == reference.mailbox {
            throw StoreError(ResponseCode(rawValue: "ErrorCalendarIsOrganizerFor" + suffix),
                             "The organizer cannot respond to the meeting.")
        }
        if meeting.isCancelled {
            throw StoreError(ResponseCode(rawValue: "ErrorCalendarIsCancelledFor" + suffix), "The meeting was cancelled.")
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
            results.append(try update(moved.id, now: now) {
                $0.isRead = true
                $0.myResponseType = answer.rawValue
                $0.associatedCalendarItemId = placed
            })
        }
        try sendResponse(for: meeting, answer, options, from: email, now: now)
        return results
    }

    private mutating func sendResponse(for meeting: StoredItem, _ answer: MeetingAnswer, _ options: AnswerOptions,
                                       from email: String, now: Date) throws(StoreError) {
        let folder = options.disposition == "SaveOnly" ? "drafts" : "sentitems"
        var response = newItem(.meetingResponse, itemClass: answer.itemClass, in: try folderId(folder, of: email), now: now)
        response.subject = answer.subjectPrefix + meeting.subject
        response.body = options.body
        response.from = mailbox(email)?.address ?? Address(email: email)
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
              let inbox = try? folderId("inbox", of: organizer) else { return }
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

    private mutating func attendeeCalendarItem(from source: StoredItem, in calendar: String, now: Date) -> StoredItem {
        var entry = copy(source, to: calendar, kind: .calendarItem, itemClass: ItemClass.appointment, now: now)
        entry.isOrganizer = false
        entry.isMeeting = true
        entry.isOutOfDate = false
        entry.associatedCalendarItemId = nil
        entry.meetingRequestType = nil
        entry.responseType = nil
        return entry
    }

    // MARK: Calendar Attendant

    private mutating func enqueue(_ itemId: String, _ action: AttendantTask.Action, mailbox email: String, now: Date) {
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
              let responder = response.from?.email else {
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
