import CheckedYAML
import EWS
import Foundation

/// The keys of the configuration file, section by section
/// (`docs/CONFIGURATION.md` describes each). Every default is stated once, in
/// a section's draft.
enum ConfigurationFile {
    struct Draft {
        var exchange: BotConfiguration.Exchange?
        var mailboxes: [BotConfiguration.Mailbox]?
        var stateDirectory: String?
        var concurrency = 4
        var repliesPerMinute = 0
        var timeBudget = Duration.seconds(4 * 60)
        var pendingGrace = Duration.seconds(24 * 3_600)
        var cleanup = BotConfiguration.Cleanup.delete(.moveToDeletedItems)
        var batchSize = 20
        var pageSize = 100
        var metricsFile: String?
    }

    static let keys: [ConfigurationKey<Draft>] = [
        ConfigurationKey("exchange", required: true) { node, checker, draft in
            draft.exchange = ExchangeSection.read(node, checker)
        },
        ConfigurationKey("mailboxes", required: true) { node, checker, draft in
            draft.mailboxes = MailboxSection.list(node, checker)
        },
        ConfigurationKey("state_dir", required: true) { node, checker, draft in
            draft.stateDirectory = checker.path(node, "state_dir")
        },
        ConfigurationKey("concurrency") { node, checker, draft in
            if let count = checker.wholeNumber(node, "concurrency", in: 1...64) { draft.concurrency = count }
        },
        ConfigurationKey("replies_per_minute") { node, checker, draft in
            if let cap = checker.wholeNumber(node, "replies_per_minute", in: 0...1_000) { draft.repliesPerMinute = cap }
        },
        ConfigurationKey("time_budget") { node, checker, draft in
            if let budget = checker.duration(node, "time_budget", in: 1...86_400) { draft.timeBudget = budget }
        },
        ConfigurationKey("pending_grace") { node, checker, draft in
            if let grace = checker.duration(node, "pending_grace", in: 0...365 * 86_400) { draft.pendingGrace = grace }
        },
        ConfigurationKey("cleanup") { node, checker, draft in
            if let cleanup = CleanupSection.read(node, checker) { draft.cleanup = cleanup }
        },
        ConfigurationKey("batch_size") { node, checker, draft in
            if let size = checker.wholeNumber(node, "batch_size", in: 1...100) { draft.batchSize = size }
        },
        ConfigurationKey("page_size") { node, checker, draft in
            // 250: FindItem's limit for restricted finds (EWSMailboxOptions).
            if let size = checker.wholeNumber(node, "page_size", in: 1...250) { draft.pageSize = size }
        },
        ConfigurationKey("metrics_file") { node, checker, draft in
            guard let path = checker.path(node, "metrics_file") else { return }
            // node_exporter's textfile collector reads only *.prom files.
            guard path.hasSuffix(".prom") else {
                checker.expected(node, "metrics_file", "a file name ending in .prom, such as meetingbot.prom")
                return
            }
            draft.metricsFile = path
        },
    ]

    /// The configuration in `text`, or nil when `checker` found errors.
    static func read(_ text: String, _ checker: ConfigurationChecker) -> BotConfiguration? {
        let root: YAMLNode
        switch YAMLReader.read(text, file: checker.file) {
        case .failure(let problem):
            checker.report(problem.severity, problem.location, problem.message)
            return nil
        case .success(nil):
            checker.report(
                .error, SourceLocation(file: checker.file, line: 1, column: 1),
                "the file is empty; a configuration needs 'exchange', 'mailboxes' and 'state_dir'")
            return nil
        case .success(let node?):
            root = node
        }
        var draft = Draft()
        guard checker.read(root, as: "a configuration file", keys: keys, into: &draft),
            let exchange = draft.exchange, let mailboxes = draft.mailboxes, let stateDirectory = draft.stateDirectory
        else { return nil }
        return BotConfiguration(
            file: checker.file, exchange: exchange, mailboxes: mailboxes, stateDirectory: stateDirectory,
            concurrency: draft.concurrency,
            repliesPerMinute: draft.repliesPerMinute == 0 ? nil : draft.repliesPerMinute,
            timeBudget: draft.timeBudget, pendingGrace: draft.pendingGrace, cleanup: draft.cleanup,
            batchSize: draft.batchSize, pageSize: draft.pageSize, metricsFile: draft.metricsFile)
    }
}

