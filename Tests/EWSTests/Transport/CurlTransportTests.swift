import Foundation
import TestSupport
import Testing
@testable import EWS

/// The real libcurl transport over real HTTP on loopback, against the
/// Python servers in Tests/EWSTests/Servers.
@Suite(
    .enabled(
        if: TestEnvironment.runs(needing: LoopbackServer.python != nil),
        "needs python3 (scripts/setup.sh installs it) for the loopback test servers"))
struct CurlTransportTests {
    static func post(
        _ transport: CurlTransport, _ url: URL, _ body: String = "<x/>", idempotent: Bool = true,
        headers: [(name: String, value: String)] = []
    ) async throws(TransportError) -> HTTPResponse {
        try await transport.send(
            HTTPRequest(url: url, headers: headers, body: Array(body.utf8), isIdempotent: idempotent))
    }

    static func server(_ arguments: [String] = [], environment: [String: String] = [:]) throws -> LoopbackServer {
        try LoopbackServer(
            script: "http_server.py", arguments: arguments, environment: environment, python: LoopbackServer.python)
    }

    @Test func postsTheBodyAndHeadersAndKeepsTheConnection() async throws {
        let server = try Self.server()
        let before = try await server.stats()
        let transport = try CurlTransport(authentication: .none)
        let headers = [
            (name: "Content-Type", value: "text/xml; charset=utf-8"),
            (name: "X-AnchorMailbox", value: "room@example.com"),
        ]
        for _ in 0..<3 {
            let response = try await Self.post(transport, server.url("/echo"), "<soap:Envelope/>", headers: headers)
            #expect(response.status == 200)
            let echo = try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]
            let sent = echo?["headers"] as? [String: [String]]
            #expect(echo?["body"] as? String == "<soap:Envelope/>")
            #expect(sent?["content-type"] == ["text/xml; charset=utf-8"])
            #expect(sent?["x-anchormailbox"] == ["room@example.com"])
            #expect(sent?["expect"] == nil)
        }
        let after = try await server.stats()
        #expect(after["connections", default: 0] - before["connections", default: 0] == 1)
    }

    @Test func aWriteGetsAFreshConnectionSoLibcurlCannotResendIt() async throws {
        let server = try Self.server()
        let before = try await server.stats()
        let transport = try CurlTransport(authentication: .none)
        _ = try await Self.post(transport, server.url("/echo"))
        _ = try await Self.post(transport, server.url("/echo"), idempotent: false)
        let after = try await server.stats()
        #expect(after["connections", default: 0] - before["connections", default: 0] == 2)
    }

    @Test func theConfiguredProxyCarriesTheRequest() async throws {
        let proxy = try Self.server()
        let transport = try CurlTransport(
            authentication: .none, options: TransportOptions(proxy: "http://127.0.0.1:\(proxy.port)"))
        // 127.0.0.2 is loopback but not on the no-proxy list; the proxy answers itself, nothing is sent there.
        let url = try #require(URL(string: "http://127.0.0.2:9/echo"))
        let response = try await Self.post(transport, url)
        let echo = try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]
        #expect(echo?["target"] as? String == "http://127.0.0.2:9/echo")
    }

    @Test func basicAuthentication() async throws {
        let server = try Self.server(environment: ["TEST_BASIC_CREDENTIALS": "room@example.com:pa55:word"])
        let good = try CurlTransport(
            authentication: .basic(username: "room@example.com", password: Secret("pa55:word")))
        let response = try await Self.post(good, server.url("/basic"))
        #expect(response.status == 200)
        #expect(String(decoding: response.body, as: UTF8.self) == "welcome")
        // Basic at once, never challenged: libcurl does not choose among the schemes the 401 offers.
        let stats = try await server.stats()
        #expect(stats["challenged"] == nil)
        #expect(stats.filter { $0.key.hasPrefix("auth_") } == ["auth_basic": 1])

        let wrong = try CurlTransport(
            authentication: .basic(username: "room@example.com", password: Secret("guess-this-secret")))
        let refused = try await Self.post(wrong, server.url("/basic"))
        #expect(refused.status == 401)
        // Every challenge of the 401, not only the last one.
        #expect(refused.headers.values("www-authenticate") == ["Negotiate", "NTLM", "Basic realm=\"EWS\""])
        #expect(refused.headers["WWW-Authenticate"] == "Negotiate, NTLM, Basic realm=\"EWS\"")
    }

    @Test func repeatedRequestHeadersAllReachTheServer() async throws {
        let server = try Self.server()
        let headers = [(name: "X-Repeated", value: "one"), (name: "X-Repeated", value: "two")]
        let response = try await Self.post(
            try CurlTransport(authentication: .none), server.url("/echo"), headers: headers)
        let echo = try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]
        #expect((echo?["headers"] as? [String: [String]])?["x-repeated"] == ["one", "two"])
    }

    @Test func wrongPasswordGivesAnErrorWithoutTheSecret() async throws {
        let server = try Self.server(environment: ["TEST_BASIC_CREDENTIALS": "room@example.com:right"])
        let transport = try CurlTransport(
            authentication: .basic(username: "room@example.com", password: Secret("guess-this-secret")))
        let client = EWSClient(
            url: server.url("/basic"), account: MailboxAccount(address: "room@example.com"), transport: transport)
        let error = try await #require(throws: EWSError.self) {
            try await EWSMailboxReader(client).findMeetingMessages(in: .inbox, receivedFrom: nil, offset: 0, known: 0)
        }
        #expect(EWSError.authentication ~= error)
        #expect(!"\(error)".contains("guess-this-secret"))
        #expect(!String(reflecting: error).contains("guess-this-secret"))
    }

    @Test(arguments: [false, true])
    func answersOverTheSizeLimitAreRefused(_ chunked: Bool) async throws {
        let server = try Self.server()
        let transport = try CurlTransport(authentication: .none, options: TransportOptions(maxResponseBytes: 50_000))
        let small = try await Self.post(transport, server.url("/big?n=40000\(chunked ? "&chunked=1" : "")"))
        #expect(small.body.count == 40_000)
        let error = try await #require(throws: TransportError.self) {
            try await Self.post(transport, server.url("/big?n=200000\(chunked ? "&chunked=1" : "")"))
        }
        #expect(TransportError.tooLarge ~= error)
        #expect(error.message.contains("50000"))
    }

    @Test func aSlowServerTimesOut() async throws {
        let server = try Self.server()
        let transport = try CurlTransport(authentication: .none, options: TransportOptions(timeout: .milliseconds(300)))
        let error = try await #require(throws: TransportError.self) {
            try await Self.post(transport, server.url("/slow?s=5"))
        }
        #expect(TransportError.timeout ~= error)
        #expect(error.requestSent)
    }

    @Test(arguments: ["/drop", "/partial"])
    func aDroppedConnectionIsReportedAsSent(_ path: String) async throws {
        let server = try Self.server()
        let transport = try CurlTransport(authentication: .none)
        let error = try await #require(throws: TransportError.self) {
            try await Self.post(transport, server.url(path), idempotent: false)
        }
        #expect(TransportError.dropped ~= error)
        #expect(error.requestSent)
        // The handle recovers for the next request.
        #expect(try await Self.post(transport, server.url("/echo")).status == 200)
    }

    @Test func aRefusedConnectionIsReportedAsNotSent() async throws {
        let port = try Self.server().port  // stopped again at once: nothing listens there
        let transport = try CurlTransport(authentication: .none)
        let url = try #require(URL(string: "http://127.0.0.1:\(port)/echo"))
        let error = try await #require(throws: TransportError.self) { try await Self.post(transport, url) }
        #expect(TransportError.connect ~= error)
        #expect(!error.requestSent)
    }

    @Test func retryAfterReachesTheCaller() async throws {
        let server = try Self.server()
        let response = try await Self.post(
            try CurlTransport(authentication: .none), server.url("/status?code=503&retry_after=7"))
        #expect(response.status == 503)
        #expect(response.headers["retry-after"] == "7")
    }

    @Test func theClientHonoursRetryAfterOverRealHTTP() async throws {
        let server = try Self.server()
        let sleeper = RecordingSleeper()
        let client = EWSClient(
            url: server.url("/busy-once"), account: MailboxAccount(address: "room@example.com"),
            transport: try CurlTransport(authentication: .none), sleeper: sleeper)
        let page = try await EWSMailboxReader(client).findMeetingMessages(in: .inbox, receivedFrom: nil, offset: 0, known: 0)
        #expect(page.messages.isEmpty && page.nextOffset == nil)
        #expect(sleeper.waits == [.seconds(2)])
    }

    // MARK: TLS

    /// A self-signed certificate for 127.0.0.1 made with openssl in a temporary directory.
    static func selfSignedCertificate() throws -> (directory: URL, cert: String, key: String) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "meetingbot-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let cert = directory.appendingPathComponent("cert.pem").path
        let key = directory.appendingPathComponent("key.pem").path
        let openssl = Process()
        openssl.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        openssl.arguments = [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "2",
            "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
        ]
        openssl.standardOutput = FileHandle.nullDevice
        openssl.standardError = FileHandle.nullDevice
        try openssl.run()
        openssl.waitUntilExit()
        guard openssl.terminationStatus == 0 else { throw LoopbackServer.StartError(description: "openssl req failed") }
        return (directory, cert, key)
    }

    @Test func tlsWithTheCAFileWorksAndWithoutItFailsClearly() async throws {
        let (directory, cert, key) = try Self.selfSignedCertificate()
        defer { try? FileManager.default.removeItem(at: directory) }
        let server = try Self.server(["--tls", cert, key])
        let url = server.url("/echo", scheme: "https")

        let trusting = try CurlTransport(authentication: .none, options: TransportOptions(caFile: cert))
        #expect(try await Self.post(trusting, url).status == 200)

        let untrusting = try CurlTransport(authentication: .none)
        let error = try await #require(throws: TransportError.self) { try await Self.post(untrusting, url) }
        #expect(TransportError.tls ~= error)
        #expect(error.message.contains("certificate"))
        #expect(!error.requestSent)
    }

    @Test func anUnreadableCAFileIsAConfigurationError() {
        #expect {
            _ = try CurlTransport(authentication: .none, options: TransportOptions(caFile: "/nonexistent/ca.pem"))
        } throws: { TransportError.configuration ~= $0 && "\($0)".contains("/nonexistent/ca.pem") }
    }

    // MARK: OAuth

    static let oauthEnvironment = [
        "TEST_CLIENT_ID": "app-1", "TEST_CLIENT_SECRET": "s3cr3t-value",
        "TEST_SCOPE": OAuthClientCredentials.exchangeOnlineScope,
    ]

    static func tokens(_ server: LoopbackServer, secret: String = "s3cr3t-value", query: String = "") throws
        -> OAuthTokenProvider
    {
        try OAuthTokenProvider(
            credentials: OAuthClientCredentials(
                tokenURL: server.url("/token\(query)"), clientID: "app-1", clientSecret: Secret(secret)),
            options: TransportOptions())
    }

    /// The token a `/bearer` answer echoes.
    static func bearer(_ transport: CurlTransport, _ url: URL) async throws -> String {
        String(decoding: try await Self.post(transport, url).body, as: UTF8.self)
    }

    @Test func concurrentCallersShareOneFetchFromASlowTokenEndpoint() async throws {
        let server = try Self.server(environment: Self.oauthEnvironment)
        let tokens = try Self.tokens(server, query: "?delay=1")
        let url = server.url("/bearer")
        let transports = try (0..<4).map { _ in try CurlTransport(authentication: .bearer(tokens)) }
        let seen = try await withThrowingTaskGroup(of: String.self) { group in
            for transport in transports { group.addTask { try await Self.bearer(transport, url) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(seen == Array(repeating: "tok-1", count: 4))
        #expect(tokens.fetchCount == 1)
        #expect(try await server.stats()["token_requests"] == 1)
    }

    /// A token 60 s from its expiry is renewed; while one caller waits for the
    /// slow endpoint, the others go on with the token, which is still valid.
    @Test func renewingATokenDoesNotStallTheOtherMailboxes() async throws {
        let server = try Self.server(["--token-lifetime", "62"], environment: Self.oauthEnvironment)
        let tokens = try Self.tokens(server, query: "?delay=6&delay_from=2")  // only the renewal is slow
        let url = server.url("/bearer")
        let renewing = try CurlTransport(authentication: .bearer(tokens))
        let other = try CurlTransport(authentication: .bearer(tokens))
        #expect(try await Self.bearer(renewing, url) == "tok-1")
        try await Task.sleep(for: .seconds(2.5))  // now within the renewal margin
        let renewal = Task { try await Self.bearer(renewing, url) }
        // Until the renewal is waiting for the endpoint: on a busy machine the
        // renewal's task may start late, so the wait is long (it ends as soon as it starts).
        var polls = 0
        while try await server.stats()["token_requests"] != 2, polls < 5000 {
            try await Task.sleep(for: .milliseconds(10))
            polls += 1
        }
        // The other mailbox is answered with the old token before the renewal ends.
        #expect(try await Self.bearer(other, url) == "tok-1")
        #expect(tokens.fetchCount == 1, "the other mailbox waited for the renewal")
        #expect(try await renewal.value == "tok-2")
        #expect(tokens.fetchCount == 2)
    }

    @Test func aTokenWithoutALifetimeIsKeptForTheAssumedOne() async throws {
        let server = try Self.server(environment: Self.oauthEnvironment)
        let tokens = try Self.tokens(server, query: "?expiry=omit")
        let url = server.url("/bearer")
        let transport = try CurlTransport(authentication: .bearer(tokens))
        #expect(try await Self.bearer(transport, url) == "tok-1")
        #expect(try await Self.bearer(transport, url) == "tok-1")
        #expect(tokens.fetchCount == 1)
        #expect(OAuthTokenProvider.assumedLifetime == .seconds(300))
    }

    @Test func oauthTokenIsReusedAndRefreshedAfterA401() async throws {
        let server = try Self.server(environment: Self.oauthEnvironment)
        let tokens = try Self.tokens(server)
        let transport = try CurlTransport(authentication: .bearer(tokens))
        #expect(String(decoding: try await Self.post(transport, server.url("/bearer")).body, as: UTF8.self) == "tok-1")
        #expect(String(decoding: try await Self.post(transport, server.url("/bearer")).body, as: UTF8.self) == "tok-1")
        #expect(tokens.fetchCount == 1)

        _ = try await Self.post(try CurlTransport(authentication: .none), server.url("/revoke"))
        let refreshed = try await Self.post(transport, server.url("/bearer"))
        #expect(refreshed.status == 200)
        #expect(String(decoding: refreshed.body, as: UTF8.self) == "tok-2")
        #expect(tokens.fetchCount == 2)
    }

    @Test func aTokenCloseToItsExpiryIsNotReused() async throws {
        let server = try Self.server(["--token-lifetime", "30"], environment: Self.oauthEnvironment)
        let tokens = try Self.tokens(server)
        let transport = try CurlTransport(authentication: .bearer(tokens))
        _ = try await Self.post(transport, server.url("/bearer"))
        _ = try await Self.post(transport, server.url("/bearer"))
        #expect(tokens.fetchCount == 2)
    }

    @Test func aRefusedClientSecretIsAClearErrorWithoutTheSecret() async throws {
        let server = try Self.server(environment: Self.oauthEnvironment)
        let transport = try CurlTransport(
            authentication: .bearer(try Self.tokens(server, secret: "wrong-secret-value")))
        let error = try await #require(throws: TransportError.self) {
            try await Self.post(transport, server.url("/bearer"))
        }
        #expect(TransportError.authentication ~= error)
        #expect(error.message.contains("invalid_client"))
        #expect(!error.message.contains("wrong-secret-value"))
    }

    // MARK: NTLM

    @Test(
        .enabled(
            if: LoopbackServer.venvPython != nil, "needs .venv with pyspnego: run scripts/setup.sh (make test does)"))
    func ntlmAuthenticatesTheConnectionOnce() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "meetingbot-ntlm-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let users = directory.appendingPathComponent("users")
        try "CONTOSO:svc-meetingbot:N7lm-Pa55\n".write(to: users, atomically: true, encoding: .utf8)
        let server = try LoopbackServer(
            script: "ntlm_server.py", environment: ["NTLM_USER_FILE": users.path], python: LoopbackServer.venvPython)

        let transport = try CurlTransport(
            authentication: .ntlm(username: "CONTOSO\\svc-meetingbot", password: Secret("N7lm-Pa55")))
        let body = String(repeating: "<t:Item/>", count: 500)
        for _ in 0..<3 {
            let response = try await Self.post(transport, server.url("/ews"), body)
            #expect(response.status == 200)
            let answer = try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]
            #expect((answer?["user"] as? String)?.lowercased() == "contoso\\svc-meetingbot")
            #expect(answer?["body_bytes"] as? Int == body.utf8.count)
        }
        let stats = try await server.stats()
        #expect(stats["handshakes"] == 1)

        // A write's body (read once, never rewound) arrives whole.
        let write = try await Self.post(transport, server.url("/ews"), body, idempotent: false)
        #expect(write.status == 200)
        #expect(
            (try JSONSerialization.jsonObject(with: Data(write.body)) as? [String: Any])?["body_bytes"] as? Int
                == body.utf8.count)

        // NTLM sends a write's body over an authenticated, so reused, connection. When
        // that connection closes without an answer, libcurl must not send it again.
        let dropped = try await #require(throws: TransportError.self) {
            try await Self.post(transport, server.url("/drop"), body, idempotent: false)
        }
        #expect(TransportError.dropped ~= dropped)
        #expect(dropped.requestSent)
        let afterDrop = try await server.stats()
        #expect(afterDrop["dropped"] == 1, "\(afterDrop)")

        let wrong = try CurlTransport(
            authentication: .ntlm(username: "CONTOSO\\svc-meetingbot", password: Secret("nope")))
        #expect(try await Self.post(wrong, server.url("/ews")).status == 401)
    }
}

