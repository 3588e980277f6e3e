import EWS
import EWSSandbox
import Foundation
import Testing
import XML

/// Faults on demand, by call number and by seeded rate, over real HTTP.
@Suite struct FaultTests {
    /// A sandbox with these faults; a spec that does not parse fails the test.
    func harness(_ faults: String..., seed: UInt64 = 1) async throws -> Harness {
        let rules = try faults.map { (spec) throws(FaultParseError) in try FaultRule(parsing: spec) }
        return try await Harness { options in
            options.faults = rules
            options.seed = seed
        }
    }

    let find = Harness.envelope(Harness.findItems("inbox"))

    @Test func serverBusyCarriesBackOffMilliseconds() async throws {
        let h = try await harness("busy:calls=1:value=250")
        defer { Task { await h.stop() } }
        let busy = try await h.fault(Harness.findItems("inbox"))
        #expect(busy.code == "ErrorServerBusy")
        let backOff = try busy.detail?.select(
            ".//t:Value[@Name='BackOffMilliseconds']", namespaces: ["t": Namespace.types]
        ).first
        #expect(backOff?.trimmedText == "250")
        #expect(try await h.call(Harness.findItems("inbox")).responseCodes == ["NoError"])
    }

    @Test(arguments: [
        (503, "503:calls=1:value=3", "3"), (429, "429:calls=1:value=7", "7"), (503, "503-after:calls=1", "1"),
    ])
    func httpThrottlingCarriesRetryAfter(_ status: Int, _ rule: String, _ retryAfter: String) async throws {
        let h = try await harness(rule)
        defer { Task { await h.stop() } }
        let response = try await h.post(find)
        #expect(response.status == status)
        #expect(response.headers["retry-after"] == retryAfter)
        #expect(try await h.post(find).status == 200)
    }

    /// 503 and 429 refuse before any work ("EWS requests are queuing with IIS",
    /// PROTOCOL.md 9.1); 503-after is a front end failing after the server did the work.
    @Test(arguments: [("503", 0), ("429", 0), ("503-after", 1)])
    func refusalsComeBeforeTheWorkAndAFailingFrontEndAfterIt(_ kind: String, _ created: Int) async throws {
        let h = try await harness("\(kind):ops=CreateItem")
        defer { Task { await h.stop() } }
        let meeting = Harness.createMeeting(
            subject: "Queued", start: "2026-12-01T09:00:00Z", end: "2026-12-01T10:00:00Z", attendees: [])
        let response = try await h.post(Harness.envelope(meeting))
        #expect(response.status == Int(kind.prefix(3)))
        #expect(h.sandbox.withStore { $0.items.values.filter { $0.subject == "Queued" }.count } == created)
    }

