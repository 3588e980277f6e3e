import EWS
import Foundation
import Testing
@testable import MeetingBot

/// The EWS pieces made from a configuration.
@Suite struct FactoryTests {
    @Test func transportAndMailboxOptions() throws {
        let text = Config.with(
            auth: "{ type: basic, username: room, password_env: PW }",
            exchange: "  tls: { ca_file: /etc/ssl/private-ca.pem }\n  proxy: http://proxy:3128\n  timeout: 45s\n")
        let configuration = try Config.load(text + "batch_size: 10\npage_size: 50\n")
        let options = configuration.transportOptions
        #expect(options.caFile == "/etc/ssl/private-ca.pem")
        #expect(options.proxy == "http://proxy:3128")
        #expect(options.timeout == .seconds(45))
        #expect(options.connectTimeout == TransportOptions().connectTimeout)
        #expect(configuration.mailboxOptions.batchSize == 10)
        #expect(configuration.mailboxOptions.pageSize == 50)
    }

    @Test func oneClientPerMailboxSharingOneAuthentication() throws {
        let text = """
            exchange:
              url: http://127.0.0.1:8080/EWS/Exchange.asmx
              version: Exchange2016
              auth: { type: basic, username: bot@contoso.com, password_env: PW }
            mailboxes:
              - { address: room@contoso.com, rules: room.yml }
              - { address: ann@contoso.com, rules: ann.yml, access: impersonation }
            state_dir: state

            """
        let configuration = try Config.load(text)
        let authentication = try configuration.authentication(configuration.credentials(environment: ["PW": "pw"]))
        guard case .basic(let username, let password) = authentication else {
            Issue.record("not basic")
            return
        }
        #expect(username == "bot@contoso.com")
        #expect(password.reveal() == "pw")
        let clients = try configuration.mailboxes.map { mailbox throws(TransportError) in
            try configuration.client(for: mailbox, authentication: authentication)
        }
        #expect(
            clients.map(\.url) == Array(repeating: URL(string: "http://127.0.0.1:8080/EWS/Exchange.asmx"), count: 2))
        #expect(
            clients.map(\.account) == [
                MailboxAccount(address: "room@contoso.com", access: .own),
                MailboxAccount(address: "ann@contoso.com", access: .impersonation),
            ])
        #expect(clients.map(\.version) == [.exchange2016, .exchange2016])
    }

    @Test func oauthMakesOneTokenProvider() throws {
        let text = Config.with(
            auth:
                "{ type: oauth, tenant: t, client_id: app, client_secret_env: S, token_url: \"http://127.0.0.1:9/token\" }"
        )
        let configuration = try Config.load(text)
        let authentication = try configuration.authentication(configuration.credentials(environment: ["S": "s"]))
        guard case .bearer(let provider) = authentication else {
            Issue.record("not a bearer token")
            return
        }
        // Made, not used: nothing is fetched before the first request.
        #expect(provider.fetchCount == 0)
    }
}
