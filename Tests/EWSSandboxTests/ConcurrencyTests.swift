import EWS
import Foundation
import Testing
import XML

@testable import EWSSandbox

/// The sandbox counts the requests each authenticated account has in flight
/// (over real HTTP, injected latency included) and, with a limit, refuses
/// those above it as Exchange does (EWSMaxConcurrency, PROTOCOL.md 9.2).
@Suite struct ConcurrencyTests {
    static let fixture = """
        mailboxes:
          - { address: organizer@contoso.com, password: secret }
          - { address: room@contoso.com, password: secret }
          - { address: service@contoso.com, password: secret, impersonation: true }
        """

    /// Each answer is held back a second, so requests sent together are in flight together.
    static func harness(maxConcurrency: Int? = nil) async throws -> Harness {
        try await Harness(fixture: fixture) { options in
            options.faults = [FaultRule(kind: .latency, rate: 1, value: 1000)]
            options.maxConcurrency = maxConcurrency
        }
    }

    static let find = Harness.findItems("inbox")

    static func impersonating(_ mailbox: String) -> String {
        "<t:ExchangeImpersonation><t:ConnectingSID><t:PrimarySmtpAddress>\(mailbox)</t:PrimarySmtpAddress>"
            + "</t:ConnectingSID></t:ExchangeImpersonation>"
    }

    /// Sends a request for each SOAP header at once as `user`; returns the HTTP answers.
    static func together(_ h: Harness, _ headers: [String], as user: String) async throws -> [HTTPResponse] {
        try await withThrowingTaskGroup(of: HTTPResponse.self) { group in
            for header in headers {
                group.addTask { try await h.post(Harness.envelope(find, header: header), user: user) }
            }
            var answers: [HTTPResponse] = []
            for try await answer in group { answers.append(answer) }
            return answers
        }
    }

    @Test func thePeakOfConcurrentRequestsIsCountedPerAccount() async throws {
        let h = try await Self.harness()
        defer { Task { await h.stop() } }
        let answers = try await Self.together(h, Array(repeating: "", count: 4), as: "organizer@contoso.com")
        #expect(answers.map(\.status) == [200, 200, 200, 200])
        #expect(h.sandbox.peakConcurrency(account: "organizer@contoso.com") == 4)
        // One after the other: never more than one at once, and the other account's peak stays.
        for _ in 0..<3 { _ = try await h.post(Harness.envelope(Self.find), user: "room@contoso.com") }
        #expect(h.sandbox.peakConcurrency(account: "room@contoso.com") == 1)
        #expect(h.sandbox.concurrencyPeaks == ["organizer@contoso.com": 4, "room@contoso.com": 1])
        // A request that fails authentication is no account's.
        _ = try await h.post(Harness.envelope(Self.find), user: "room@contoso.com", password: "wrong")
        // Out of process, a test reads the same peaks from the sandbox's inspection endpoint.
        let peaks = try await h.post("", path: "/_sandbox/concurrency", user: nil)
        #expect(String(decoding: peaks.body, as: UTF8.self) == #"{"organizer@contoso.com":4,"room@contoso.com":1}"#)
    }

    /// The budget is the service account's, whichever mailbox it impersonates (PROTOCOL.md 9.2).
    @Test func impersonatedRequestsCountForTheServiceAccount() async throws {
        let h = try await Self.harness()
        defer { Task { await h.stop() } }
        let mailboxes = ["room@contoso.com", "organizer@contoso.com", "room@contoso.com"]
        let answers = try await Self.together(h, mailboxes.map(Self.impersonating), as: "service@contoso.com")
        #expect(answers.map(\.status) == [200, 200, 200])
        #expect(h.sandbox.concurrencyPeaks == ["service@contoso.com": 3])
    }

    @Test func requestsAboveTheLimitGetErrorExceededConnectionCount() async throws {
        let h = try await Self.harness(maxConcurrency: 2)
        defer { Task { await h.stop() } }
        let answers = try await Self.together(h, Array(repeating: "", count: 4), as: "room@contoso.com")
        #expect(answers.filter { $0.status == 200 }.count == 2)
        let refused = answers.filter { $0.status == 500 }
        #expect(refused.count == 2)
        for answer in refused {
            let document = try XMLDocument(answer.body)
            let detail = try #require(document.root?.path("Body", "Fault", "detail"))
            #expect(detail.childText("ResponseCode") == "ErrorExceededConnectionCount")
            let values = (detail.child("MessageXml")?.children ?? []).map {
                ($0.attribute("Name") ?? "", $0.trimmedText)
            }
            #expect(values.contains { $0 == ("MaxConcurrencyLimit", "2") })
        }
        // Refused requests were in flight too, while they were answered: the peak shows the
        // client went over its limit (by one or two, as the refusals overlapped or not).
        #expect((3...4).contains(h.sandbox.peakConcurrency(account: "room@contoso.com")))
        // Once the others are answered, a request is served again.
        let after = try await h.post(Harness.envelope(Self.find), user: "room@contoso.com")
        #expect(after.status == 200)
    }
}
