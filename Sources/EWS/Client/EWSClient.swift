import Foundation
import Logging
import XML

/// How the bot's account reaches a mailbox (PRODUCT.md 5, PROTOCOL.md 2.2).
public enum MailboxAccess: String, Sendable, CaseIterable {
    /// The credentials are the mailbox's own.
    case own = "self"
    /// The account has folder permissions: folder ids name the mailbox.
    case delegate
    /// The account impersonates the mailbox (ExchangeImpersonation header).
    case impersonation
}

/// A mailbox and how to reach it.
public struct MailboxAccount: Sendable, Hashable {
    /// The primary SMTP address.
    public var address: String
    public var access: MailboxAccess

    public init(address: String, access: MailboxAccess = .own) {
        self.address = address
        self.access = access
    }
}

/// Sends EWS operations for one mailbox: writes the envelope, sends it over
/// the transport, reads the answer, and waits and retries as the server asks
/// (PROTOCOL.md 9.3). Reads are retried; a write whose outcome is unknown is
/// never resent but fails as `unknownOutcome`.
public struct EWSClient: Sendable {
    public let url: URL
    public let account: MailboxAccount
    public let version: ExchangeVersion
    let transport: any HTTPTransport
    let retry: RetryPolicy
    let sleeper: any Sleeper
    let logger: Logger

    public init(
        url: URL, account: MailboxAccount, transport: any HTTPTransport, version: ExchangeVersion = .exchange2013SP1,
        retry: RetryPolicy = RetryPolicy(), sleeper: any Sleeper = TaskSleeper(),
        logger: Logger = Logger(label: "meetingbot.ews")
    ) {
        self.url = url
        self.account = account
        self.version = version
        self.transport = transport
        self.retry = retry
        self.sleeper = sleeper
        self.logger = logger
    }

    /// A client with a transport of its own: one libcurl handle, so one kept
    /// connection, for this mailbox. Make `authentication` once per server and
    /// pass it to every mailbox's client, so they share OAuth tokens.
    public init(
        url: URL, account: MailboxAccount, authentication: TransportAuthentication,
        options: TransportOptions = TransportOptions(),
        version: ExchangeVersion = .exchange2013SP1, retry: RetryPolicy = RetryPolicy(),
        logger: Logger = Logger(label: "meetingbot.ews")
    ) throws(TransportError) {
        try EndpointPolicy.check(url)
        self.init(
            url: url, account: account, transport: try CurlTransport(authentication: authentication, options: options),
            version: version, retry: retry, logger: logger)
    }

    /// The mailbox to name in distinguished folder ids: delegate access only.
    var folderMailbox: String? { account.access == .delegate ? account.address : nil }

    private var header: RequestHeader {
        RequestHeader(version: version, impersonate: account.access == .impersonation ? account.address : nil)
    }

    private var httpHeaders: [(name: String, value: String)] {
        [
            ("Content-Type", "text/xml; charset=utf-8"), ("Accept", "text/xml"), ("User-Agent", "MeetingBot"),
            // Always, not only for impersonation: it routes the request to the
            // mailbox's server (PROTOCOL.md 2.3).
            ("X-AnchorMailbox", account.address),
        ]
    }

    func perform<Op: EWSOperation>(_ operation: Op) async throws(EWSError) -> Op.Response {
        var budget = RetryBudget(retry)
        return try await perform(operation, budget: &budget)
    }

    private static func isForbiddenInHeader(_ scalar: Unicode.Scalar) -> Bool {
        scalar != "\t" && scalar.properties.generalCategory == .control
    }

