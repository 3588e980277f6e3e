/// Changes one mailbox: replies, removals, deletions and moves. A separate
/// type from `MailboxReader`, which a dry run is given alone (PRODUCT.md 7.1).
/// Speaks in domain values so a Graph backend can implement it too.
public protocol MailboxWriter: Sendable {
    /// Answers meeting requests, one outcome per request, in order. Never
    /// sent twice: an unknown outcome is returned as `.unknown` rather than
    /// retried (PRODUCT.md 7.3).
    func respond(_ replies: [(request: ItemId, reply: MeetingReply)]) async throws(EWSError) -> [SendOutcome]

    /// Takes cancelled meetings off the calendar and removes the
    /// cancellations, one outcome per cancellation, in order.
    func removeFromCalendar(_ cancellations: [ItemId]) async throws(EWSError) -> [SendOutcome]

    /// Deletes items; `cancellations` is required for calendar items. One
    /// result per id, carrying the id.
    func delete(_ ids: [ItemId], _ type: DeleteType, cancellations: SendMeetingCancellations?) async throws(EWSError)
        -> [ItemResult<ItemId>]

    /// Moves items to `folder`. One result per id, carrying the new id when
    /// the server gives it.
    func move(_ ids: [ItemId], to folder: Folder) async throws(EWSError) -> [ItemResult<ItemId?>]
}

extension MailboxWriter {
    /// Answers one meeting request.
    public func respond(to request: ItemId, with reply: MeetingReply) async throws(EWSError) -> SendOutcome {
        try await respond([(request, reply)]).first ?? .unknown(EWSError(.unknownOutcome, "no outcome for \(request)"))
    }

    /// Takes one cancelled meeting off the calendar and removes its cancellation.
    public func removeFromCalendar(_ cancellation: ItemId) async throws(EWSError) -> SendOutcome {
        try await removeFromCalendar([cancellation]).first
            ?? .unknown(EWSError(.unknownOutcome, "no outcome for \(cancellation)"))
    }
}
