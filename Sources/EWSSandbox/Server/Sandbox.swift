import EWS
import Foundation
import Synchronization
import XML

/// An HTTP request as the sandbox sees it.
public struct SandboxRequest: Sendable {
    public var method: String
    public var path: String
    public var headers: [(String, String)]
    public var body: [UInt8]
    public init(method: String, path: String, headers: [(String, String)], body: [UInt8]) {
        self.method = method
        self.path = path
        self.headers = headers
        self.body = body
    }
    func header(_ name: String) -> String? {
        headers.first { $0.0.caseInsensitiveCompare(name) == .orderedSame }?.1
    }
}

/// An HTTP answer, and how the connection delivers it (faults on demand).
public struct SandboxResponse: Sendable {
    public enum Delivery: Sendable { case normal, drop, truncate }
    public var status: Int
    public var headers: [(String, String)]
    public var body: [UInt8]
    public var delivery: Delivery = .normal
    public var latencyMilliseconds = 0
    /// The account counted in flight until the answer is delivered (`Sandbox.delivered`).
    var account: String?
}

/// Settings of one sandbox.
public struct SandboxOptions: Sendable {
    /// Folder with messages.xsd and types.xsd: when set, every request is
    /// validated and an invalid one gets ErrorSchemaValidation.
    public var schemaDirectory: String?
    public var faults: [FaultRule] = []
    public var seed: UInt64 = 1
    /// A fixed clock; it moves only when advanced. Without it, the system clock.
    public var fixedClock: Date?
    public var serverVersion = ServerVersion()
    public var maxRequestBytes = 16 << 20
    /// Keep every EWS answer sent, for tests that validate them all.
    public var recordResponses = false
    /// Which authentication the endpoint offers in its 401 answers.
    public var authentication = SandboxAuthentication.onPremises
    /// EWSMaxConcurrency: requests one account may have in flight at once;
    /// above it Exchange answers ErrorExceededConnectionCount. Nil: no limit.
    public var maxConcurrency: Int?
    public init() {}
}

/// The authentication an Exchange endpoint offers: the `WWW-Authenticate`
/// challenges of its 401, and the credentials it takes. The sandbox itself
/// checks Basic (address and password) and Bearer (a mailbox's fixture token)
/// only; Negotiate and NTLM credentials get 401 like wrong ones.
public enum SandboxAuthentication: String, Sendable, CaseIterable {
    /// On premises, with Windows authentication (IIS offers Negotiate and
    /// NTLM) and Basic on the EWS virtual directory (PROTOCOL.md 2.4; the
    /// -WindowsAuthentication and -BasicAuthentication switches of
    /// https://learn.microsoft.com/powershell/module/exchange/set-webservicesvirtualdirectory).
    case onPremises = "on-premises"
    /// On premises with Basic authentication only on the EWS virtual directory.
    case basic
    /// Exchange Online: OAuth. "Basic authentication is no longer supported
    /// for EWS to connect to Exchange Online" (PROTOCOL.md 2.4), so Basic
    /// credentials are refused, although the challenge outlook.office365.com
    /// sends still names Basic (the Bearer challenge with its client_id,
    /// trusted_issuers, token_types and authorization_uri, as traces of
    /// Exchange's Test-OAuthConnectivity show it).
    case online

    /// The challenges of a 401, one header each. The Basic realm is the host
    /// asked for, as in Microsoft's example of an on-premises 401 (`Basic
    /// realm="mail.contoso.com"`, "Using hybrid Modern Authentication with
    /// Outlook for iOS and Android").
    func challenges(host: String) -> [String] {
        switch self {
        case .onPremises: ["Negotiate", "NTLM", "Basic realm=\"\(host)\""]
        case .basic: ["Basic realm=\"\(host)\""]
        case .online:
            [
                "Bearer client_id=\"00000002-0000-0ff1-ce00-000000000000\", "
                    + "trusted_issuers=\"00000001-0000-0000-c000-000000000000@*\", "
                    + "token_types=\"app_asserted_user_v1 service_asserted_app_v1\", "
                    + "authorization_uri=\"https://login.microsoftonline.com/common/oauth2/authorize\"",
                "Basic Realm=\"\"",
            ]
        }
    }

    var acceptsBasic: Bool { self != .online }
}

