import Foundation
import Testing
@testable import EWS

/// ResponseClass="Warning" read by its code: ErrorBatchProcessingStopped says
/// the item "could not be processed" (PROTOCOL.md 9.1), so it is a failure,
/// sent again for idempotent operations; any other warning is a remark on an
/// item that was done and keeps its value.
@Suite struct WarningTests {
    static func item(_ id: String) -> String {
        Reply.success(
            "GetItem", "<m:Items>\(Reply.item("CalendarItem", id: id, "<t:Subject>\(id)</t:Subject>"))</m:Items>")
    }

    static let stopped = Reply.error("GetItem", "ErrorBatchProcessingStopped", responseClass: "Warning")

    @Test func itemsLeftUnprocessedWhenTheBatchStoppedAreSentAgain() async throws {
        let transport = ScriptedTransport([
            .success(Reply.operation("GetItem", [Self.item("a"), Self.stopped, Self.stopped])),
            .success(Reply.operation("GetItem", [Self.item("b"), Self.item("c")])),
        ])
        let sleeper = RecordingSleeper()
        let results = try await EWSClient.test(transport, sleeper: sleeper).performEach(
            GetItem.calendarItems(["a", "b", "c"].map { ItemId($0) }))
        #expect(results.map { $0.value?.subject } == ["a", "b", "c"])
        #expect(results.allSatisfy { if case .success = $0 { true } else { false } })
        #expect(sleeper.waits.count == 1)
        let second = try #require(transport.bodies.last)
        #expect(second.contains("Id=\"b\"") && second.contains("Id=\"c\"") && !second.contains("Id=\"a\""))
    }

    @Test func itemsStillUnprocessedWhenTheBudgetEndsAreFailures() async throws {
        let transport = ScriptedTransport { (_, _) throws(TransportError) in
            Reply.operation("GetItem", [Self.stopped])
        }
        let client = try EWSClient.test(
            transport, retry: RetryPolicy(budget: .seconds(100), maxAttempts: 3, initialBackOff: .seconds(1)))
        let results = try await client.performEach(GetItem.calendarItems([ItemId("a")]))
        guard case .failure(let error) = try #require(results.first) else {
            Issue.record("expected a failure, got \(results)")
            return
        }
        #expect(error.responseCode == .batchProcessingStopped)
        #expect(transport.requests.count == 3)
    }

    @Test func aReplyLeftUnprocessedIsARefusalAndNotResent() async throws {
        let transport = ScriptedTransport([
            .success(
                Reply.operation(
                    "CreateItem", [Reply.error("CreateItem", "ErrorBatchProcessingStopped", responseClass: "Warning")])),
            .success(Reply.operation("CreateItem", [Reply.success("CreateItem", "<m:Items/>")])),
        ])
        let outcome = try await EWSMailboxWriter(try EWSClient.test(transport)).respond(
            to: ItemId("req1", changeKey: "ck"), with: MeetingReply(.accept))
        guard case .answered(.failure(let error)) = outcome else {
            Issue.record("expected a refusal, got \(outcome)")
            return
        }
        #expect(error.responseCode == .batchProcessingStopped)
        #expect(transport.requests.count == 1)
    }

    @Test func anyOtherWarningKeepsTheItemsValue() async throws {
        let remark = """
            <m:GetItemResponseMessage ResponseClass="Warning"><m:MessageText>Several results.</m:MessageText>\
            <m:ResponseCode>ErrorNameResolutionMultipleResults</m:ResponseCode><m:DescriptiveLinkKey>0</m:DescriptiveLinkKey>\
            <m:Items>\(Reply.item("CalendarItem", id: "b", "<t:Subject>b</t:Subject>"))</m:Items></m:GetItemResponseMessage>
            """
        let transport = ScriptedTransport([.success(Reply.operation("GetItem", [Self.item("a"), remark]))])
        let results = try await EWSClient.test(transport).performEach(
            GetItem.calendarItems(["a", "b"].map { ItemId($0) }))
        guard case .warning(let value, let error) = results[1] else {
            Issue.record("expected a warning with a value, got \(results[1])")
            return
        }
        #expect(value.subject == "b")
        #expect(error.responseCode == ResponseCode(rawValue: "ErrorNameResolutionMultipleResults"))
        #expect(transport.requests.count == 1)
    }
}
