import EWS
import EWSSandbox
import Foundation
import TestSupport
import Testing
import XML

/// A sandbox served on a free loopback port for one test, with a client that
/// posts SOAP over real HTTP (libcurl) and checks every answer against the
/// EWS schema, so no test passes on an answer real clients would reject.
final class Harness: @unchecked Sendable {
    let server: SandboxServer
    var sandbox: Sandbox { server.sandbox }
    static let validator = Result { try SchemaValidator(directory: SharedFiles.schemaDirectory) }

    /// A fixture of mailboxes `<name>@contoso.com`, each with password `secret`.
    static func mailboxes(_ names: String...) -> String {
        "mailboxes:\n" + names.map { "  - { address: \($0)@contoso.com, password: secret }\n" }.joined()
    }

    static let twoMailboxes = mailboxes("organizer", "room")

    init(fixture: String = Harness.twoMailboxes, configure: (inout SandboxOptions) -> Void = { _ in }) async throws {
        var options = SandboxOptions()
        options.schemaDirectory = SharedFiles.schemaDirectory
        configure(&options)
        server = try await SandboxServer.start(
            try Sandbox(options: options, fixture: try Fixture.parse(fixture)), threads: 1)
    }

    func stop() async { try? await server.stop() }

    /// Posts raw bytes with optional headers; no validation.
    func post(
        _ body: String, headers: [(name: String, value: String)] = [], path: String = "/EWS/Exchange.asmx",
        user: String? = "organizer@contoso.com", password: String = "secret"
    ) async throws -> HTTPResponse {
        let auth: TransportAuthentication = user.map { .basic(username: $0, password: Secret(password)) } ?? .none
        let transport = try CurlTransport(authentication: auth)
        let target = URL(string: "http://127.0.0.1:\(server.port)\(path)")!
        return try await transport.send(
            HTTPRequest(
                url: target, headers: [("Content-Type", "text/xml; charset=utf-8")] + headers,
                body: Array(body.utf8)))
    }

    /// Sends one EWS operation as `user` and returns the parsed body element of
    /// a valid 200 answer (the test fails on anything else).
    @discardableResult
    func call(
        _ operation: String, as user: String = "organizer@contoso.com", header: String = "",
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> XMLElement {
        let response = try await post(Self.envelope(operation, header: header), user: user)
        let document = try XMLDocument(response.body)
        #expect(
            response.status == 200, "HTTP \(response.status): \(String(decoding: response.body, as: UTF8.self))",
            sourceLocation: sourceLocation)
        let violations = try Self.validator.get().violations(ofEnvelope: document)
        #expect(violations.isEmpty, "answer breaks the schema: \(violations)", sourceLocation: sourceLocation)
        return try #require(document.root?.path("Body")?.children.first, sourceLocation: sourceLocation)
    }

    /// Sends one operation expecting a SOAP fault; returns its response code.
    func fault(_ operation: String, as user: String = "organizer@contoso.com", header: String = "") async throws -> (
        code: String, detail: XMLElement?
    ) {
        let response = try await post(Self.envelope(operation, header: header), user: user)
        #expect(response.status == 500)
        let document = try XMLDocument(response.body)
        #expect(document.root?.path("Header", "ServerVersionInfo") != nil)
        let detail = document.root?.path("Body", "Fault", "detail")
        return (detail?.childText("ResponseCode") ?? "", detail)
    }

    static func envelope(_ operation: String, header: String = "") -> String {
        """
        <?xml version="1.0" encoding="utf-8"?>
        <soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"
          xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages"
          xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types">
          <soap:Header><t:RequestServerVersion Version="Exchange2013_SP1"/>\(header)</soap:Header>
          <soap:Body>\(operation)</soap:Body>
        </soap:Envelope>
        """
    }

    // MARK: Request snippets