/// `exchange: { url, version, auth, tls: { ca_file }, proxy, timeout }`.
enum ExchangeSection {
    struct Draft {
        var url: URL?
        var version = ExchangeVersion.exchange2013SP1
        var authentication: BotConfiguration.Authentication?
        var caFile: String?
        var proxy: String?
        var timeout = TransportOptions().timeout
    }

    static let keys: [ConfigurationKey<Draft>] = [
        ConfigurationKey("url", required: true) { node, checker, draft in
            draft.url = checker.endpoint(node, "url")
        },
        ConfigurationKey("version") { node, checker, draft in
            if let version = checker.version(node, "version") { draft.version = version }
        },
        ConfigurationKey("auth", required: true) { node, checker, draft in
            draft.authentication = AuthSection.read(node, checker)
        },
        ConfigurationKey("tls") { node, checker, draft in
            checker.read(node, as: "'tls'", keys: tlsKeys, into: &draft)
        },
        ConfigurationKey("proxy") { node, checker, draft in
            draft.proxy = checker.proxy(node, "proxy")
        },
        ConfigurationKey("timeout") { node, checker, draft in
            if let timeout = checker.duration(node, "timeout", in: 1...3_600) { draft.timeout = timeout }
        },
    ]

    static let tlsKeys: [ConfigurationKey<Draft>] = [
        ConfigurationKey("ca_file") { node, checker, draft in
            draft.caFile = checker.path(node, "ca_file")
        }
    ]

    static func read(_ node: YAMLNode, _ checker: ConfigurationChecker) -> BotConfiguration.Exchange? {
        var draft = Draft()
        guard checker.read(node, as: "'exchange'", keys: keys, into: &draft), let url = draft.url,
            let authentication = draft.authentication
        else { return nil }
        return BotConfiguration.Exchange(
            url: url, version: draft.version, authentication: authentication, caFile: draft.caFile,
            proxy: draft.proxy, timeout: draft.timeout)
    }
}

/// `auth: { type, … }`: which keys apply depends on the type.
enum AuthSection {
    enum AuthType: String, CaseIterable {
        case basic, ntlm, oauth

        /// The keys of this type, `type` included.
        var keys: [String] {
            switch self {
            case .basic, .ntlm: ["type", "username", "password_file", "password_env"]
            case .oauth:
                ["type", "tenant", "client_id", "client_secret_file", "client_secret_env", "token_url", "scope"]
            }
        }

        var required: [String] {
            switch self {
            case .basic, .ntlm: ["type", "username"]
            case .oauth: ["type", "tenant", "client_id"]
            }
        }
    }

    struct Draft {
        var username: String?
        /// Each secret key given, with what it named (nil when that was wrong).
        var passwords: [ConfigurationChecker.GivenSecret] = []
        var tenant: String?
        var clientID: String?
        var clientSecrets: [ConfigurationChecker.GivenSecret] = []
        var tokenURL: URL?
        var scope = OAuthClientCredentials.exchangeOnlineScope
    }

