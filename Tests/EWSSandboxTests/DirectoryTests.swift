import EWS
import EWSSandbox
import Foundation
import TestSupport
import Testing
import XML

/// Mailboxes named by their legacy Exchange DN (`routing_type: EX`) and
/// ResolveNames as Exchange answers it (PROTOCOL.md 6.5).
@Suite struct DirectoryTests {
    static let fixture = """
        mailboxes:
          - { address: organizer@contoso.com, name: Olga Organizer, password: secret, routing_type: EX }
          - { address: room@contoso.com, name: Room 4.12, password: secret }
          - { address: ann@contoso.com, name: Ann Smith, password: secret }
          - { address: anna@contoso.com, name: Anna Jones, password: secret }
        meetings:
          - { organizer: organizer@contoso.com, subject: Review, start: "2026-03-03T09:00:00Z", end: "2026-03-03T10:00:00Z", attendees: [ann@contoso.com], resources: [room@contoso.com] }
        """
    static func organizerDN(_ h: Harness) -> String? {
        h.sandbox.withStore { $0.mailboxes["organizer@contoso.com"]?.legacyDN }
    }

    static func resolve(_ entry: String, attributes: String = "ReturnFullContactData=\"false\"") -> String {
        "<m:ResolveNames \(attributes)><m:UnresolvedEntry>\(entry)</m:UnresolvedEntry></m:ResolveNames>"
    }

    /// The Mailbox elements of the answer's resolutions.
    static func resolved(_ body: XMLElement) -> [XMLElement] {
        (try? body.select(".//*[local-name()='Resolution']/*[local-name()='Mailbox']")) ?? []
    }

