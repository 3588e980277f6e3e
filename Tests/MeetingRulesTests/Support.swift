import Foundation
import TestSupport
@testable import MeetingRules

/// Helpers shared by the rules tests.
enum Rules {
    /// The settings of the condition examples, followed by `rest`.
    static func file(_ rest: String) -> String {
        ConditionExample.settings + "\n" + rest
    }

    /// The diagnostics of `text` as `file:line:column: severity: message` lines.
    static func diagnostics(_ text: String, file: String = "t.yml") -> [String] {
        Policy.check(text, file: file).diagnostics.map(\.description)
    }

    /// The policy in `text`, which must have no errors.
    static func policy(_ text: String) throws -> Policy {
        try Policy.check(text, file: "t.yml").usablePolicy()
    }

    /// The directory of shipped rules files.
    static var directory: URL { SharedFiles.packageRoot.appendingPathComponent("rules") }

    /// The shipped rules files, sorted.
    static var shippedFiles: [URL] {
        RulesTool.files([], directory: directory.path).map(URL.init(fileURLWithPath:))
    }

    static var fixtures: URL {
        SharedFiles.packageRoot.appendingPathComponent("Tests/MeetingRulesTests/Fixtures")
    }

    /// The broken fixture files, sorted.
    static var brokenFixtures: [URL] {
        let dir = fixtures.appendingPathComponent("broken")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
        return names.filter { $0.hasSuffix(".yml") }.sorted().map { dir.appendingPathComponent($0) }
    }

    static func text(_ url: URL) throws -> String { try String(contentsOf: url, encoding: .utf8) }

    /// An instant written as `2026-03-29T06:30Z`.
    static func date(_ text: String) throws -> Date {
        try Instant.parse(text, in: TimeZone(secondsFromGMT: 0) ?? .current).get()
    }
}
