import Foundation

/// A person or resource as EWS names one (`t:EmailAddressType`). The address
/// is missing in some summaries, and for internal senders it can be an
/// Exchange legacy DN rather than SMTP, which `routingType` says ("EX").
/// `EWSMailboxReader` resolves such a DN to the SMTP address and keeps the DN
/// in `legacyDN`; one it cannot resolve stays `EX` (`isUnresolved`).
public struct Mailbox: Sendable, Hashable, CustomStringConvertible {
    public var name: String?
    public var address: String?
    public var routingType: String?
    /// The legacy Exchange DN the server named the mailbox by, if it did.
    public var legacyDN: String?

    public init(name: String? = nil, address: String?, routingType: String? = nil, legacyDN: String? = nil) {
        self.name = name
        self.address = address
        self.routingType = routingType
        self.legacyDN = legacyDN
    }

    /// The address when it is an SMTP address.
    public var smtpAddress: String? {
        guard let address, routingType.map({ $0.uppercased() == "SMTP" }) ?? address.contains("@") else { return nil }
        return address
    }

    /// Named by a legacy Exchange DN with no SMTP address known: a mailbox
    /// inside the organization, never to be taken for an external one
    /// (PROTOCOL.md 6.5).
    public var isUnresolved: Bool { routingType?.uppercased() == "EX" }

    public var description: String { address ?? name ?? "(unknown)" }
}

/// An attendee of a meeting. On the organizer's calendar item `response`
/// and `lastResponseTime` are what the server recorded from the attendee's
/// reply (PROTOCOL.md 6.1).
public struct Attendee: Sendable, Hashable {
    /// Which list of the meeting the attendee is on.
    public enum Role: String, Sendable, Hashable, CaseIterable {
        case required, optional, resource
    }

    public var mailbox: Mailbox
    public var role: Role
    public var response: ResponseType?
    public var lastResponseTime: Date?
    public var proposedStart: Date?
    public var proposedEnd: Date?

    public init(
        mailbox: Mailbox, role: Role = .required, response: ResponseType? = nil, lastResponseTime: Date? = nil,
        proposedStart: Date? = nil, proposedEnd: Date? = nil
    ) {
        self.mailbox = mailbox
        self.role = role
        self.response = response
        self.lastResponseTime = lastResponseTime
        self.proposedStart = proposedStart
        self.proposedEnd = proposedEnd
    }
}
