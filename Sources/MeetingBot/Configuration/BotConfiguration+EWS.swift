import EWS
import Foundation
import Logging

/// The EWS pieces a configuration describes. Only `credentials` reads a
/// secret; the bot calls it just before it connects.
extension BotConfiguration {
    /// The connection settings of every mailbox's transport.
    public var transportOptions: TransportOptions {
        TransportOptions(caFile: exchange.caFile, proxy: exchange.proxy, timeout: exchange.timeout)
    }

    /// The request sizes of the mailbox reader and writer.
    public var mailboxOptions: EWSMailboxOptions {
        EWSMailboxOptions(pageSize: pageSize, batchSize: batchSize)
    }

    /// Reads the secret the authentication names (from its file or
    /// environment variable) into EWS credentials.
    public func credentials(environment: [String: String] = ProcessInfo.processInfo.environment)
        throws(ConfigurationError) -> Credentials
    {
        switch exchange.authentication {
        case .basic(let username, let password):
            return .basic(username: username, password: try password.load(environment: environment))
        case .ntlm(let username, let password):
            return .ntlm(username: username, password: try password.load(environment: environment))
        case .oauth(let oauth):
            return .oauth(
                OAuthClientCredentials(
                    tokenURL: oauth.tokenURL, clientID: oauth.clientID,
                    clientSecret: try oauth.clientSecret.load(environment: environment), scope: oauth.scope))
        }
    }

    /// The authentication to hand every mailbox's client: make it once per
    /// run, so that the mailboxes share one OAuth token.
    public func authentication(_ credentials: Credentials) throws(TransportError) -> TransportAuthentication {
        try TransportAuthentication(credentials, options: transportOptions)
    }

    /// A client for `mailbox`, with a connection of its own.
    public func client(
        for mailbox: Mailbox, authentication: TransportAuthentication, logger: Logger = Logger(label: "meetingbot.ews")
    ) throws(TransportError) -> EWSClient {
        try EWSClient(
            url: exchange.url, account: mailbox.account, authentication: authentication, options: transportOptions,
            version: exchange.version, logger: logger)
    }
}
