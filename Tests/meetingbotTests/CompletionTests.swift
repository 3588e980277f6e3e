import Foundation
import TestSupport
import Testing

/// Shell completions (issue 9, item 6): swift-argument-parser writes them
/// for bash, zsh and fish; each must name every command and the options.
@Suite struct CompletionTests {
    static let commands = ["run", "rules", "sandbox", "demo", "check", "test", "docs", "schema"]

    @Test(arguments: ["bash", "zsh", "fish"])
    func eachShellGetsAScriptWithEveryCommand(_ shell: String) throws {
        let run = try ChildProcess.run(HelpTests.binary.path, ["--generate-completion-script", shell])
        #expect(run.status == 0, "\(run.error)")
        // Options without their dashes: fish's script names them `-l 'shard'`.
        for word in Self.commands + ["dry-run", "shard", "metrics-file", "fixture"] {
            #expect(run.output.contains(word), "\(shell) completion lacks \(word)")
        }
    }

    /// The bash script is valid bash (the shells for zsh and fish are not installed here).
    @Test func theBashScriptParses() throws {
        let script = try ChildProcess.run(HelpTests.binary.path, ["--generate-completion-script", "bash"])
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("completion-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("meetingbot.bash")
        try script.output.write(to: file, atomically: true, encoding: .utf8)
        let check = try ChildProcess.run("/bin/bash", ["-n", file.path])
        #expect(check.status == 0, "\(check.error)")
        // Sourced, it registers the completion function for meetingbot.
        let sourced = try ChildProcess.run("/bin/bash", ["-c", "source '\(file.path)' && complete -p meetingbot"])
        #expect(sourced.status == 0 && sourced.output.contains("meetingbot"), "\(sourced.error)")
    }
}
