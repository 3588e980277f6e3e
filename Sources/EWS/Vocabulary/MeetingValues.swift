// Values of meeting properties. Each is an open set kept verbatim, like
// ResponseCode: servers add values over time (FreeBusy gained WorkingElsewhere).

/// `t:ResponseTypeType`: an attendee's answer, or on a meeting response the
/// answer it carries (PROTOCOL.md 4.2).
public struct ResponseType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }

    public static let unknown = Self(rawValue: "Unknown")
    public static let organizer = Self(rawValue: "Organizer")
    public static let tentative = Self(rawValue: "Tentative")
    public static let accept = Self(rawValue: "Accept")
    public static let decline = Self(rawValue: "Decline")
    public static let noResponseReceived = Self(rawValue: "NoResponseReceived")
}

/// `t:MeetingRequestTypeType`: a new request, or which kind of update.
public struct MeetingRequestType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }

    public static let none = Self(rawValue: "None")
    public static let newMeetingRequest = Self(rawValue: "NewMeetingRequest")
    public static let fullUpdate = Self(rawValue: "FullUpdate")
    public static let informationalUpdate = Self(rawValue: "InformationalUpdate")
    public static let silentUpdate = Self(rawValue: "SilentUpdate")
    public static let outdated = Self(rawValue: "Outdated")
    public static let principalWantsCopy = Self(rawValue: "PrincipalWantsCopy")
}

/// `t:SensitivityChoicesType`.
public struct Sensitivity: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }

    public static let normal = Self(rawValue: "Normal")
    public static let personal = Self(rawValue: "Personal")
    public static let `private` = Self(rawValue: "Private")
    public static let confidential = Self(rawValue: "Confidential")
}

/// `t:LegacyFreeBusyType`: how a calendar item shows on the free/busy view.
public struct FreeBusyStatus: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }

    public static let free = Self(rawValue: "Free")
    public static let tentative = Self(rawValue: "Tentative")
    public static let busy = Self(rawValue: "Busy")
    public static let outOfOffice = Self(rawValue: "OOF")
    public static let workingElsewhere = Self(rawValue: "WorkingElsewhere")
    public static let noData = Self(rawValue: "NoData")
}

/// `t:CalendarItemTypeType`: a single item, a series master, or one occurrence.
public struct CalendarItemType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }

    public static let single = Self(rawValue: "Single")
    public static let occurrence = Self(rawValue: "Occurrence")
    public static let exception = Self(rawValue: "Exception")
    public static let recurringMaster = Self(rawValue: "RecurringMaster")
}
