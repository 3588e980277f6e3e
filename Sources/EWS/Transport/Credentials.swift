import Foundation

/// A password, client secret or token. Printing it in any way shows a
/// placeholder, so a secret that slips into a log line or an error message
/// does not leak (PRODUCT.md 7.7); `reveal()` is for the one place that sends it.
public struct Secret: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    private let value: String

    public init(_ value: String) { self.value = value }

    public func reveal() -> String { value }

    public var description: String { "<secret>" }
    public var debugDescription: String { "<secret>" }
    public var customMirror: Mirror { Mirror(self, children: []) }
}

/// How the bot authenticates to Exchange (PROTOCOL.md 2.4).
public enum Credentials: Sendable {
    /// Basic over TLS; on premises only, Exchange Online refuses it.
    case basic(username: String, password: Secret)
    /// NTLM (on premises). The username may be `DOMAIN\user` or a UPN.
    case ntlm(username: String, password: Secret)
    /// OAuth 2.0 client-credentials grant (Exchange Online, app-only).
    case oauth(OAuthClientCredentials)
}

/// The OAuth 2.0 client-credentials grant of an Entra app registration.
public struct OAuthClientCredentials: Sendable {
    /// `https://login.microsoftonline.com/<tenant>/oauth2/v2.0/token`.
    public var tokenURL: URL
    public var clientID: String
    public var clientSecret: Secret
    /// The scope from Microsoft's EWS sample (PROTOCOL.md 2.4).
    public var scope: String

    public static let exchangeOnlineScope = "https://outlook.office365.com/.default"

    public init(tokenURL: URL, clientID: String, clientSecret: Secret, scope: String = Self.exchangeOnlineScope) {
        self.tokenURL = tokenURL
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.scope = scope
    }
}
