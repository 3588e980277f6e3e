import Foundation

/// The three kinds of meeting message the bot handles (PRODUCT.md section 3).
/// Each kind has its own list of rules and its own actions.
public enum MessageKind: String, Sendable, Hashable, CaseIterable, Comparable {
    case request, response, cancellation

    /// The rules-file key holding this kind's rules: `requests`, `responses`, `cancellations`.
    public var rulesKey: String { rawValue + "s" }

    public static func < (a: Self, b: Self) -> Bool { a.order < b.order }
    private var order: Int { Self.allCases.firstIndex(of: self) ?? 0 }
}

/// Everything the rules may look at about one meeting message and its context.
///
/// Plain values, free of EWS: the pipeline fills them in from the message, the
/// calendar and the clock, and the engine never looks anywhere else (it calls no
/// clock of its own; `now` is a fact like any other). Times are instants (UTC);
/// the rules file's time zone turns them into weekdays and times of day.
public struct MeetingFacts: Sendable, Hashable {
    /// Request, response or cancellation: chooses the list of rules.
    public var kind: MessageKind
    /// The meeting's organizer.
    public var organizer: Mailbox
    /// Who sent this message: the organizer (or a delegate) for requests and
    /// cancellations, the attendee for responses.
    public var sender: Mailbox
    /// The message's subject.
    public var subject: String
    /// The meeting's location as the organizer typed it.
    public var location: String
    /// The message body as plain text: the invitation text of a request, the
    /// attendee's comment on a response. Empty when there is none.
    public var body: String
    /// When the meeting (for a series, its first occurrence) starts.
    public var start: Date
    /// When the meeting (for a series, its first occurrence) ends.
    public var end: Date
    /// An all-day event (start and end at midnight in the organizer's time zone).
    public var isAllDay: Bool
    /// The series, or nil for a single meeting.
    public var recurrence: Recurrence?
    /// The occurrences the time conditions look at: for a single meeting its
    /// one, for a series those in the booking window (never empty). A time
    /// condition holds for a series when it holds for every one of them.
    public var occurrences: [Occurrence]
    /// Requests: the mailbox's current answer to the meeting (`.noAnswer` for
    /// a new request and for other kinds).
    public var currentAnswer: CurrentAnswer
    /// Requests: how many occurrences the pipeline checked against the calendar
    /// (1 for a single meeting; for a series, those inside the booking window).
    public var checkedOccurrences: Int
    /// Requests: how many of the checked occurrences overlap something busy.
    public var conflictingOccurrences: Int
    /// The addresses of the required and optional attendees and resources.
    public var attendees: [String]
    /// Requests: new, full update or informational update (`.new` for other kinds).
    public var requestType: RequestType
    /// The sensitivity the organizer set.
    public var sensitivity: Sensitivity
    /// Responses: the attendee's answer; nil for other kinds.
    public var responseType: ResponseType?
    /// Responses: the new start the attendee proposes, if any.
    public var proposedStart: Date?
    /// Responses: the new end the attendee proposes, if any.
    public var proposedEnd: Date?
    /// When the message arrived in the mailbox.
    public var received: Date
    /// The moment of the decision, for lead times and "in the past".
    public var now: Date

    public init(
        kind: MessageKind, organizer: Mailbox, sender: Mailbox? = nil,
        subject: String = "", location: String = "", body: String = "",
        start: Date, end: Date, isAllDay: Bool = false, recurrence: Recurrence? = nil,
        occurrences: [Occurrence] = [], currentAnswer: CurrentAnswer = .noAnswer,
        checkedOccurrences: Int = 1, conflictingOccurrences: Int = 0, attendees: [String] = [],
        requestType: RequestType = .new, sensitivity: Sensitivity = .normal,
        responseType: ResponseType? = nil, proposedStart: Date? = nil, proposedEnd: Date? = nil,
        received: Date, now: Date
    ) {
        self.kind = kind
        self.organizer = organizer
        self.sender = sender ?? organizer
        self.subject = subject
        self.location = location
        self.body = body
        self.start = start
        self.end = end
        self.isAllDay = isAllDay
        self.recurrence = recurrence
        self.occurrences = occurrences.isEmpty ? [Occurrence(start: start, end: end)] : occurrences
        self.currentAnswer = currentAnswer
        self.checkedOccurrences = checkedOccurrences
        self.conflictingOccurrences = conflictingOccurrences
        self.attendees = attendees
        self.requestType = requestType
        self.sensitivity = sensitivity
        self.responseType = responseType
        self.proposedStart = proposedStart
        self.proposedEnd = proposedEnd
        self.received = received
        self.now = now
    }

