import FileChecks
import Foundation
import SeededRandom
import TestSupport
import Testing
@testable import MeetingRules

/// Thousands of seeded random mutations of real rules files: each must give
/// a clean policy (which then runs its examples and decides messages) or
/// located errors, and never crash (FileChecks.rules, as `make fuzz` checks).
@Suite struct FuzzTests {
    static let seed: UInt64 = 20_260_329
    static let mutationsPerSource = 600

    /// What mutations insert: YAML punctuation, the rules' vocabulary and odd values.
    static let tokens: [String] =
        TextMutator.yamlTokens + [
            "(a+)+", "[z-a]", "not: ", "any: [", "all: ", "when: ", "then: ", "version: 2", "internal", "external",
            "acept", "organiser", "*@", "2026-02-30", "2026-03-29T02:30",
        ] + Conditions.descriptions.map { $0.key + ": " }

    /// The shipped rules files, the manual's sample and the kept rules files:
    /// reproducers of bugs found (Tests/Fuzz/Corpus/rules).
    static func sources() throws -> [(name: String, text: String)] {
        let shipped = try Rules.shippedFiles.map { url in (url.lastPathComponent, try Rules.text(url)) }
        let kept = try FuzzCorpus.inputs("rules").map { ($0.name, String(decoding: $0.bytes, as: UTF8.self)) }
        return shipped + [("sample", Manual.sample)] + kept
    }

    @Test func mutatedFilesGiveLocatedErrorsOrACleanPolicy() throws {
        var random = SplitMix64(seed: Self.seed)
        var clean = 0
        var broken = 0
        let sources = try Self.sources()
        #expect(sources.count >= 6)
        for source in sources {
            for _ in 0..<Self.mutationsPerSource {
                let text = TextMutator.mutate(source.text, tokens: Self.tokens, &random)
                switch FileChecks.rules(text) {
                case .accepted: clean += 1
                case .refused: broken += 1
                case .problem(let problem): Issue.record("\(problem) in a mutation of \(source.name):\n\(text)")
                }
            }
        }
        #expect(clean + broken == sources.count * Self.mutationsPerSource)
        // Both outcomes occur, so the mutations neither always break nor never touch the files.
        #expect(clean > 100 && broken > 1_000, "clean \(clean), broken \(broken)")
    }
}
