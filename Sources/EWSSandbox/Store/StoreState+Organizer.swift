import EWS
import Foundation

/// The kind of request an attendee receives (meetingRequest:MeetingRequestType).
enum RequestType: String, Sendable {
    case new = "NewMeetingRequest"
    case full = "FullUpdate"
    case informational = "InformationalUpdate"
    /// The principal's informational copy when delegates receive its meeting messages.
    case principalWantsCopy = "PrincipalWantsCopy"
}

/// What the organizer sends: the first invitation, or an update of the
/// meeting that moved it (`rescheduled`) or did not.
enum Invitation: Sendable {
    case new
    case update(rescheduled: Bool)
}
/// The organizer's side of the meeting life cycle: invitations, updates and
/// cancellations, with the messages Exchange delivers to the attendees.
extension StoreState {

    /// Stores a new calendar item of the folder's owner, who becomes the
    /// organizer, and sends invitations unless `invitations` is `SendToNone`.
    mutating func createMeeting(_ draft: StoredItem, invitations: String, now: Date) throws(StoreError) -> StoredItem {
        var item = draft
        guard item.start != nil, item.end != nil else {
            throw StoreError(
                ResponseCode(rawValue: "ErrorCalendarEndDateIsEarlierThanStartDate"),
                "The calendar item needs a Start and an End.")
        }
        try item.checkTimes()
        try item.alignSeries()
        // Every refusal is behind us: only now does the item take an id.
        if item.id.isEmpty { item.id = newItemId() }
        if item.freeBusy == nil { item.freeBusy = "Busy" }
        if item.uid == nil { item.uid = Self.uid(for: item.id) }
        item.organizer = mailbox(item.mailbox)?.address
        item.isOrganizer = true
        item.isMeeting = !item.attendees.isEmpty
        item.dateTimeStamp = now
        put(item)
        if item.isMeeting, invitations != "SendToNone" {
            try sendRequests(for: item.id, .new, saveCopy: invitations == "SendToAllAndSaveCopy", now: now)
        }
        return try self.item(item.id)
    }

    /// After the organizer changed `changed` (FieldURIs) on a meeting that
    /// was `before`: a new sequence number, the responses reset when the
    /// meeting moved, and the update sent unless `sending` is `SendToNone`.
    mutating func publishChanges(
        of id: String, before: StoredItem, changed: Set<String>, sending: String,
        now: Date
    ) throws(StoreError) {
        let item = try item(id)
        guard item.isOrganizer, item.isMeeting, !changed.isEmpty else { return }
        let rescheduled = item.isRescheduled(from: before)
        try update(id, now: now) { item in
            item.sequence += 1
            guard rescheduled else { return }
            for i in item.attendees.indices {
                item.attendees[i].responseType = "Unknown"
                item.attendees[i].lastResponseTime = nil
            }
        }
        guard sending != "SendToNone" else { return }
        try sendRequests(
            for: id, .update(rescheduled: rescheduled), saveCopy: sending.hasSuffix("AndSaveCopy"), now: now)
    }

    /// Cancels the organizer's meeting: cancellations to the attendees, the
    /// item to Deleted Items (CancelCalendarItem; `note` is its NewBodyContent).
    mutating func cancelMeeting(_ id: String, note: String?, saveCopy: Bool, now: Date) throws(StoreError) {
        let meeting = try item(id)
        guard meeting.kind == .calendarItem, meeting.isOrganizer else {
            throw StoreError(
                ResponseCode(rawValue: "ErrorInvalidItemForOperationCancelItem"),
                "Only the organizer's calendar item can be cancelled.")
        }
        let deleted = try folderId("deleteditems", of: meeting.mailbox)
        try sendCancellations(for: id, note: note, saveCopy: saveCopy, now: now)
        try moveCancelled(id, to: deleted, now: now)
    }