    /// Sends `operation` until it succeeds, fails for good, or `budget` is spent.
    func perform<Op: EWSOperation>(_ operation: Op, budget: inout RetryBudget) async throws(EWSError) -> Op.Response {
        let headers = httpHeaders
        // Header values come from the configuration (the mailbox address): a CR or
        // LF would end the header and start another one, so such a value is refused
        // (RFC 9110 5.5: no control characters but tab in a field value).
        if let bad = headers.first(where: { $0.value.unicodeScalars.contains(where: Self.isForbiddenInHeader) }) {
            throw EWSError(
                .invalidRequest,
                "the \(bad.name) header would hold a line break or control character "
                    + "(\(bad.value.debugDescription)); nothing was sent")
        }
        let request = HTTPRequest(
            url: url, headers: headers, body: try SOAP.envelope(operation, header: header),
            isIdempotent: Op.isIdempotent)
        while true {
            budget.recordAttempt()
            let error: EWSError
            do {
                let response = try await transport.send(request)
                logger.debug(
                    "EWS \(Op.name) for \(account.address): HTTP \(response.status), \(response.body.count) bytes")
                do {
                    return try operation.parse(try SOAP.body(of: response, operation: Op.name))
                } catch let failure {
                    error = failure
                }
            } catch let failure {
                error = EWSError(.transport, failure.message, transportError: failure)
            }
            if !Op.isIdempotent, error.mayHaveExecuted {
                throw EWSError(
                    .unknownOutcome,
                    "\(Op.name) may or may not have been carried out (\(error)); re-read the item before trying again",
                    responseCode: error.responseCode, httpStatus: error.httpStatus, transportError: error.transportError
                )
            }
            guard error.isRetryable else { throw error }
            guard let wait = budget.nextWait(after: error) else { throw exhausted(error, budget) }
            logger.warning("EWS \(Op.name) for \(account.address): \(error); retrying in \(wait)")
            await sleeper.sleep(for: wait)
        }
    }

    /// Sends a per-item operation; items the server was too busy for (or, for
    /// idempotent operations, failed transiently or left unprocessed when the
    /// batch stopped) are sent again after the wait it asks for, from the same
    /// budget (PROTOCOL.md 9.1, 9.3). When the budget runs out they fail, busy
    /// ones as throttled, as values like any other item error.
    func performEach<Op: PerItemOperation>(_ operation: Op) async throws(EWSError) -> [ItemResult<Op.Element>] {
        var budget = RetryBudget(retry)
        var results = [ItemResult<Op.Element>?](repeating: nil, count: operation.itemCount)
        var pending = Array(0..<operation.itemCount)
        var request = operation
        while !pending.isEmpty {
            let answers = try await perform(request, budget: &budget)
            guard answers.count == pending.count else {
                let message = "\(Op.name) answered \(answers.count) response messages for \(pending.count) items"
                // The server did act on the request, so a write's outcome is unknown.
                throw Op.isIdempotent
                    ? EWSError(.invalidResponse, message)
                    : EWSError(.unknownOutcome, "\(message); re-read the item before trying again")
            }
            var busy: [Int] = []
            var busyError: EWSError?
            for (position, answer) in zip(pending, answers) {
                if case .failure(let e) = answer, e.isBusy || (Op.isIdempotent && e.isTransientItemFailure) {
                    busy.append(position)
                    if (e.backOff ?? .zero) >= (busyError?.backOff ?? .zero) { busyError = e }
                } else {
                    results[position] = answer
                }
            }
            guard let busyError else { break }
            guard let wait = budget.nextWait(after: busyError) else {
                for position in busy { results[position] = .failure(exhausted(busyError, budget)) }
                break
            }
            logger.warning(
                "EWS \(Op.name) for \(account.address): \(busy.count) items busy or unprocessed; retrying in \(wait)")
            await sleeper.sleep(for: wait)
            pending = busy
            request = operation.subset(busy)
        }
        return results.map { $0 ?? .failure(EWSError(.invalidResponse, "\(Op.name) left an item unanswered")) }
    }

    /// The error for a call that is still failing when the budget is spent.
    private func exhausted(_ last: EWSError, _ budget: RetryBudget) -> EWSError {
        guard last.isBusy else { return last }
        return EWSError(
            .throttled,
            "the server is throttling \(account.address): still busy after \(budget.attempts) attempts and \(budget.waited) of waiting (retry budget \(budget.policy.budget)); last answer: \(last)",
            responseCode: last.responseCode, httpStatus: last.httpStatus, backOff: last.backOff)
    }
}
