import Foundation
import MeetingBot
import MeetingRules
import TestSupport
import Testing

/// docs/report.schema.json, run by python's `jsonschema` over the fixed
/// runs and over what `meetingbot run --format json` prints against the
/// sandbox; and the schema agrees with the code and with docs/REPORTS.md.
@Suite(
    .enabled(
        if: TestEnvironment.runs(needing: ReportTools.hasPython(module: "jsonschema")),
        "python3 with the jsonschema package is not installed"))
struct ReportSchemaTests {
    static let schemaFile = SharedFiles.packageRoot.appendingPathComponent("docs/report.schema.json")

    /// The schema's errors for each document (`"schema-itself"`: the schema against its metaschema).
    static func errors(_ documents: [String]) throws -> [[String]] {
        let script = """
            import json, sys, jsonschema
            schema = json.load(open(\(String(reflecting: schemaFile.path))))
            validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
            out = []
            for doc in json.load(sys.stdin):
                if doc == "schema-itself":
                    out.append([e.message for e in jsonschema.Draft202012Validator(
                        jsonschema.Draft202012Validator.META_SCHEMA).iter_errors(schema)])
                else:
                    out.append([e.json_path + ": " + e.message for e in validator.iter_errors(doc)])
            print(json.dumps(out))
            """
        let input = "[" + documents.joined(separator: ",") + "]"
        return try JSONDecoder().decode([[String]].self, from: ReportTools.python(script, input: Data(input.utf8)))
    }

    static func schema() throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: try Data(contentsOf: schemaFile)) as? [String: Any] ?? [:]
    }

    @Test func theSchemaIsAValidDraft2020Schema() throws {
        #expect(try Self.errors(["\"schema-itself\""]) == [[]])
    }

    @Test func theFixedRunsValidate() throws {
        let documents = ReportSamples.all.map { JSONReport().render($0.report) }
        #expect(try Self.errors(documents) == [[], []])
    }

    /// A real run and a dry run of the mixed mailboxes, and a mailbox that does not exist, as the binary prints them.
    @Test func whatMeetingbotRunPrintsValidates() async throws {
        let harness = try await PipelineTests.mixedHarness()
        defer { Task { await harness.stop() } }
        let mailboxes =
            PipelineTests.mixedMailboxes
            + "\n  - { address: ghost@contoso.com, rules: room.yml, access: impersonation }"
        try harness.configuration(mailboxes: mailboxes, extra: "").write(
            to: harness.configFile, atomically: true, encoding: .utf8)
        let (_, dry, dryErrors) = try harness.runProcess(["--dry-run", "--format", "json"])
        let (_, real, realErrors) = try harness.runProcess(["--format", "json"])
        #expect(try Self.errors([dry, real]) == [[], []], "\(dryErrors) \(realErrors)")
        let report = try JSONDecoder.iso8601.decode(RunReport.self, from: Data(real.utf8))
        // The documents hold what the schema constrains: results, a mailbox's error, optional fields.
        #expect(report.mailboxes.last?.error != nil)
        #expect(report.messages.contains { $0.conflicts ?? 0 > 0 } && report.messages.contains { $0.rule == nil })
        #expect(
            try JSONDecoder.iso8601.decode(RunReport.self, from: Data(dry.utf8)).messages.contains {
                $0.result == .planned
            })
    }

    /// The validator does reject: a field the schema does not name, a result it does not know, a local time,
    /// another format version.
    @Test func aDocumentOutsideThisVersionIsRejected() throws {
        let json = JSONReport().render(ReportSamples.run)
        let documents = [
            json.replacingOccurrences(of: "\"rulesFile\" :", with: "\"attendees\" : {}, \"rulesFile\" :"),
            json.replacingOccurrences(of: "\"result\" : \"replied\"", with: "\"result\" : \"sent\""),
            json.replacingOccurrences(
                of: "\"startedAt\" : \"2026-03-02T08:00:00Z\"", with: "\"startedAt\" : \"2026-03-02 09:00\""),
            json.replacingOccurrences(of: "\"formatVersion\" : 2", with: "\"formatVersion\" : 3"),
        ]
        #expect(documents.allSatisfy { $0 != json })
        for errors in try Self.errors(documents) { #expect(!errors.isEmpty) }
    }

    /// The enumerations are the code's: every result, every action a rule or the bot can take, the statuses.
    @Test func theSchemasEnumerationsAreTheCodes() throws {
        let definitions = try #require(try Self.schema()["$defs"] as? [String: Any])
        let message = try #require((definitions["message"] as? [String: Any])?["properties"] as? [String: Any])
        func values(_ object: [String: Any], _ key: String) -> Set<String> {
            Set(((object[key] as? [String: Any])?["enum"] as? [String]) ?? [])
        }
        #expect(values(message, "result") == Set(MessageReport.Result.allCases.map(\.rawValue)))
        let actions =
            RequestAction.allCases.map(\.rawValue) + ResponseAction.allCases.map(\.rawValue)
            + CancellationAction.allCases.map(\.rawValue) + ["delete", "none"]
        #expect(values(message, "action") == Set(actions))
        let mailbox = try #require((definitions["mailbox"] as? [String: Any])?["properties"] as? [String: Any])
        for status in values(mailbox, "status") {
            #expect(throws: Never.self) {
                try JSONDecoder().decode(MailboxReport.Status.self, from: Data("\"\(status)\"".utf8))
            }
        }
        #expect(values(mailbox, "status").count == 4)
    }

    /// Every field the schema names is in docs/REPORTS.md's table, and the table names no other.
    @Test func reportsMdDocumentsEveryField() throws {
        let schema = try Self.schema()
        let definitions = try #require(schema["$defs"] as? [String: Any])
        var fields = Set((schema["properties"] as? [String: Any] ?? [:]).keys)
        for definition in ["mailbox", "message"] {
            fields.formUnion(((definitions[definition] as? [String: Any])?["properties"] as? [String: Any] ?? [:]).keys)
        }
        let docs = try String(
            contentsOf: SharedFiles.packageRoot.appendingPathComponent("docs/REPORTS.md"), encoding: .utf8)
        let start = try #require(docs.range(of: "## JSON fields"))
        let end = try #require(docs.range(of: "\nResults:", range: start.upperBound..<docs.endIndex))
        // The first cell of each row: `name`, `a`, `b`, or `…messages[].name`.
        let named = docs[start.upperBound..<end.lowerBound].split(separator: "\n").filter { $0.hasPrefix("| `") }
            .flatMap { row in
                row.split(separator: "|")[0].split(separator: ",").map { cell in
                    String(
                        cell.trimmingCharacters(in: .whitespaces).trimmingCharacters(in: ["`"]).split(separator: ".")
                            .last ?? ""
                    )
                    .replacingOccurrences(of: "[]", with: "")
                }
            }
        #expect(Set(named) == fields)
    }
}
