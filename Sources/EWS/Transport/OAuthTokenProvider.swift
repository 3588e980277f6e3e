import Foundation
import Synchronization

/// Access tokens from the OAuth 2.0 client-credentials grant (PROTOCOL.md
/// 2.4), shared by every mailbox of one server. A token is reused until
/// shortly before it expires; `invalidate` drops one the server refused, so
/// the next caller fetches a fresh one. Fetching blocks the calling thread,
/// which is a transport's own queue, never a task of the cooperative pool.
///
/// No lock is held while the token endpoint answers: callers that find no
/// valid token wait for the one fetch under way and share its token, and
/// while a token that is due for renewal is renewed by one caller, the others
/// go on with it, since it is still valid. So a slow token endpoint stalls the
/// mailboxes only when there is no valid token at all.
public final class OAuthTokenProvider: Sendable {
    private struct State {
        var token: Secret?
        /// From here on the next caller renews the token.
        var renewAt = ContinuousClock.now
        /// Until here the token may still be used while another caller renews it.
        var usableUntil = ContinuousClock.now
        var fetches = 0
    }

    private let credentials: OAuthClientCredentials
    private let state: Mutex<State>
    /// The handle for the token endpoint; held during a fetch, so fetches run one at a time.
    private let fetcher: Mutex<CurlEasy>

    /// A token is renewed this long before the expiry the endpoint announced,
    /// so that it does not run out between the check and the EWS call.
    static let renewalMargin: Duration = .seconds(60)
    /// A token due for renewal is still handed out until this long before it expires.
    static let expiryMargin: Duration = .seconds(5)
    /// The lifetime assumed when the answer has no `expires_in` (RFC 6749 5.1
    /// only recommends it). Five minutes is half the shortest access-token
    /// lifetime Entra ID can be configured to (10 minutes, "Configurable token
    /// lifetimes in the Microsoft identity platform"), so such a token is
    /// renewed before any real one runs out, yet not fetched again for every
    /// request; a token that still runs out earlier gets a 401, and a new one.
    static let assumedLifetime: Duration = .seconds(300)

    public init(credentials: OAuthClientCredentials, options: TransportOptions) throws(TransportError) {
        try EndpointPolicy.check(credentials.tokenURL)
        try options.validate()
        self.credentials = credentials
        state = Mutex(State())
        fetcher = Mutex(try CurlEasy(options: options, authentication: .none))
    }

    /// How many tokens were fetched so far (for tests and metrics).
    public var fetchCount: Int { state.withLock { $0.fetches } }

    /// A valid token, from the cache or fetched now.
    func token() throws(TransportError) -> Secret {
        let now = ContinuousClock.now
        let (cached, due) = state.withLock { s in
            (now < s.usableUntil ? s.token : nil, now >= s.renewAt)
        }
        guard let cached else {
            // No valid token: wait for the fetch under way, if any, then use its token or fetch one.
            return try fetcher.withLock { (easy: inout CurlEasy) throws(TransportError) -> Secret in
                if let fetched = state.withLock({ ContinuousClock.now < $0.usableUntil ? $0.token : nil }) {
                    return fetched
                }
                return try renew(with: easy)
            }
        }
        guard due else { return cached }
        // Due for renewal but still valid: renew it unless another caller is doing
        // so, and keep using it if the endpoint fails now; it is retried next time.
        let renewed = try? fetcher.withLockIfAvailable { (easy: inout CurlEasy) throws(TransportError) -> Secret in
            try renew(with: easy)
        }
        return renewed ?? cached
    }

    /// Forgets `token` if it is the cached one (the server answered 401 to it).
    func invalidate(_ token: Secret) {
        state.withLock { s in
            if s.token == token { s.token = nil }
        }
    }

    /// Fetches a token and caches it; called with `fetcher` held.
    private func renew(with easy: CurlEasy) throws(TransportError) -> Secret {
        let (token, lifetime) = try fetch(with: easy)
        let received = ContinuousClock.now
        state.withLock { s in
            s.fetches += 1
            s.token = token
            s.renewAt = received + lifetime - Self.renewalMargin
            s.usableUntil = received + lifetime - Self.expiryMargin
        }
        return token
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
        return (Secret(token), reply.expiresIn.map { .seconds($0) } ?? Self.assumedLifetime)
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
