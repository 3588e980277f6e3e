import EWSSandbox
import Foundation
import SeededRandom
import Synchronization
import TestSupport
import Testing
import XML

/// The sandbox's own readers under hostile input: seeded mutations of the
/// fixture files (the demo's and the kept corpus) give a sandbox or a
/// FixtureError, and seeded mutations of the sample requests, with entity
/// bombs, deep nesting and invalid UTF-8, get an EWS answer or a SOAP fault,
/// never a crash or a hang (docs/FUZZING.md).
@Suite struct FuzzTests {
    static let seed: UInt64 = 20_261_204

    static let demoFixture = SharedFiles.packageRoot.appendingPathComponent("scripts/demo-fixture.yml")

    /// The fixture's own keys and values, for the mutations to insert.
    static let fixtureTokens =
        TextMutator.yamlTokens + [
            "mailboxes: ", "address: ", "password: ", "meetings: ", "organizer: ", "start: ", "end: ",
            "recurrence: ", "pattern: ", "weekly", "monthly", "yearly", "daily", "interval: ", "count: ", "until: ",
            "days: [", "index: ", "fifth", "timezone: ", "Europe/Berlin", "Nowhere/Else", "load: ", "messages: ",
            "organizers: ", "\"2026-03-02T09:00:00Z\"", "\"2026-02-30T25:00:00Z\"", "responses: ", "decline",
            "move_to: ", "cancelled: true", "routing_type: EX", "x@y", "@", "0", "-5", "1e308",
        ]

    static func play(_ text: String) -> String? {
        do {
            _ = try Sandbox(options: SandboxOptions(), fixture: try Fixture.parse(text, name: "fuzz.yml"))
        } catch let error as FixtureError {
            return error.description.isEmpty ? "a FixtureError without a message" : nil
        } catch {
            return "not a FixtureError: \(error)"
        }
        return nil
    }

    @Test func mutatedFixturesGiveASandboxOrAFixtureError() throws {
        let seeds =
            [String(decoding: try Data(contentsOf: Self.demoFixture), as: UTF8.self)]
            + (try FuzzCorpus.inputs("fixtures")).map { String(decoding: $0.bytes, as: UTF8.self) }
        for seed in seeds { #expect(Self.play(seed) == nil) }
        var random = SplitMix64(seed: Self.seed)
        let inputs = seeds.flatMap { seed in
            (0..<150).map { _ in TextMutator.mutate(seed, tokens: Self.fixtureTokens, &random) }
        }
        let report = FuzzRun.run(inputs + [HostileYAML.aliasBomb, HostileYAML.deepFlow, HostileYAML.deepBlock]) {
            Self.play($0)
        }
        #expect(report.hung == nil, "did not finish: \(report.hung.map { inputs[$0] } ?? "")")
        for (index, problem) in report.findings.prefix(5) { Issue.record("\(problem) in:\n\(inputs[index])") }
    }

    /// One sandbox for the request runs: the demo fixture, validating against the schema.
    static func sandbox() throws -> Sandbox {
        var options = SandboxOptions()
        options.schemaDirectory = SharedFiles.schemaDirectory
        return try Sandbox(options: options, fixture: try Fixture.load(path: Self.demoFixture.path))
    }

    /// What is wrong with the sandbox's answer to `request`, if anything: it
    /// must be well-formed XML, an envelope with a body, and a fault when it is HTTP 500.
    static func answer(_ sandbox: Sandbox, _ request: [UInt8]) -> String? {
        let authorization = "Basic " + Data("meetingbot@contoso.com:secret".utf8).base64EncodedString()
        let response = sandbox.handle(
            SandboxRequest(
                method: "POST", path: "/EWS/Exchange.asmx",
                headers: [("Content-Type", "text/xml; charset=utf-8"), ("Authorization", authorization)], body: request)
        )
        guard let document = try? XMLDocument(response.body), let body = document.root?.child("Body")?.children.first
        else { return "HTTP \(response.status) with an unreadable body: \(FuzzRun.show(response.body))" }
        switch response.status {
        case 200: return body.localName.hasSuffix("Response") ? nil : "HTTP 200 with \(body.localName)"
        case 500:
            let code = body.path("detail", "ResponseCode")?.trimmedText ?? ""
            return body.localName == "Fault" && !code.isEmpty ? nil : "HTTP 500 without a fault code"
        default: return "HTTP \(response.status)"
        }
    }

    @Test func mutatedRequestsGetAnAnswerOrAFault() throws {
        let sandbox = try Self.sandbox()
        let seeds = try
            (SharedFiles.samples(endingIn: ".request.xml") + SharedFiles.samples(endingIn: ".xml", broken: true))
            .map { Array(try Data(contentsOf: $0)) }
        #expect(seeds.count >= 10)
        var random = SplitMix64(seed: Self.seed)
        let mutator = XMLMutator()
        let inputs =
            seeds.flatMap { seed in (0..<80).map { _ in mutator.mutate(seed, donors: seeds, &random) } }
            + [
                HostileXML.billionLaughs(), HostileXML.quadraticBlowup(), HostileXML.deepNesting(levels: 100_000),
                HostileXML.manyAttributes(150_000), HostileXML.hugeText(bytes: 17 << 20),
            ]
            + HostileXML.externalEntities("file:///etc/passwd") + HostileXML.invalidUTF8()
        let report = FuzzRun.run(inputs) { Self.answer(sandbox, $0) }
        #expect(report.hung == nil, "did not finish: \(report.hung.map { FuzzRun.show(inputs[$0]) } ?? "")")
        for (index, problem) in report.findings.prefix(5) {
            Issue.record("\(problem) for:\n\(FuzzRun.show(inputs[index]))")
        }
    }
}
