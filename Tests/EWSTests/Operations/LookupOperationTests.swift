import Foundation
import TestSupport
import Testing
@testable import EWS
@testable import XML

/// ResolveNames and the FindItem by global object id: their requests
/// validate in every access mode, their answers parse, and a UID becomes
/// the blob Exchange stores (PROTOCOL.md 6.4, 6.5).
@Suite struct LookupOperationTests {
    static let dn = "/o=ExchangeLabs/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=3f1b2c9d-ann"
    /// The PidLidGlobalObjectId of an exception, from MS-OXOCAL 4.1.
    static let exceptionUID =
        "040000008200E00074C5B7101A82E00807D803195025D461E473C8010000000000000000100000002A5844B3A444F74A9C246C60886F116B"

    static let requests: [(String, @Sendable (String?) -> any EWSOperation)] = [
        ("ResolveNames of a legacy DN", { _ in ResolveNames(entry: dn) }),
        ("ResolveNames of a name with markup", { _ in ResolveNames(entry: "Ann <ann@contoso.com> & co") }),
        ("FindItem by global object id", { FindMeetingItems(folder: .calendar, mailbox: $0, uid: exceptionUID) }),
        (
            "FindItem by a third-party UID",
            { FindMeetingItems(folder: .calendar, mailbox: $0, uid: "abc-123@calendar.example.org") }
        ),
    ]

    static let cases: [(String, MailboxAccess)] = requests.flatMap { name, _ in
        MailboxAccess.allCases.map { (name, $0) }
    }

    @Test(arguments: cases)
    func requestValidates(_ name: String, _ access: MailboxAccess) throws {
        let make = try #require(Self.requests.first { $0.0 == name }?.1)
        let header = RequestHeader(
            version: .exchange2013SP1, impersonate: access == .impersonation ? "room@example.com" : nil)
        let bytes = try SOAP.envelope(make(access == .delegate ? "room@example.com" : nil), header: header)
        let validator = try SchemaValidator(directory: SharedFiles.schemaDirectory)
        #expect(try validator.violations(ofEnvelope: XMLDocument(bytes)) == [], "\(name) (\(access))")
    }

    static func answer(_ message: String) -> HTTPResponse {
        Reply.operation("ResolveNames", [message])
    }

    static func resolution(_ name: String, _ address: String) -> String {
        """
        <t:Resolution><t:Mailbox><t:Name>\(name)</t:Name><t:EmailAddress>\(address)</t:EmailAddress>
        <t:RoutingType>SMTP</t:RoutingType><t:MailboxType>Mailbox</t:MailboxType></t:Mailbox>
        <t:Contact><t:DisplayName>\(name)</t:DisplayName><t:ContactSource>ActiveDirectory</t:ContactSource></t:Contact>
        </t:Resolution>
        """
    }

    static func parse(_ response: HTTPResponse) throws(EWSError) -> [Mailbox] {
        try ResolveNames(entry: dn).parse(SOAP.body(of: response, operation: "ResolveNames"))
    }

    @Test func resolveNamesAnswers() throws {
        let one = Reply.success(
            "ResolveNames",
            "<m:ResolutionSet TotalItemsInView=\"1\" IncludesLastItemInRange=\"true\">\(Self.resolution("Ann", "ann@contoso.com"))</m:ResolutionSet>"
        )
        #expect(
            try Self.parse(Self.answer(one))
                == [Mailbox(name: "Ann", address: "ann@contoso.com", routingType: "SMTP")])

