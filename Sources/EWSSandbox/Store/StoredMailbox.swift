import Foundation

/// A folder of a mailbox.
public struct StoredFolder: Codable, Sendable {
    public var id: String
    public var version = 1
    public var mailbox: String
    /// `root`, `msgfolderroot`, `inbox`, … for the distinguished folders.
    public var distinguishedId: String?
    public var displayName: String
    public var parentId: String?
    public var folderClass: String?
    public var changeKey: String { IDCodec.changeKey(id: id, version: version) }
}

/// How the mailbox's Calendar Attendant behaves (Set-CalendarProcessing -AutomateProcessing).
public enum AttendantMode: String, Codable, Sendable {
    case autoUpdate = "AutoUpdate"
    case none = "None"
}

/// Where a principal's meeting requests go when delegates receive its
/// meeting messages (DeliverMeetingRequests reference).
public enum MeetingRequestDelivery: String, Codable, Sendable {
    /// Forwarded; the principal's copy moves to Deleted Items.
    case delegatesOnly = "DelegatesOnly"
    /// Forwarded; the principal keeps a normal request in the Inbox.
    case delegatesAndMe = "DelegatesAndMe"
    /// Forwarded; the principal's copy stays in the Inbox as an informational
    /// `PrincipalWantsCopy` (Outlook's default).
    case delegatesAndSendInformationToMe = "DelegatesAndSendInformationToMe"
    /// Not forwarded.
    case noForward = "NoForward"
}

/// A mailbox: its account, folders and Calendar Attendant settings.
public struct StoredMailbox: Codable, Sendable {
    public var address: StoredAddress
    public var password: String?
    public var token: String?
    public var attendant: AttendantMode = .autoUpdate
    /// Seconds between delivery and the attendant processing a message.
    public var attendantDelay: TimeInterval = 0
    /// May act as any mailbox through ExchangeImpersonation.
    public var canImpersonate = false
    /// Accounts allowed delegate access to this mailbox, sorted.
    public var delegates: [String] = []
    /// Delegates that receive copies of the mailbox's meeting messages
    /// (ReceiveCopiesOfMeetingMessages), sorted.
    public var meetingDelegates: [String] = []
    public var meetingRequestDelivery = MeetingRequestDelivery.delegatesAndSendInformationToMe
    public var folders: [String: String] = [:]  // distinguished id -> folder id
    /// How the items the sandbox writes name this mailbox (From, Organizer, attendees…).
    public var routingType: MailboxRoutingType = .smtp

    /// The mailbox's legacyExchangeDN, in the form Exchange Online gives
    /// (`/o=ExchangeLabs/…/cn=Recipients/cn=<hex>-<alias>`), derived from the
    /// address so it is the same in every run. Every mailbox has one;
    /// ResolveNames finds the mailbox by it.
    public var legacyDN: String {
        let email = address.email
        let hash = Array(email.utf8).reduce(UInt64(14_695_981_039_346_656_037)) {
            ($0 ^ UInt64($1)) &* 1_099_511_628_211
        }
        let alias = email.split(separator: "@").first.map(String.init) ?? email
        return "/o=ExchangeLabs/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn="
            + String(format: "%016llx", hash) + "-" + alias
    }
}

/// How Exchange names a mailbox in an item: by its SMTP address, or (`EX`)
/// by its legacy Exchange DN, as it can for senders inside the organization
/// (PROTOCOL.md 6.5).
public enum MailboxRoutingType: String, Codable, Sendable {
    case smtp = "SMTP"
    case ex = "EX"
}
