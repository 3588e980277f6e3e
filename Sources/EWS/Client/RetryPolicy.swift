/// When and how long the client waits before resending a request the server
/// could not serve (PROTOCOL.md 9.3): the server's own hint first
/// (BackOffMilliseconds, Retry-After), else exponential back-off with jitter,
/// and never more than `budget` in all, after which the call fails as throttled.
public struct RetryPolicy: Sendable {
    /// Total waiting allowed for one call.
    public var budget: Duration
    /// Attempts allowed for one call, the first included.
    public var maxAttempts: Int
    /// The first wait when the server gives no hint; each further one doubles.
    public var initialBackOff: Duration
    public var maxBackOff: Duration

    public init(
        budget: Duration = .seconds(120), maxAttempts: Int = 6,
        initialBackOff: Duration = .seconds(30), maxBackOff: Duration = .seconds(120)
    ) {
        self.budget = budget
        self.maxAttempts = maxAttempts
        self.initialBackOff = initialBackOff
        self.maxBackOff = maxBackOff
    }

    /// No retries at all.
    public static let none = RetryPolicy(budget: .zero, maxAttempts: 1)

    /// The wait before attempt `attempt + 1` without a server hint: the
    /// exponential delay scaled by a random factor in [0.5, 1] ("equal
    /// jitter"), so many clients do not come back at the same moment.
    func backOff(afterAttempt attempt: Int) -> Duration {
        let exponential = initialBackOff * (1 << min(attempt - 1, 20))
        return min(exponential, maxBackOff) * Double.random(in: 0.5...1)
    }
}

/// Waits. Injected so that tests do not really wait for minutes.
public protocol Sleeper: Sendable {
    func sleep(for duration: Duration) async
}

/// The real sleeper.
public struct TaskSleeper: Sleeper {
    public init() {}
    public func sleep(for duration: Duration) async {
        try? await Task.sleep(for: duration)
    }
}

/// The retry state of one call: the attempts made and the time waited, shared
/// by every request the call sends (a batch resent for its busy items spends
/// from the same budget).
struct RetryBudget {
    let policy: RetryPolicy
    private(set) var attempts = 0
    private(set) var waited: Duration = .zero

    init(_ policy: RetryPolicy) { self.policy = policy }

    mutating func recordAttempt() { attempts += 1 }

    /// The wait before the next attempt after `error`, or nil when the budget
    /// or the attempts are spent.
    mutating func nextWait(after error: EWSError) -> Duration? {
        let wait = error.backOff ?? policy.backOff(afterAttempt: attempts)
        guard attempts < policy.maxAttempts, waited + wait <= policy.budget else { return nil }
        waited += wait
        return wait
    }
}