/// Which URLs are allowed, checked without any traffic.
@Suite struct EndpointPolicyTests {
    @Test(arguments: [
        "https://mail.contoso.com/EWS/Exchange.asmx", "http://127.0.0.1:8080/EWS/Exchange.asmx", "http://127.4.5.6/x",
        "http://localhost/x", "http://[::1]:9000/x", "HTTPS://Mail.Contoso.com/EWS",
    ])
    func allowed(_ text: String) throws {
        try EndpointPolicy.check(try #require(URL(string: text)))
    }

    @Test(arguments: [
        "http://mail.contoso.com/EWS/Exchange.asmx", "http://10.0.0.5/EWS", "http://128.0.0.1/x",
        "http://127.0.0.1.nip.io/x",
        "ftp://127.0.0.1/x", "https://user:pw@mail.contoso.com/EWS", "file:///etc/passwd",
    ])
    func refused(_ text: String) throws {
        let url = try #require(URL(string: text))
        let error = try #require(throws: TransportError.self) { try EndpointPolicy.check(url) }
        #expect(TransportError.configuration ~= error)
        #expect(!error.message.contains(":pw@"))
    }

    @Test func plainHTTPToARemoteHostIsRefusedBeforeSending() async throws {
        let transport = try CurlTransport(authentication: .none)
        let url = try #require(URL(string: "http://mail.contoso.com/EWS/Exchange.asmx"))
        let error = try await #require(throws: TransportError.self) {
            try await transport.send(HTTPRequest(url: url, headers: [], body: []))
        }
        #expect(error.message.contains("plain http is refused"))
        #expect(!error.requestSent)
    }

    @Test func secretsPrintAsAPlaceholder() {
        let secret = Secret("hunter2")
        #expect("\(secret)" == "<secret>")
        #expect(String(reflecting: secret) == "<secret>")
        #expect(!String(describing: Credentials.basic(username: "u", password: secret)).contains("hunter2"))
        #expect(!String(reflecting: Credentials.ntlm(username: "u", password: secret)).contains("hunter2"))
    }
}
