import EWS
import Foundation
import TestSupport
import Testing

/// `meetingbot sandbox` as a process: it prints its URL, serves, and stops on SIGTERM.
@Suite struct SandboxCommandTests {
    /// The `meetingbot` binary built beside the test bundle.
    static let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        .appendingPathComponent("meetingbot")

    func run(_ arguments: [String]) throws -> (Process, Pipe, Pipe) {
        let process = Process()
        process.executableURL = Self.binary
        process.arguments = arguments
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        return (process, out, err)
    }

    @Test func servesTheFixtureAndDumpsTheStoreOnExit() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sandbox-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let fixture = dir.appendingPathComponent("fixture.yml")
        try Harness.twoMailboxes.write(to: fixture, atomically: true, encoding: .utf8)
        let dump = dir.appendingPathComponent("dump.json")
        let (process, out, _) = try run([
            "sandbox", "--fixture", fixture.path, "--port", "0", "--schema", SharedFiles.schemaDirectory,
            "--clock", "2026-11-02T08:00:00Z", "--dump-on-exit", dump.path,
        ])
        defer { if process.isRunning { process.terminate() } }
        let line = String(decoding: out.fileHandleForReading.availableData, as: UTF8.self)
        let url = try #require(
            line.split(separator: " ").last.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) })
        #expect(url.hasPrefix("http://127.0.0.1:"))
        let transport = try CurlTransport(
            authentication: .basic(username: "room@contoso.com", password: Secret("secret")))
        let response = try await transport.send(
            HTTPRequest(
                url: try #require(URL(string: url)), headers: [],
                body: Array(Harness.envelope(Harness.findItems("inbox")).utf8)))
        #expect(response.status == 200)
        process.terminate()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        // On stopping it says how many requests each account had in flight at most.
        let stopped = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(stopped.contains("most requests at once per account: room@contoso.com=1"))
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: dump)) as? [String: Any])
        #expect((json["mailboxes"] as? [String: Any])?.keys.sorted() == ["organizer@contoso.com", "room@contoso.com"])
    }

    @Test(arguments: [
        (["sandbox", "--fault", "bogus"], "unknown fault kind"),
        (["sandbox", "--fixture", "/nonexistent.yml", "--port", "0"], "cannot read the fixture"),
        (["sandbox", "--clock", "noon"], "is not a date-time"),
        (["sandbox", "--max-concurrency", "0"], "--max-concurrency must be 1 or more"),
    ])
    func badArgumentsAreClearErrors(_ arguments: [String], _ message: String) throws {
        let (process, _, err) = try run(arguments)
        process.waitUntilExit()
        #expect(process.terminationStatus != 0)
        #expect(String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).contains(message))
    }
}