    @Test func anEXMailboxIsNamedByItsLegacyDNWhereverItIsWritten() async throws {
        let h = try await Harness(fixture: Self.fixture)
        defer { Task { await h.stop() } }
        let dn = try #require(Self.organizerDN(h))
        #expect(dn.hasPrefix("/o=ExchangeLabs/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn="))
        #expect(dn.hasSuffix("-organizer"))
        let found = try await h.call(
            Harness.findItems("inbox", restriction: Harness.classIs(ItemClass.meetingRequest)), as: "room@contoso.com")
        let id = try #require(found.items.first).itemId
        let fields = ["message:From", "message:Sender", "calendar:Organizer", "calendar:RequiredAttendees"]
        let request = try #require(
            try await h.call(Harness.getItems([id], fields: fields), as: "room@contoso.com").items.first)
        for name in ["From", "Sender", "Organizer"] {
            let mailbox = try #require(request.path(name, "Mailbox"), "\(name)")
            #expect(mailbox.childText("RoutingType") == "EX", "\(name)")
            #expect(mailbox.childText("EmailAddress") == dn, "\(name)")
            #expect(mailbox.childText("Name") == "Olga Organizer", "\(name)")
        }
        // Other mailboxes keep their SMTP addresses (the organizer comes first
        // among the required attendees of a received request, as Exchange lists it).
        let attendees = (request.child("RequiredAttendees")?.children("Attendee") ?? []).compactMap { $0.child("Mailbox") }
        #expect(attendees.first?.childText("EmailAddress") == dn)
        let attendee = try #require(attendees.first { $0.childText("EmailAddress") == "ann@contoso.com" })
        #expect(attendee.childText("RoutingType") == "SMTP")
        // The organizer's own item names the organizer the same way.
        let calendar = try await h.call(
            Harness.findItems("calendar", fields: ["calendar:Organizer"]), as: "organizer@contoso.com")
        // A FindItem names people without their addresses (PROTOCOL.md 3.1).
        #expect(calendar.items.first?.path("Organizer", "Mailbox", "Name")?.trimmedText == "Olga Organizer")
        #expect(calendar.items.first?.path("Organizer", "Mailbox", "EmailAddress") == nil)
    }

    @Test func resolveNamesFindsAMailboxByDNAddressOrName() async throws {
        let h = try await Harness(fixture: Self.fixture)
        defer { Task { await h.stop() } }
        let dn = try #require(Self.organizerDN(h))
        for entry in [dn, dn.uppercased(), "organizer@contoso.com", "smtp:organizer@contoso.com", "Olga", "organ"] {
            let body = try await h.call(Self.resolve(entry), as: "room@contoso.com")
            let message = try #require(body.child("ResponseMessages")?.children.first)
            #expect(message.attribute("ResponseClass") == "Success", "\(entry)")
            #expect(message.childText("ResponseCode") == "NoError")
            #expect(message.child("ResolutionSet")?.attribute("TotalItemsInView") == "1")
            #expect(message.child("ResolutionSet")?.attribute("IncludesLastItemInRange") == "true")
            let mailbox = try #require(Self.resolved(body).first, "\(entry)")
            #expect(mailbox.childText("EmailAddress") == "organizer@contoso.com")
            #expect(mailbox.childText("RoutingType") == "SMTP")
            #expect(mailbox.childText("MailboxType") == "Mailbox")
            #expect(mailbox.childText("Name") == "Olga Organizer")
        }
        // A word of the display name counts; a piece in the middle does not.
        #expect(
            Self.resolved(try await h.call(Self.resolve("Jones"))).map { $0.childText("EmailAddress") } == [
                "anna@contoso.com"
            ])
        let middle = try await h.call(Self.resolve("rganizer"))
        #expect(middle.responseCodes == ["ErrorNameResolutionNoResults"])
    }

    @Test func severalCandidatesAreAWarningAndNoneAnError() async throws {
        let h = try await Harness(fixture: Self.fixture)
        defer { Task { await h.stop() } }
        let several = try await h.call(Self.resolve("Ann"))
        let message = try #require(several.child("ResponseMessages")?.children.first)
        #expect(message.attribute("ResponseClass") == "Warning")
        #expect(message.childText("ResponseCode") == "ErrorNameResolutionMultipleResults")
        #expect(message.child("ResolutionSet")?.attribute("TotalItemsInView") == "2")
        #expect(Self.resolved(several).map { $0.childText("EmailAddress") } == ["ann@contoso.com", "anna@contoso.com"])

        let unknownDN = "/o=ExchangeLabs/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=0-nobody"
        for entry in [unknownDN, "nobody@contoso.com", "smtp:olga"] {
            let none = try await h.call(Self.resolve(entry))
            let error = try #require(none.child("ResponseMessages")?.children.first, "\(entry)")
            #expect(error.attribute("ResponseClass") == "Error")
            #expect(error.childText("ResponseCode") == "ErrorNameResolutionNoResults")
            #expect(error.child("ResolutionSet") == nil)
        }
        #expect(try await h.call(Self.resolve("-")).responseCodes == ["ErrorInvalidNameForNameResolution"])
        // Only contacts are searched with that scope, and the sandbox has none.
        let contacts = try await h.call(
            Self.resolve("Ann Smith", attributes: "ReturnFullContactData=\"false\" SearchScope=\"Contacts\""))
        #expect(contacts.responseCodes == ["ErrorNameResolutionNoResults"])
    }

    @Test func fullContactDataDescribesTheDirectoryEntry() async throws {
        let h = try await Harness(fixture: Self.fixture)
        defer { Task { await h.stop() } }
        let body = try await h.call(Self.resolve("ann@", attributes: "ReturnFullContactData=\"true\""))
        let contact = try #require(try body.select(".//*[local-name()='Resolution']/*[local-name()='Contact']").first)
        #expect(contact.childText("DisplayName") == "Ann Smith")
        #expect(contact.path("EmailAddresses", "Entry")?.trimmedText == "SMTP:ann@contoso.com")
        #expect(contact.childText("ContactSource") == "ActiveDirectory")
    }

    @Test func anUnknownRoutingTypeInAFixtureIsAnError() {
        let fixture = "mailboxes:\n  - { address: a@contoso.com, routing_type: X400 }\n"
        #expect(throws: FixtureError.self) { _ = try Fixture.parse(fixture) }
    }
}
