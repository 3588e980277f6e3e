import EWS
import EWSSandbox
import Foundation
import TestSupport
import Testing
import XML

/// The endpoint as clients meet it: authentication, version header,
/// validation, faults for bad requests, impersonation and delegate access.
@Suite struct ProtocolTests {
    static let fixture = """
        mailboxes:
          - address: organizer@contoso.com
            password: secret
            token: opaque-token-1
          - address: room@contoso.com
            password: secret
            delegates: [assistant@contoso.com]
          - address: assistant@contoso.com
            password: secret
          - address: service@contoso.com
            password: secret
            impersonation: true
        """

    @Test func unauthenticatedAndWrongCredentialsGet401WithChallenges() async throws {
        let h = try await Harness(fixture: Self.fixture)
        defer { Task { await h.stop() } }
        let envelope = Harness.envelope(Harness.findItems("inbox"))
        let anonymous = try await h.post(envelope, user: nil)
        #expect(anonymous.status == 401)
        #expect(anonymous.headers["www-authenticate"] != nil)
        #expect(try await h.post(envelope, password: "wrong").status == 401)
        #expect(try await h.post(envelope, user: "nobody@contoso.com").status == 401)
        let bearer = try await h.post(envelope, headers: [("Authorization", "Bearer opaque-token-1")], user: nil)
        #expect(bearer.status == 200)
        #expect(try await h.post(envelope, headers: [("Authorization", "Bearer other")], user: nil).status == 401)
    }

    @Test func everyAnswerCarriesServerVersionInfoAndConvertIdAnswersTheProbe() async throws {
        let h = try await Harness(fixture: Self.fixture)
        defer { Task { await h.stop() } }
        let probe = """
            <m:ConvertId DestinationFormat="EntryId"><m:SourceIds>
            <t:AlternateId Format="EwsId" Id="DUMMY" Mailbox="DUMMY"/></m:SourceIds></m:ConvertId>
            """
        let body = try await h.call(probe)
        #expect(body.responseCodes == ["ErrorInvalidIdMalformed"])
        let response = try await h.post(Harness.envelope(probe))
        let info = try #require(try XMLDocument(response.body).root?.path("Header", "ServerVersionInfo"))
        #expect(info.attribute("MajorVersion") == "15")
        #expect(info.attribute("Version") == "V2017_07_11")
    }

    @Test func badRequestsGetExchangesFaults() async throws {
        let h = try await Harness(fixture: Self.fixture)
        defer { Task { await h.stop() } }
        let malformed = try await h.post("<soap:Envelope><unclosed>")
        #expect(malformed.status == 500)
        #expect(String(decoding: malformed.body, as: UTF8.self).contains("ErrorSchemaValidation"))

        let unknown = try await h.fault("<m:Frobnicate/>")
        #expect(unknown.code == "ErrorSchemaValidation")

        // Each broken sample request is refused with the line and position of the violation.
        for file in try SharedFiles.samples(endingIn: ".xml", broken: true) {
            let text = try String(contentsOf: file, encoding: .utf8)
            let response = try await h.post(text)
            #expect(response.status == 500, "\(file.lastPathComponent)")
            let detail = try XMLDocument(response.body).root?.path("Body", "Fault", "detail")
            #expect(detail?.childText("ResponseCode") == "ErrorSchemaValidation", "\(file.lastPathComponent)")
            let line = detail?.path("MessageXml", "LineNumber")?.trimmedText ?? ""
            #expect((Int(line) ?? 0) > 0, "\(file.lastPathComponent)")
            #expect(detail?.path("MessageXml", "Violation")?.trimmedText.isEmpty == false)
        }
    }

    @Test func withoutSchemaValidationUnknownOperationsAndVersionsAreStillRefused() async throws {
        let h = try await Harness(fixture: Self.fixture) { $0.schemaDirectory = nil }
        defer { Task { await h.stop() } }
        #expect(try await h.fault("<m:Frobnicate/>").code == "ErrorInvalidRequest")
        let badVersion = Harness.envelope(Harness.findItems("inbox")).replacingOccurrences(
            of: "Exchange2013_SP1", with: "Exchange2099")
        let response = try await h.post(badVersion)
        #expect(response.status == 500)
        #expect(String(decoding: response.body, as: UTF8.self).contains("ErrorInvalidServerVersion"))
    }

    @Test func wrongPathsAndMethodsAreRefused() async throws {
        let h = try await Harness(fixture: Self.fixture)
        defer { Task { await h.stop() } }
        #expect(try await h.post("x", path: "/owa/").status == 404)
        #expect(try await h.post("", path: "/_sandbox/nothing").status == 404)
        let clock = try await h.post("", path: "/_sandbox/clock?advance=60")
        #expect(clock.status == 409)  // the system clock cannot be moved
    }

    @Test func impersonationActsAsTheMailboxWhenAllowed() async throws {
        let h = try await Harness(fixture: Self.fixture)
        defer { Task { await h.stop() } }
        _ = try await h.call(
            Harness.createMeeting(
                subject: "For the room", start: "2026-12-01T09:00:00Z",
                end: "2026-12-01T10:00:00Z", attendees: ["room@contoso.com"]))
        let impersonate =
            "<t:ExchangeImpersonation><t:ConnectingSID><t:PrimarySmtpAddress>room@contoso.com</t:PrimarySmtpAddress></t:ConnectingSID></t:ExchangeImpersonation>"
        let found = try await h.call(
            Harness.findItems("inbox", restriction: Harness.classIs(ItemClass.meetingRequest)),
            as: "service@contoso.com", header: impersonate)
        #expect(found.items.count == 1)
        #expect(
            try await h.fault(Harness.findItems("inbox"), as: "assistant@contoso.com", header: impersonate).code
                == "ErrorImpersonateUserDenied")
        let nobody = impersonate.replacingOccurrences(of: "room@", with: "nobody@")
        #expect(
            try await h.fault(Harness.findItems("inbox"), as: "service@contoso.com", header: nobody).code
                == "ErrorNonExistentMailbox")
    }

    @Test func delegateAccessNeedsPermission() async throws {
        let h = try await Harness(fixture: Self.fixture)
        defer { Task { await h.stop() } }
        let roomInbox = Harness.findItems("inbox", mailbox: "room@contoso.com")
        #expect(try await h.call(roomInbox, as: "assistant@contoso.com").responseCodes == ["NoError"])
        #expect(try await h.call(roomInbox, as: "organizer@contoso.com").responseCodes == ["ErrorAccessDenied"])
        let folders =
            "<m:GetFolder><m:FolderShape><t:BaseShape>Default</t:BaseShape></m:FolderShape><m:FolderIds>"
            + Harness.distinguished("root") + Harness.distinguished("inbox") + Harness.distinguished("calendar")
            + Harness.distinguished("calendar", "room@contoso.com") + "</m:FolderIds></m:GetFolder>"
        let answer = try await h.call(folders)
        #expect(answer.responseCodes == ["NoError", "NoError", "NoError", "ErrorAccessDenied"])
        let names = try answer.select(".//t:DisplayName", namespaces: ["t": Namespace.types]).map(\.trimmedText)
        #expect(names == ["Root", "Inbox", "Calendar"])
    }
}
