import Foundation
import Synchronization
import Testing

@testable import EWS

/// The run's shared connections: never more requests in flight than the
/// limit, however many are sent at once, and each waiting one is served.
@Suite struct TransportPoolTests {
    /// How many requests are in flight, the most there were, and how many were sent.
    final class Gauge: Sendable {
        let counts = Mutex((now: 0, peak: 0, sent: 0))
    }

    /// A transport that holds each request a moment and records how many were in flight at once.
    final class GaugeTransport: HTTPTransport {
        let gauge: Gauge
        init(_ gauge: Gauge) { self.gauge = gauge }
        func send(_ request: HTTPRequest) async throws(TransportError) -> HTTPResponse {
            gauge.counts.withLock {
                $0.now += 1
                $0.peak = max($0.peak, $0.now)
            }
            try? await Task.sleep(for: .milliseconds(2))
            gauge.counts.withLock {
                $0.now -= 1
                $0.sent += 1
            }
            return HTTPResponse(status: 200)
        }
    }

    static func send(_ count: Int, through pool: TransportPool) async -> Int {
        await withTaskGroup(of: Int.self) { group in
            for _ in 0..<count {
                group.addTask {
                    let request = HTTPRequest(url: URL(fileURLWithPath: "/"), headers: [], body: [])
                    return (try? await pool.send(request))?.status ?? 0
                }
            }
            return await group.reduce(0) { $0 + ($1 == 200 ? 1 : 0) }
        }
    }

    @Test(arguments: [1, 3, 8])
    func neverMoreInFlightThanTheLimit(limit: Int) async {
        let gauge = Gauge()
        let made = Gauge()
        let pool = TransportPool(limit: limit) { () throws(TransportError) in
            made.counts.withLock { $0.sent += 1 }
            return GaugeTransport(gauge)
        }
        #expect(await Self.send(60, through: pool) == 60)
        let (_, peak, sent) = gauge.counts.withLock { $0 }
        #expect(sent == 60)
        #expect(peak <= limit)
        #expect(made.counts.withLock { $0.sent } <= limit)
    }

    @Test func aTransportThatCannotBeMadeFailsItsRequestAndFreesItsPlace() async {
        let gauge = Gauge()
        let attempts = Gauge()
        let pool = TransportPool(limit: 1) { () throws(TransportError) in
            let attempt = attempts.counts.withLock {
                $0.sent += 1
                return $0.sent
            }
            if attempt == 1 { throw TransportError(.other, "no handle", requestSent: false) }
            return GaugeTransport(gauge)
        }
        // The first opening fails; the requests waiting behind it open another and are all served.
        #expect(await Self.send(10, through: pool) == 9)
        #expect(gauge.counts.withLock { $0.sent } == 9)
    }

    /// A transport that records the paths it is sent and holds "/hold" until let go.
    final class OrderTransport: HTTPTransport {
        let state = Mutex((paths: [String](), held: CheckedContinuation<Void, Never>?.none))
        func send(_ request: HTTPRequest) async throws(TransportError) -> HTTPResponse {
            state.withLock { $0.paths.append(request.url.path) }
            if request.url.path == "/hold" {
                await withCheckedContinuation { continuation in state.withLock { $0.held = continuation } }
            }
            return HTTPResponse(status: 200)
        }
        var paths: [String] { state.withLock { $0.paths } }
        func letGo() { state.withLock { $0.held }?.resume() }
    }

    /// Requests in the order given, each queued behind the one before; `ahead`
    /// tells which are sent reading ahead. Returns the order they went out in.
    static func order(of paths: [(path: String, ahead: Bool)]) async -> [String] {
        let transport = OrderTransport()
        let pool = TransportPool(limit: 1) { () throws(TransportError) in transport }
        let send: @Sendable (String) async -> Void = { path in
            _ = try? await pool.send(HTTPRequest(url: URL(fileURLWithPath: path), headers: [], body: []))
        }
        return await withTaskGroup(of: Void.self) { group in
            group.addTask { await send("/hold") }
            while transport.paths.isEmpty { try? await Task.sleep(for: .milliseconds(1)) }
            for (index, (path, ahead)) in paths.enumerated() {
                group.addTask { await TransportPool.$readingAhead.withValue(ahead) { await send(path) } }
                while pool.waitingCount <= index { try? await Task.sleep(for: .milliseconds(1)) }
            }
            transport.letGo()
            await group.waitForAll()
            return transport.paths
        }
    }

    /// A page's replies hold the run up, a read ahead has time to spare: a
    /// released connection goes to the longest waiter not reading ahead.
    @Test func aReadAheadWaitsBehindTheRequestsTheRunWaitsFor() async {
        let order = await Self.order(of: [("/ahead1", true), ("/now1", false), ("/ahead2", true), ("/now2", false)])
        #expect(order == ["/hold", "/now1", "/now2", "/ahead1", "/ahead2"])
    }

    @Test func waitersOfOneKindAreServedInTurn() async {
        #expect(await Self.order(of: [("/a", false), ("/b", false)]) == ["/hold", "/a", "/b"])
        #expect(await Self.order(of: [("/a", true), ("/b", true)]) == ["/hold", "/a", "/b"])
    }
}
