import EWSSandbox
import Foundation
import Testing
@testable import EWS

/// The client against the sandbox's HTTP statuses and per-item warnings, over
/// real HTTP on loopback, judged by what the sandbox's store holds afterwards.
@Suite struct FaultEndToEndTests {
    typealias E2E = SandboxEndToEndTests

    /// The MeetingResponse messages in the organizer's inbox.
    static func responsesReceived(_ server: SandboxServer) -> Int {
        E2E.stored(server, "organizer@contoso.com", "inbox").filter {
            $0.itemClass.hasPrefix(ItemClass.meetingResponsePrefix)
        }.count
    }

    /// A client of the room with the end-to-end retry policy, or none.
    static func room(_ server: SandboxServer, sleeper: RecordingSleeper, retries: Bool = true) throws -> EWSClient {
        EWSClient(
            url: try #require(URL(string: server.url)), account: MailboxAccount(address: "room@contoso.com"),
            transport: try E2E.transport("room@contoso.com"),
            retry: retries ? RetryPolicy(budget: .seconds(600), maxAttempts: 6, initialBackOff: .seconds(1)) : .none,
            sleeper: sleeper)
    }

    // MARK: a reply and the HTTP status

    /// Call 3 is the reply (calls 1 and 2 read the requests). A 503 is Exchange
    /// refusing before any work or a front end failing after it; the client
    /// cannot tell, so it does not resend. A 429 is a refusal, sent again.
    @Test(arguments: [
        ("503:calls=3:value=2", 0, true), ("503-after:calls=3:value=2", 1, true), ("429:calls=3:value=2", 1, false),
    ])
    func aReplyReachesTheOrganizerAtMostOnceWhateverTheStatus(_ spec: String, _ received: Int, _ unknown: Bool)
        async throws
    {
        try await E2E.withSandbox(E2E.meetings, faults: [try FaultRule(parsing: spec)]) { server in
            let sleeper = RecordingSleeper()
            let room = try Self.room(server, sleeper: sleeper)
            let planning = try #require(try await E2E.requests(EWSMailboxReader(room))["Planning"])
            let outcome = try await EWSMailboxWriter(room).respond(to: planning.id, with: MeetingReply(.accept))
            #expect(Self.responsesReceived(server) == received)
            if unknown {
                guard case .unknown(let error) = outcome else {
                    Issue.record("expected an unknown outcome, got \(outcome)")
                    return
                }
                #expect(error.httpStatus == 503)
                #expect(sleeper.waits.isEmpty)
                // Re-reading tells what happened: the request is still waiting only if nothing was done.
                #expect((try await E2E.requests(EWSMailboxReader(room))["Planning"] != nil) == (received == 0))
            } else {
                #expect(outcome.isSuccess)
                #expect(sleeper.waits == [.seconds(2)])
            }
        }
    }

    // MARK: per-item warnings

    @Test func readsLeftUnprocessedWhenTheBatchStoppedAreReadAgain() async throws {
        let rule = try FaultRule(parsing: "item-warning:calls=2:items=3:ops=GetItem")
        try await E2E.withSandbox(E2E.meetings, faults: [rule]) { server in
            let sleeper = RecordingSleeper()
            let counter = CountingTransport(try E2E.transport("room@contoso.com"))
            let reader = EWSMailboxReader(
                try E2E.client(server, "room@contoso.com", sleeper: sleeper, transport: counter))
            let found = try await reader.everyMeetingMessage(in: .inbox)
            try #require(found.count >= 3)
            let read = try await reader.meetingMessages(found.map(\.id))
            #expect(read.allSatisfy { if case .success = $0 { true } else { false } })
            #expect(read.map { $0.value?.id.id } == found.map(\.id.id))
            #expect(sleeper.waits.count == 1)
            #expect(counter.calls == 3)
        }
    }

    /// Without retries the answer shows what Exchange left undone; with them the
    /// unprocessed items are sent again and done.
    @Test(arguments: ["DeleteItem", "MoveItem"], [false, true])
    func aStoppedBatchLeavesTheRestUndoneUntilItIsSentAgain(_ operation: String, _ retries: Bool) async throws {
        let rule = try FaultRule(parsing: "item-warning:\(retries ? "calls=2:" : "")items=3:ops=\(operation)")
        try await E2E.withSandbox(E2E.meetings, faults: [rule]) { server in
            let sleeper = RecordingSleeper()
            let room = try Self.room(server, sleeper: sleeper, retries: retries)
            let ids = try await EWSMailboxReader(room).everyMeetingMessage(in: .inbox).map(\.id)
            try #require(ids.count >= 3)
            let deletedBefore = E2E.stored(server, "room@contoso.com", "deleteditems").count
            let writer = EWSMailboxWriter(room)
            let errors =
                operation == "DeleteItem"
                ? try await writer.delete(ids, .hardDelete, cancellations: nil).map(\.error)
                : try await writer.move(ids, to: .deletedItems).map(\.error)
            let inbox = Set(E2E.stored(server, "room@contoso.com", "inbox").map(\.id))
            let done = retries ? ids.count : 2
            #expect(errors.map { $0?.responseCode } == ids.indices.map { $0 < done ? nil : .batchProcessingStopped })
            // The items the batch did not reach are still in the inbox, under their ids.
            #expect(inbox.intersection(ids.map(\.id)) == Set(ids.dropFirst(done).map(\.id)))
            let moved = E2E.stored(server, "room@contoso.com", "deleteditems").count - deletedBefore
            #expect(moved == (operation == "MoveItem" ? done : 0))
            #expect(sleeper.waits.count == (retries ? 1 : 0))
        }
    }

    @Test func anotherWarningIsARemarkOnAnItemThatWasDone() async throws {
        let code = "ErrorNameResolutionMultipleResults"
        let faults = [
            try FaultRule(parsing: "item-warning:items=2:ops=GetItem:code=\(code)"),
            try FaultRule(parsing: "item-warning:items=1:ops=DeleteItem:code=\(code)"),
        ]
        try await E2E.withSandbox(E2E.meetings, faults: faults) { server in
            let sleeper = RecordingSleeper()
            let room = try Self.room(server, sleeper: sleeper)
            let reader = EWSMailboxReader(room)
            let found = try await reader.everyMeetingMessage(in: .inbox)
            let read = try await reader.meetingMessages(found.map(\.id))
            guard case .warning(let message, let error) = read[1] else {
                Issue.record("expected a warning with the message, got \(read[1])")
                return
            }
            #expect(message.id.id == found[1].id.id)
            #expect(error.responseCode == ResponseCode(rawValue: code))
            #expect(read.enumerated().allSatisfy { $0.offset == 1 || $0.element.error == nil })

            let deleted = try await EWSMailboxWriter(room).delete([found[0].id], .hardDelete, cancellations: nil)
            #expect(deleted.first?.value == found[0].id)
            #expect(deleted.first?.error?.responseCode == ResponseCode(rawValue: code))
            #expect(!E2E.stored(server, "room@contoso.com", "inbox").contains { $0.id == found[0].id.id })
            #expect(sleeper.waits.isEmpty)
        }
    }
}
