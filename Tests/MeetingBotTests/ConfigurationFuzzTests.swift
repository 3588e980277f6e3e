import FileChecks
import Foundation
import SeededRandom
import Synchronization
import TestSupport
import Testing

/// Seeded mutations of real configuration files (the examples of
/// docs/CONFIGURATION.md, kept in Tests/Fuzz/Corpus/config): each gives a
/// configuration or errors located at a line of the file, never a crash or a
/// hang (FileChecks.configuration, as `make fuzz` checks).
@Suite struct ConfigurationFuzzTests {
    static let seed: UInt64 = 20_261_203
    static let mutationsPerFile = 200

    /// YAML punctuation and the configuration's own keys and values.
    static let tokens =
        TextMutator.yamlTokens + [
            "exchange: ", "url: ", "auth: ", "type: ", "basic", "ntlm", "oauth", "mailboxes: ", "state_dir: ",
            "address: ", "rules: ", "access: ", "impersonation", "delegate", "self", "password_file: ",
            "password_env: ", "http://", "https://", "ftp://", "http://user:pw@host/", "127.0.0.1", "[::1]",
            "timeout: ", "0s", "1h", "99d", "1h1h", "concurrency: ", "0", "100000", "/", "../../", "~/",
            "room@contoso.com", "@", "a@b@c", "Exchange2013_SP1", "Exchange2007",
        ]

    @Test func mutatedFilesGiveAConfigurationOrLocatedErrors() throws {
        let files = try FuzzCorpus.inputs("config")
        #expect(files.count >= 3)
        var random = SplitMix64(seed: Self.seed)
        var inputs: [String] = []
        for file in files {
            let text = String(decoding: file.bytes, as: UTF8.self)
            // The kept files are good ones: they are what the mutations start from.
            #expect(FileChecks.configuration(text) == .accepted, "\(file.name)")
            for _ in 0..<Self.mutationsPerFile { inputs.append(TextMutator.mutate(text, tokens: Self.tokens, &random)) }
        }
        let outcomes = Mutex<[FileChecks.Outcome]>([])
        let report = FuzzRun.run(inputs) { text in
            let outcome = FileChecks.configuration(text)
            outcomes.withLock { $0.append(outcome) }
            if case .problem(let problem) = outcome { return problem }
            return nil
        }
        #expect(report.hung == nil, "did not finish: \(inputs[report.hung ?? 0])")
        for (index, problem) in report.findings.prefix(5) { Issue.record("\(problem) in:\n\(inputs[index])") }
        let accepted = outcomes.withLock { $0.filter { $0 == .accepted }.count }
        #expect(accepted > inputs.count / 20 && accepted < inputs.count / 2, "\(accepted) of \(inputs.count) accepted")
    }

    /// YAML made to hurt: an alias bomb, deep nesting, a huge file, invalid
    /// UTF-8 read as text, and the kept ones (Tests/Fuzz/Corpus/yaml).
    @Test func hostileFilesAreLocatedErrors() throws {
        let kept = try FuzzCorpus.inputs("yaml").map { String(decoding: $0.bytes, as: UTF8.self) }
        #expect(kept.count >= 3)
        let inputs =
            [
                HostileYAML.aliasBomb, HostileYAML.deepFlow, HostileYAML.deepBlock, HostileYAML.huge,
                "exchange: \u{FFFD}\u{FFFD}\nmailboxes: [\n",
            ] + kept
        let report = FuzzRun.run(inputs) { text in
            let outcome = FileChecks.configuration(text)
            return outcome == .refused ? nil : "\(outcome)"
        }
        #expect(report.isClean, "\(report.findings) hung: \(String(describing: report.hung))")
    }
}
