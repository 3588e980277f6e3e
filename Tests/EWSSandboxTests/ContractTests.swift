import EWSSandbox
import Foundation
import TestSupport
import Testing
import XML

/// The contract test: exchangelib 5.6.0, an independent EWS client written
/// against real Exchange, drives the meeting life cycle against the sandbox
/// (Tests/Contract/lifecycle.py). The sandbox validates every request
/// exchangelib sends; this test validates every answer the sandbox sent, since
/// exchangelib tolerates answers that break the schema (PRODUCT.md 8).
@Suite struct ContractTests {
    static let fixture = Harness.mailboxes("organizer", "room", "ann", "bob", "pager")
    static let script = SharedFiles.packageRoot.appendingPathComponent("Tests/Contract/lifecycle.py").path
    static let python = SharedFiles.packageRoot.appendingPathComponent(".venv/bin/python").path

    @Test func exchangelibDrivesTheMeetingLifecycleAndEveryAnswerValidates() async throws {
        try #require(
            FileManager.default.isExecutableFile(atPath: Self.python),
            "\(Self.python) is missing: run `make test` (or scripts/setup.sh), which installs exchangelib 5.6.0 in .venv"
        )
        var options = SandboxOptions()
        options.schemaDirectory = SharedFiles.schemaDirectory
        options.recordResponses = true
        // exchangelib probes the auth type from the 401 (lifecycle.py, connect) and
        // takes the strongest it knows: digest, then NTLM, then Basic
        // (get_auth_method_from_response in exchangelib/transport.py, 5.6.0). Against
        // the on-premises default (Negotiate, NTLM, Basic) it would choose NTLM, which
        // the sandbox does not carry out. So the contract runs against an EWS virtual
        // directory with Basic authentication only, a configuration Exchange offers
        // (Set-WebServicesVirtualDirectory -WindowsAuthentication $false
        // -BasicAuthentication $true): the probe still reads a real 401 and must find Basic.
        options.authentication = .basic
        let server = try await SandboxServer.start(
            try Sandbox(options: options, fixture: try Fixture.parse(Self.fixture)),
            threads: 2)
        let run: ScriptRun
        do {
            run = try await ScriptRun.run(Self.python, [Self.script, server.url], timeout: .seconds(180))
        } catch {
            try await server.stop()
            throw error
        }
        try await server.stop()
        #expect(!run.timedOut, "lifecycle.py did not finish in time; its output:\n\(run.output)")
        #expect(run.status == 0, "lifecycle.py failed (exit \(run.status)); its output:\n\(run.output)")

        let answers = server.sandbox.recordedResponses
        let validator = try SchemaValidator(directory: SharedFiles.schemaDirectory)
        var violations: [String] = []
        var operations: Set<String> = []
        for (index, bytes) in answers.enumerated() {
            let document = try XMLDocument(bytes)
            if let body = document.root?.child("Body")?.children.first { operations.insert(body.localName) }
            for violation in validator.violations(ofEnvelope: document) {
                violations.append("answer \(index + 1) (\(bytes.count) bytes): \(violation)")
            }
        }
        #expect(
            violations.isEmpty,
            "\(violations.count) schema violations in the sandbox's answers:\n\(violations.prefix(20).joined(separator: "\n"))"
        )
        // exchangelib probed the version (ConvertId) and found folders before the life cycle.
        #expect(
            operations.isSuperset(of: [
                "ConvertIdResponse", "GetFolderResponse", "CreateItemResponse", "FindItemResponse",
                "GetItemResponse", "UpdateItemResponse", "DeleteItemResponse",
            ]), "operations answered: \(operations.sorted())")
    }
}

/// A child process run to its end with a time limit, its standard output and
/// error collected together.
struct ScriptRun {
    var status: Int32
    var output: String
    var timedOut: Bool

    static func run(_ executable: String, _ arguments: [String], timeout: Duration) async throws -> ScriptRun {
        let log = FileManager.default.temporaryDirectory.appendingPathComponent(
            "meetingbot-contract-\(UUID().uuidString).log")
        guard FileManager.default.createFile(atPath: log.path, contents: nil) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: log.path])
        }
        defer { try? FileManager.default.removeItem(at: log) }
        let sink = try FileHandle(forWritingTo: log)
        defer { try? sink.close() }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardOutput = sink
        process.standardError = sink
        process.standardInput = FileHandle.nullDevice
        // A watchdog ends a run that hangs, so the test fails instead of blocking `make test`;
        // its value says whether it had to.
        let watchdog = Task { () -> Bool in
            guard (try? await Task.sleep(for: timeout)) != nil, process.isRunning else { return false }
            process.terminate()
            return true
        }
        defer { watchdog.cancel() }
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            process.terminationHandler = { _ in continuation.resume() }
            do { try process.run() } catch { continuation.resume(throwing: error) }
        }
        watchdog.cancel()
        let output = String(decoding: (try? Data(contentsOf: log)) ?? Data(), as: UTF8.self)
        return ScriptRun(status: process.terminationStatus, output: output, timedOut: await watchdog.value)
    }
}
