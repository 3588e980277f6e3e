import EWS
import EWSSandbox
import Foundation
import Testing

/// The 401 challenges of each authentication style, one header per scheme as
/// IIS sends them, and the credentials each style takes, over real HTTP.
@Suite struct AuthenticationTests {
    static let fixture = """
        mailboxes:
          - { address: organizer@contoso.com, password: secret, token: opaque-token-1 }
        """

    static let online = [
        #"Bearer client_id="00000002-0000-0ff1-ce00-000000000000", trusted_issuers="00000001-0000-0000-c000-000000000000@*", token_types="app_asserted_user_v1 service_asserted_app_v1", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize""#,
        #"Basic Realm="""#,
    ]

    @Test(arguments: [
        (SandboxAuthentication.onPremises, ["Negotiate", "NTLM", #"Basic realm="127.0.0.1""#], true),
        (.basic, [#"Basic realm="127.0.0.1""#], true),
        (.online, online, false),
    ])
    func the401OffersTheStylesSchemes(_ style: SandboxAuthentication, _ challenges: [String], _ basic: Bool)
        async throws
    {
        let h = try await Harness(fixture: Self.fixture) { $0.authentication = style }
        defer { Task { await h.stop() } }
        let envelope = Harness.envelope(Harness.findItems("inbox"))
        let anonymous = try await h.post(envelope, user: nil)
        #expect(anonymous.status == 401)
        #expect(anonymous.headers.values("www-authenticate") == challenges)
        // Exchange Online names Basic in its challenge but no longer takes it (PROTOCOL.md 2.4).
        #expect(try await h.post(envelope).status == (basic ? 200 : 401))
        #expect(
            try await h.post(envelope, headers: [("Authorization", "Bearer opaque-token-1")], user: nil).status == 200)
    }

    @Test func aClientConfiguredForBasicSignsInWithBasicWhenNegotiateAndNTLMAreOffered() async throws {
        let h = try await Harness(fixture: Self.fixture)
        defer { Task { await h.stop() } }
        let reader = EWSMailboxReader(
            EWSClient(
                url: try #require(URL(string: h.server.url)), account: MailboxAccount(address: "organizer@contoso.com"),
                transport: try CurlTransport(
                    authentication: .basic(username: "organizer@contoso.com", password: Secret("secret")))))
        #expect(try await reader.findMeetingMessages(in: .inbox, receivedFrom: nil, offset: 0, known: 0).messages.isEmpty)

        let wrong = EWSMailboxReader(
            EWSClient(
                url: try #require(URL(string: h.server.url)), account: MailboxAccount(address: "organizer@contoso.com"),
                transport: try CurlTransport(
                    authentication: .basic(username: "organizer@contoso.com", password: Secret("guess")))))
        let error = try await #require(throws: EWSError.self) {
            try await wrong.findMeetingMessages(in: .inbox, receivedFrom: nil, offset: 0, known: 0)
        }
        #expect(error.message.contains("it offers Negotiate, NTLM, Basic"))
    }
}
