import Foundation
import MeetingBot
import TestSupport

/// The outside programs the report tests run (python3 for the CSV module
/// and jsonschema, headless Chromium) and the snapshot files.
enum ReportTools {
    struct Output {
        let status: Int32
        let stdout: Data
        let stderr: String
        var text: String { String(decoding: stdout, as: UTF8.self) }
    }

    struct Failure: Error, CustomStringConvertible { let description: String }

    /// Runs `executable` to its end; its output goes through files, so a
    /// chatty standard error cannot block it.
    static func run(_ executable: String, _ arguments: [String], input: Data = Data()) throws -> Output {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "meetingbot-tool-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let outURL = folder.appendingPathComponent("out")
        let errURL = folder.appendingPathComponent("err")
        // FileHandle(forWritingTo:) below fails clearly if either could not be made.
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let out = try FileHandle(forWritingTo: outURL)
        let err = try FileHandle(forWritingTo: errURL)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let stdin = Pipe()
        process.standardInput = stdin
        process.standardOutput = out
        process.standardError = err
        try process.run()
        stdin.fileHandleForWriting.write(input)
        try stdin.fileHandleForWriting.close()
        process.waitUntilExit()
        try out.close()
        try err.close()
        return Output(
            status: process.terminationStatus, stdout: try Data(contentsOf: outURL),
            stderr: String(decoding: try Data(contentsOf: errURL), as: UTF8.self))
    }

    // MARK: Python

    /// The checkout's `.venv` (which `scripts/setup.sh` fills) when there is one, else python3 on the PATH.
    static let python: String = {
        let venv = SharedFiles.packageRoot.appendingPathComponent(".venv/bin/python").path
        return FileManager.default.isExecutableFile(atPath: venv) ? venv : "/usr/bin/python3"
    }()

    static func hasPython(module: String) -> Bool {
        (try? run(python, ["-c", "import \(module)"]))?.status == 0
    }

    /// Runs a Python script on `input`; its standard output, or a failure with its standard error.
    static func python(_ script: String, input: Data = Data()) throws -> Data {
        let output = try run(python, ["-c", script], input: input)
        guard output.status == 0 else { throw Failure(description: "python3 failed: " + output.stderr) }
        return output.stdout
    }

    // MARK: Snapshots

    static let snapshots = SharedFiles.packageRoot.appendingPathComponent("Tests/MeetingBotTests/Snapshots")
    static let updatesSnapshots = ProcessInfo.processInfo.environment["MEETINGBOT_UPDATE_SNAPSHOTS"] == "1"

    static func fileExtension(_ format: ReportFormat) -> String {
        switch format {
        case .text: "txt"
        case .json: "json"
        case .csv: "csv"
        case .markdown: "md"
        case .html: "html"
        }
    }

    static func snapshot(_ sample: String, _ format: ReportFormat) -> URL {
        snapshots.appendingPathComponent("\(sample).\(fileExtension(format))")
    }
}
