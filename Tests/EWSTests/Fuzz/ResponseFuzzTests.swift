import EWSSandbox
import Foundation
import ResponseChecks
import SeededRandom
import Synchronization
import TestSupport
import Testing
import XML
@testable import EWS

/// Hostile answers, fuzzed: seeded mutations of the sample responses in
/// ../shared/ews/samples, of the sandbox's own answers to every operation the
/// client sends, and of the kept corpus, through the XML layer and every
/// response parser (`ResponseChecks`); and entity bombs, deep nesting, huge
/// text and attributes and invalid UTF-8 inside real answers. Each input gives
/// values or a clear error, and none runs for long (docs/FUZZING.md).
@Suite struct ResponseFuzzTests {
    static let seed: UInt64 = 20_261_202
    static let mutationsPerSeed = 80

    /// Passes requests to an in-process sandbox (no HTTP) and keeps every answer with its operation.
    final class SandboxTransport: HTTPTransport {
        let sandbox: Sandbox
        let authorization: String
        private let log = Mutex<[(operation: String, body: [UInt8])]>([])

        init(_ sandbox: Sandbox, user: String) {
            self.sandbox = sandbox
            authorization = "Basic " + Data("\(user):secret".utf8).base64EncodedString()
        }

        var answers: [(operation: String, body: [UInt8])] { log.withLock { $0 } }

        func send(_ request: HTTPRequest) async throws(TransportError) -> HTTPResponse {
            let answer = sandbox.handle(
                SandboxRequest(
                    method: "POST", path: "/EWS/Exchange.asmx",
                    headers: request.headers.map { ($0.name, $0.value) } + [("Authorization", authorization)],
                    body: request.body))
            let operation = (try? XMLDocument(request.body))?.root?.child("Body")?.children.first?.localName ?? ""
            log.withLock { $0.append((operation, answer.body)) }
            var headers = ResponseHeaders()
            for (name, value) in answer.headers { headers.append(name, value) }
            return HTTPResponse(status: answer.status, headers: headers, body: answer.body)
        }
    }

    /// The sandbox's answers to each operation the client sends, from the demo
    /// fixture's room: finds, reads, a calendar view, a lookup by meeting
    /// identity, name resolution, a reply, a removal, a move and a delete,
    /// with per-item errors among them. Failed steps are kept too: their
    /// answers are what matters here.
    static func sandboxAnswers() async throws -> [(operation: String, body: [UInt8])] {
        let fixture = try Fixture.load(
            path: SharedFiles.packageRoot.appendingPathComponent("scripts/demo-fixture.yml").path)
        let sandbox = try Sandbox(options: SandboxOptions(), fixture: fixture)
        let transport = SandboxTransport(sandbox, user: "room@contoso.com")
        let client = try EWSClient.test(transport)
        let page = try await client.perform(FindItem(folder: .inbox, offset: 0, pageSize: 250))
        let ids = page.messages.map(\.id)
        let messages = try await client.performEach(GetItem.meetingMessages(ids)).compactMap(\.value)
        let now = sandbox.now
        let view = try? await client.perform(
            CalendarView(folder: .calendar, start: now, end: now + 90 * 86_400, maxEntries: 100))
        _ = try? await client.performEach(GetItem.calendarItems((view?.entries ?? []).prefix(5).map(\.id)))
        let request = messages.first { $0.kind == .request && $0.recurrence != nil } ?? messages.first
        if let uid = request?.uid { _ = try? await client.perform(FindMeetingItems(folder: .calendar, uid: uid)) }
        for name in ["ann", "nobody at all"] { _ = try? await client.perform(ResolveNames(entry: name)) }
        if let request {
            _ = try? await client.performEach(RespondToMeeting([(request.id, MeetingReply(.accept))], mailbox: nil))
        }
        if let cancellation = messages.first(where: { $0.kind == .cancellation }) {
            _ = try? await client.performEach(RemoveItem(cancellations: [cancellation.id]))
        }
        let bogus = ItemId("AAMkAGJvZ3Vz", changeKey: "x")
        _ = try? await client.performEach(MoveItem(ids: Array(ids.suffix(2)) + [bogus], destination: .deletedItems))
        _ = try? await client.performEach(
            DeleteItem(
                ids: [ids[ids.count / 2], bogus], deleteType: .moveToDeletedItems, cancellations: nil,
                suppressReadReceipts: true))
        _ = try? await client.performEach(GetItem.meetingMessages([bogus]))
        return transport.answers
    }

    static func sampleAnswers() throws -> [[UInt8]] {
        try (SharedFiles.samples(endingIn: ".response.xml") + SharedFiles.samples(endingIn: ".fault.xml"))
            .map { Array(try Data(contentsOf: $0)) }
    }

    /// Refreshes the kept corpus from the sandbox: MEETINGBOT_WRITE_FUZZ_CORPUS=1 swift test --filter ResponseFuzzTests
    static func writeCorpus(_ answers: [(operation: String, body: [UInt8])]) throws {
        guard ProcessInfo.processInfo.environment["MEETINGBOT_WRITE_FUZZ_CORPUS"] == "1" else { return }
        let folder = FuzzCorpus.root.appendingPathComponent("responses")
        for (index, answer) in answers.enumerated() {
            let name = String(format: "sandbox-%02d-%@.xml", index + 1, answer.operation)
            try Data(answer.body).write(to: folder.appendingPathComponent(name))
        }
    }