    static func findItems(
        _ folder: String, mailbox: String? = nil, restriction: String = "", offset: Int = 0,
        max: Int = 100, shape: String = "IdOnly", fields: [String] = ["item:ItemClass", "item:Subject"]
    ) -> String {
        """
        <m:FindItem Traversal="Shallow"><m:ItemShape><t:BaseShape>\(shape)</t:BaseShape>
        <t:AdditionalProperties>\(fields.map { "<t:FieldURI FieldURI=\"\($0)\"/>" }.joined())</t:AdditionalProperties></m:ItemShape>
        <m:IndexedPageItemView MaxEntriesReturned="\(max)" Offset="\(offset)" BasePoint="Beginning"/>
        \(restriction.isEmpty ? "" : "<m:Restriction>\(restriction)</m:Restriction>")
        <m:SortOrder><t:FieldOrder Order="Ascending"><t:FieldURI FieldURI="item:DateTimeReceived"/></t:FieldOrder></m:SortOrder>
        <m:ParentFolderIds>\(distinguished(folder, mailbox))</m:ParentFolderIds></m:FindItem>
        """
    }

    static func classIs(_ itemClass: String) -> String {
        "<t:IsEqualTo><t:FieldURI FieldURI=\"item:ItemClass\"/><t:FieldURIOrConstant><t:Constant Value=\"\(itemClass)\"/></t:FieldURIOrConstant></t:IsEqualTo>"
    }

    static func distinguished(_ folder: String, _ mailbox: String? = nil) -> String {
        let owner = mailbox.map { "<t:Mailbox><t:EmailAddress>\($0)</t:EmailAddress></t:Mailbox>" } ?? ""
        return "<t:DistinguishedFolderId Id=\"\(folder)\">\(owner)</t:DistinguishedFolderId>"
    }

    static func getItems(_ ids: [String], fields: [String]) -> String {
        """
        <m:GetItem><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape><t:BodyType>Text</t:BodyType>
        <t:AdditionalProperties>\(fields.map { "<t:FieldURI FieldURI=\"\($0)\"/>" }.joined())</t:AdditionalProperties></m:ItemShape>
        <m:ItemIds>\(ids.map { "<t:ItemId Id=\"\($0)\"/>" }.joined())</m:ItemIds></m:GetItem>
        """
    }

    static func createMeeting(
        subject: String, start: String, end: String, attendees: [String],
        invitations: String = "SendToAllAndSaveCopy", extra: String = ""
    ) -> String {
        """
        <m:CreateItem SendMeetingInvitations="\(invitations)"><m:Items><t:CalendarItem>
        <t:Subject>\(subject)</t:Subject><t:Body BodyType="Text">Agenda</t:Body>
        <t:Start>\(start)</t:Start><t:End>\(end)</t:End><t:Location>Room 1</t:Location>
        \(attendees.isEmpty ? "" : "<t:RequiredAttendees>" + attendees.map { "<t:Attendee><t:Mailbox><t:EmailAddress>\($0)</t:EmailAddress></t:Mailbox></t:Attendee>" }.joined() + "</t:RequiredAttendees>")
        \(extra)</t:CalendarItem></m:Items></m:CreateItem>
        """
    }

    static func respond(
        _ kind: String, to id: String, disposition: String = "SendAndSaveCopy", body: String = "ok",
        proposed: (String, String)? = nil
    ) -> String {
        let proposal =
            proposed.map { "<t:ProposedStart>\($0.0)</t:ProposedStart><t:ProposedEnd>\($0.1)</t:ProposedEnd>" } ?? ""
        return """
            <m:CreateItem MessageDisposition="\(disposition)"><m:Items><t:\(kind)><t:Body BodyType="Text">\(body)</t:Body>
            <t:ReferenceItemId Id="\(id)"/>\(proposal)</t:\(kind)></m:Items></m:CreateItem>
            """
    }
}

extension XMLElement {
    /// Items inside a FindItem or GetItem answer, across response messages.
    var items: [XMLElement] {
        (try? select(".//*[local-name()='Items']/*")) ?? []
    }
    /// ResponseClass and ResponseCode of each response message.
    var responseCodes: [String] {
        (child("ResponseMessages")?.children ?? []).map { $0.childText("ResponseCode") ?? "" }
    }
    var itemId: String { child("ItemId")?.attribute("Id") ?? "" }
}
