import Foundation

/// A program run to its end by a test: exit status, standard output and
/// error (through files, so that neither pipe can fill up and block), and
/// how long it took; a watchdog ends it after `timeout`.
public struct ChildProcess: Sendable {
    public var status: Int32
    public var output: String
    public var error: String
    public var seconds: Double
    public var timedOut: Bool

    public static func run(
        _ executable: String, _ arguments: [String], in directory: URL? = nil,
        environment: [String: String] = ["PATH": "/usr/bin:/bin:/usr/sbin:/sbin"], timeout: TimeInterval = 120
    ) throws -> ChildProcess {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("child-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = folder.appendingPathComponent("out")
        let err = folder.appendingPathComponent("err")
        // FileHandle(forWritingTo:) below fails clearly if either could not be made.
        for file in [out, err] { _ = FileManager.default.createFile(atPath: file.path, contents: nil) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = environment
        if let directory { process.currentDirectoryURL = directory }
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        process.standardInput = FileHandle.nullDevice
        let started = Date()
        try process.run()
        let watchdog = DispatchWorkItem { if process.isRunning { process.terminate() } }
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: watchdog)
        process.waitUntilExit()
        watchdog.cancel()
        let seconds = Date().timeIntervalSince(started)
        return ChildProcess(
            status: process.terminationStatus,
            output: String(decoding: try Data(contentsOf: out), as: UTF8.self),
            error: String(decoding: try Data(contentsOf: err), as: UTF8.self), seconds: seconds,
            timedOut: process.terminationReason == .uncaughtSignal && seconds >= timeout)
    }

    /// The Python of `.venv`, which scripts/setup.sh makes.
    public static let python = SharedFiles.packageRoot.appendingPathComponent(".venv/bin/python").path
}
