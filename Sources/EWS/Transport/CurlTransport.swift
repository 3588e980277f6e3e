import Dispatch
import Foundation

/// How `CurlTransport` authenticates.
public enum TransportAuthentication: Sendable {
    case none
    case basic(username: String, password: Secret)
    case ntlm(username: String, password: Secret)
    /// `Authorization: Bearer` with tokens from a (shared) provider.
    case bearer(OAuthTokenProvider)
}

/// The real `HTTPTransport`: one libcurl handle, so one connection kept alive
/// for one mailbox (NTLM authenticates a connection). Transfers run one at a
/// time on the transport's own thread, never blocking the cooperative pool.
/// With OAuth a 401 makes it fetch a new token and send the request once more:
/// the server refused it before acting on it.
public final class CurlTransport: HTTPTransport, @unchecked Sendable {
    // Touched only on `queue`: that is what makes the class Sendable.
    private let easy: CurlEasy
    private let queue = DispatchQueue(label: "meetingbot.curl-transport")
    private let tokens: OAuthTokenProvider?

    public init(authentication: TransportAuthentication, options: TransportOptions = TransportOptions())
        throws(TransportError)
    {
        try options.validate()
        switch authentication {
        case .none, .bearer:
            easy = try CurlEasy(options: options, authentication: .none)
        case .basic(let username, let password):
            easy = try CurlEasy(options: options, authentication: .basic(username: username, password: password))
        case .ntlm(let username, let password):
            easy = try CurlEasy(options: options, authentication: .ntlm(username: username, password: password))
        }
        if case .bearer(let provider) = authentication { tokens = provider } else { tokens = nil }
    }

    public func send(_ request: HTTPRequest) async throws(TransportError) -> HTTPResponse {
        try EndpointPolicy.check(request.url)
        let result = await withCheckedContinuation {
            (continuation: CheckedContinuation<Result<HTTPResponse, TransportError>, Never>) in
            queue.async {
                continuation.resume(returning: Result { () throws(TransportError) in try self.sendNow(request) })
            }
        }
        return try result.get()
    }

    private func sendNow(_ request: HTTPRequest) throws(TransportError) -> HTTPResponse {
        guard let tokens else { return try easy.post(request) }
        let token = try tokens.token()
        let response = try easy.post(Self.authorized(request, token))
        guard response.status == 401 else { return response }
        tokens.invalidate(token)
        return try easy.post(Self.authorized(request, try tokens.token()))
    }

    private static func authorized(_ request: HTTPRequest, _ token: Secret) -> HTTPRequest {
        var r = request
        r.headers.append(("Authorization", "Bearer \(token.reveal())"))
        return r
    }
}

extension TransportAuthentication {
    /// The authentication for `credentials`. For OAuth it makes a token
    /// provider, which every transport given this value shares.
    public init(_ credentials: Credentials, options: TransportOptions) throws(TransportError) {
        switch credentials {
        case .basic(let username, let password): self = .basic(username: username, password: password)
        case .ntlm(let username, let password): self = .ntlm(username: username, password: password)
        case .oauth(let client): self = .bearer(try OAuthTokenProvider(credentials: client, options: options))
        }
    }
}
