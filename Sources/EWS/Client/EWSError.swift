/// Why an EWS call, or one item of it, did not succeed. The three layers of
/// failure (PROTOCOL.md 9.1) keep what the server said: the HTTP status, the
/// SOAP fault's response code and back-off hint, and a per-item response code
/// verbatim. A struct around a private kind, so kinds can be added without
/// breaking callers; match kinds with `~=` (`error ~= .throttled`).
public struct EWSError: Error, Sendable, Equatable, CustomStringConvertible {
    enum Kind: Sendable, Equatable {
        case transport, authentication, http, fault, item, throttled, unknownOutcome, invalidResponse, invalidRequest
    }
    let kind: Kind
    /// What went wrong, for people; never contains a credential.
    public let message: String
    /// The EWS response code of a fault or item error, verbatim.
    public let responseCode: ResponseCode?
    /// The HTTP status, when the server answered with one that is not 200.
    public let httpStatus: Int?
    /// How long the server asked the client to wait (BackOffMilliseconds or Retry-After).
    public let backOff: Duration?
    /// Where an ErrorSchemaValidation fault located the problem.
    public let schemaViolation: SchemaViolationReport?
    /// What the transport said, when the request got no HTTP answer.
    public let transportError: TransportError?

    init(
        _ kind: Kind, _ message: String, responseCode: ResponseCode? = nil, httpStatus: Int? = nil,
        backOff: Duration? = nil, schemaViolation: SchemaViolationReport? = nil, transportError: TransportError? = nil
    ) {
        self.kind = kind
        self.message = message
        self.responseCode = responseCode
        self.httpStatus = httpStatus
        self.backOff = backOff
        self.schemaViolation = schemaViolation
        self.transportError = transportError
    }

    /// The server could not be reached, or the connection failed.
    public static let transport = Self(.transport, "")
    /// The credentials were refused (HTTP 401/403 or the token endpoint).
    public static let authentication = Self(.authentication, "")
    /// An HTTP status other than 200 without a SOAP fault.
    public static let http = Self(.http, "")
    /// A SOAP fault: the server refused the whole request.
    public static let fault = Self(.fault, "")
    /// A per-item error in an otherwise normal answer.
    public static let item = Self(.item, "")
    /// The server kept asking to wait and the retry budget is spent.
    public static let throttled = Self(.throttled, "")
    /// A write may or may not have been carried out (timeout, dropped
    /// connection, unreadable answer); re-read before trying again (PRODUCT.md 7.3).
    public static let unknownOutcome = Self(.unknownOutcome, "")
    /// The answer could not be understood.
    public static let invalidResponse = Self(.invalidResponse, "")
    /// The request was refused locally, before anything was sent.
    public static let invalidRequest = Self(.invalidRequest, "")

    /// Compares the kind only.
    public static func ~= (pattern: EWSError, value: any Error) -> Bool {
        (value as? EWSError)?.kind == pattern.kind
    }

    /// True when the server could not be reached or refused the credentials:
    /// the run stops for this server (exit code 3) rather than per item.
    public var isConnectionProblem: Bool { kind == .transport || kind == .authentication }

    /// Whether the server asked to come back later (ErrorServerBusy, 503,
    /// 429), or refused a request over the account's concurrency budget
    /// before doing anything, which a later try within it passes
    /// (ErrorExceededConnectionCount, PROTOCOL.md 9.2).
    var isBusy: Bool {
        responseCode == .serverBusy || responseCode == .exceededConnectionCount || httpStatus == 503
            || httpStatus == 429
    }

    /// Whether the server left an item undone for a passing reason, so that it
    /// may succeed when sent again: ErrorInternalServerTransientError, or
    /// ErrorBatchProcessingStopped, an item "not processed" because an earlier
    /// one of the batch failed (PROTOCOL.md 9.1).
    var isTransientItemFailure: Bool {
        responseCode == .internalServerTransientError || responseCode == .batchProcessingStopped
    }

    /// Whether sending the same request again may succeed.
    var isRetryable: Bool {
        switch kind {
        case .transport:
            return transportError.map { [.connect, .timeout, .dropped, .other].contains($0.code) } ?? false
        case .http:
            return httpStatus.map { $0 == 429 || $0 >= 500 || (300..<400).contains($0) } ?? false
        case .fault, .item:
            return isBusy || responseCode == .internalServerTransientError || responseCode == .internalServerError
        case .invalidResponse:
            return true  // truncated or garbled in transit
        case .authentication, .throttled, .unknownOutcome, .invalidRequest:
            return false
        }
    }

    /// Whether the server may have carried out the request although this
    /// error came back. Only then is a write's outcome unknown.
    var mayHaveExecuted: Bool {
        switch kind {
        case .transport:
            return transportError?.requestSent ?? true
        case .http:
            // 429 refuses before any work. Exchange's own 503 does too ("EWS
            // requests are queuing with IIS", PROTOCOL.md 9.1), but a proxy or
            // front end answers 503 as well when the server behind it did the
            // work, and the client cannot tell the two apart. 3xx and the other
            // 5xx come from a server or proxy that may have passed the request on.
            return httpStatus.map { $0 != 429 && ($0 >= 500 || (300..<400).contains($0)) } ?? true
        case .fault:
            return responseCode == .internalServerError || responseCode == .internalServerTransientError
        case .invalidResponse:
            return true
        case .authentication, .item, .throttled, .unknownOutcome, .invalidRequest:
            return false
        }
    }

    public var description: String {
        guard let responseCode else { return message }
        return message.isEmpty ? responseCode.rawValue : "\(responseCode.rawValue): \(message)"
    }
}

/// The position ErrorSchemaValidation gives for an invalid request.
public struct SchemaViolationReport: Sendable, Equatable {
    public var line: Int?
    public var position: Int?
    public var violation: String?
}

/// The outcome for one item of a batch: per-item results are values, so one
/// bad item never hides the others (PRODUCT.md 7.5).
public enum ItemResult<Value: Sendable>: Sendable {
    case success(Value)
    /// Done, with a remark from the server (ResponseClass Warning). A Warning
    /// that says the item was not processed (ErrorBatchProcessingStopped) is a
    /// `failure` instead.
    case warning(Value, EWSError)
    case failure(EWSError)

    public var value: Value? {
        switch self {
        case .success(let v), .warning(let v, _): v
        case .failure: nil
        }
    }

    public var error: EWSError? {
        switch self {
        case .success: nil
        case .warning(_, let e), .failure(let e): e
        }
    }

    public func map<T: Sendable>(_ transform: (Value) -> T) -> ItemResult<T> {
        switch self {
        case .success(let v): .success(transform(v))
        case .warning(let v, let e): .warning(transform(v), e)
        case .failure(let e): .failure(e)
        }
    }
}

extension ItemResult: Equatable where Value: Equatable {}
