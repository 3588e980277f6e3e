import EWS
import Foundation

/// How one mailbox is processed, from the configuration (PRODUCT.md 5).
public struct PassSettings: Sendable {
    /// The folder scanned for meeting messages.
    public var folder: Folder = .inbox
    /// How processed messages leave the folder.
    public var cleanup: CleanupMode = .moveToDeletedItems
    /// How long a response may wait for the organizer's item to show it
    /// before it is reported for a person (PRODUCT.md 3).
    public var pendingGrace: TimeInterval = 24 * 3600
    /// Replies sent per minute at most; 0 is no cap.
    public var repliesPerMinute = 0
    /// Runs in a row an item may fail the same way before it is left alone
    /// as stuck (PRODUCT.md 7.5).
    public var stuckAfterRuns = 3
    /// Items to an EWS call at most: replies, removals and clean-ups that
    /// do not fill a batch wait for the next page's (MailboxPass).
    public var batchSize = 20

    public init(
        folder: Folder = .inbox, cleanup: CleanupMode = .moveToDeletedItems, pendingGrace: TimeInterval = 24 * 3600,
        repliesPerMinute: Int = 0, stuckAfterRuns: Int = 3,
        batchSize: Int = 20
    ) {
        self.folder = folder
        self.cleanup = cleanup
        self.pendingGrace = pendingGrace
        self.repliesPerMinute = repliesPerMinute
        self.stuckAfterRuns = stuckAfterRuns
        self.batchSize = batchSize
    }
}
