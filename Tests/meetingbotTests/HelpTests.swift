import Foundation
import TestSupport
import Testing

/// The command line's help is part of its interface: pinned here, so a change
/// to it is a deliberate one. Regenerate with MEETINGBOT_UPDATE_HELP=1.
@Suite struct HelpTests {
    static let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        .appendingPathComponent("meetingbot")
    static let pinned = SharedFiles.packageRoot.appendingPathComponent("Tests/meetingbotTests/Help")

    @Test(arguments: [
        ["--help"], ["sandbox", "--help"], ["rules", "--help"], ["rules", "check", "--help"],
        ["rules", "test", "--help"], ["rules", "docs", "--help"], ["rules", "schema", "--help"], ["run", "--help"],
        ["demo", "--help"], ["history", "--help"], ["attendance", "--help"],
    ])
    func helpIsPinned(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = Self.binary
        process.arguments = arguments
        process.environment = ["COLUMNS": "100", "PATH": "/usr/bin:/bin"]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let file = Self.pinned.appendingPathComponent(
            arguments.dropLast().joined(separator: "-").ifEmpty("meetingbot") + ".txt")
        if ProcessInfo.processInfo.environment["MEETINGBOT_UPDATE_HELP"] == "1" {
            try text.write(to: file, atomically: true, encoding: .utf8)
        }
        #expect(
            text == (try String(contentsOf: file, encoding: .utf8)),
            "help for \(arguments.joined(separator: " ")) changed")
    }
}

extension String {
    func ifEmpty(_ other: String) -> String { isEmpty ? other : self }
}
