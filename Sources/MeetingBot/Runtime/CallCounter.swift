import EWS
import Synchronization

/// Counts the EWS calls a run makes, by operation (`FindItem`, `GetItem`,
/// `CreateItem`, …), for the report and the benchmarks. It wraps the
/// transport, so every request counts, retries included; and it counts the
/// retries themselves through the client's sleeper, which waits before each.
public final class CallCounter: Sendable {
    private let counts = Mutex<[String: Int]>([:])
    fileprivate let retryCount = Mutex(0)

    public init() {}

    public var byOperation: [String: Int] { counts.withLock { $0 } }

    /// Requests sent again after a wait (`EWSClient` waits only to retry).
    public var retries: Int { retryCount.withLock { $0 } }

    /// A sleeper that counts each wait as a retry and waits with `inner`.
    public func countingRetries(_ inner: any Sleeper) -> any Sleeper {
        RetryCountingSleeper(inner: inner, counter: self)
    }

    /// A transport that counts through this counter and sends through `inner`.
    public func counting(_ inner: any HTTPTransport) -> any HTTPTransport {
        CountingTransport(inner: inner, counter: self)
    }

    func count(_ body: [UInt8]) {
        let name = Self.operation(in: body)
        counts.withLock { $0[name, default: 0] += 1 }
    }

    /// The local name of the first element after the SOAP Body's start tag.
    static func operation(in body: [UInt8]) -> String {
        let marker = Array("Body>".utf8)
        guard let end = body.indices.first(where: { body[$0...].starts(with: marker) }) else { return "unknown" }
        var i = end + marker.count
        while i < body.count, body[i] != UInt8(ascii: "<") { i += 1 }
        var name: [UInt8] = []
        i += 1
        while i < body.count, ![UInt8(ascii: " "), UInt8(ascii: ">"), UInt8(ascii: "/")].contains(body[i]) {
            name.append(body[i] == UInt8(ascii: ":") ? 0 : body[i])
            i += 1
        }
        let local = name.split(separator: 0).last.map { String(decoding: $0, as: UTF8.self) }
        return local.flatMap { $0.isEmpty ? nil : $0 } ?? "unknown"
    }
}

private struct CountingTransport: HTTPTransport {
    let inner: any HTTPTransport
    let counter: CallCounter

    func send(_ request: HTTPRequest) async throws(TransportError) -> HTTPResponse {
        counter.count(request.body)
        return try await inner.send(request)
    }
}

private struct RetryCountingSleeper: Sleeper {
    let inner: any Sleeper
    let counter: CallCounter

    func sleep(for duration: Duration) async {
        counter.retryCount.withLock { $0 += 1 }
        await inner.sleep(for: duration)
    }
}
