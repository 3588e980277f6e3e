import Foundation

/// One HTTP POST to send. Header values may hold secrets (a bearer token), so
/// a request is never logged or put into an error as a whole.
public struct HTTPRequest: Sendable {
    public var url: URL
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]
    /// False for a write whose repetition would do it twice (a meeting reply):
    /// the transport must then never send it more than once by itself.
    public var isIdempotent: Bool

    public init(url: URL, headers: [(name: String, value: String)], body: [UInt8], isIdempotent: Bool = true) {
        self.url = url
        self.headers = headers
        self.body = body
        self.isIdempotent = isIdempotent
    }
}

/// What the server answered: the final status and headers (after any
/// authentication round trips) and the body.
public struct HTTPResponse: Sendable {
    public var status: Int
    public var headers: ResponseHeaders
    public var body: [UInt8]

    public init(status: Int, headers: ResponseHeaders = [:], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }
}

/// The header fields of an answer, in order, every one kept: a 401 from IIS
/// sends `WWW-Authenticate` once per scheme it offers. Names compare without case.
public struct ResponseHeaders: Sendable, ExpressibleByDictionaryLiteral {
    private var fields: [(name: String, value: String)] = []

    public init(dictionaryLiteral elements: (String, String)...) {
        for (name, value) in elements { append(name, value) }
    }

    public mutating func append(_ name: String, _ value: String) {
        fields.append((name.lowercased(), value))
    }

    /// Every value of the header `name`, in the order they came.
    public func values(_ name: String) -> [String] {
        let key = name.lowercased()
        return fields.filter { $0.name == key }.map(\.value)
    }

    /// The header's values joined by ", ", the one value a repeated header
    /// stands for (RFC 9110 5.3); nil when it is absent.
    public subscript(name: String) -> String? {
        let all = values(name)
        return all.isEmpty ? nil : all.joined(separator: ", ")
    }
}

/// Sends HTTP requests. The real one is `CurlTransport`; tests use doubles.
/// An implementation sends one request at a time and keeps its connection
/// between requests (NTLM authenticates a connection, not a request).
public protocol HTTPTransport: Sendable {
    func send(_ request: HTTPRequest) async throws(TransportError) -> HTTPResponse
}

/// Why a request got no HTTP answer. The message is for people and never
/// contains a credential; `requestSent` tells whether the server may have
/// received (and acted on) the request, which decides whether a write can be
/// retried (PRODUCT.md 7.3).
public struct TransportError: Error, Sendable, Equatable, CustomStringConvertible {
    enum Code: Sendable, Equatable {
        case configuration, connect, timeout, dropped, tls, tooLarge, authentication, other
    }
    let code: Code
    public let message: String
    public let requestSent: Bool

    init(_ code: Code, _ message: String, requestSent: Bool) {
        self.code = code
        self.message = message
        self.requestSent = requestSent
    }

    /// The configuration cannot work (bad URL, plain http to a remote host, unreadable CA file).
    public static let configuration = Self(.configuration, "", requestSent: false)
    /// No connection: refused, unresolvable, unreachable, proxy failure.
    public static let connect = Self(.connect, "", requestSent: false)
    public static let timeout = Self(.timeout, "", requestSent: false)
    /// The connection closed before a complete answer arrived.
    public static let dropped = Self(.dropped, "", requestSent: false)
    /// The TLS handshake failed, typically an untrusted certificate.
    public static let tls = Self(.tls, "", requestSent: false)
    /// The answer is larger than the configured limit.
    public static let tooLarge = Self(.tooLarge, "", requestSent: false)
    /// Credentials could not be obtained (the OAuth token endpoint refused).
    public static let authentication = Self(.authentication, "", requestSent: false)

    /// Compares the kind only: `error ~= .timeout`.
    public static func ~= (pattern: TransportError, value: any Error) -> Bool {
        (value as? TransportError)?.code == pattern.code
    }

    public var description: String { message }
}
