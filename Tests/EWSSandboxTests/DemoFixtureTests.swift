import EWSSandbox
import Foundation
import TestSupport
import Testing

/// The fixture `make demo` serves must load and hold what it promises.
@Suite struct DemoFixtureTests {
    @Test func theDemoFixtureLoads() throws {
        let path = SharedFiles.packageRoot.appendingPathComponent("scripts/demo-fixture.yml").path
        let sandbox = try Sandbox(options: SandboxOptions(), fixture: try Fixture.load(path: path))
        let roomInbox = sandbox.withStore { store in
            store.items.values.filter {
                $0.mailbox == "room@contoso.com" && store.folders[$0.folderId]?.distinguishedId == "inbox"
            }.count
        }
        #expect(roomInbox >= 63)
    }
}