    @Test func mutatedAnswersGiveValuesOrClearErrors() async throws {
        let live = try await Self.sandboxAnswers()
        try Self.writeCorpus(live)
        // Every operation the client parses was answered by the sandbox.
        #expect(Set(live.map(\.operation)).isSuperset(of: ResponseChecks.operations), "\(live.map(\.operation))")
        let seeds = try Self.sampleAnswers() + live.map(\.body) + FuzzCorpus.inputs("responses").map(\.bytes)
        // The unmutated answers read as values: the parsers are reached, not stopped at the envelope.
        let unmutated = seeds.map(ResponseChecks.check)
        #expect(unmutated.filter { $0 == .values }.count >= live.count, "\(unmutated)")

        var random = SplitMix64(seed: Self.seed)
        let mutator = XMLMutator()
        var inputs: [[UInt8]] = []
        for seed in seeds {
            for _ in 0..<Self.mutationsPerSeed { inputs.append(mutator.mutate(seed, donors: seeds, &random)) }
        }
        let outcomes = Mutex<[ResponseChecks.Outcome]>([])
        let report = FuzzRun.run(inputs) { input in
            let outcome = ResponseChecks.check(input)
            outcomes.withLock { $0.append(outcome) }
            if case .problem(let problem) = outcome { return problem }
            return nil
        }
        #expect(
            report.hung == nil, "input \(report.hung ?? 0) did not finish: \(FuzzRun.show(inputs[report.hung ?? 0]))")
        for (index, problem) in report.findings.prefix(5) {
            Issue.record("\(problem)\n\(FuzzRun.show(inputs[index]))")
        }
        #expect(report.checked == inputs.count)
        // Both outcomes occur: the mutations neither always break the answers nor never touch them.
        let values = outcomes.withLock { $0.filter { $0 == .values }.count }
        #expect(
            values > inputs.count / 10 && values < inputs.count * 9 / 10, "\(values) of \(inputs.count) read as values")
    }

    /// A GetItem answer with the payload as its item's subject.
    static let frame: HostileXML.Frame = {
        let item = Reply.item("MeetingRequest", id: "a", "<t:Subject>PAYLOAD</t:Subject>")
        let answer = Reply.operation("GetItem", [Reply.success("GetItem", "<m:Items>\(item)</m:Items>")])
        let halves = String(decoding: answer.body, as: UTF8.self).components(separatedBy: "PAYLOAD")
        return HostileXML.Frame(before: halves[0], after: halves[1])
    }()

    @Test func theFrameIsARealAnswer() throws {
        let bytes = Self.frame.before + Array("Planning".utf8) + Self.frame.after
        let body = try SOAP.body(of: HTTPResponse(status: 200, body: bytes), operation: "GetItem")
        let results = try GetItem.meetingMessages([ItemId("a")]).parse(body)
        #expect(results.first?.value?.subject == "Planning")
    }

    /// Hostile documents, alone and inside a real answer: a clear error,
    /// quickly, whatever the payload.
    @Test func hostileAnswersAreClearErrors() throws {
        let inFrame: [(String, [UInt8])] =
            [
                ("100,000 levels", HostileXML.deepNesting(levels: 100_000, in: Self.frame)),
                ("12 MB of text", HostileXML.hugeText(bytes: 12_000_000, in: Self.frame)),
                ("a 12 MB attribute", HostileXML.hugeAttribute(bytes: 12_000_000, in: Self.frame)),
                ("150,000 attributes", HostileXML.manyAttributes(150_000, in: Self.frame)),
                ("150,000 namespaces", HostileXML.manyAttributes(150_000, namespaces: true, in: Self.frame)),
            ] + HostileXML.invalidUTF8(in: Self.frame).map { ("invalid UTF-8", $0) }
        let alone: [(String, [UInt8])] =
            [
                ("billion laughs", HostileXML.billionLaughs()),
                ("quadratic blowup", HostileXML.quadraticBlowup()),
            ] + HostileXML.externalEntities("file:///etc/passwd").map { ("external entity", $0) }
        let inputs = inFrame + alone
        let report = FuzzRun.run(inputs) { name, bytes in
            let error: EWSError
            do throws(EWSError) {
                _ = try SOAP.body(of: HTTPResponse(status: 200, body: bytes), operation: "GetItem")
                return "\(name): read as an answer"
            } catch let e {
                error = e
            }
            let said = error.message
            guard EWSError.invalidResponse ~= error, said.contains("cannot be read as XML ("), !said.contains("passwd")
            else { return "\(name): \(said)" }
            return nil
        }
        #expect(report.hung.map { inputs[$0].0 } == nil)
        #expect(report.findings.map { $0.problem } == [])
    }

    @Test func theReasonAnAnswerCannotBeReadIsGiven() throws {
        let error = try #require(throws: EWSError.self) {
            try SOAP.body(of: HTTPResponse(status: 200, body: HostileXML.billionLaughs()), operation: "GetItem")
        }
        #expect(error.message.hasSuffix("cannot be read as XML (line 2, column 13: a DOCTYPE is not allowed)"))
    }

    /// Found by the fuzz run: a Warning whose code is NoError, without a
    /// message, read as a remark that said only "NoError".
    @Test func aFailureWithoutAnErrorCodeSaysSo() throws {
        let file = try #require(
            FuzzCorpus.inputs("responses").first { $0.name == "regression-warning-without-error-code.xml" })
        let body = try SOAP.body(of: HTTPResponse(status: 200, body: file.bytes), operation: "CreateItem")
        let results = try RemoveItem(cancellations: [ItemId("x")]).parse(body)
        #expect(
            results.first?.error?.description
                == "NoError: CreateItemResponseMessage has ResponseClass Warning but no error code")
        #expect(results.first?.value == [])
    }

    /// The kept hostile documents (Tests/Fuzz/Corpus/xml), as answers.
    @Test func keptHostileDocumentsAreClearErrors() throws {
        let kept = try FuzzCorpus.inputs("xml")
        #expect(kept.count >= 5)
        for file in kept { #expect(ResponseChecks.check(file.bytes) == .refused, "\(file.name)") }
    }
}
