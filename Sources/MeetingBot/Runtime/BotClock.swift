import Foundation

/// The time as the pipeline sees it: what time it is, and waiting. Injected
/// so tests can run a reply cap or a time budget on a clock they move.
public protocol BotClock: Sendable {
    var now: Date { get }
    func sleep(until date: Date) async
}

/// The system clock.
public struct SystemClock: BotClock {
    public init() {}
    public var now: Date { Date() }
    public func sleep(until date: Date) async {
        let seconds = date.timeIntervalSinceNow
        guard seconds > 0 else { return }
        try? await Task.sleep(for: .seconds(seconds))
    }
}
