import Foundation
import Synchronization

/// Access tokens from the OAuth 2.0 client-credentials grant (PROTOCOL.md
/// 2.4), shared by every mailbox of one server. A token is reused until
/// shortly before it expires; `invalidate` drops one the server refused, so
/// the next caller fetches a fresh one. Fetching blocks the calling thread,
/// which is a transport's own queue, never a task of the cooperative pool.
public final class OAuthTokenProvider: Sendable {
    private struct State {
        let easy: CurlEasy
        var token: Secret?
        var validUntil = ContinuousClock.now
        var fetches = 0
    }

    private let credentials: OAuthClientCredentials
    private let state: Mutex<State>

    /// A token is renewed this long before the expiry the endpoint announced,
    /// so that it does not run out between the check and the EWS call.
    static let renewalMargin: Duration = .seconds(60)

    public init(credentials: OAuthClientCredentials, options: TransportOptions) throws(TransportError) {
        try EndpointPolicy.check(credentials.tokenURL)
        try options.validate()
        self.credentials = credentials
        state = Mutex(State(easy: try CurlEasy(options: options, authentication: .none)))
    }

    /// How many tokens were fetched so far (for tests and metrics).
    public var fetchCount: Int { state.withLock { $0.fetches } }

    /// A valid token, from the cache or fetched now.
    func token() throws(TransportError) -> Secret {
        try state.withLock { (s: inout State) throws(TransportError) -> Secret in
            if let token = s.token, ContinuousClock.now < s.validUntil { return token }
            let (token, lifetime) = try fetch(with: s.easy)
            s.fetches += 1
            s.token = token
            s.validUntil = ContinuousClock.now + lifetime - Self.renewalMargin
            return token
        }
    }

    /// Forgets `token` if it is the cached one (the server answered 401 to it).
    func invalidate(_ token: Secret) {
        state.withLock { s in
            if s.token == token { s.token = nil }
        }
    }

    private func fetch(with easy: CurlEasy) throws(TransportError) -> (Secret, Duration) {
        let form = [
            ("grant_type", "client_credentials"), ("client_id", credentials.clientID),
            ("client_secret", credentials.clientSecret.reveal()), ("scope", credentials.scope),
        ].map { "\(Self.formEncode($0))=\(Self.formEncode($1))" }.joined(separator: "&")
        let request = HTTPRequest(
            url: credentials.tokenURL,
            headers: [("Content-Type", "application/x-www-form-urlencoded"), ("Accept", "application/json")],
            body: Array(form.utf8))
        let response = try easy.post(request)
        let reply = try? JSONDecoder().decode(TokenReply.self, from: Data(response.body))
        guard response.status == 200, let reply, let token = reply.accessToken, !token.isEmpty else {
            // error and error_description name the problem (AADSTS7000215: invalid
            // client secret) without repeating the secret.
            let reason = [reply?.error, reply?.errorDescription.map { String($0.prefix(300)) }].compactMap { $0 }
                .joined(separator: ": ")
            throw TransportError(
                .authentication,
                "the OAuth token endpoint \(credentials.tokenURL.host ?? "") refused the client credentials (HTTP \(response.status))"
                    + (reason.isEmpty ? "" : ": \(reason)"),
                requestSent: true)
        }
        return (Secret(token), .seconds(reply.expiresIn ?? 0))
    }

    /// `application/x-www-form-urlencoded`: everything but unreserved characters escaped.
    static func formEncode(_ s: String) -> String {
        s.addingPercentEncoding(
            withAllowedCharacters: CharacterSet(
                charactersIn:
                    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")) ?? ""
    }

    /// The token endpoint's JSON; `expires_in` is a number in v2.0 and a
    /// string in the older v1.0 endpoint.
    private struct TokenReply: Decodable {
        var accessToken: String?
        var expiresIn: Int?
        var error: String?
        var errorDescription: String?

        enum CodingKeys: String, CodingKey {
            case accessToken = "access_token"
            case expiresIn = "expires_in"
            case error
            case errorDescription = "error_description"
        }

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            accessToken = try c.decodeIfPresent(String.self, forKey: .accessToken)
            expiresIn =
                (try? c.decodeIfPresent(Int.self, forKey: .expiresIn))
                ?? (try? c.decodeIfPresent(String.self, forKey: .expiresIn)).flatMap { $0.flatMap(Int.init) }
            error = try? c.decodeIfPresent(String.self, forKey: .error)
            errorDescription = try? c.decodeIfPresent(String.self, forKey: .errorDescription)
        }
    }
}
