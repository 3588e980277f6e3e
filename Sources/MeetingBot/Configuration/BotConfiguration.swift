import CheckedYAML
import EWS
import Foundation

/// The bot's configuration file (PRODUCT.md 5, `docs/CONFIGURATION.md`),
/// checked: the only way to make one is checking a file, so a file with
/// errors configures nothing (PRODUCT.md 7.2).
///
/// It holds no secret, only where each one is (`SecretSource`): checking a
/// file never reads one, and the bot reads them just before it connects.
/// Paths are absolute, resolved against the configuration file's folder.
public struct BotConfiguration: Sendable, Hashable {
    /// The configuration file's path as it was given.
    public let file: String
    public let exchange: Exchange
    /// At least one, with unique addresses, in the file's order.
    public let mailboxes: [Mailbox]
    /// Where the journal, the lock and the metrics live.
    public let stateDirectory: String
    /// How many mailboxes are processed at once.
    public let concurrency: Int
    /// The most replies sent per minute per mailbox; nil when there is no cap
    /// (Exchange transport's rate limit: PROTOCOL.md 9.4).
    public let repliesPerMinute: Int?
    /// How long one run may take: what is left is for the next run.
    public let timeBudget: Duration
    /// How long a response may wait for the Calendar Attendant before it is
    /// reported as a problem (PRODUCT.md 3).
    public let pendingGrace: Duration
    /// What removing a processed message does.
    public let cleanup: Cleanup
    /// Ids per GetItem, DeleteItem and MoveItem (PROTOCOL.md 4.3).
    public let batchSize: Int
    /// Messages per FindItem page.
    public let pageSize: Int
    /// Where each run writes its metrics for node_exporter's textfile
    /// collector (`MetricsFile`); nil for none.
    public let metricsFile: String?
}

extension BotConfiguration {
    /// The Exchange server and how to reach it.
    public struct Exchange: Sendable, Hashable {
        /// The EWS endpoint; https, or http to this machine only (`EndpointPolicy`).
        public let url: URL
        public let version: ExchangeVersion
        public let authentication: Authentication
        /// PEM file of the CAs to trust instead of the system's.
        public let caFile: String?
        /// Proxy URL; without one no proxy is used.
        public let proxy: String?
        /// The limit for one request.
        public let timeout: Duration
    }

    /// How the bot signs in; secrets are named, not held.
    public enum Authentication: Sendable, Hashable {
        case basic(username: String, password: SecretSource)
        case ntlm(username: String, password: SecretSource)
        case oauth(OAuth)
    }

    /// The OAuth 2.0 client-credentials grant of an Entra app registration (PROTOCOL.md 2.4).
    public struct OAuth: Sendable, Hashable {
        public let tenant: String
        public let clientID: String
        public let clientSecret: SecretSource
        /// `https://login.microsoftonline.com/<tenant>/oauth2/v2.0/token` unless the file names another.
        public let tokenURL: URL
        public let scope: String
    }

    /// One mailbox the bot processes.
    public struct Mailbox: Sendable, Hashable {
        /// The primary SMTP address, as written.
        public let address: String
        /// The rules file's absolute path.
        public let rules: String
        public let access: MailboxAccess
        /// The folder whose meeting messages are processed.
        public let folder: Folder
        /// Where the file lists it.
        public let location: SourceLocation

        /// How the client reaches the mailbox.
        public var account: MailboxAccount { MailboxAccount(address: address, access: access) }
    }

    /// What removing a processed message does (PROTOCOL.md 7).
    public enum Cleanup: Sendable, Hashable {
        /// DeleteItem with this DeleteType.
        case delete(DeleteType)
        /// MoveItem to this folder.
        case move(to: Folder)
    }
}

extension BotConfiguration {
    /// Checks a configuration file's text. `file` is its path: diagnostics name
    /// it, and relative paths in it are resolved against its folder.
    public static func check(_ text: String, file: String) -> Result<BotConfiguration, ConfigurationError> {
        let folder = URL(fileURLWithPath: file).deletingLastPathComponent()
        let checker = ConfigurationChecker(file: file, directory: folder)
        let configuration = ConfigurationFile.read(text, checker)
        guard let configuration, !checker.hasErrors else {
            return .failure(ConfigurationError(file: file, diagnostics: checker.diagnostics.sorted()))
        }
        return .success(configuration)
    }

    /// Reads and checks the file at `path`; reads no secret.
    public static func load(contentsOf path: String) throws(ConfigurationError) -> BotConfiguration {
        switch YAMLReader.text(contentsOf: path) {
        case .success(let text): try check(text, file: path).get()
        case .failure(let problem): throw ConfigurationError(file: path, diagnostics: [problem])
        }
    }
}

/// A configuration that cannot be used, with every problem found, each located
/// in the file (`config.yml:3:5: error: …`).
///
/// It never shows the file's lines, only the messages: a secret pasted into the
/// file by mistake would otherwise be printed (PRODUCT.md 7.7).
public struct ConfigurationError: Error, Sendable, CustomStringConvertible {
    public let file: String
    /// The errors, in file order.
    public let diagnostics: [Diagnostic]

    public init(file: String, diagnostics: [Diagnostic]) {
        self.file = file
        self.diagnostics = diagnostics
    }

    public var description: String {
        let count = diagnostics.count
        let head = "\(file): \(count) error\(count == 1 ? "" : "s"); the configuration cannot be used"
        return ([head] + diagnostics.map(\.description)).joined(separator: "\n")
    }
}