    static let keys: [ConfigurationKey<Draft>] = [
        // Read before the others, by `read`: it decides which of them apply.
        ConfigurationKey("type", required: true) { _, _, _ in },
        ConfigurationKey("username") { node, checker, draft in
            draft.username = checker.nonEmptyText(node, "username")
        },
        ConfigurationKey("password_file") { node, checker, draft in
            draft.passwords.append((checker.secretFile(node, "password_file", kind: "password"), node))
        },
        ConfigurationKey("password_env") { node, checker, draft in
            draft.passwords.append((checker.secretVariable(node, "password_env", kind: "password"), node))
        },
        ConfigurationKey("tenant") { node, checker, draft in
            draft.tenant = tenant(node, checker)
        },
        ConfigurationKey("client_id") { node, checker, draft in
            draft.clientID = checker.nonEmptyText(node, "client_id")
        },
        ConfigurationKey("client_secret_file") { node, checker, draft in
            draft.clientSecrets.append((checker.secretFile(node, "client_secret_file", kind: "client secret"), node))
        },
        ConfigurationKey("client_secret_env") { node, checker, draft in
            draft.clientSecrets.append((checker.secretVariable(node, "client_secret_env", kind: "client secret"), node))
        },
        ConfigurationKey("token_url") { node, checker, draft in
            draft.tokenURL = checker.endpoint(node, "token_url")
        },
        ConfigurationKey("scope") { node, checker, draft in
            if let scope = checker.nonEmptyText(node, "scope") { draft.scope = scope }
        },
    ]

    /// Secrets written inline: refused, saying what to write instead (PRODUCT.md 5).
    static let refused = [
        "password": "a password is never written in the configuration: name a file that holds it with "
            + "'password_file' (mode 0600) or an environment variable with 'password_env'",
        "client_secret": "a client secret is never written in the configuration: name a file that holds it with "
            + "'client_secret_file' (mode 0600) or an environment variable with 'client_secret_env'",
    ]

    static func read(_ node: YAMLNode, _ checker: ConfigurationChecker) -> BotConfiguration.Authentication? {
        let typeNode = node.pairs.first { $0.key.scalarText == "type" }?.value
        let type = typeNode.flatMap { checker.choice($0, "type", AuthType.self) }
        var draft = Draft()
        guard
            checker.read(
                node, as: "'auth'", keys: keys, required: type?.required ?? ["type"], refused: refused, into: &draft),
            let type
        else { return nil }
        for (keyNode, _) in node.pairs {
            guard let key = keyNode.scalarText, keys.contains(where: { $0.key == key }), !type.keys.contains(key)
            else { continue }
            let owners = AuthType.allCases.filter { $0.keys.contains(key) }.map(\.rawValue).joined(separator: " and ")
            checker.error(keyNode, "\(quoted(key)) does not apply to auth type \(type.rawValue) (only to \(owners))")
        }
        switch type {
        case .basic, .ntlm:
            let password = checker.oneSecret(
                draft.passwords, file: "password_file", variable: "password_env", in: node, as: "'auth'")
            guard let username = draft.username, let password else { return nil }
            return type == .basic
                ? .basic(username: username, password: password) : .ntlm(username: username, password: password)
        case .oauth:
            let secret = checker.oneSecret(
                draft.clientSecrets, file: "client_secret_file", variable: "client_secret_env", in: node, as: "'auth'")
            guard let tenant = draft.tenant, let clientID = draft.clientID, let secret,
                let tokenURL = draft.tokenURL ?? defaultTokenURL(tenant)
            else { return nil }
            return .oauth(
                BotConfiguration.OAuth(
                    tenant: tenant, clientID: clientID, clientSecret: secret, tokenURL: tokenURL, scope: draft.scope))
        }
    }

    /// A tenant's domain (`contoso.onmicrosoft.com`) or id: it goes into the token URL's path.
    static func tenant(_ node: YAMLNode, _ checker: ConfigurationChecker) -> String? {
        guard let text = checker.text(node, "tenant") else { return nil }
        guard !text.isEmpty, text.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "-") })
        else {
            checker.expected(node, "tenant", "a tenant domain such as contoso.onmicrosoft.com or a tenant id")
            return nil
        }
        return text
    }

    /// Microsoft identity platform's v2.0 token endpoint of `tenant` (PROTOCOL.md 2.4).
    static func defaultTokenURL(_ tenant: String) -> URL? {
        URL(string: "https://login.microsoftonline.com/\(tenant)/oauth2/v2.0/token")
    }
}

