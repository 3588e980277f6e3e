import CheckedYAML
import EWS
import Foundation
import TestSupport
import Testing
@testable import MeetingBot

/// The configuration file: what a valid one gives, and every kind of error
/// with its exact message and location.
@Suite struct ConfigurationTests {
    @Test func theSmallestFileOfProductSection5LoadsExactlyAsWritten() throws {
        let text = try Config.smallestFromProduct()
        let configuration = try Config.load(text)
        #expect(configuration.file == "/etc/meetingbot/config.yml")
        #expect(configuration.exchange.url == URL(string: "https://mail.contoso.com/EWS/Exchange.asmx"))
        #expect(
            configuration.exchange.authentication
                == .basic(
                    username: "room@contoso.com",
                    password: SecretSource(
                        origin: .file(path: "/etc/meetingbot/room.pw"), kind: "password",
                        location: SourceLocation(file: "/etc/meetingbot/config.yml", line: 3, column: 67))))
        #expect(configuration.mailboxes.count == 1)
        let mailbox = try #require(configuration.mailboxes.first)
        #expect(mailbox.address == "room@contoso.com")
        #expect(mailbox.rules == "/etc/meetingbot/rules/room.yml")
        #expect(configuration.stateDirectory == "/var/lib/meetingbot")

        // Everything else has the defaults docs/CONFIGURATION.md gives.
        #expect(configuration.exchange.version == .exchange2013SP1)
        #expect(configuration.exchange.caFile == nil)
        #expect(configuration.exchange.proxy == nil)
        #expect(configuration.exchange.timeout == .seconds(100))
        #expect(mailbox.access == .own)
        #expect(mailbox.folder == .inbox)
        #expect(configuration.concurrency == 4)
        #expect(configuration.repliesPerMinute == nil)
        #expect(configuration.timeBudget == .seconds(4 * 60))
        #expect(configuration.pendingGrace == .seconds(24 * 3_600))
        #expect(configuration.cleanup == .delete(.moveToDeletedItems))
        #expect(configuration.batchSize == 20)
        #expect(configuration.pageSize == 100)

