import Foundation
import TestSupport
import Testing
@testable import EWS
@testable import XML

/// Every request the client can write, in every access mode, validates
/// against the official schema, SOAP headers included.
@Suite struct RequestSchemaTests {
    static let validator = Result { try SchemaValidator(directory: SharedFiles.schemaDirectory) }
    static let start = Date(timeIntervalSince1970: 1_772_438_400)
    static let id = ItemId("AAMkADEzOTExYjJkLTRhNzUtNDRmMi1hYWRjLTEAAA=", changeKey: "CwAAABYAAAB1")
    static let folderId = FolderId("AAMkADEzOTExYjJkLXByb2Nlc3NlZC1mb2xkZXIAAA=", changeKey: "AQAAABYAAAA1")

    /// A name and a way to build each request variant for a mailbox (nil unless delegate).
    static let requests: [(String, @Sendable (String?) -> any EWSOperation)] = [
        ("FindItem inbox", { FindItem(folder: .inbox, mailbox: $0, offset: 0, pageSize: 250) }),
        (
            "FindItem deleted items, later page",
            { FindItem(folder: .deletedItems, mailbox: $0, offset: 500, pageSize: 100) }
        ),
        (
            "FindItem by folder id, one class",
            { _ in FindItem(folder: .id(folderId), offset: 0, pageSize: 10, classPrefixes: [ItemClass.meetingRequest]) }
        ),
        (
            "CalendarView",
            {
                CalendarView(
                    folder: .calendar, mailbox: $0, start: start, end: start + CalendarView.maxWindow, maxEntries: 500)
            }
        ),
        ("GetItem meeting messages", { _ in GetItem.meetingMessages([id, ItemId("second")]) }),
        ("GetItem calendar items", { _ in GetItem.calendarItems([id]) }),
        (
            "Accept with comment",
            {
                RespondToMeeting([(id, MeetingReply(.accept, comment: "Booked. <ok> & \"thanks\""))], mailbox: $0)
            }
        ),
        (
            "Tentative without reply",
            { RespondToMeeting([(id, MeetingReply(.tentative, sendReply: false))], mailbox: $0) }
        ),
        (
            "Decline proposing a new time",
            {
                RespondToMeeting(
                    [(id, MeetingReply(.decline, comment: "Taken", proposedStart: start, proposedEnd: start + 3600))],
                    mailbox: $0)
            }
        ),
        ("RemoveItem", { _ in RemoveItem(cancellations: [id]) }),
        (
            "Several accepts in one CreateItem",
            { RespondToMeeting([(id, MeetingReply(.accept)), (ItemId("second"), MeetingReply(.accept))], mailbox: $0) }
        ),
        ("Several RemoveItems", { _ in RemoveItem(cancellations: [id, ItemId("second")]) }),
        (
            "DeleteItem to Deleted Items",
            { _ in
                DeleteItem(
                    ids: [id, ItemId("x")], deleteType: .moveToDeletedItems, cancellations: nil,
                    suppressReadReceipts: true)
            }
        ),
        (
            "DeleteItem hard",
            { _ in DeleteItem(ids: [id], deleteType: .hardDelete, cancellations: nil, suppressReadReceipts: false) }
        ),
        (
            "DeleteItem calendar item",
            { _ in
                DeleteItem(ids: [id], deleteType: .softDelete, cancellations: .sendToNone, suppressReadReceipts: true)
            }
        ),
        ("MoveItem to a folder", { _ in MoveItem(ids: [id], destination: .id(folderId)) }),
        ("MoveItem to Deleted Items", { MoveItem(ids: [id], destination: .deletedItems, mailbox: $0) }),
    ]

    static let cases: [(String, MailboxAccess)] = requests.flatMap { name, _ in
        MailboxAccess.allCases.map { (name, $0) }
    }

    @Test(arguments: cases)
    func requestValidates(_ name: String, _ access: MailboxAccess) throws {
        let make = try #require(Self.requests.first { $0.0 == name }?.1)
        let mailbox = access == .delegate ? "room@example.com" : nil
        let header = RequestHeader(
            version: .exchange2013SP1, impersonate: access == .impersonation ? "room@example.com" : nil)
        let bytes = try SOAP.envelope(make(mailbox), header: header)
        let document = try XMLDocument(bytes)
        #expect(try Self.validator.get().violations(ofEnvelope: document) == [], "\(name) (\(access))")
    }

    @Test func everyDeleteTypeAndCancellationModeValidates() throws {
        for type in DeleteType.allCases {
            for cancellations in SendMeetingCancellations.allCases {
                let op = DeleteItem(
                    ids: [Self.id], deleteType: type, cancellations: cancellations, suppressReadReceipts: false)
                let document = try XMLDocument(SOAP.envelope(op, header: RequestHeader(version: .exchange2016)))
                #expect(try Self.validator.get().violations(ofEnvelope: document) == [], "\(type) \(cancellations)")
            }
        }
    }

    @Test func impersonationNamesTheMailboxInTheHeader() throws {
        let bytes = try SOAP.envelope(
            GetItem.calendarItems([Self.id]),
            header: RequestHeader(version: .exchange2013SP1, impersonate: "room@example.com"))
        let document = try XMLDocument(bytes)
        let ns = ["t": Namespace.types, "s": Namespace.soap]
        let address = try document.select(
            "/s:Envelope/s:Header/t:ExchangeImpersonation/t:ConnectingSID/t:PrimarySmtpAddress", namespaces: ns)
        #expect(address.map(\.text) == ["room@example.com"])
        let version = try document.select("/s:Envelope/s:Header/t:RequestServerVersion", namespaces: ns)
        #expect(version.first?.attribute("Version") == "Exchange2013_SP1")
    }

    @Test func hostileCommentIsEscapedNotInterpreted() throws {
        let comment = "</t:Body><t:Evil/> & ]]> \u{07}"
        let op = RespondToMeeting([(Self.id, MeetingReply(.decline, comment: comment))], mailbox: nil)
        let document = try XMLDocument(SOAP.envelope(op, header: RequestHeader(version: .exchange2013SP1)))
        let body = try document.select("//t:Body", namespaces: ["t": Namespace.types])
        #expect(body.map(\.text) == ["</t:Body><t:Evil/> & ]]> \u{FFFD}"])
        #expect(try Self.validator.get().violations(ofEnvelope: document) == [])
    }
}