    /// The sender wrote something: the body holds more than white space.
    public var hasComment: Bool { body.contains { !$0.isWhitespace } }

    /// The meeting is a series.
    public var isRecurring: Bool { recurrence != nil }

    /// When the meeting's last occurrence ends; nil for a series without end.
    public var lastEnd: Date? {
        guard let recurrence else { return end }
        return recurrence.seriesEnd
    }
}

// The facts' own value types, nested so that they never meet EWS's types of
// the same names (Mailbox, ResponseType, ...) in a module that imports both.
extension MeetingFacts {
    /// An address with its display name, as a message shows it.
    public struct Mailbox: Sendable, Hashable {
        /// The SMTP address, e.g. `ann@contoso.com` (compared without regard to case).
        public var address: String
        /// The display name, e.g. `Ann Lee`; empty when unknown.
        public var name: String

        public init(address: String, name: String = "") {
            self.address = address
            self.name = name
        }
    }

    /// What kind of request this is: Exchange's MeetingRequestType, reduced to what
    /// a policy cares about.
    public enum RequestType: String, Sendable, Hashable, CaseIterable {
        /// A meeting the mailbox has not been invited to before.
        case new
        /// An update that changed the time, place or recurrence (the meeting must be answered again).
        case fullUpdate = "full_update"
        /// An update that changed nothing the answer depends on (subject, body, attendees).
        case informationalUpdate = "informational_update"
        /// An update the organizer's client marked as not worth telling (Exchange's SilentUpdate).
        case silentUpdate = "silent_update"
        /// The mailbox's own copy of a request its delegate receives (PrincipalWantsCopy).
        case principalWantsCopy = "principal_wants_copy"
        /// A request Exchange itself says is out of date (Outdated).
        case outdated
        /// A request of no type (Exchange's None).
        case untyped = "none"
    }

    /// The mailbox's current answer to the meeting: its calendar item's
    /// MyResponseType (PRODUCT.md 2, step 3), so that an update of a meeting
    /// declined earlier can be treated unlike one of an accepted meeting.
    public enum CurrentAnswer: String, Sendable, Hashable, CaseIterable {
        /// Not answered yet (or a new request).
        case noAnswer = "none"
        case accepted, tentative, declined
    }

    /// One occurrence of the meeting: a single meeting has one; a series,
    /// those in the booking window.
    public struct Occurrence: Sendable, Hashable {
        public var start: Date
        public var end: Date

        public init(start: Date, end: Date) {
            self.start = start
            self.end = end
        }
    }

    /// The sensitivity the organizer set on the meeting.
    public enum Sensitivity: String, Sendable, Hashable, CaseIterable {
        case normal, personal, `private`, confidential
    }

    /// An attendee's answer, carried by a meeting response.
    public enum ResponseType: String, Sendable, Hashable, CaseIterable {
        case accepted, tentative, declined
    }

    /// The recurrence of a series, reduced to the facts the rules use.
    public struct Recurrence: Sendable, Hashable {
        /// How many occurrences the series has in total; nil when it has no end.
        public var occurrences: Int?
        /// When the last occurrence ends; nil when the series has no end.
        public var seriesEnd: Date?

        public init(occurrences: Int?, seriesEnd: Date?) {
            self.occurrences = occurrences
            self.seriesEnd = seriesEnd
        }

        /// A series with neither a count nor an end date.
        public static let endless = Recurrence(occurrences: nil, seriesEnd: nil)
    }
}
