import Synchronization

/// Up to `limit` transports, each with its connection, shared by every
/// mailbox client of a run: a request takes an idle one, or opens one while
/// fewer than `limit` exist, or waits its turn. So the run never has more
/// than `limit` requests in flight, whatever its mailboxes and batches do
/// (the account's EWSMaxConcurrency budget, PROTOCOL.md 9.2), and batches of
/// one mailbox can run side by side.
public final class TransportPool: HTTPTransport, Sendable {
    public let limit: Int
    private let make: @Sendable () throws(TransportError) -> any HTTPTransport
    private let state = Mutex(State())

    /// Set for work that reads ahead of what the run acts on: its requests
    /// wait their turn behind the others', which hold the run up (a page's
    /// replies go out before the next page is decided) where a read ahead
    /// has a page's time to spare.
    @TaskLocal public static var readingAhead = false

    private typealias Waiter = CheckedContinuation<(any HTTPTransport)?, Never>

    private struct State {
        var idle: [any HTTPTransport] = []
        var opened = 0
        var waiting: [(waiter: Waiter, ahead: Bool)] = []

        /// The longest waiter not reading ahead, else the longest one.
        mutating func nextWaiter() -> Waiter? {
            guard let index = waiting.firstIndex(where: { !$0.ahead }) ?? waiting.indices.first else { return nil }
            return waiting.remove(at: index).waiter
        }
    }

    public init(limit: Int, make: @escaping @Sendable () throws(TransportError) -> any HTTPTransport) {
        self.limit = max(1, limit)
        self.make = make
    }

    public func send(_ request: HTTPRequest) async throws(TransportError) -> HTTPResponse {
        let transport = try await acquire()
        defer { release(transport) }
        return try await transport.send(request)
    }

    /// An idle transport, a new one, or the next one released.
    private func acquire() async throws(TransportError) -> any HTTPTransport {
        enum Step {
            case use(any HTTPTransport)
            case open, wait
        }
        let step = state.withLock { state -> Step in
            if let transport = state.idle.popLast() { return .use(transport) }
            guard state.opened < limit else { return .wait }
            state.opened += 1
            return .open
        }
        switch step {
        case .use(let transport):
            return transport
        case .open:
            do {
                return try make()
            } catch {
                // A waiter counted on this one: it tries to open one itself.
                state.withLock { state in
                    state.opened -= 1
                    return state.nextWaiter()
                }?.resume(returning: nil)
                throw error
            }
        case .wait:
            // Released meanwhile: taken at once; else the next release hands
            // one over, or nil after a failed opening freed a place.
            let ahead = Self.readingAhead
            let handed = await withCheckedContinuation { continuation in
                let now = state.withLock { state -> Step in
                    if let transport = state.idle.popLast() { return .use(transport) }
                    guard state.opened == limit else { return .open }
                    state.waiting.append((continuation, ahead))
                    return .wait
                }
                switch now {
                case .use(let transport): continuation.resume(returning: transport)
                case .open: continuation.resume(returning: nil)
                case .wait: break
                }
            }
            if let handed { return handed }
            return try await acquire()
        }
    }

    /// How many requests wait for a transport.
    var waitingCount: Int { state.withLock { $0.waiting.count } }

    /// Hands `transport` to the next waiter, or keeps it idle.
    private func release(_ transport: any HTTPTransport) {
        let waiter = state.withLock { state -> Waiter? in
            guard let waiter = state.nextWaiter() else {
                state.idle.append(transport)
                return nil
            }
            return waiter
        }
        waiter?.resume(returning: transport)
    }
}
