import CheckedYAML
import Foundation
import TestSupport
import Testing
@testable import MeetingRules

/// The generated files are checked in as generated, and the JSON Schema agrees
/// with the checker on the shipped files, the condition examples and the broken fixtures.
@Suite struct GeneratedFilesTests {
    @Test func theCheckedInSchemaIsTheGeneratedOne() throws {
        let checkedIn = try Rules.text(Rules.directory.appendingPathComponent("meetingbot-rules.schema.json"))
        #expect(checkedIn == Schema.json, "run: swift run meetingbot rules schema > rules/meetingbot-rules.schema.json")
    }

    @Test func theCheckedInReadmeIsTheGeneratedOne() throws {
        let checkedIn = try Rules.text(Rules.directory.appendingPathComponent("README.md"))
        #expect(
            checkedIn == RulesTool.manual(directory: Rules.directory.path),
            "run: swift run meetingbot rules docs > rules/README.md")
    }

    @Test func theReadmeDocumentsEveryKeyWithAnExample() {
        let manual = RulesTool.manual(directory: Rules.directory.path)
        for d in Conditions.descriptions {
            #expect(manual.contains("### `\(d.key)`"))
            #expect(manual.contains("when: { \(d.key): "))
        }
        let keys =
            TopLevel.fields.map(\.documentation) + WorkingHoursFields.fields.map(\.documentation)
            + RuleReader.fields.map(\.documentation) + ExampleReader.fields.map(\.documentation)
            + ExampleReader.expectFields.map(\.documentation) + FactFields.fields.map(\.documentation)
        for key in keys {
            #expect(key.example.hasPrefix(key.key + ":"), "\(key.key) has no example of itself")
            #expect(manual.contains("| `\(key.key)`"))
        }
        #expect(manual.contains("| [`room.yml`](room.yml) | A meeting room:"))
    }

    @Test func theManualsSampleFileIsCleanAndItsExamplesPass() throws {
        let report = Policy.check(Manual.sample, file: "sample.yml")
        #expect(report.diagnostics.isEmpty, "\(report.rendered)")
        #expect(try report.usablePolicy().runExamples().allSatisfy(\.passed))
    }
}

/// Each broken fixture gets exactly the diagnostics in its `.expected` file.
@Suite struct BrokenFixtureTests {
    @Test(arguments: Rules.brokenFixtures)
    func diagnostics(_ file: URL) throws {
        let expected = try Rules.text(file.deletingPathExtension().appendingPathExtension("expected"))
            .split(separator: "\n").map(String.init)
        let report = Policy.check(try Rules.text(file), file: file.lastPathComponent)
        #expect(report.diagnostics.map(\.description) == expected)
        #expect(report.policy == nil && !report.errors.isEmpty)
    }
}

/// The JSON Schema, run by python3's `jsonschema` over the files turned into JSON
/// the way editors read YAML (the 1.2 core schema).
@Suite(
    .enabled(
        if: TestEnvironment.runs(needing: JSONSchemaValidator.isAvailable),
        "python3 with the jsonschema package is not installed"))
struct SchemaValidationTests {
    @Test func theSchemaIsAValidDraft2020Schema() throws {
        #expect(try JSONSchemaValidator.errorCounts(["schema-itself"]) == [0])
    }

    @Test func acceptsEveryShippedFileAndTheSample() throws {
        let texts = try Rules.shippedFiles.map(Rules.text) + [Manual.sample]
        #expect(try JSONSchemaValidator.errorCounts(texts.map(JSONSchemaValidator.json)) == texts.map { _ in 0 })
    }

