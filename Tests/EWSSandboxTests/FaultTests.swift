import EWS
import EWSSandbox
import Foundation
import Testing
import XML

/// Faults on demand, by call number and by seeded rate, over real HTTP.
@Suite struct FaultTests {
    func harness(_ faults: String..., seed: UInt64 = 1) async throws -> Harness {
        try await Harness { options in
            options.faults = faults.compactMap { try? FaultRule(parsing: $0) }
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

    @Test(arguments: [(503, "503:calls=1:value=3"), (429, "429:calls=1:value=7")])
    func httpThrottlingCarriesRetryAfter(_ status: Int, _ rule: String) async throws {
        let h = try await harness(rule)
        defer { Task { await h.stop() } }
        let response = try await h.post(find)
        #expect(response.status == status)
        #expect(response.headers["retry-after"] == rule.split(separator: "=").last.map(String.init))
        #expect(try await h.post(find).status == 200)
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

    @Test(arguments: ["bogus", "busy:rate=2", "busy:calls=x", "latency:wat=1", "busy:rate"])
    func badFaultSpecificationsAreClearErrors(_ text: String) {
        #expect(throws: FaultParseError.self) { try FaultRule(parsing: text) }
    }
}
