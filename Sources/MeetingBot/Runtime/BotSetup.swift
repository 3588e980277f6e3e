import EWS
import Foundation
import Logging

/// What the commands that reach the mailboxes (`run`, `attendance`) start
/// from: the configuration, checked, and the mailboxes `--mailbox` chose;
/// then, once the secret is read, one client per mailbox on a connection of
/// its own.
public struct BotSetup: Sendable {
    public let configuration: BotConfiguration
    /// The configured mailboxes, or those `--mailbox` named, in the file's order.
    public let mailboxes: [BotConfiguration.Mailbox]

    /// Checks the file at `configPath` (reading no secret) and picks the
    /// mailboxes `names` lists, all of them when it is empty. Throws
    /// `ConfigurationError`, or `LaunchError` for a name the file does not configure.
    /// With a `shard`, only its mailboxes; `names` must then be the shard's,
    /// so a mailbox is always processed with its own shard's journal.
    public init(configPath: String, mailboxes names: [String], shard: Shard? = nil) throws {
        configuration = try BotConfiguration.load(contentsOf: configPath)
        let ours = configuration.mailboxes.filter { shard?.contains($0.address) ?? true }
        guard !names.isEmpty else {
            mailboxes = ours
            return
        }
        let known = Set(configuration.mailboxes.map { $0.address.lowercased() })
        let unknown = names.filter { !known.contains($0.lowercased()) }
        guard unknown.isEmpty else {
            throw LaunchError("\(configPath): no mailbox \(unknown.joined(separator: ", ")) is configured")
        }
        if let shard {
            let others = names.filter { !shard.contains($0) }.map {
                "\($0) (shard \(Shard.index(of: $0, among: shard.count))/\(shard.count))"
            }
            guard others.isEmpty else { throw LaunchError("not in shard \(shard): \(others.joined(separator: ", "))") }
        }
        let wanted = Set(names.map { $0.lowercased() })
        mailboxes = ours.filter { wanted.contains($0.address.lowercased()) }
    }

    /// Reads the secret (just before connecting) into the authentication that
    /// every mailbox's client shares, so they share one OAuth token.
    public func authentication() throws -> TransportAuthentication {
        try configuration.authentication(try configuration.credentials())
    }

    /// The connections every mailbox's client shares: at most `concurrency`
    /// requests in flight for the whole run (PRODUCT.md 5), each on a kept
    /// connection. Checks the endpoint first.
    public func transports(authentication: TransportAuthentication) throws(TransportError) -> TransportPool {
        try EndpointPolicy.check(configuration.exchange.url)
        let options = configuration.transportOptions
        return TransportPool(limit: configuration.concurrency) { () throws(TransportError) in
            try CurlTransport(authentication: authentication, options: options)
        }
    }

    /// A client for `mailbox` over the run's `transports`, whose calls
    /// `counter` counts when given one.
    public func client(
        for mailbox: BotConfiguration.Mailbox, transports: TransportPool, counter: CallCounter? = nil, logger: Logger
    ) -> EWSClient {
        EWSClient(
            url: configuration.exchange.url, account: mailbox.account,
            transport: counter.map { $0.counting(transports) } ?? transports,
            version: configuration.exchange.version,
            sleeper: counter.map { $0.countingRetries(TaskSleeper()) } ?? TaskSleeper(), logger: logger)
    }
}
