import EWS
import XML

/// Which properties a GetItem or FindItem answer carries: the base shape plus
/// the FieldURIs named in AdditionalProperties.
struct ItemShape {
    enum Base: String {
        case idOnly = "IdOnly"
        case `default` = "Default"
        case allProperties = "AllProperties"
    }
    var base: Base = .idOnly
    var fields: Set<String> = []
    /// For FindItem, Exchange leaves out bodies and recipient lists (PROTOCOL.md 3.1).
    var summary = false

    init(base: Base = .idOnly, fields: Set<String> = [], summary: Bool = false) {
        self.base = base
        self.fields = fields
        self.summary = summary
    }

    /// Reads `m:ItemShape`; an unknown BaseShape is a schema error that
    /// validation would have caught, so it falls back to IdOnly.
    init(_ element: XMLElement?, summary: Bool) {
        self.summary = summary
        guard let element else { return }
        base = element.childText("BaseShape").flatMap(Base.init(rawValue:)) ?? .idOnly
        for property in element.child("AdditionalProperties")?.children ?? [] where property.localName == "FieldURI" {
            if let uri = property.attribute("FieldURI") { fields.insert(uri) }
        }
    }

    /// Whether the answer includes the element `name` (whose FieldURI is `uri`).
    func includes(_ uri: String) -> Bool {
        if summary, Self.notInSummaries.contains(uri) { return false }
        switch base {
        case .allProperties: return true
        case .default: return Self.defaults.contains(uri) || fields.contains(uri)
        case .idOnly: return fields.contains(uri)
        }
    }

    /// What BaseShape Default returns, close to Exchange's default sets.
    static let defaults: Set<String> = [
        "item:Subject", "item:ItemClass", "item:Sensitivity", "item:DateTimeReceived", "item:Size", "item:Importance",
        "item:HasAttachments", "item:ResponseObjects", "item:DateTimeSent", "item:DateTimeCreated", "item:DisplayTo",
        "message:From", "message:Sender", "message:IsRead", "message:ToRecipients",
        "meeting:AssociatedCalendarItemId", "meeting:IsOutOfDate", "meeting:HasBeenProcessed", "meeting:ResponseType",
        "meetingRequest:MeetingRequestType", "meetingRequest:IntendedFreeBusyStatus",
        "calendar:Start", "calendar:End", "calendar:Location", "calendar:Organizer", "calendar:IsAllDayEvent",
        "calendar:LegacyFreeBusyStatus", "calendar:CalendarItemType", "calendar:MyResponseType", "calendar:UID",
        "calendar:IsMeeting", "calendar:IsCancelled", "calendar:IsRecurring",
    ]
    /// Left out of FindItem answers: bodies and recipient lists (PROTOCOL.md
    /// 3.1), and the conflicting and adjacent meetings, which the EWS Managed
    /// API lets no FindItem ask for (AppointmentSchema gives them no CanFind
    /// flag, OfficeDev/ews-managed-api Core/ServiceObjects/Schemas/AppointmentSchema.cs).
    static let notInSummaries: Set<String> = [
        "item:Body", "message:ToRecipients", "calendar:RequiredAttendees", "calendar:OptionalAttendees",
        "calendar:Resources", "calendar:ConflictingMeetingCount", "calendar:AdjacentMeetingCount",
        "calendar:ConflictingMeetings", "calendar:AdjacentMeetings",
    ]
}