    /// Moves the organizer's meeting, whose cancellations went out, to Deleted
    /// Items, where Exchange shows it cancelled: IsCancelled, AppointmentState
    /// 5 (MS-OXWSMTGS test suite S02_TC01, R740 and R1052).
    mutating func moveCancelled(_ id: String, to deletedItems: String, now: Date) throws(StoreError) {
        try update(id, now: now) { $0.isCancelled = true }
        try move(id, to: deletedItems, now: now)
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
    mutating func sendRequests(
        for itemId: String, _ invitation: Invitation, saveCopy: Bool, now: Date
    ) throws(StoreError) {
        // Part of the change that sends, so no ChangeKey of its own.
        var meeting = try item(itemId)
        meeting.meetingRequestWasSent = true
        put(meeting)
        for attendee in meeting.attendees {
            deliverRequest(meeting, invitation, to: attendee.address.email, now: now)
        }
        if saveCopy, let sent = try? folderId("sentitems", of: meeting.mailbox) {
            var copy = requestMessage(from: meeting, in: sent, now: now)
            copy.meetingRequestType =
                switch invitation {
                case .new: RequestType.new.rawValue
                case .update(let rescheduled): (rescheduled ? RequestType.full : .informational).rawValue
                }
            copy.isRead = true
            put(copy)
        }
    }

    private mutating func deliverRequest(
        _ meeting: StoredItem, _ invitation: Invitation, to email: String, now: Date
    ) {
        guard let inbox = try? folderId("inbox", of: email), meeting.uid != nil else { return }
        var request = requestMessage(from: meeting, in: inbox, now: now)
        request.meetingRequestType = requestType(invitation, for: email, uid: meeting.uid).rawValue
        request.attendees = Self.receivedAttendees(of: meeting)
        deliver(request, .placeRequest, now: now)
    }

    private mutating func requestMessage(from meeting: StoredItem, in folderId: String, now: Date) -> StoredItem {
        var request = meetingMessage(
            from: meeting, kind: .meetingRequest, itemClass: ItemClass.meetingRequest,
            in: folderId, now: now)
        request.intendedFreeBusy = meeting.freeBusy ?? "Busy"
        request.responseType = "NoResponseReceived"
        request.myResponseType = "NoResponseReceived"
        return request
    }

    /// The type of request an attendee receives: a new request; a full update
    /// when the meeting moved; otherwise an informational update if the
    /// attendee had accepted or tentatively accepted, and a full one if not,
    /// as MS-OXWSMTGS 2.2.5.9 defines them ("FullUpdate … indicates that the
    /// attendee has not yet responded to the original meeting request.
    /// InformationalUpdate … indicates that the attendee had previously
    /// accepted or tentatively accepted the original meeting request").
    private func requestType(_ invitation: Invitation, for email: String, uid: String?) -> RequestType {
        guard case .update(let rescheduled) = invitation else { return .new }
        let answer = calendarItem(uid: uid, of: email)?.myResponseType
        return !rescheduled && (answer == "Accept" || answer == "Tentative") ? .informational : .full
    }

    /// The attendees as a received request lists them: the organizer first
    /// among the required attendees, and no resources, which are "not
    /// populated to attendee's mailbox" (MS-OXWSMTGS 2.2.4.22; its test suite
    /// checks both on a received request, R315 and R319, and R191 on the
    /// attendee's calendar item).
    static func receivedAttendees(of meeting: StoredItem) -> [StoredAttendee] {
        let organizer = meeting.organizer?.email
        let others = meeting.attendees.filter { $0.role != .resource && $0.address.email != organizer }
        return (meeting.organizer.map { [StoredAttendee(address: $0, responseType: "Organizer")] } ?? []) + others
    }

    /// Delivers a meeting message to its mailbox and hands it to that
    /// mailbox's Calendar Attendant. If delegates receive the mailbox's meeting
    /// messages, each gets a copy (IsDelegated, ReceivedRepresenting the
    /// principal) and the principal's request is kept as DeliverMeetingRequests
    /// says: an informational PrincipalWantsCopy in the Inbox (MS-OXWSMTGS
    /// test suite S01_TC22, R7512), moved to Deleted Items for DelegatesOnly,
    /// a normal request for DelegatesAndMe (DeliverMeetingRequests reference).
    private mutating func deliver(_ message: StoredItem, _ action: AttendantTask.Action, now: Date) {
        var own = message
        if let principal = mailbox(message.mailbox), principal.meetingRequestDelivery != .noForward {
            for delegate in principal.meetingDelegates {
                guard let inbox = try? folderId("inbox", of: delegate) else { continue }
                var copy = copy(message, to: inbox, now: now)
                copy.isDelegated = true
                copy.receivedRepresenting = principal.address
                put(copy)
                enqueue(copy.id, action, mailbox: delegate, now: now)
            }
            if message.kind == .meetingRequest, !principal.meetingDelegates.isEmpty {
                switch principal.meetingRequestDelivery {
                case .delegatesAndMe, .noForward: break
                case .delegatesAndSendInformationToMe: own.meetingRequestType = RequestType.principalWantsCopy.rawValue
                case .delegatesOnly:
                    own.meetingRequestType = RequestType.principalWantsCopy.rawValue
                    if let deleted = try? folderId("deleteditems", of: message.mailbox) { own.folderId = deleted }
                }
            }
        }
        put(own)
        enqueue(own.id, action, mailbox: own.mailbox, now: now)
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
            guard let inbox = try? folderId("inbox", of: attendee.address.email), meeting.uid != nil else { continue }
            deliver(cancellationMessage(of: meeting, note: note, in: inbox, now: now), .markCancelled, now: now)
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

    /// A meeting message in `folderId` carrying the meeting's calendar data.
    private mutating func meetingMessage(
        from meeting: StoredItem, kind: ItemKind, itemClass: String,
        in folderId: String, now: Date
    ) -> StoredItem {
        var message = copy(meeting, to: folderId, kind: kind, itemClass: itemClass, now: now)
        message.sent = now
        message.from = meeting.organizer
        // Resources are blind copies (not populated to attendees' mailboxes, MS-OXWSMTGS 2.2.4.22).
        message.toRecipients = meeting.attendees.filter { $0.role != .resource }.map(\.address)
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
