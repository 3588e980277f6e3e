import EWSSandbox
import Foundation
import TestSupport
import Testing

/// The fixture `make demo` serves must load and hold what it promises: a few
/// dozen meeting messages of every kind waiting in the mailboxes the demo
/// processes, and responses that the board office's late attendant has not
/// recorded yet.
@Suite struct DemoFixtureTests {
    @Test func theDemoFixtureLoads() throws {
        let path = SharedFiles.packageRoot.appendingPathComponent("scripts/demo-fixture.yml").path
        let sandbox = try Sandbox(options: SandboxOptions(), fixture: try Fixture.load(path: path))
        let inboxes = sandbox.withStore { store in
            Dictionary(
                grouping: store.items.values.filter { store.folders[$0.folderId]?.distinguishedId == "inbox" },
                by: \.mailbox)
        }
        let processed = ["room@contoso.com", "hall@contoso.com", "events@contoso.com", "board@contoso.com"]
        let waiting = processed.flatMap { inboxes[$0] ?? [] }
        #expect(waiting.count >= 30)
        let kinds = Set(waiting.map(\.kind))
        #expect(kinds == [.meetingRequest, .meetingResponse, .meetingCancellation])
        #expect((inboxes["room@contoso.com"] ?? []).contains { $0.kind == .meetingCancellation })
        #expect((inboxes["board@contoso.com"] ?? []).count { $0.kind == .meetingResponse } == 2)
        // The bot signs in as the one account that may impersonate the others.
        let impersonating = sandbox.withStore { store in
            store.mailboxes.values.filter(\.canImpersonate).map(\.address.email)
        }
        #expect(impersonating == ["meetingbot@contoso.com"])
    }
}
