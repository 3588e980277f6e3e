import Foundation
import TestSupport
@testable import EWS

/// A test server from `Tests/EWSTests/Servers`, run by Python on 127.0.0.1
/// with a free port. It stops when the test drops it: its standard input
/// closes, which the scripts wait on, and the process is terminated.
final class LoopbackServer {
    let port: Int
    private let process = Process()
    private let input = Pipe()

    struct StartError: Error, CustomStringConvertible {
        let description: String
    }

    /// The project's virtual environment (scripts/setup.sh makes it, with pyspnego).
    static let venvPython: String? = {
        let path = SharedFiles.packageRoot.appendingPathComponent(".venv/bin/python").path
        return FileManager.default.isExecutableFile(atPath: path) ? path : nil
    }()

    /// Any Python 3, for the scripts that need only the standard library.
    static let python: String? =
        venvPython
        ?? ["/usr/bin/python3", "/usr/local/bin/python3"].first {
            FileManager.default.isExecutableFile(atPath: $0)
        }

    init(script: String, arguments: [String] = [], environment: [String: String] = [:], python: String?) throws {
        guard let python else { throw StartError(description: "no Python interpreter to run \(script)") }
        let path = SharedFiles.packageRoot.appendingPathComponent("Tests/EWSTests/Servers/\(script)").path
        let output = Pipe()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [path] + arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        // The first line is "PORT <n>"; anything else means the script failed.
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            line += chunk
        }
        let text = String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard text.hasPrefix("PORT "), let port = Int(text.dropFirst(5)) else {
            process.terminate()
            process.waitUntilExit()
            throw StartError(description: "\(script) did not start (said '\(text)')")
        }
        self.port = port
    }

    deinit {
        try? input.fileHandleForWriting.close()
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
    }

    func url(_ path: String, scheme: String = "http") -> URL {
        URL(string: "\(scheme)://127.0.0.1:\(port)\(path)") ?? URL(fileURLWithPath: "/")
    }

    /// Asks for the counters over a connection of its own, kept between
    /// calls, so differences between two readings count only the test's traffic.
    private lazy var statsTransport = Result { try CurlTransport(authentication: .none) }

    /// The server's `/stats` counters.
    func stats() async throws -> [String: Int] {
        let response = try await statsTransport.get().send(HTTPRequest(url: url("/stats"), headers: [], body: []))
        return try JSONDecoder().decode([String: Int].self, from: Data(response.body))
    }
}
