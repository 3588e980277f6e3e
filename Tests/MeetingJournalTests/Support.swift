import Foundation
import GRDB

@testable import MeetingJournal

/// A fixed clock: whole seconds, which the journal stores exactly.
let t0 = Date(timeIntervalSince1970: 1_741_600_000)  // 2025-03-10 09:46:40 UTC

/// A fresh directory under the system's temporary directory; the caller removes it.
func makeTemporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("journal-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

func removeDirectory(_ url: URL) {
    try? FileManager.default.removeItem(at: url)
}

/// An in-memory journal and its database, so a test can look under the API.
func makeJournalAndQueue() throws -> (Journal, DatabaseQueue) {
    let queue = try DatabaseQueue(configuration: Journal.configuration(wal: false))
    return (try Journal(queue, location: "test journal"), queue)
}

/// A plain connection to a journal file, as another process would open it.
func otherConnection(to directory: URL) throws -> DatabaseQueue {
    try DatabaseQueue(path: directory.appendingPathComponent(Journal.fileName).path)
}

func entry(
    run: Int64, mailbox: String = "room1@contoso.com", item: String, uid: String? = "UID-1",
    organizer: String? = "ann@contoso.com", action: String = "accept", result: String = "done", at: Date,
    dryRun: Bool = false
) -> JournalEntry {
    JournalEntry(
        runId: run, mailbox: mailbox, itemId: item, uid: uid, recurrenceId: nil, sequence: 0, kind: "request",
        organizer: organizer, subject: "Weekly sync", start: at.addingTimeInterval(86_400), rule: "default-accept",
        action: action, reason: "free at that time", result: result, decidedAt: at, dryRun: dryRun)
}