        let several = """
            <m:ResolveNamesResponseMessage ResponseClass="Warning"><m:MessageText>Multiple results were found.</m:MessageText>
            <m:ResponseCode>ErrorNameResolutionMultipleResults</m:ResponseCode><m:DescriptiveLinkKey>0</m:DescriptiveLinkKey>
            <m:ResolutionSet TotalItemsInView="2" IncludesLastItemInRange="true">\(Self.resolution("Ann", "ann@contoso.com"))\(Self.resolution("Anna", "anna@contoso.com"))</m:ResolutionSet>
            </m:ResolveNamesResponseMessage>
            """
        #expect(
            try Self.parse(Self.answer(several)).compactMap(\.smtpAddress) == ["ann@contoso.com", "anna@contoso.com"])

        #expect(try Self.parse(Self.answer(Reply.error("ResolveNames", "ErrorNameResolutionNoResults"))) == [])
        let error = try #require(throws: EWSError.self) {
            try Self.parse(Self.answer(Reply.error("ResolveNames", "ErrorNameResolutionNoMailbox")))
        }
        #expect(error.responseCode == ResponseCode(rawValue: "ErrorNameResolutionNoMailbox"))
    }

    @Test func findMeetingItemsAnswer() throws {
        let items = [Reply.item("CalendarItem", id: "a"), Reply.item("CalendarItem", id: "b")].joined()
        let response = Reply.operation(
            "FindItem",
            [
                Reply.success(
                    "FindItem",
                    "<m:RootFolder TotalItemsInView=\"2\" IncludesLastItemInRange=\"true\"><t:Items>\(items)</t:Items></m:RootFolder>"
                )
            ])
        let op = FindMeetingItems(folder: .calendar, uid: Self.exceptionUID)
        #expect(
            try op.parse(SOAP.body(of: response, operation: "FindItem"))
                == [ItemId("a", changeKey: "ck-a"), ItemId("b", changeKey: "ck-b")])
    }

    @Test func aUIDInTheHexFormIsTheBlob() {
        let id = GlobalObjectId(uid: Self.exceptionUID)
        #expect(id.bytes.count == 56)
        #expect(id.bytes[16..<20] == [0x07, 0xD8, 0x03, 0x19])  // 25 March 2008, the replaced instance
        #expect(id.clean[16..<20] == [0, 0, 0, 0])
        #expect(id.clean[20...] == id.bytes[20...])
        // Lower-case hex is the same blob.
        #expect(GlobalObjectId(uid: Self.exceptionUID.lowercased()) == id)
    }

    @Test func anyOtherUIDIsWrappedAsAThirdPartyId() {
        let uid = "abc-123@calendar.example.org"
        let bytes = GlobalObjectId(uid: uid).bytes
        let data = Array("vCal-Uid".utf8) + [1, 0, 0, 0] + Array(uid.utf8) + [0]
        #expect(bytes.prefix(16) == GlobalObjectId.byteArrayId[...])
        #expect(bytes[16..<36] == [UInt8](repeating: 0, count: 20)[...])
        #expect(bytes[36..<40] == [UInt8(data.count), 0, 0, 0])
        #expect(Array(bytes[40...]) == data)
        // Hex that is too short for a global object id (under 82 digits) is a third-party UID too.
        let short = String(Self.exceptionUID.prefix(72))
        #expect(GlobalObjectId(uid: short).bytes.suffix(short.utf8.count + 1) == Array(short.utf8) + [0])
    }

    @Test func exchangeAddressesAreUnresolvedUntilResolved() {
        let dn = Mailbox(name: "Ann", address: Self.dn, routingType: "EX")
        #expect(dn.isUnresolved && dn.smtpAddress == nil)
        let smtp = Mailbox(name: "Ann", address: "ann@contoso.com", routingType: "SMTP", legacyDN: Self.dn)
        #expect(!smtp.isUnresolved && smtp.smtpAddress == "ann@contoso.com")
    }

    /// Concurrent readers of the same DN share one ResolveNames.
    @Test func oneResolveNamesPerDNUnderConcurrentUse() async throws {
        let transport = ScriptedTransport { (_, _) throws(TransportError) in
            Self.answer(
                Reply.success(
                    "ResolveNames",
                    "<m:ResolutionSet TotalItemsInView=\"1\" IncludesLastItemInRange=\"true\">\(Self.resolution("Ann", "ann@contoso.com"))</m:ResolutionSet>"
                ))
        }
        let resolver = LegacyDNResolver(try EWSClient.test(transport))
        let mailbox = Mailbox(name: "Ann", address: Self.dn, routingType: "EX")
        let resolved = await withTaskGroup(of: Mailbox?.self) { group in
            for _ in 0..<20 { group.addTask { await resolver.resolved(mailbox) } }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(resolved.count == 20)
        #expect(
            resolved.allSatisfy {
                $0 == Mailbox(name: "Ann", address: "ann@contoso.com", routingType: "SMTP", legacyDN: Self.dn)
            })
        #expect(transport.requests.count == 1)
        // The DN is compared without case, as Exchange compares it.
        _ = await resolver.resolved(Mailbox(address: Self.dn.uppercased(), routingType: "EX"))
        #expect(transport.requests.count == 1)
    }
}