/// The local Exchange: a mailbox store behind the EWS SOAP endpoint
/// `/EWS/Exchange.asmx`, with Basic and Bearer authentication, optional
/// schema validation, and faults on demand. Thread-safe: one lock guards the
/// store, so each operation sees and leaves it consistent.
public final class Sandbox: Sendable {
    public static let endpointPath = "/ews/exchange.asmx"
    let options: SandboxOptions
    private let store: Mutex<StoreState>
    private let clock: Mutex<Date?>
    private let validator: SchemaValidator?
    private let faults: FaultInjector
    private let envelope: EnvelopeWriter
    private let recorded = Mutex<[[UInt8]]>([])
    /// Per authenticated account: requests in flight now, and the most at once so far.
    private let concurrency = Mutex<[String: (current: Int, peak: Int)]>([:])
    /// SOAP requests answered, by operation name (faults included), for `/_sandbox/calls`: a benchmark
    /// counts every client's calls the same way, whatever the client reports of itself.
    private let callCounts = Mutex<[String: Int]>([:])

    private static let implemented: [any SandboxOperation.Type] = [
        GetFolder.self, FindFolder.self, FindItem.self, GetItem.self, CreateItem.self, UpdateItem.self,
        DeleteItem.self, MoveItem.self, ConvertId.self,
        ResolveNames.self,
    ]
    static let operations: [String: any SandboxOperation.Type] = Dictionary(
        uniqueKeysWithValues: implemented.map { ($0.name, $0) })

    public init(options: SandboxOptions = SandboxOptions(), store: StoreState = StoreState()) throws(XMLError) {
        self.options = options
        self.store = Mutex(store)
        clock = Mutex(options.fixedClock)
        validator = try options.schemaDirectory.map { (dir) throws(XMLError) in try SchemaValidator(directory: dir) }
        faults = FaultInjector(rules: options.faults, seed: options.seed)
        envelope = EnvelopeWriter(serverVersion: options.serverVersion)
    }

    // MARK: Clock and store access (tests, fixtures, inspection)

    public var now: Date { clock.withLock { $0 } ?? Date() }

    /// Moves a fixed clock forward (the system clock cannot be moved).
    public func advanceClock(by seconds: TimeInterval) {
        clock.withLock { if let date = $0 { $0 = date + seconds } }
    }

    /// Runs `body` on the store under the lock, after any due attendant work.
    public func withStore<T>(_ body: (inout StoreState) throws -> T) rethrows -> T {
        let now = self.now
        return try store.withLock { state in
            state.runAttendant(now: now)
            return try body(&state)
        }
    }

