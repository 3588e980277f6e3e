/// `DeleteType` of DeleteItem (PROTOCOL.md 7).
public enum DeleteType: String, Sendable, CaseIterable {
    /// Permanently removed (to the dumpster's purges, kept until retention ends).
    case hardDelete = "HardDelete"
    /// To the dumpster, where it can still be recovered.
    case softDelete = "SoftDelete"
    case moveToDeletedItems = "MoveToDeletedItems"
}

/// `SendMeetingCancellations` of DeleteItem: required when a calendar item is
/// deleted (ErrorSendMeetingCancellationsRequired otherwise).
public enum SendMeetingCancellations: String, Sendable, CaseIterable {
    case sendToNone = "SendToNone"
    case sendOnlyToAll = "SendOnlyToAll"
    case sendToAllAndSaveCopy = "SendToAllAndSaveCopy"
}

/// `MessageDisposition` of CreateItem; the bot uses two (PROTOCOL.md 5.1).
public enum MessageDisposition: String, Sendable, CaseIterable {
    /// Send the reply to the organizer and keep a copy in Sent Items.
    case sendAndSaveCopy = "SendAndSaveCopy"
    /// Record the answer on the calendar and send nothing.
    case saveOnly = "SaveOnly"
}
