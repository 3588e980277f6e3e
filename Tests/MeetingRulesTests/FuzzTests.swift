import Foundation
import RulesWorkload
import Testing
@testable import MeetingRules

/// Thousands of seeded random mutations of real rules files: each must give a
/// clean policy or located errors, and never crash.
@Suite struct FuzzTests {
    static let seed: UInt64 = 20_260_329
    static let mutationsPerSource = 600

    /// What mutations insert: YAML punctuation, vocabulary and odd characters.
    static let tokens: [String] =
        [
            ":", ": ", "- ", " ", "\n", "\n  ", "[", "]", "{", "}", ",", "\"", "'", "*", "&a ", "*a", "#", "\t",
            "!!str ",
            "%", "@", "|", ">", "? ", "~", "null", "true", "no", "4h", "0m", "-1", "99999999999999999999", "25:00",
            "\u{0}", "\u{FEFF}", "ü", "😀", "\\", "(a+)+", "[z-a]", "not: ", "any: [", "all: ", "when: ", "then: ",
            "version: 2", "internal", "external", "acept", "organiser", "*@", "2026-02-30", "2026-03-29T02:30", "---\n",
        ] + Conditions.descriptions.map { $0.key + ": " }

    static var sources: [(name: String, text: String)] {
        let shipped = Rules.shippedFiles.compactMap { url in (try? Rules.text(url)).map { (url.lastPathComponent, $0) }
        }
        return shipped + [("sample", Manual.sample)]
    }

    static func mutate(_ text: String, _ random: inout SplitMix64) -> String {
        var chars = Array(text.unicodeScalars)
        for _ in 0...random.next(4) {
            let at = random.next(chars.count + 1)
            switch random.next(6) {
            case 0:  // delete a few characters
                let end = min(chars.count, at + 1 + random.next(10))
                if at < end { chars.removeSubrange(at..<end) }
            case 1, 2:  // insert a token
                chars.insert(contentsOf: tokens[random.next(tokens.count)].unicodeScalars, at: min(at, chars.count))
            default:  // work on whole lines
                var lines = String(String.UnicodeScalarView(chars)).split(
                    separator: "\n", omittingEmptySubsequences: false
                ).map(String.init)
                guard !lines.isEmpty else { break }
                let i = random.next(lines.count)
                let j = random.next(lines.count)
                switch random.next(4) {
                case 0: lines.insert(lines[i], at: j)
                case 1: lines.remove(at: i)
                case 2: lines.swapAt(i, j)
                default: lines[i] = random.next(2) == 0 ? "  " + lines[i] : String(lines[i].drop { $0 == " " })
                }
                chars = Array(lines.joined(separator: "\n").unicodeScalars)
            }
        }
        return String(String.UnicodeScalarView(chars))
    }

    @Test func mutatedFilesGiveLocatedErrorsOrACleanPolicy() throws {
        var random = SplitMix64(seed: Self.seed)
        let facts = RulesWorkload.messages(count: 20, seed: Self.seed)
        var clean = 0
        var broken = 0
        for source in Self.sources {
            for _ in 0..<Self.mutationsPerSource {
                let text = Self.mutate(source.text, &random)
                let report = Policy.check(text, file: "fuzz.yml")
                let lines = text.split(separator: "\n", omittingEmptySubsequences: false).count
                for d in report.diagnostics {
                    let located =
                        d.location.file == "fuzz.yml" && (1...lines + 1).contains(d.location.line)
                        && d.location.column >= 1
                    #expect(located, "\(d) in a mutation of \(source.name):\n\(text)")
                    #expect(!d.message.isEmpty)
                }
                if let policy = report.policy {
                    clean += 1
                    #expect(report.errors.isEmpty)
                    _ = policy.runExamples()
                    for f in facts { _ = policy.decide(f) }
                } else {
                    broken += 1
                    #expect(!report.errors.isEmpty, "no policy and no error in a mutation of \(source.name):\n\(text)")
                }
            }
        }
        #expect(clean + broken == Self.sources.count * Self.mutationsPerSource)
        // Both outcomes occur, so the mutations neither always break nor never touch the files.
        #expect(clean > 100 && broken > 1_000, "clean \(clean), broken \(broken)")
    }
}
