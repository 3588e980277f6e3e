import Foundation

/// The cap on replies a mailbox sends per minute (PRODUCT.md 5; every reply
/// is a message through Exchange transport, PROTOCOL.md 9.4), kept exactly:
/// no 60-second window ever holds more than `perMinute` sends. A pass that
/// must wait sleeps, so the other mailboxes' passes use the time. Replies
/// recorded with SaveOnly send nothing and are not counted.
actor ReplyPacer {
    private let perMinute: Int
    private let clock: any BotClock
    /// When the last `perMinute` replies went out, oldest first.
    private var sent: [Date] = []

    /// `perMinute` 0 means no cap.
    init(perMinute: Int, clock: any BotClock) {
        self.perMinute = perMinute
        self.clock = clock
    }

    /// Waits for a free place in the window and takes it; false (taking
    /// nothing) when that would be after `deadline`.
    func admit(before deadline: Date) async -> Bool {
        guard perMinute > 0 else { return true }
        if sent.count >= perMinute {
            let free = sent[sent.count - perMinute] + 60
            guard free <= deadline else { return false }
            await clock.sleep(until: free)
        }
        sent.append(clock.now)
        if sent.count > perMinute { sent.removeFirst(sent.count - perMinute) }
        return true
    }

    /// Gives back a place taken for a reply that was not sent after all.
    func release() {
        if !sent.isEmpty { sent.removeLast() }
    }
}
