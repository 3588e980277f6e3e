import EWS
import Foundation

/// The kind of update an organizer sends (meetingRequest:MeetingRequestType).
enum RequestType: String, Sendable {
    case new = "NewMeetingRequest"
    case full = "FullUpdate"
    case informational = "InformationalUpdate"
}
/// The organizer's side of the meeting life cycle: invitations, updates and
/// cancellations, with the messages Exchange delivers to the attendees.
extension StoreState {

    /// Stores a new calendar item of the folder's owner, who becomes the
    /// organizer, and sends invitations unless `invitations` is `SendToNone`.
    mutating func createMeeting(_ draft: StoredItem, invitations: String, now: Date) throws(StoreError) -> StoredItem {
        var item = draft
        guard let start = item.start, let end = item.end, start <= end else {
            throw StoreError(
                ResponseCode(rawValue: "ErrorCalendarEndDateIsEarlierThanStartDate"),
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
    mutating func publishChanges(
        of id: String, changed: Set<String>, previousAttendees: [String], sending: String,
        now: Date
    ) throws(StoreError) {
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
        try sendRequests(
            for: id, type: full || added ? .full : .informational,
            saveCopy: sending.hasSuffix("AndSaveCopy"), now: now)
    }

    /// Changes to these make a full update (attendees must answer again);
    /// others are informational (MeetingRequestType reference).
    static let fullUpdateFields: Set<String> = [
        "calendar:Start", "calendar:End", "calendar:Location",
        "calendar:Recurrence", "calendar:IsAllDayEvent",
    ]

    /// Cancels the organizer's meeting: cancellations to the attendees, the
    /// item to Deleted Items (CancelCalendarItem; `note` is its NewBodyContent).
    mutating func cancelMeeting(_ id: String, note: String?, saveCopy: Bool, now: Date) throws(StoreError) {
        let meeting = try item(id)
        guard meeting.kind == .calendarItem, meeting.isOrganizer else {
            throw StoreError(
                ResponseCode(rawValue: "ErrorInvalidItemForOperationCancelItem"),
                "Only the organizer's calendar item can be cancelled.")
        }
        try sendCancellations(for: id, note: note, saveCopy: saveCopy, now: now)
        try move(id, to: try folderId("deleteditems", of: meeting.mailbox), now: now)
    }

    /// A globally unique id in the form Exchange gives: the hex of a global
    /// object id (MS-OXOCAL 2.2.1.27) whose creation time and 16 bytes of data
    /// are hashes of the item id.
    static func uid(for itemId: String) -> String {
        func hash(_ text: String) -> String {
            String(
                format: "%016llX",
                Array(text.utf8).reduce(UInt64(14_695_981_039_346_656_037)) { ($0 ^ UInt64($1)) &* 1_099_511_628_211 })
        }
        return "040000008200E00074C5B7101A82E00800000000" + hash(itemId) + "0000000000000000" + "10000000"
            + hash("data1:" + itemId) + hash("data2:" + itemId)
    }

    /// Delivers a meeting request (new or update) for the organizer's `itemId`
    /// to every attendee that has a mailbox here.
    mutating func sendRequests(for itemId: String, type: RequestType, saveCopy: Bool, now: Date) throws(StoreError) {
        let meeting = try item(itemId)
        for attendee in meeting.attendees {
            deliverRequest(meeting, type: type, to: attendee.address.email, now: now)
        }
        if saveCopy, let sent = try? folderId("sentitems", of: meeting.mailbox) {
            var copy = meetingMessage(
                from: meeting, kind: .meetingRequest, itemClass: ItemClass.meetingRequest,
                in: sent, now: now)
            copy.meetingRequestType = type.rawValue
            copy.isRead = true
            put(copy)
        }
    }

    private mutating func deliverRequest(_ meeting: StoredItem, type: RequestType, to email: String, now: Date) {
        guard let inbox = try? folderId("inbox", of: email), let uid = meeting.uid else { return }
        outdateRequests(uid: uid, of: email, now: now)
        var request = meetingMessage(
            from: meeting, kind: .meetingRequest, itemClass: ItemClass.meetingRequest,
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
    mutating func sendCancellations(
        for itemId: String, occurrence: StoredItem? = nil, note: String?, saveCopy: Bool,
        now: Date
    ) throws(StoreError) {
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

    private mutating func cancellationMessage(
        of meeting: StoredItem, note: String?, in folderId: String,
        now: Date
    ) -> StoredItem {
        var cancellation = meetingMessage(
            from: meeting, kind: .meetingCancellation,
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
    private mutating func meetingMessage(
        from meeting: StoredItem, kind: ItemKind, itemClass: String,
        in folderId: String, now: Date
    ) -> StoredItem {
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
}
