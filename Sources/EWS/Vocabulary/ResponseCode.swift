/// An EWS response code. An open set: codes this code base has no name for
/// are kept verbatim, because servers add codes over time (STYLE.md example 7).
public struct ResponseCode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }

    public static let noError = Self(rawValue: "NoError")
    public static let serverBusy = Self(rawValue: "ErrorServerBusy")
    /// More requests at once than the throttling policy's EWSMaxConcurrency (PROTOCOL.md 9.2).
    public static let exceededConnectionCount = Self(rawValue: "ErrorExceededConnectionCount")
    public static let schemaValidation = Self(rawValue: "ErrorSchemaValidation")
    public static let invalidRequest = Self(rawValue: "ErrorInvalidRequest")
    public static let invalidServerVersion = Self(rawValue: "ErrorInvalidServerVersion")
    public static let itemNotFound = Self(rawValue: "ErrorItemNotFound")
    public static let folderNotFound = Self(rawValue: "ErrorFolderNotFound")
    public static let invalidIdMalformed = Self(rawValue: "ErrorInvalidIdMalformed")
    public static let staleObject = Self(rawValue: "ErrorStaleObject")
    public static let irresolvableConflict = Self(rawValue: "ErrorIrresolvableConflict")
    public static let internalServerTransientError = Self(rawValue: "ErrorInternalServerTransientError")
    public static let internalServerError = Self(rawValue: "ErrorInternalServerError")
    public static let batchProcessingStopped = Self(rawValue: "ErrorBatchProcessingStopped")
    public static let accessDenied = Self(rawValue: "ErrorAccessDenied")
    public static let nonExistentMailbox = Self(rawValue: "ErrorNonExistentMailbox")
    public static let impersonateUserDenied = Self(rawValue: "ErrorImpersonateUserDenied")
    public static let calendarMeetingRequestIsOutOfDate = Self(rawValue: "ErrorCalendarMeetingRequestIsOutOfDate")
    public static let calendarIsOrganizerForAccept = Self(rawValue: "ErrorCalendarIsOrganizerForAccept")
    public static let calendarIsOrganizerForDecline = Self(rawValue: "ErrorCalendarIsOrganizerForDecline")
    public static let calendarIsOrganizerForTentative = Self(rawValue: "ErrorCalendarIsOrganizerForTentative")
    public static let calendarIsOrganizerForRemove = Self(rawValue: "ErrorCalendarIsOrganizerForRemove")
    public static let calendarIsCancelledForAccept = Self(rawValue: "ErrorCalendarIsCancelledForAccept")
    public static let calendarIsCancelledForDecline = Self(rawValue: "ErrorCalendarIsCancelledForDecline")
    public static let calendarIsCancelledForTentative = Self(rawValue: "ErrorCalendarIsCancelledForTentative")
    public static let invalidItemForOperationRemoveItem = Self(rawValue: "ErrorInvalidItemForOperationRemoveItem")
    public static let invalidItemForOperationAcceptItem = Self(rawValue: "ErrorInvalidItemForOperationAcceptItem")
    public static let invalidItemForOperationDeclineItem = Self(rawValue: "ErrorInvalidItemForOperationDeclineItem")
    public static let invalidItemForOperationTentative = Self(rawValue: "ErrorInvalidItemForOperationTentative")
    public static let sendMeetingCancellationsRequired = Self(rawValue: "ErrorSendMeetingCancellationsRequired")
    public static let sendMeetingInvitationsRequired = Self(rawValue: "ErrorSendMeetingInvitationsRequired")
    public static let messageDispositionRequired = Self(rawValue: "ErrorMessageDispositionRequired")
    public static let calendarViewRangeTooBig = Self(rawValue: "ErrorCalendarViewRangeTooBig")
    public static let calendarFolderIsInvalidForCalendarView = Self(
        rawValue: "ErrorCalendarFolderIsInvalidForCalendarView")
    public static let exceededFindCountLimit = Self(rawValue: "ErrorExceededFindCountLimit")
    public static let invalidOperation = Self(rawValue: "ErrorInvalidOperation")
    public static let invalidPropertyRequest = Self(rawValue: "ErrorInvalidPropertyRequest")
    public static let moveCopyFailed = Self(rawValue: "ErrorMoveCopyFailed")
}

/// `ResponseClass` of a per-item response message.
public enum ResponseClass: String, Sendable {
    case success = "Success"
    case warning = "Warning"
    case error = "Error"
}