    @Test func aStoppedBatchAnswersWarningsForTheItemAndTheRest() async throws {
        let h = try await harness("item-warning:items=2:ops=GetItem")
        defer { Task { await h.stop() } }
        let id = try #require(
            try await h.call(
                Harness.createMeeting(
                    subject: "x", start: "2026-12-01T09:00:00Z", end: "2026-12-01T10:00:00Z", attendees: [])
            ).items.first
        ).itemId
        let answer = try await h.call(Harness.getItems(Array(repeating: id, count: 4), fields: ["item:Subject"]))
        let messages = answer.child("ResponseMessages")?.children ?? []
        #expect(messages.map { $0.attribute("ResponseClass") } == ["Success", "Warning", "Warning", "Warning"])
        #expect(answer.responseCodes == ["NoError"] + Array(repeating: "ErrorBatchProcessingStopped", count: 3))
        #expect(messages.map { $0.child("Items")?.children.count } == [1, 0, 0, 0])
    }

    @Test func anotherWarningCodeIsARemarkOnAnItemThatWasDone() async throws {
        let h = try await harness("item-warning:items=2:ops=GetItem:code=ErrorNameResolutionMultipleResults")
        defer { Task { await h.stop() } }
        let id = try #require(
            try await h.call(
                Harness.createMeeting(
                    subject: "x", start: "2026-12-01T09:00:00Z", end: "2026-12-01T10:00:00Z", attendees: [])
            ).items.first
        ).itemId
        let answer = try await h.call(Harness.getItems(Array(repeating: id, count: 3), fields: ["item:Subject"]))
        let messages = answer.child("ResponseMessages")?.children ?? []
        #expect(messages.map { $0.attribute("ResponseClass") } == ["Success", "Warning", "Success"])
        #expect(answer.responseCodes == ["NoError", "ErrorNameResolutionMultipleResults", "NoError"])
        #expect(messages.map { $0.child("Items")?.children.count } == [1, 1, 1])
    }

    @Test func latencyDelaysTheAnswer() async throws {
        let h = try await harness("latency:value=300")
        defer { Task { await h.stop() } }
        let clock = ContinuousClock()
        let start = clock.now
        #expect(try await h.post(find).status == 200)
        // A lower bound only: the answer cannot come before the injected delay.
        #expect(clock.now - start >= .milliseconds(300))
    }

    @Test func droppedAndTruncatedConnectionsAndMalformedBodies() async throws {
        let h = try await harness("drop:calls=1", "truncate:calls=2", "malformed:calls=3")
        defer { Task { await h.stop() } }
        await #expect(throws: TransportError.self) { try await h.post(find) }
        await #expect(throws: TransportError.self) { try await h.post(find) }
        let malformed = try await h.post(find)
        #expect(malformed.status == 200)
        #expect(throws: XMLError.self) { try XMLDocument(malformed.body) }
        #expect(try await h.post(find).status == 200)
    }

    @Test func perItemErrorsHitSomeItemsOfABatch() async throws {
        let h = try await harness("item-error:rate=0.5:ops=GetItem:code=ErrorItemNotFound", seed: 42)
        defer { Task { await h.stop() } }
        let meeting = try await h.call(
            Harness.createMeeting(
                subject: "x", start: "2026-12-01T09:00:00Z",
                end: "2026-12-01T10:00:00Z", attendees: []))
        let id = try #require(meeting.items.first).itemId
        let batch = Harness.getItems(Array(repeating: id, count: 16), fields: ["item:Subject"])
        let codes = try await h.call(batch).responseCodes
        #expect(Set(codes) == ["NoError", "ErrorItemNotFound"])
        // The same seed and the same calls give the same faults.
        let again = try await harness("item-error:rate=0.5:ops=GetItem:code=ErrorItemNotFound", seed: 42)
        defer { Task { await again.stop() } }
        let id2 = try #require(
            try await again.call(
                Harness.createMeeting(
                    subject: "x", start: "2026-12-01T09:00:00Z",
                    end: "2026-12-01T10:00:00Z", attendees: [])
            ).items.first
        ).itemId
        #expect(
            try await again.call(Harness.getItems(Array(repeating: id2, count: 16), fields: ["item:Subject"]))
                .responseCodes == codes)
    }

    @Test func seededRatesAreReproducible() async throws {
        func outcomes(seed: UInt64) async throws -> [Int] {
            let h = try await harness("busy:rate=0.4", seed: seed)
            defer { Task { await h.stop() } }
            var statuses: [Int] = []
            for _ in 0..<20 { statuses.append(try await h.post(find).status) }
            return statuses
        }
        let first = try await outcomes(seed: 9)
        #expect(Set(first) == [200, 500])
        #expect(try await outcomes(seed: 9) == first)
        #expect(try await outcomes(seed: 10) != first)
    }

    @Test func aSpecificationParsesToExactlyWhatItSays() throws {
        #expect(
            try FaultRule(parsing: "item-warning:calls=2,5:items=3:ops=GetItem,MoveItem:code=ErrorItemNotFound")
                == FaultRule(
                    kind: .itemWarning, calls: [2, 5], operations: ["GetItem", "MoveItem"], code: "ErrorItemNotFound",
                    items: [3]))
        #expect(
            try FaultRule(parsing: "503-after:every=3:value=2") == FaultRule(kind: .http503After, every: 3, value: 2))
        #expect(try FaultRule(parsing: "drop") == FaultRule(kind: .drop, rate: 1))
    }

    /// Nothing in a specification is dropped: what the sandbox could not use is an error.
    @Test(arguments: [
        "bogus", "busy:rate=2", "busy:calls=x", "latency:wat=1", "busy:rate", "busy:calls=1,x", "busy:calls=0",
        "latency:value=20:value=30", "busy:", "busy::calls=1", "503:code=ErrorItemNotFound", "drop:value=3",
        "busy:calls=1:rate=0.5", "item-error:calls=1:every=2", "item-error:ops=", "item-error:ops=GetItem,",
        "item-warning:items=x", "busy:items=2", "item-warning:code=",
    ])
    func badFaultSpecificationsAreClearErrors(_ text: String) {
        #expect(throws: FaultParseError.self) { try FaultRule(parsing: text) }
    }
}