/// `mailboxes: [{ address, rules, access, folder }]`.
enum MailboxSection {
    struct Draft {
        var address: (text: String, node: YAMLNode)?
        var rules: String?
        var access = MailboxAccess.own
        var folder = Folder.inbox
    }

    static let keys: [ConfigurationKey<Draft>] = [
        ConfigurationKey("address", required: true) { node, checker, draft in
            draft.address = checker.address(node, "address").map { ($0, node) }
        },
        ConfigurationKey("rules", required: true) { node, checker, draft in
            draft.rules = checker.path(node, "rules")
        },
        ConfigurationKey("access") { node, checker, draft in
            if let access = checker.choice(node, "access", MailboxAccess.self) { draft.access = access }
        },
        ConfigurationKey("folder") { node, checker, draft in
            if let folder = checker.folder(node, "folder") { draft.folder = folder }
        },
    ]

    /// The mailboxes; nil when one of them is wrong or an address is listed twice.
    static func list(_ node: YAMLNode, _ checker: ConfigurationChecker) -> [BotConfiguration.Mailbox]? {
        guard case .sequence(let items) = node.content else {
            checker.expected(node, "mailboxes", "a list of mailboxes")
            return nil
        }
        guard !items.isEmpty else {
            checker.error(node, "'mailboxes' needs at least one mailbox, found an empty list")
            return nil
        }
        var mailboxes: [BotConfiguration.Mailbox] = []
        var firstLine: [String: Int] = [:]
        var failed = false
        for item in items {
            var draft = Draft()
            guard checker.read(item, as: "a mailbox", keys: keys, into: &draft), let address = draft.address,
                let rules = draft.rules
            else {
                failed = true
                continue
            }
            // Exchange compares SMTP addresses without regard to case.
            if let line = firstLine[address.text.lowercased()] {
                checker.error(
                    address.node, "the mailbox \(quoted(address.text)) is listed twice (first at line \(line))")
                failed = true
                continue
            }
            firstLine[address.text.lowercased()] = address.node.location.line
            mailboxes.append(
                BotConfiguration.Mailbox(
                    address: address.text, rules: rules, access: draft.access, folder: draft.folder,
                    location: item.location))
        }
        return failed ? nil : mailboxes
    }
}

/// `cleanup: { mode, folder }`.
enum CleanupSection {
    enum Mode: String, CaseIterable {
        case moveToDeletedItems = "move_to_deleted_items"
        case softDelete = "soft_delete"
        case hardDelete = "hard_delete"
        case moveToFolder = "move_to_folder"
    }

    struct Draft {
        var mode: Mode?
        var folder: (folder: Folder, node: YAMLNode)?
    }

    static let keys: [ConfigurationKey<Draft>] = [
        ConfigurationKey("mode", required: true) { node, checker, draft in
            draft.mode = checker.choice(node, "mode", Mode.self)
        },
        ConfigurationKey("folder") { node, checker, draft in
            draft.folder = checker.folder(node, "folder").map { ($0, node) }
        },
    ]

    static func read(_ node: YAMLNode, _ checker: ConfigurationChecker) -> BotConfiguration.Cleanup? {
        var draft = Draft()
        guard checker.read(node, as: "'cleanup'", keys: keys, into: &draft), let mode = draft.mode else { return nil }
        if mode != .moveToFolder, let folder = draft.folder {
            checker.error(folder.node, "'folder' goes with mode move_to_folder only, not with \(mode.rawValue)")
            return nil
        }
        switch mode {
        case .moveToDeletedItems: return .delete(.moveToDeletedItems)
        case .softDelete: return .delete(.softDelete)
        case .hardDelete: return .delete(.hardDelete)
        case .moveToFolder:
            guard let folder = draft.folder else {
                checker.error(node, "missing key 'folder' in 'cleanup' (mode move_to_folder moves messages there)")
                return nil
            }
            return .move(to: folder.folder)
        }
    }
}
