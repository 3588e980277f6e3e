import CheckedYAML
import Foundation
import TestSupport
@testable import MeetingBot

/// Helpers shared by the configuration tests.
enum Config {
    struct NoConfiguration: Error {}

    /// The configuration in `text`, checked as the file `file`.
    static func check(_ text: String, file: String = "/etc/meetingbot/config.yml") -> Result<
        BotConfiguration, ConfigurationError
    > {
        BotConfiguration.check(text, file: file)
    }

    /// The configuration in `text`, which must have no errors.
    static func load(_ text: String, file: String = "/etc/meetingbot/config.yml") throws -> BotConfiguration {
        try check(text, file: file).get()
    }

    /// The diagnostics of `text` as `file:line:column: error: message` lines (none when it is valid).
    static func diagnostics(_ text: String, file: String = "c.yml") -> [String] {
        guard case .failure(let error) = check(text, file: file) else { return [] }
        return error.diagnostics.map(\.description)
    }

    /// The smallest configuration, as PRODUCT.md section 5 prints it.
    static func smallestFromProduct() throws -> String {
        let product = try String(
            contentsOf: SharedFiles.root.appendingPathComponent("docs/PRODUCT.md"), encoding: .utf8)
        guard let section = product.range(of: "## 5. The configuration file"),
            let start = product.range(of: "```yaml\n", range: section.upperBound..<product.endIndex),
            let end = product.range(of: "```", range: start.upperBound..<product.endIndex)
        else { throw NoConfiguration() }
        return String(product[start.upperBound..<end.lowerBound])
    }

    /// A valid file whose `exchange.auth` is `auth` and whose other settings are the smallest.
    static func with(auth: String, exchange: String = "") -> String {
        """
        exchange:
          url: https://mail.contoso.com/EWS/Exchange.asmx
          auth: \(auth)
        \(exchange)mailboxes:
          - address: room@contoso.com
            rules: rules/room.yml
        state_dir: state

        """
    }
}

/// A fresh folder under the temporary directory, removed at deinit.
final class TemporaryFolder {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("meetingbot-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    /// Writes `text` to `name` with permissions `mode`; returns its path.
    @discardableResult
    func write(_ name: String, _ text: String, mode: Int = 0o600) throws -> String {
        let path = url.appendingPathComponent(name).path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
        return path
    }
}