    @Test func acceptsEveryConditionExample() throws {
        let texts = ConditionTests.cases.map(ConditionTests.probe)
        let counts = try JSONSchemaValidator.errorCounts(texts.map(JSONSchemaValidator.json))
        for (c, count) in zip(ConditionTests.cases, counts) { #expect(count == 0, "\(c.testDescription)") }
    }

    @Test func rejectsTheBrokenFixturesItCanSee() throws {
        var yaml: [(name: String, rejects: Bool, json: String)] = []
        for file in Rules.brokenFixtures {
            let text = try Rules.text(file)
            let verdict = text.split(separator: "\n").first ?? ""
            if verdict == "# schema: not YAML" {
                #expect(throws: (any Error).self) { try JSONSchemaValidator.json(text) }
                continue
            }
            #expect(
                verdict.hasPrefix("# schema: rejects") || verdict.hasPrefix("# schema: accepts"),
                "\(file.lastPathComponent) says nothing about the schema")
            yaml.append(
                (file.lastPathComponent, verdict.hasPrefix("# schema: rejects"), try JSONSchemaValidator.json(text)))
        }
        let counts = try JSONSchemaValidator.errorCounts(yaml.map(\.json))
        for (fixture, count) in zip(yaml, counts) {
            #expect((count > 0) == fixture.rejects, "\(fixture.name): \(count) schema errors")
        }
        #expect(yaml.filter(\.rejects).count >= 6)
    }
}

/// Runs python's `jsonschema` against the checked-in schema: the checkout's
/// `.venv` (which `scripts/setup.sh` fills) when there is one, else `python3`.
enum JSONSchemaValidator {
    static let python: [String] = {
        let venv = SharedFiles.packageRoot.appendingPathComponent(".venv/bin/python").path
        return FileManager.default.isExecutableFile(atPath: venv) ? [venv] : ["/usr/bin/env", "python3"]
    }()

    static let isAvailable: Bool = (try? run(script: "import jsonschema", input: Data())) != nil

    struct Failure: Error, CustomStringConvertible { let description: String }

    /// The number of schema errors of each JSON document; the document
    /// `"schema-itself"` is replaced by a check of the schema against its metaschema.
    static func errorCounts(_ documents: [String]) throws -> [Int] {
        let schema = Rules.directory.appendingPathComponent("meetingbot-rules.schema.json").path
        let script = """
            import json, sys, jsonschema
            schema = json.load(open(\(String(reflecting: schema))))
            validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
            out = []
            for doc in json.load(sys.stdin):
                if doc == "schema-itself":
                    jsonschema.Draft202012Validator.check_schema(schema)
                    out.append(0)
                else:
                    out.append(len(list(validator.iter_errors(doc))))
            print(json.dumps(out))
            """
        let input = Data(
            ("[" + documents.map { $0 == "schema-itself" ? "\"schema-itself\"" : $0 }.joined(separator: ",") + "]").utf8
        )
        let output = try run(script: script, input: input)
        guard let counts = try JSONSerialization.jsonObject(with: output) as? [Int] else {
            throw Failure(description: "unexpected output: \(String(decoding: output, as: UTF8.self))")
        }
        return counts
    }

    /// `text` as JSON, reading YAML as editors do (quoted = text; plain scalars typed by the core schema).
    static func json(_ text: String) throws -> String {
        guard case .success(let root?) = YAMLReader.read(text, file: "t.yml") else {
            throw Failure(description: "not YAML")
        }
        let data = try JSONSerialization.data(withJSONObject: value(root), options: [.fragmentsAllowed])
        return String(decoding: data, as: UTF8.self)
    }

    private static func value(_ node: YAMLNode) -> Any {
        switch node.content {
        case .mapping(let pairs):
            return Dictionary(pairs.map { ($0.key.scalarText ?? "", value($0.value)) }, uniquingKeysWith: { a, _ in a })
        case .sequence(let items):
            return items.map(value)
        case .scalar(let text, _):
            switch node.scalarType {
            case .null: return NSNull()
            case .bool(let b): return b
            case .integer(let i?): return i
            case .integer(nil), .float: return Double(text) ?? text
            default: return text
            }
        }
    }

    private static func run(script: String, input: Data) throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python[0])
        process.arguments = Array(python.dropFirst()) + ["-c", script]
        let stdin = Pipe()
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        stdin.fileHandleForWriting.write(input)
        try stdin.fileHandleForWriting.close()
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        let errors = stderr.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failure(description: "python3 failed: " + String(decoding: errors, as: UTF8.self))
        }
        return output
    }
}
