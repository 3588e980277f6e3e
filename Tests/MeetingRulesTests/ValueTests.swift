import CheckedYAML
import Foundation
import Testing
@testable import MeetingRules

/// The small value types the checker reads and the engine matches with.
@Suite struct ValueTests {
    @Test func durations() {
        #expect(TimeSpan(parsing: "1h30m")?.seconds == 5_400)
        #expect(TimeSpan(parsing: "2w1d")?.seconds == 15 * 86_400)
        #expect(TimeSpan(parsing: "90m")?.description == "90m")
        #expect(TimeSpan(seconds: 5_400).description == "1h30m")
        #expect(TimeSpan(seconds: 180 * 86_400).description == "180d")
        for bad in ["", "4", "h", "4 h", "1m1h", "1h1h", "4H", "-1h", "1.5h", "1234567890m"] {
            #expect(TimeSpan(parsing: bad) == nil, "\(bad)")
        }
        #expect(TimeSpan(parsing: "24h") == TimeSpan(parsing: "1d"))
    }

    @Test func timesOfDay() {
        #expect(TimeOfDay(parsing: "08:00")?.minutes == 480)
        #expect(TimeOfDay(parsing: "8:05")?.description == "08:05")
        #expect(TimeOfDay(parsing: "24:00")?.minutes == 1_440)
        for bad in ["24:01", "12:60", "800", "08:0", "aa:bb", "", "-1:00"] {
            #expect(TimeOfDay(parsing: bad) == nil, "\(bad)")
        }
    }

    @Test func yamlCoreTypes() {
        #expect(YAMLNode.coreType(of: "true") == .bool(true))
        #expect(YAMLNode.coreType(of: "yes") == .text)
        #expect(YAMLNode.coreType(of: "08:00") == .text)
        #expect(YAMLNode.coreType(of: "012") == .integer(12))
        #expect(YAMLNode.coreType(of: "0x1F") == .integer(31))
        #expect(YAMLNode.coreType(of: "99999999999999999999") == .integer(nil))
        #expect(YAMLNode.coreType(of: "1e3") == .float)
        #expect(YAMLNode.coreType(of: ".5") == .float)
        #expect(YAMLNode.coreType(of: "4h") == .text)
        #expect(YAMLNode.coreType(of: "~") == .null)
        #expect(YAMLNode.coreType(of: "-") == .text)
        #expect(YAMLNode.coreType(of: ".") == .text)
    }

    @Test func suggestions() {
        #expect(Suggestion.closest(to: "organiser", among: ["organizer", "sender"]) == "organizer")
        #expect(Suggestion.closest(to: "form", among: ["from", "to"]) == "from")
        #expect(Suggestion.closest(to: "Timezone", among: ["timezone"]) == "timezone")
        #expect(Suggestion.closest(to: "from", among: ["sender", "organizer"]) == "sender")
        #expect(Suggestion.closest(to: "xyz", among: ["organizer", "sender"]) == nil)
        #expect(Suggestion.distance("abc", "acb", limit: 3) == 1)
        #expect(Suggestion.distance("kitten", "sitting", limit: 5) == 3)
        #expect(Suggestion.distance("a", "abcdefgh", limit: 2) == 3)
    }

    @Test func wildcards() {
        func glob(_ p: String, _ t: String) -> Bool {
            Glob.matches(pattern: FoldedText(p).bytes[...], text: FoldedText(t).bytes[...])
        }
        #expect(glob("*@contoso.com", "Ann@Contoso.com"))
        #expect(!glob("*@contoso.com", "ann@eu.contoso.com"))
        #expect(glob("*@*.contoso.com", "ann@eu.contoso.com"))
        #expect(glob("a?n@*", "ann@x"))
        #expect(glob("j?rg@*", "jörg@x"), "? takes one character, however many bytes")
        #expect(!glob("a?n@*", "an@x"))
        #expect(glob("*a*b*c*", "xxaxxbxxcxx"))
        #expect(!glob("*a*b*c", "xxaxxbxxcxx"))
    }

    @Test func foldedText() {
        #expect(FoldedText("Budget REVIEW").contains(FoldedText("review")))
        #expect(FoldedText("ÄRGER im Büro").contains(FoldedText("ärger")))
        #expect(!FoldedText("ab").contains(FoldedText("abc")))
        #expect(FoldedText("  Ann@X.com \t").trimmingSpaces().string == "ann@x.com")
        let address = FoldedAddress(" Ann@EU.Contoso.com ")
        #expect(String(decoding: address.domain, as: UTF8.self) == "eu.contoso.com")
        #expect(DomainSet(["contoso.com"]).contains(address))
        #expect(!DomainSet(["contoso.com"]).contains(FoldedAddress("a@notcontoso.com")))
        #expect(!DomainSet(["contoso.com"]).contains(FoldedAddress("no-at-sign")))
    }

    @Test func nestedRepetitionIsFound() {
        #expect(NestedRepetition.find(in: "(a+)+") == "(a+)+")
        #expect(NestedRepetition.find(in: "^((ab)*c)*$") == "((ab)*c)*")
        #expect(NestedRepetition.find(in: "(x{2,})*") == "(x{2,})*")
        #expect(NestedRepetition.find(in: "(a|b)+c*") == nil)
        #expect(NestedRepetition.find(in: "(a?)+") == nil)
        #expect(NestedRepetition.find(in: "[(a+)]+") == nil)
        #expect(NestedRepetition.find(in: "\\(a+\\)+") == nil)
        #expect(NestedRepetition.find(in: "(a{1})+") == nil)
    }

    @Test func regexesMatchIgnoringCaseAndLookAtABoundedPrefix() throws {
        let regex = try TextRegex.compile("^\\[ext\\]").get()
        #expect(regex.matches("[EXT] hello"))
        #expect(!regex.matches("re: [ext] hello"))
        let tail = try TextRegex.compile("needle").get()
        #expect(tail.matches(String(repeating: "x", count: 100) + "needle"))
        #expect(!tail.matches(String(repeating: "x", count: TextRegex.maxInput) + "needle"))
    }

    @Test func instants() throws {
        let berlin = try #require(TimeZone(identifier: "Europe/Berlin"))
        let winter = try Instant.parse("2026-01-15T09:00", in: berlin).get()
        #expect(winter == Date(timeIntervalSince1970: 1_768_464_000))
        #expect(try Instant.parse("2026-01-15T08:00Z", in: berlin).get() == winter)
        #expect(try Instant.parse("2026-01-15T10:00:00+01:00", in: .current).get() == winter.addingTimeInterval(3600))
        #expect(try Instant.parse("2026-01-15", in: berlin).get() == winter.addingTimeInterval(-9 * 3600))
        for bad in [
            "2026-1-15", "2026-01-15T9:00", "2026-13-01", "2026-01-15T09:00+1", "1800-01-01", "2026-01-15T09:00Zx",
        ] {
            #expect(throws: Instant.Problem.self, "\(bad)") { try Instant.parse(bad, in: berlin).get() }
        }
        #expect(throws: Instant.Problem.nonexistent) { try Instant.parse("2026-03-29T02:30", in: berlin).get() }
    }

    @Test func jsonRendering() {
        let value: JSONValue = .object([
            ("a", [1, 2]), ("b", .object([("c", "x\"\n\u{1}")])), ("d", .array([])), ("e", .null),
        ])
        #expect(
            value.rendered() == """
                {
                  "a": [1, 2],
                  "b": {
                    "c": "x\\"\\n\\u0001"
                  },
                  "d": [],
                  "e": null
                }
                """)
    }
}