    /// The whole store as JSON, keys sorted, for tests to assert on outcomes.
    public func dumpJSON() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        return try withStore { try encoder.encode($0) }
    }

    /// SOAP requests answered so far, by operation (`FindItem`, `GetItem`, …).
    public var calls: [String: Int] { callCounts.withLock { $0 } }

    /// Every EWS answer sent so far (with `recordResponses`).
    public var recordedResponses: [[UInt8]] { recorded.withLock { $0 } }

    // MARK: Concurrency

    /// The most requests `account` (the authenticated one, not a mailbox it
    /// impersonates or opens as a delegate) had in flight at once: from the
    /// request's arrival to its answer's delivery, injected latency included.
    public func peakConcurrency(account: String) -> Int {
        concurrency.withLock { $0[account.lowercased()]?.peak ?? 0 }
    }

    /// Every account's peak, by account.
    public var concurrencyPeaks: [String: Int] { concurrency.withLock { $0.mapValues(\.peak) } }

    /// Counts a request of `account` in flight; returns how many it has now.
    private func arrived(_ account: String) -> Int {
        concurrency.withLock { counts in
            var count = counts[account] ?? (0, 0)
            count.current += 1
            count.peak = max(count.peak, count.current)
            counts[account] = count
            return count.current
        }
    }

    /// The answer has been delivered (or the connection dropped): its request is no longer in flight.
    func delivered(_ response: SandboxResponse) {
        guard let account = response.account else { return }
        concurrency.withLock { $0[account]?.current -= 1 }
    }

    // MARK: HTTP

    /// Answers a request at once, for callers without a connection: it is in
    /// flight only while it is answered.
    public func handle(_ request: SandboxRequest) -> SandboxResponse {
        let response = respond(to: request)
        delivered(response)
        return response
    }

    /// Answers a request; an authenticated one stays in flight until `delivered`.
    func respond(to request: SandboxRequest) -> SandboxResponse {
        let path = request.path.split(separator: "?").first.map { $0.lowercased() } ?? ""
        if path.hasPrefix("/_sandbox/") { return admin(request, path: path) }
        guard path == Self.endpointPath else { return plain(404, "Not Found") }
        guard request.method == "POST" else { return plain(405, "Method Not Allowed") }
        guard let user = authenticate(request.header("Authorization")) else {
            // Each challenge in a header of its own, as IIS sends them.
            let host = request.header("Host").flatMap { $0.split(separator: ":").first.map(String.init) }
            let challenges = options.authentication.challenges(host: host ?? "127.0.0.1")
            return SandboxResponse(
                status: 401, headers: challenges.map { ("WWW-Authenticate", $0) } + [("Content-Length", "0")],
                body: [])
        }
        let inFlight = arrived(user)
        if let limit = options.maxConcurrency, inFlight > limit {
            var refused = answerFault(.exceededConnectionCount(limit: limit))
            refused.account = user
            return refused
        }
        var (response, operation, decision) = process(request.body, user: user)
        response.account = user
        if !operation.isEmpty { callCounts.withLock { $0[operation, default: 0] += 1 } }
        switch decision.action {
        case .drop: response = SandboxResponse(status: 200, headers: [], body: [], delivery: .drop)
        case .malformed:
            response = xml(200, Array("<s:Envelope xmlns:s=\"\(Namespace.soap)\"><s:Body><m:\(operation)Resp".utf8))
        case .truncate: response.delivery = .truncate
        case .http: break
        case .busy, .none: if options.recordResponses { recorded.withLock { $0.append(response.body) } }
        }
        response.latencyMilliseconds = decision.latencyMilliseconds
        return response
    }

    /// Parses, checks and runs one SOAP request; returns the answer, the
    /// operation's name and the faults decided for the call. Faults that
    /// refuse the request (busy, 503, 429) answer before anything is done, so
    /// the store is left as it was.
    private func process(_ bytes: [UInt8], user: String) -> (SandboxResponse, String, FaultDecision) {
        let document: XMLDocument
        do {
            document = try XMLDocument(bytes, limits: ParseLimits(maxBytes: options.maxRequestBytes))
        } catch {
            let violation = SOAPFault.schemaValidation(
                line: error.line ?? 1, position: error.column ?? 1, violation: error.message)
            return (answerFault(violation), "", FaultDecision())
        }
        guard let envelopeElement = document.root, envelopeElement.localName == "Envelope",
            envelopeElement.namespaceURI == Namespace.soap,
            let operationElement = envelopeElement.child("Body")?.children.first
        else {
            let fault = SOAPFault(.invalidRequest, "The request is not a SOAP 1.1 envelope with a Body.")
            return (answerFault(fault), "", FaultDecision())
        }
        let name = operationElement.localName
        let decision = faults.decide(operation: name)
        switch decision.action {
        case .busy(let backOff): return (answerFault(.serverBusy(backOffMilliseconds: backOff)), name, decision)
        case .http(let status, let retryAfter, afterActing: false):
            return (refusal(status, retryAfter), name, decision)
        default: break
        }
        let answer: SandboxResponse
        do {
            if let validator, let violation = validator.violations(ofEnvelope: document).first {
                throw SOAPFault.schemaValidation(
                    line: violation.line ?? 0, position: violation.column ?? 0,
                    violation: violation.message)
            }
            guard operationElement.namespaceURI == Namespace.messages, let operation = Self.operations[name] else {
                throw SOAPFault(
                    .invalidRequest, "The request is invalid: the sandbox does not implement the operation \(name).")
            }
            let header = envelopeElement.child("Header")
            try checkVersion(header)
            let mailbox = try actingMailbox(header, user: user)
            let context = OperationContext(
                user: user, mailbox: mailbox, now: now, itemFault: decision.itemFault,
                itemWarning: decision.itemWarning,
                timeZoneId: header?.path("TimeZoneContext", "TimeZoneDefinition")?.attribute("Id"))
            // An operation throws before it changes anything, so a fault leaves the store as it was.
            answer = xml(
                200,
                try envelope.envelope { out in
                    try withStore { state in try operation.run(operationElement, context, &state, out) }
                })
        } catch let fault as SOAPFault {
            answer = answerFault(fault)
        } catch {
            answer = answerFault(SOAPFault(.internalServerError, "The sandbox could not write the answer: \(error)"))
        }
        // The work is done; a front end that fails now still answers 503.
        if case .http(let status, let retryAfter, afterActing: true) = decision.action {
            return (refusal(status, retryAfter), name, decision)
        }
        return (answer, name, decision)
    }

    private func answerFault(_ fault: SOAPFault) -> SandboxResponse {
        // Writing a fault cannot fail short of running out of memory; then the body says so plainly.
        xml(500, (try? envelope.fault(fault)) ?? Array("internal error".utf8))
    }

    /// HTTP 503 or 429 with Retry-After, the way IIS and proxies answer: plain text, no SOAP.
    private func refusal(_ status: Int, _ retryAfter: Int) -> SandboxResponse {
        var response = plain(status, status == 429 ? "Too Many Requests" : "Service Unavailable")
        response.headers.append(("Retry-After", String(retryAfter)))
        return response
    }

    // MARK: Authentication, impersonation, version

    /// The account for Basic (address and password) or Bearer (token) credentials.
    private func authenticate(_ header: String?) -> String? {
        guard let header else { return nil }
        let parts = header.split(separator: " ", maxSplits: 1).map(String.init)
        guard parts.count == 2 else { return nil }
        return withStore { state in
            switch parts[0].lowercased() {
            case "basic":
                guard options.authentication.acceptsBasic, let data = Data(base64Encoded: parts[1]),
                    let text = String(data: data, encoding: .utf8),
                    let colon = text.firstIndex(of: ":")
                else { return nil }
                let user = String(text[..<colon]).lowercased()
                let password = String(text[text.index(after: colon)...])
                guard let mailbox = state.mailbox(user), let expected = mailbox.password, expected == password else {
                    return nil
                }
                return mailbox.address.email
            case "bearer":
                return state.mailboxes.values.first { $0.token != nil && $0.token == parts[1] }?.address.email
            default:
                return nil
            }
        }
    }

    /// The mailbox a request acts as: the caller's, or the one named by ExchangeImpersonation.
    private func actingMailbox(_ header: XMLElement?, user: String) throws -> String {
        guard let sid = header?.child("ExchangeImpersonation")?.child("ConnectingSID") else { return user }
        let target =
            (sid.childText("PrimarySmtpAddress") ?? sid.childText("SmtpAddress") ?? sid.childText("PrincipalName") ?? "")
            .lowercased()
        return try withStore { state in
            guard state.mailbox(target) != nil else {
                throw SOAPFault(.nonExistentMailbox, "The impersonation principal name is invalid.")
            }
            guard target == user || state.mailbox(user)?.canImpersonate == true else {
                throw SOAPFault(
                    .impersonateUserDenied, "The account does not have permission to impersonate the requested user.")
            }
            return target
        }
    }

    private func checkVersion(_ header: XMLElement?) throws {
        guard let version = header?.child("RequestServerVersion")?.attribute("Version") else { return }
        guard ExchangeVersion.all.contains(ExchangeVersion(rawValue: version)) else {
            throw SOAPFault(.invalidServerVersion, "The specified server version is invalid.")
        }
    }

    // MARK: Answers

    private func xml(_ status: Int, _ body: [UInt8]) -> SandboxResponse {
        SandboxResponse(status: status, headers: [("Content-Type", "text/xml; charset=utf-8")], body: body)
    }

    private func plain(_ status: Int, _ text: String) -> SandboxResponse {
        SandboxResponse(
            status: status, headers: [("Content-Type", "text/plain; charset=utf-8")], body: Array(text.utf8))
    }

    /// A counts table for the inspection endpoints, keys sorted.
    private func json(_ counts: [String: Int]) -> SandboxResponse {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        guard let data = try? encoder.encode(counts) else { return plain(500, "cannot encode the counts") }
        return SandboxResponse(status: 200, headers: [("Content-Type", "application/json")], body: Array(data))
    }

    /// Inspection and control for tests: `GET` (or `POST`) `/_sandbox/state` dumps the store;
    /// `GET` (or `POST`) `/_sandbox/concurrency` gives each account's peak of requests at once;
    /// `GET /_sandbox/calls` counts the SOAP requests by operation; `POST /_sandbox/clock?advance=SECONDS`
    /// moves a fixed clock.
    private func admin(_ request: SandboxRequest, path: String) -> SandboxResponse {
        switch (request.method, path) {
        case ("GET", "/_sandbox/state"), ("POST", "/_sandbox/state"):
            guard let data = try? dumpJSON() else { return plain(500, "cannot encode the store") }
            return SandboxResponse(status: 200, headers: [("Content-Type", "application/json")], body: Array(data))
        case ("GET", "/_sandbox/concurrency"), ("POST", "/_sandbox/concurrency"):
            return json(concurrencyPeaks)
        case ("GET", "/_sandbox/calls"):
            return json(calls)
        case ("POST", "/_sandbox/clock"):
            let query = request.path.split(separator: "?").dropFirst().first ?? ""
            guard query.hasPrefix("advance="), let seconds = Double(query.dropFirst("advance=".count)) else {
                return plain(400, "expected ?advance=SECONDS")
            }
            guard options.fixedClock != nil else { return plain(409, "the sandbox runs on the system clock") }
            advanceClock(by: seconds)
            return plain(200, EWSDateTime.format(now))
        default:
            return plain(404, "Not Found")
        }
    }
}
