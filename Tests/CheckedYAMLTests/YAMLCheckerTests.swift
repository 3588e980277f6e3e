import CheckedYAML
import Foundation
import Testing

/// The shared layer on its own: closed key sets, typed values, located messages.
@Suite struct YAMLCheckerTests {
    struct Unreadable: Error {}

    /// The root of `text`, and a checker of the same file.
    func parse(_ text: String) throws -> (YAMLNode, YAMLChecker) {
        guard case .success(let root?) = YAMLReader.read(text, file: "c.yml") else { throw Unreadable() }
        return (root, YAMLChecker(file: "c.yml"))
    }

    @Test func aClosedKeySetReportsUnknownMissingAndRefusedKeysInOnePass() throws {
        let (root, checker) = try parse("nmae: a\ncolour: red\nsecret: x\nsize: 3\n")
        var read: [String: String] = [:]
        let keys = ["name", "size", "color"]
        let isMapping = checker.readMapping(
            root, as: "a thing", keys: keys, required: ["name"], refused: ["secret": "never write a secret here"]
        ) { index, _, value in
            read[keys[index]] = value.scalarText
        }
        #expect(isMapping)
        #expect(read == ["size": "3"])
        #expect(
            checker.diagnostics.sorted().map(\.description) == [
                "c.yml:1:1: error: missing key 'name' in a thing",
                "c.yml:1:1: error: unknown key 'nmae' (did you mean 'name'?)",
                "c.yml:2:1: error: unknown key 'colour' (did you mean 'color'?)",
                "c.yml:3:1: error: never write a secret here",
            ])
        #expect(checker.hasErrors)
    }

    @Test func aMappingIsExpectedWhereKeysAreRead() throws {
        let (root, checker) = try parse("- a\n")
        #expect(!checker.readMapping(root, as: "a thing", keys: ["a"]) { _, _, _ in })
        #expect(
            checker.diagnostics.map(\.description) == [
                "c.yml:1:1: error: expected a thing (a mapping of keys), found a list"
            ])
    }

    @Test func typedValuesSayWhatTheyExpectAndWhatTheyFound() throws {
        let (root, checker) = try parse(
            "t: 12\nb: yes\nn: 70\nc: Blue\nd: 90x\ne: 2h\nok: { t: hi, b: true, n: 7, c: blue, d: 1m30s }\n")
        enum Colour: String, CaseIterable { case red, blue }
        let value = { (key: String) in root.pairs.first { $0.key.scalarText == key }?.value ?? root }
        #expect(checker.text(value("t"), "t") == nil)
        #expect(checker.bool(value("b"), "b") == nil)
        #expect(checker.wholeNumber(value("n"), "n", in: 1...64) == nil)
        #expect(checker.choice(value("c"), "c", Colour.self) == nil)
        #expect(checker.duration(value("d"), "d", .seconds, in: 1...3_600) == nil)
        #expect(checker.duration(value("e"), "e", .seconds, in: 1...3_600) == nil)
        #expect(
            checker.diagnostics.map(\.description) == [
                "c.yml:1:4: error: 't' expects text, found '12' (put it in quotes if you mean the text)",
                "c.yml:2:4: error: 'b' expects true or false, found 'yes' (did you mean true?)",
                "c.yml:3:4: error: 'n' expects a whole number from 1 to 64, found '70'",
                "c.yml:4:4: error: 'c' expects one of red, blue, found 'Blue' (did you mean 'blue'?)",
                "c.yml:5:4: error: 'd' expects a duration such as 30s, 4m, 24h or 7d, found '90x'",
                "c.yml:6:4: error: 'e' must be from 1s to 1h, found '2h'",
            ])
        let ok = value("ok")
        let inner = { (key: String) in ok.pairs.first { $0.key.scalarText == key }?.value ?? ok }
        #expect(checker.text(inner("t"), "t") == "hi")
        #expect(checker.bool(inner("b"), "b") == true)
        #expect(checker.wholeNumber(inner("n"), "n", in: 1...64) == 7)
        #expect(checker.choice(inner("c"), "c", Colour.self) == .blue)
        #expect(checker.duration(inner("d"), "d", .seconds, in: 1...3_600) == 90)
        #expect(checker.diagnostics.count == 6)
    }

    @Test func theSameProblemIsReportedOnce() throws {
        // An alias repeats its anchor's nodes, and so their problems.
        let (root, checker) = try parse("a: &x 12\nb: *x\n")
        for (_, value) in root.pairs { _ = checker.text(value, "a") }
        #expect(checker.diagnostics.count == 1)
    }

    @Test(arguments: [
        ("30s", 30, "30s"), ("4m", 240, "4m"), ("24h", 86_400, "1d"), ("7d", 604_800, "7d"),
        ("1h30m", 5_400, "1h30m"), ("90s", 90, "1m30s"), ("1d0h5s", 86_405, "1d5s"), ("0s", 0, "0s"),
    ])
    func durationsInSeconds(text: String, seconds: Int, shortest: String) {
        #expect(DurationSyntax.seconds.seconds(in: text) == seconds)
        #expect(DurationSyntax.seconds.spelling(seconds) == shortest)
    }

    @Test(arguments: ["", "30", "s", "30m1h", "1h1h", "1w", "-5s", "1.5h", "4 m", "1234567890s"])
    func notDurations(text: String) {
        #expect(DurationSyntax.seconds.seconds(in: text) == nil)
    }

    @Test func aFileThatCannotBeReadIsALocatedError() {
        let missing = FileManager.default.temporaryDirectory.appendingPathComponent("no-such-\(UUID()).yml").path
        guard case .failure(let problem) = YAMLReader.text(contentsOf: missing) else {
            Issue.record("read a file that does not exist")
            return
        }
        #expect(problem.description == "\(missing):1:1: error: cannot read the file")
    }

    /// Found by `make fuzz`: libyaml ends a line at a lone CR (and NEL, LS,
    /// PS) as well as at LF, so a diagnostic after one pointed past the file's
    /// lines as LF counts them, and showed the wrong source line.
    @Test func linesAreCountedAsLibyamlCountsThem() throws {
        #expect(
            yamlLines("a\rb\r\nc\nd\u{2028}e\u{85}f\u{2029}").map(String.init) == ["a", "b", "c", "d", "e", "f", ""])
        let text = "a: 1\rb: 2\r\nc: [x,\n"
        guard case .failure(let diagnostic) = YAMLReader.read(text, file: "c.yml") else {
            Issue.record("read an unclosed bracket")
            return
        }
        #expect(diagnostic.location.line == 4)
        #expect(diagnostic.rendered(source: text).hasPrefix("c.yml:4:1: error: not valid YAML"))
        let (root, checker) = try parse("a: 1\rb: 2\rnmae: x\n")
        _ = checker.readMapping(root, as: "a thing", keys: ["a", "b", "name"]) { _, _, _ in }
        #expect(
            checker.diagnostics.map { $0.rendered(source: "a: 1\rb: 2\rnmae: x\n") } == [
                "c.yml:3:1: error: unknown key 'nmae' (did you mean 'name'?)\n    nmae: x\n    ^"
            ])
    }
}