        // The same file with its password file in a temporary folder, mode 0600,
        // holding the password alone.
        let folder = try TemporaryFolder()
        let passwordFile = try folder.write("room.pw", "correct horse battery staple\n")
        let moved = try Config.load(text.replacingOccurrences(of: "/etc/meetingbot/room.pw", with: passwordFile))
        guard case .basic(let username, let password) = try moved.credentials(environment: [:]) else {
            Issue.record("not basic credentials")
            return
        }
        #expect(username == "room@contoso.com")
        #expect(password.reveal() == "correct horse battery staple")
    }

    @Test func everyKeyWithAValidValue() throws {
        let text = """
            exchange:
              url: http://127.0.0.1:8080/EWS/Exchange.asmx
              version: Exchange2016
              auth:
                type: ntlm
                username: CONTOSO\\room
                password_env: MEETINGBOT_PASSWORD
              tls: { ca_file: certs/private-ca.pem }
              proxy: http://proxy:3128
              timeout: 60s
            mailboxes:
              - address: room@contoso.com
                rules: /etc/meetingbot/rules/room.yml
                access: self
                folder: inbox
              - address: ann@contoso.com
                rules: rules/ann.yml
                access: delegate
                folder: junkemail
              - { address: bob@contoso.com, rules: rules/bob.yml, access: impersonation }
            state_dir: /var/lib/meetingbot
            concurrency: 64
            replies_per_minute: 30
            time_budget: 1h30m
            pending_grace: 7d
            cleanup: { mode: move_to_folder, folder: deleteditems }
            batch_size: 100
            page_size: 250

            """
        let configuration = try Config.load(text, file: "/srv/bot/config.yml")
        let exchange = configuration.exchange
        #expect(exchange.url == URL(string: "http://127.0.0.1:8080/EWS/Exchange.asmx"))
        #expect(exchange.version == .exchange2016)
        guard case .ntlm(let username, let password) = exchange.authentication else {
            Issue.record("not NTLM")
            return
        }
        #expect(username == "CONTOSO\\room")
        #expect(password.origin == .environment(name: "MEETINGBOT_PASSWORD"))
        #expect(exchange.caFile == "/srv/bot/certs/private-ca.pem")
        #expect(exchange.proxy == "http://proxy:3128")
        #expect(exchange.timeout == .seconds(60))
        #expect(configuration.mailboxes.map(\.address) == ["room@contoso.com", "ann@contoso.com", "bob@contoso.com"])
        #expect(
            configuration.mailboxes.map(\.rules) == [
                "/etc/meetingbot/rules/room.yml", "/srv/bot/rules/ann.yml", "/srv/bot/rules/bob.yml",
            ])
        #expect(configuration.mailboxes.map(\.access) == [.own, .delegate, .impersonation])
        #expect(
            configuration.mailboxes.map(\.folder) == [
                .inbox, .distinguished(DistinguishedFolderName(rawValue: "junkemail")), .inbox,
            ])
        #expect(configuration.mailboxes.map(\.location.line) == [12, 16, 20])
        #expect(configuration.stateDirectory == "/var/lib/meetingbot")
        #expect(configuration.concurrency == 64)
        #expect(configuration.repliesPerMinute == 30)
        #expect(configuration.timeBudget == .seconds(5_400))
        #expect(configuration.pendingGrace == .seconds(7 * 86_400))
        #expect(configuration.cleanup == .move(to: .deletedItems))
        #expect(configuration.batchSize == 100)
        #expect(configuration.pageSize == 250)
    }

    @Test func oauthWithEveryKey() throws {
        let auth = """
            {
                type: oauth, tenant: contoso.onmicrosoft.com, client_id: "6731de76-14a6-49ae-97bc-6eba6914391e",
                client_secret_file: /etc/meetingbot/client.secret,
                token_url: "http://127.0.0.1:9000/contoso/oauth2/v2.0/token", scope: "https://outlook.office.com/.default"
              }
            """
        let configuration = try Config.load(Config.with(auth: auth))
        guard case .oauth(let oauth) = configuration.exchange.authentication else {
            Issue.record("not OAuth")
            return
        }
        #expect(oauth.tenant == "contoso.onmicrosoft.com")
        #expect(oauth.clientID == "6731de76-14a6-49ae-97bc-6eba6914391e")
        #expect(oauth.clientSecret.origin == .file(path: "/etc/meetingbot/client.secret"))
        #expect(oauth.tokenURL == URL(string: "http://127.0.0.1:9000/contoso/oauth2/v2.0/token"))
        #expect(oauth.scope == "https://outlook.office.com/.default")
    }

    @Test func oauthDefaults() throws {
        let auth = "{ type: oauth, tenant: contoso.onmicrosoft.com, client_id: app, client_secret_env: APP_SECRET }"
        guard case .oauth(let oauth) = try Config.load(Config.with(auth: auth)).exchange.authentication else {
            Issue.record("not OAuth")
            return
        }
        #expect(
            oauth.tokenURL == URL(string: "https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token")
        )
        #expect(oauth.scope == "https://outlook.office365.com/.default")
        #expect(oauth.clientSecret.origin == .environment(name: "APP_SECRET"))
    }

    @Test func relativePathsAreRelativeToTheConfigurationFilesFolder() throws {
        let text = Config.with(
            auth: "{ type: basic, username: room, password_file: secrets/../room.pw }",
            exchange: "  tls: { ca_file: ./ca.pem }\n")
        let configuration = try Config.load(text, file: "/opt/meetingbot/etc/config.yml")
        guard case .basic(_, let password) = configuration.exchange.authentication else {
            Issue.record("not basic")
            return
        }
        #expect(password.origin == .file(path: "/opt/meetingbot/etc/room.pw"))
        #expect(configuration.exchange.caFile == "/opt/meetingbot/etc/ca.pem")
        #expect(configuration.mailboxes.map(\.rules) == ["/opt/meetingbot/etc/rules/room.yml"])
        #expect(configuration.stateDirectory == "/opt/meetingbot/etc/state")

        // A relative configuration path starts from the working directory.
        let here = FileManager.default.currentDirectoryPath
        let relative = try Config.load(text, file: "config.yml")
        #expect(relative.stateDirectory == URL(fileURLWithPath: here).appendingPathComponent("state").path)
    }

    @Test func theFileAsAWhole() {
        #expect(
            Config.diagnostics("") == [
                "c.yml:1:1: error: the file is empty; a configuration needs 'exchange', 'mailboxes' and 'state_dir'"
            ])
        #expect(
            Config.diagnostics("- a\n") == [
                "c.yml:1:1: error: expected a configuration file (a mapping of keys), found a list"
            ])
        #expect(
            Config.diagnostics("concurrency: 2\n") == [
                "c.yml:1:1: error: missing key 'exchange' in a configuration file",
                "c.yml:1:1: error: missing key 'mailboxes' in a configuration file",
                "c.yml:1:1: error: missing key 'state_dir' in a configuration file",
            ])
        #expect(
            Config.diagnostics("exchange:\n\turl: x\n") == [
                "c.yml:2:1: error: not valid YAML: found character that cannot start any token (while scanning for the next token at line 2, column 1)"
            ])
    }

    @Test func unknownKeysWithSuggestions() {
        let smallest = Config.with(auth: "{ type: basic, username: room, password_file: room.pw }")
        #expect(
            Config.diagnostics(smallest.replacingOccurrences(of: "mailboxes:", with: "mailboxs:")) == [
                "c.yml:1:1: error: missing key 'mailboxes' in a configuration file",
                "c.yml:4:1: error: unknown key 'mailboxs' (did you mean 'mailboxes'?)",
            ])
        #expect(
            Config.diagnostics(smallest.replacingOccurrences(of: "password_file", with: "pasword_file")) == [
                "c.yml:3:9: error: 'auth' needs 'password_file' or 'password_env'",
                "c.yml:3:40: error: unknown key 'pasword_file' (did you mean 'password_file'?)",
            ])
        #expect(
            Config.diagnostics(smallest + "state_directory: x\ntime_buget: 1m\nbogus: 1\n") == [
                "c.yml:8:1: error: unknown key 'state_directory' (did you mean 'state_dir'?)",
                "c.yml:9:1: error: unknown key 'time_buget' (did you mean 'time_budget'?)",
                "c.yml:10:1: error: unknown key 'bogus'",
            ])
        #expect(
            Config.diagnostics(smallest.replacingOccurrences(of: "  url:", with: "  server:")) == [
                "c.yml:2:3: error: missing key 'url' in 'exchange'",
                "c.yml:2:3: error: unknown key 'server' (did you mean 'url'?)",
            ])
    }

    @Test func wrongTypesAndBadValues() {
        let smallest = Config.with(auth: "{ type: basic, username: room, password_file: room.pw }")
        let cases: [(String, Int, String)] = [
            ("concurrency: four", 14, "'concurrency' expects a whole number from 1 to 64, found 'four'"),
            ("concurrency: 0", 14, "'concurrency' expects a whole number from 1 to 64, found '0'"),
            ("concurrency: 65", 14, "'concurrency' expects a whole number from 1 to 64, found '65'"),
            ("replies_per_minute: -1", 21, "'replies_per_minute' expects a whole number from 0 to 1000, found '-1'"),
            ("batch_size: 101", 13, "'batch_size' expects a whole number from 1 to 100, found '101'"),
            ("page_size: 251", 12, "'page_size' expects a whole number from 1 to 250, found '251'"),
            ("time_budget: 4", 14, "'time_budget' expects a duration such as 30s, 4m, 24h or 7d, found '4'"),
            ("time_budget: 2d", 14, "'time_budget' must be from 1s to 1d, found '2d'"),
            ("time_budget: 0s", 14, "'time_budget' must be from 1s to 1d, found '0s'"),
            ("pending_grace: 400d", 16, "'pending_grace' must be from 0s to 365d, found '400d'"),
            ("cleanup: soft_delete", 10, "expected 'cleanup' (a mapping of keys), found 'soft_delete'"),
            (
                "cleanup: { mode: soft-delete }", 18,
                "'mode' expects one of move_to_deleted_items, soft_delete, hard_delete, move_to_folder, found 'soft-delete' (did you mean 'soft_delete'?)"
            ),
            (
                "cleanup: { mode: move_to_folder }", 10,
                "missing key 'folder' in 'cleanup' (mode move_to_folder moves messages there)"
            ),
            (
                "cleanup: { mode: soft_delete, folder: inbox }", 39,
                "'folder' goes with mode move_to_folder only, not with soft_delete"
            ),
        ]
        for (line, column, message) in cases {
            #expect(Config.diagnostics(smallest + line + "\n") == ["c.yml:8:\(column): error: \(message)"])
        }
        #expect(
            Config.diagnostics(smallest.replacingOccurrences(of: "state_dir: state", with: "state_dir: 12")) == [
                "c.yml:7:12: error: 'state_dir' expects a path such as /var/lib/meetingbot, found '12'"
            ])
    }

    @Test func theExchangeSection() {
        func exchange(_ lines: String) -> [String] {
            Config.diagnostics(
                "exchange:\n" + lines
                    + "  auth: { type: basic, username: room, password_file: room.pw }\n"
                    + "mailboxes: [{ address: room@contoso.com, rules: room.yml }]\nstate_dir: state\n")
        }
        #expect(
            exchange("  url: http://mail.contoso.com/EWS/Exchange.asmx\n") == [
                "c.yml:2:8: error: 'url': plain http is refused for mail.contoso.com: credentials and mail would cross the network unencrypted; use https (http is allowed only for 127.0.0.0/8, ::1 and localhost)"
            ])
        #expect(exchange("  url: http://localhost:8080/EWS/Exchange.asmx\n") == [])
        #expect(exchange("  url: http://[::1]:8080/EWS/Exchange.asmx\n") == [])
        #expect(
            exchange("  url: ftp://mail.contoso.com/EWS\n") == [
                "c.yml:2:8: error: 'url': 'ftp://mail.contoso.com/EWS' uses ftp; only https (and http to loopback) is allowed"
            ])
        #expect(
            exchange("  url: https://room:pw@mail.contoso.com/EWS/Exchange.asmx\n") == [
                "c.yml:2:8: error: 'url': credentials in the URL are not allowed; configure them in the auth section"
            ])
        #expect(
            exchange("  url: mail.contoso.com\n") == [
                "c.yml:2:8: error: 'url': 'mail.contoso.com' is not an http or https URL with a host"
            ])
        let url = "  url: https://mail.contoso.com/EWS/Exchange.asmx\n"
        #expect(
            exchange(url + "  version: Exchange2010_SP2\n") == [
                "c.yml:3:12: error: 'version' expects one of Exchange2013_SP1, Exchange2015, Exchange2016, V2015_10_05, V2016_01_06, V2016_04_13, V2016_07_13, V2016_10_10, V2017_01_07, V2017_04_14, V2017_07_11, found 'Exchange2010_SP2' (the bot needs Exchange2013_SP1 or later)"
            ])
        #expect(
            exchange(url + "  version: Exchange2013SP1\n") == [
                "c.yml:3:12: error: 'version' expects one of Exchange2013_SP1, Exchange2015, Exchange2016, V2015_10_05, V2016_01_06, V2016_04_13, V2016_07_13, V2016_10_10, V2017_01_07, V2017_04_14, V2017_07_11, found 'Exchange2013SP1' (did you mean 'Exchange2013_SP1'?)"
            ])
        #expect(
            exchange(url + "  proxy: proxy.contoso.com\n") == [
                "c.yml:3:10: error: 'proxy' expects a proxy URL such as http://proxy.contoso.com:3128, found 'proxy.contoso.com'"
            ])
        #expect(
            exchange(url + "  proxy: http://bot:hunter2@proxy:3128\n") == [
                "c.yml:3:10: error: 'proxy' may not hold a user name or password: a secret is never written in the configuration"
            ])
        #expect(exchange(url + "  proxy: socks5h://proxy:1080\n") == [])
        #expect(exchange(url + "  timeout: 2h\n") == ["c.yml:3:12: error: 'timeout' must be from 1s to 1h, found '2h'"])
        #expect(
            exchange(url + "  tls: { ca_file: ca.pem, verify: false }\n") == [
                "c.yml:3:27: error: unknown key 'verify'"
            ])
        #expect(exchange("") == ["c.yml:2:3: error: missing key 'url' in 'exchange'"])
    }

    @Test func theAuthSection() {
        func auth(_ auth: String) -> [String] { Config.diagnostics(Config.with(auth: auth)) }
        #expect(
            auth("{ username: room, password_file: room.pw }") == ["c.yml:3:9: error: missing key 'type' in 'auth'"])
        #expect(
            auth("{ type: kerberos, username: room }") == [
                "c.yml:3:17: error: 'type' expects one of basic, ntlm, oauth, found 'kerberos'"
            ])
        #expect(auth("{ type: basic, password_env: PW }") == ["c.yml:3:9: error: missing key 'username' in 'auth'"])
        #expect(
            auth("{ type: ntlm, username: room }") == [
                "c.yml:3:9: error: 'auth' needs 'password_file' or 'password_env'"
            ])
        #expect(
            auth("{ type: basic, username: room, password_file: room.pw, password_env: PW }") == [
                "c.yml:3:78: error: give 'password_file' or 'password_env', not both"
            ])
        #expect(
            auth("{ type: basic, username: room, password_file: room.pw, tenant: contoso.com }") == [
                "c.yml:3:64: error: 'tenant' does not apply to auth type basic (only to oauth)"
            ])
        #expect(
            auth("{ type: oauth, tenant: t, client_id: app, client_secret_env: S, username: room }") == [
                "c.yml:3:73: error: 'username' does not apply to auth type oauth (only to basic and ntlm)"
            ])
        #expect(
            auth("{ type: oauth, tenant: contoso.onmicrosoft.com, client_id: app }") == [
                "c.yml:3:9: error: 'auth' needs 'client_secret_file' or 'client_secret_env'"
            ])
        #expect(
            auth("{ type: oauth, client_id: app, client_secret_env: S }") == [
                "c.yml:3:9: error: missing key 'tenant' in 'auth'"
            ])
        #expect(
            auth("{ type: oauth, tenant: contoso/x, client_id: app, client_secret_env: S }") == [
                "c.yml:3:32: error: 'tenant' expects a tenant domain such as contoso.onmicrosoft.com or a tenant id, found 'contoso/x'"
            ])
        #expect(
            auth(
                "{ type: oauth, tenant: t, client_id: app, client_secret_env: S, token_url: \"http://login.contoso.com/t\" }"
            )
                == [
                    "c.yml:3:84: error: 'token_url': plain http is refused for login.contoso.com: credentials and mail would cross the network unencrypted; use https (http is allowed only for 127.0.0.0/8, ::1 and localhost)"
                ])
        #expect(
            auth("{ type: basic, username: room, password_env: MEETINGBOT-PASSWORD }") == [
                "c.yml:3:54: error: 'password_env' expects the name of an environment variable such as MEETINGBOT_PASSWORD, found 'MEETINGBOT-PASSWORD'"
            ])
        #expect(
            auth("{ type: basic, username: room, password_file: 12 }") == [
                "c.yml:3:55: error: 'password_file' expects a path such as /var/lib/meetingbot, found '12'"
            ])
        #expect(
            auth("{ type: basic, username: \"\", password_env: PW }") == [
                "c.yml:3:34: error: 'username' expects text that is not empty, found ''"
            ])
    }

    @Test func secretsAreNeverWrittenInline() {
        #expect(
            Config.diagnostics(Config.with(auth: "{ type: basic, username: room, password: hunter2 }")) == [
                "c.yml:3:9: error: 'auth' needs 'password_file' or 'password_env'",
                "c.yml:3:40: error: a password is never written in the configuration: name a file that holds it with 'password_file' (mode 0600) or an environment variable with 'password_env'",
            ])
        #expect(
            Config.diagnostics(
                Config.with(
                    auth: "{ type: oauth, tenant: t, client_id: app, client_secret: hunter2, client_secret_env: S }"))
                == [
                    "c.yml:3:51: error: a client secret is never written in the configuration: name a file that holds it with 'client_secret_file' (mode 0600) or an environment variable with 'client_secret_env'"
                ])
    }

    @Test func theMailboxes() {
        func mailboxes(_ list: String) -> [String] {
            Config.diagnostics(
                "exchange:\n  url: https://mail.contoso.com/EWS/Exchange.asmx\n"
                    + "  auth: { type: basic, username: room, password_file: room.pw }\n"
                    + "mailboxes:\(list)\nstate_dir: state\n")
        }
        #expect(mailboxes(" []") == ["c.yml:4:12: error: 'mailboxes' needs at least one mailbox, found an empty list"])
        #expect(
            mailboxes(" room@contoso.com") == [
                "c.yml:4:12: error: 'mailboxes' expects a list of mailboxes, found 'room@contoso.com'"
            ])
        #expect(
            mailboxes(
                "\n  - { address: room@contoso.com, rules: a.yml }\n  - { address: ann@contoso.com, rules: b.yml }"
                    + "\n  - { address: Room@Contoso.com, rules: c.yml }")
                == ["c.yml:7:16: error: the mailbox 'Room@Contoso.com' is listed twice (first at line 5)"])
        #expect(
            mailboxes("\n  - { address: room, rules: a.yml }") == [
                "c.yml:5:16: error: 'address' expects an address such as room@contoso.com, found 'room'"
            ])
        #expect(
            mailboxes("\n  - { address: room@contoso.com }") == ["c.yml:5:5: error: missing key 'rules' in a mailbox"])
        #expect(
            mailboxes("\n  - { address: room@contoso.com, rules: a.yml, access: owner }") == [
                "c.yml:5:56: error: 'access' expects one of self, delegate, impersonation, found 'owner'"
            ])
        #expect(
            mailboxes("\n  - { address: room@contoso.com, rules: a.yml, folder: Inbox }") == [
                "c.yml:5:56: error: 'folder' expects a distinguished folder name such as inbox, deleteditems or junkemail, found 'Inbox' (did you mean 'inbox'?)"
            ])
    }

    @Test func severalProblemsInOnePass() {
        let text = """
            exchange:
              url: http://mail.contoso.com/EWS/Exchange.asmx
              auth: { type: basic, usrname: room, password: x }
            mailboxs:
              - address: room@contoso.com
            concurrency: 100

            """
        #expect(
            Config.diagnostics(text) == [
                "c.yml:1:1: error: missing key 'mailboxes' in a configuration file",
                "c.yml:1:1: error: missing key 'state_dir' in a configuration file",
                "c.yml:2:8: error: 'url': plain http is refused for mail.contoso.com: credentials and mail would cross the network unencrypted; use https (http is allowed only for 127.0.0.0/8, ::1 and localhost)",
                "c.yml:3:9: error: 'auth' needs 'password_file' or 'password_env'",
                "c.yml:3:9: error: missing key 'username' in 'auth'",
                "c.yml:3:24: error: unknown key 'usrname' (did you mean 'username'?)",
                "c.yml:3:39: error: a password is never written in the configuration: name a file that holds it with 'password_file' (mode 0600) or an environment variable with 'password_env'",
                "c.yml:4:1: error: unknown key 'mailboxs' (did you mean 'mailboxes'?)",
                "c.yml:6:14: error: 'concurrency' expects a whole number from 1 to 64, found '100'",
            ])
        guard case .failure(let error) = Config.check(text, file: "c.yml") else {
            Issue.record("a file with errors gave a configuration")
            return
        }
        #expect(
            String(describing: error).hasPrefix("c.yml: 9 errors; the configuration cannot be used\nc.yml:1:1: error: ")
        )
    }

    @Test func aFileThatCannotBeRead() throws {
        let folder = try TemporaryFolder()
        let missing = folder.url.appendingPathComponent("config.yml").path
        #expect(throws: ConfigurationError.self) { try BotConfiguration.load(contentsOf: missing) }
        do {
            _ = try BotConfiguration.load(contentsOf: missing)
        } catch {
            #expect(error.diagnostics.map(\.description) == ["\(missing):1:1: error: cannot read the file"])
        }
        let path = try folder.write("config.yml", try Config.smallestFromProduct(), mode: 0o644)
        #expect(try BotConfiguration.load(contentsOf: path).file == path)
    }

    @Test func theFolderNamesAreTheSchemas() throws {
        let types = try String(
            contentsOf: URL(fileURLWithPath: SharedFiles.schemaDirectory).appendingPathComponent("types.xsd"),
            encoding: .utf8)
        let start = try #require(types.range(of: "<xs:simpleType name=\"DistinguishedFolderIdNameType\">"))
        let end = try #require(types.range(of: "</xs:simpleType>", range: start.upperBound..<types.endIndex))
        let values = types[start.upperBound..<end.lowerBound].split(separator: "value=\"").dropFirst()
            .compactMap { $0.split(separator: "\"").first.map(String.init) }
        #expect(values.count > 60)
        #expect(ConfigurationChecker.folderNames == values)
    }

    static func documentation() throws -> String {
        try String(contentsOf: SharedFiles.packageRoot.appendingPathComponent("docs/CONFIGURATION.md"), encoding: .utf8)
    }

    /// The fenced blocks of `text` that open with "```" + `tag`.
    static func blocks(_ tag: String, in text: String) -> [String] {
        text.components(separatedBy: "\n```").dropFirst().enumerated().compactMap { index, part in
            guard index % 2 == 0, part.hasPrefix(tag + "\n") else { return nil }
            return String(part.dropFirst(tag.count + 1)) + "\n"
        }
    }

    @Test func theDocumentedExamplesLoadAndTheDocumentedErrorsAreTheCheckers() throws {
        let doc = try Self.documentation()
        let examples = Self.blocks("yaml", in: doc)
        #expect(examples.count == 3)
        for example in examples {
            #expect(throws: Never.self) { try Config.load(example) }
        }
        #expect(examples.first == (try Config.smallestFromProduct()))
        let misspelt = try Config.smallestFromProduct().replacingOccurrences(of: "mailboxes:", with: "mailboxs:")
            .replacingOccurrences(of: "password_file", with: "pasword_file")
        let shown = try #require(Self.blocks("", in: doc).first)
        #expect(Config.diagnostics(misspelt, file: "/etc/meetingbot/config.yml").map { $0 + "\n" }.joined() == shown)
    }

    @Test func everyKeyIsDocumented() throws {
        let doc = try Self.documentation()
        let keys =
            ConfigurationFile.keys.map(\.key) + ExchangeSection.keys.map(\.key) + ExchangeSection.tlsKeys.map(\.key)
            + AuthSection.keys.map(\.key) + MailboxSection.keys.map(\.key) + CleanupSection.keys.map(\.key)
        #expect(keys.count == 34)
        for key in keys { #expect(doc.contains("`\(key)`"), "docs/CONFIGURATION.md does not describe \(key)") }
        let words =
            CleanupSection.Mode.allCases.map(\.rawValue) + AuthSection.AuthType.allCases.map(\.rawValue)
            + MailboxAccess.allCases.map(\.rawValue)
        for word in words { #expect(doc.contains("`\(word)`"), "docs/CONFIGURATION.md does not describe \(word)") }
    }
}
