import CheckedYAML
import EWS
import Foundation
import Testing
@testable import MeetingBot

/// Secrets come from files readable by their owner only or from environment
/// variables, and never show in an error, a description or a dump.
@Suite struct SecretTests {
    static let secret = "Tr0ub4dor&3-not-for-printing"

    /// A basic configuration whose password is `passwordKey: value`, checked as `<folder>/config.yml`.
    func configuration(_ folder: TemporaryFolder, _ passwordKey: String, _ value: String) throws -> BotConfiguration {
        let text = Config.with(auth: "{ type: basic, username: room@contoso.com, \(passwordKey): \(value) }")
        return try Config.load(text, file: folder.url.appendingPathComponent("config.yml").path)
    }

    /// The error loading the configuration's credentials gives, as text.
    func loadError(_ configuration: BotConfiguration, environment: [String: String] = [:]) -> String? {
        do {
            _ = try configuration.credentials(environment: environment)
            return nil
        } catch {
            return String(describing: error)
        }
    }

    @Test(arguments: [0o600, 0o400, 0o700])
    func aFileOfItsOwnerOnlyIsRead(mode: Int) throws {
        let folder = try TemporaryFolder()
        try folder.write("room.pw", Self.secret + "\n", mode: mode)
        let credentials = try configuration(folder, "password_file", "room.pw").credentials(environment: [:])
        guard case .basic(_, let password) = credentials else {
            Issue.record("not basic")
            return
        }
        #expect(password.reveal() == Self.secret)
    }

    @Test(arguments: [(0o640, "0640"), (0o604, "0604"), (0o644, "0644"), (0o620, "0620"), (0o601, "0601")])
    func aFileOpenToGroupOrOthersIsRefused(mode: Int, octal: String) throws {
        let folder = try TemporaryFolder()
        let path = try folder.write("room.pw", Self.secret, mode: mode)
        let error = try #require(loadError(try configuration(folder, "password_file", "room.pw")))
        let config = folder.url.appendingPathComponent("config.yml").path
        #expect(
            error == """
                \(config): 1 error; the configuration cannot be used
                \(config):3:67: error: the password file '\(path)' is open to group or others (mode \(octal)); it must be readable by its owner only: chmod 600 '\(path)'
                """)
        #expect(!error.contains(Self.secret))
    }

    @Test func unusableFilesAndVariablesAreClearErrors() throws {
        let folder = try TemporaryFolder()
        let config = folder.url.appendingPathComponent("config.yml").path
        let missing = folder.url.appendingPathComponent("missing.pw").path
        #expect(
            loadError(try configuration(folder, "password_file", "missing.pw"))?.split(separator: "\n").last
                == "\(config):3:67: error: cannot read the password file '\(missing)': No such file or directory")
        let empty = try folder.write("empty.pw", "\n")
        #expect(
            loadError(try configuration(folder, "password_file", "empty.pw"))?.split(separator: "\n").last
                == "\(config):3:67: error: the password file '\(empty)' is empty")
        let twoLines = try folder.write("two.pw", "room@contoso.com\n\(Self.secret)\n")
        #expect(
            loadError(try configuration(folder, "password_file", "two.pw"))?.split(separator: "\n").last
                == "\(config):3:67: error: the password file '\(twoLines)' holds more than one line; it must hold the password alone"
        )
        #expect(
            loadError(try configuration(folder, "password_file", "."))?.split(separator: "\n").last
                == "\(config):3:67: error: the password file '\(folder.url.path)' is not a regular file")
        let large = try folder.write("large.pw", String(repeating: "x", count: 65 << 10))
        #expect(
            loadError(try configuration(folder, "password_file", "large.pw"))?.split(separator: "\n").last
                == "\(config):3:67: error: the password file '\(large)' is larger than 64 KiB; it must hold the password alone"
        )

        let fromEnvironment = try configuration(folder, "password_env", "MEETINGBOT_PASSWORD")
        #expect(
            loadError(fromEnvironment)?.split(separator: "\n").last
                == "\(config):3:66: error: the environment variable 'MEETINGBOT_PASSWORD' is not set")
        #expect(
            loadError(fromEnvironment, environment: ["MEETINGBOT_PASSWORD": ""])?.split(separator: "\n").last
                == "\(config):3:66: error: the environment variable 'MEETINGBOT_PASSWORD' is empty")
        guard
            case .basic(_, let password) = try fromEnvironment.credentials(environment: [
                "MEETINGBOT_PASSWORD": Self.secret
            ])
        else {
            Issue.record("not basic")
            return
        }
        #expect(password.reveal() == Self.secret)
    }

    @Test func theClientSecretOfOAuth() throws {
        let folder = try TemporaryFolder()
        try folder.write("client.secret", Self.secret + "\r\n")
        let text = Config.with(
            auth: "{ type: oauth, tenant: contoso.onmicrosoft.com, client_id: app, client_secret_file: client.secret }")
        let configuration = try Config.load(text, file: folder.url.appendingPathComponent("config.yml").path)
        guard case .oauth(let client) = try configuration.credentials(environment: [:]) else {
            Issue.record("not OAuth")
            return
        }
        #expect(client.clientSecret.reveal() == Self.secret)
        #expect(client.clientID == "app")
        #expect(
            client.tokenURL.absoluteString
                == "https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token")
    }

    /// Every way loading can fail while the secret is at hand, and every way
    /// the loaded values print: none of them shows it.
    @Test func theSecretAppearsInNoErrorAndNoOutput() throws {
        let folder = try TemporaryFolder()
        try folder.write("open.pw", Self.secret, mode: 0o644)
        try folder.write("two.pw", Self.secret + "\n" + Self.secret)
        try folder.write("good.pw", Self.secret)
        try folder.write("large.pw", Self.secret + String(repeating: " ", count: 65 << 10))
        var errors: [String] = []
        for file in ["open.pw", "two.pw", "large.pw"] {
            errors.append(try #require(loadError(try configuration(folder, "password_file", file))))
        }
        let environment = ["MEETINGBOT_PASSWORD": Self.secret + "\n" + Self.secret]
        errors.append(
            try #require(
                loadError(try configuration(folder, "password_env", "MEETINGBOT_PASSWORD"), environment: environment)))
        // Written inline, in the auth section or in the proxy: refused without repeating it.
        for text in [
            Config.with(auth: "{ type: basic, username: room, password: \"\(Self.secret)\" }"),
            Config.with(
                auth: "{ type: oauth, tenant: t, client_id: a, client_secret: \"\(Self.secret)\" }"),
            Config.with(
                auth: "{ type: basic, username: room, password_file: good.pw }",
                exchange: "  proxy: \"http://bot:\(Self.secret)@proxy:3128\"\n"),
        ] {
            guard case .failure(let error) = Config.check(text) else {
                Issue.record("an inline secret was accepted")
                continue
            }
            errors.append(String(describing: error))
        }
        #expect(errors.count == 7)
        for error in errors { #expect(!error.contains(Self.secret), "\(error)") }

        let credentials = try configuration(folder, "password_file", "good.pw").credentials(environment: [:])
        var dumped = ""
        dump(credentials, to: &dumped)
        let printed = [
            String(describing: credentials), String(reflecting: credentials), dumped, "\(credentials)",
        ]
        for text in printed { #expect(!text.contains(Self.secret), "\(text)") }
        #expect(String(describing: credentials).contains("<secret>"))
    }
}
