import Foundation
import TestSupport
import Testing
@testable import EWS
@testable import XML

/// The client reads every response and fault in ../shared/ews/samples.
@Suite struct SampleResponseTests {
    static func sample(_ name: String) throws -> HTTPResponse {
        let bytes = Array(try Data(contentsOf: SharedFiles.samplesDirectory.appendingPathComponent(name)))
        return HTTPResponse(status: name.hasSuffix(".fault.xml") ? 500 : 200, body: bytes)
    }

    static func parse<Op: EWSOperation>(_ op: Op, _ name: String) throws -> Op.Response {
        try op.parse(try SOAP.body(of: try sample(name), operation: Op.name))
    }

    /// Each sample file's parser; a new sample without one fails `everySampleHasAParser`.
    static let parsers: [String: @Sendable (String) throws -> Void] = [
        "FindItem.response.xml": { _ = try parse(FindItem(folder: .inbox, offset: 0, pageSize: 3), $0) },
        "GetItem.response.xml": { _ = try parse(GetItem.meetingMessages(Array(repeating: ItemId("x"), count: 4)), $0) },
        "GetItem-ResponseObjects.response.xml": { _ = try parse(GetItem.meetingMessages([ItemId("x")]), $0) },
        "CreateItem-Respond.response.xml": { _ = try parse(RemoveItem(cancellations: [ItemId("x")]), $0) },
        "CreateItem-Respond-ErrorItemNotFound.response.xml": {
            _ = try parse(RemoveItem(cancellations: [ItemId("x")]), $0)
        },
        "CreateItem-ProposeNewTime.response.xml": { _ = try parse(RemoveItem(cancellations: [ItemId("x")]), $0) },
        "ErrorServerBusy.fault.xml": { try expectFault($0) },
        "ErrorSchemaValidation.fault.xml": { try expectFault($0) },
    ]

    static func expectFault(_ name: String) throws {
        let error = try #require(throws: EWSError.self) {
            try parse(FindItem(folder: .inbox, offset: 0, pageSize: 1), name)
        }
        #expect(EWSError.fault ~= error)
    }

    @Test(arguments: try SharedFiles.samples(endingIn: ".response.xml") + SharedFiles.samples(endingIn: ".fault.xml"))
    func everySampleHasAParser(_ file: URL) throws {
        let parser = try #require(Self.parsers[file.lastPathComponent], "no parser for \(file.lastPathComponent)")
        try parser(file.lastPathComponent)
    }

    @Test func findItemPage() throws {
        let page = try Self.parse(FindItem(folder: .inbox, offset: 0, pageSize: 3), "FindItem.response.xml")
        #expect(page.nextOffset == 3)
        #expect(page.total == 5)
        #expect(page.messages.map(\.kind) == [.request, .response, .cancellation])
        #expect(
            page.messages.first?.id == ItemId("AAMkADEzOTExYjJkLTRhNzUtNDRmMi1hYWRjLTEAAA=", changeKey: "CwAAABYAAAB1"))
        #expect(page.messages.first?.received == EWSDateTime.parse("2025-03-01T08:12:40Z"))
    }

    @Test func getItemBatchWithOneMissingItem() throws {
        let results = try Self.parse(
            GetItem.meetingMessages(Array(repeating: ItemId("x"), count: 4)), "GetItem.response.xml")
        #expect(results.count == 4)
        let request = try #require(results[0].value)
        #expect(request.kind == .request)
        #expect(request.subject == "Quarterly planning")
        #expect(request.organizer?.address == "alice@example.com")
        #expect(request.from?.smtpAddress == "alice@example.com")
        #expect(request.requiredAttendees.map(\.mailbox.address) == ["bob@example.com"])
        #expect(request.resources.map(\.mailbox.address) == ["room-bot@example.com"])
        #expect(request.start == EWSDateTime.parse("2025-03-04T13:00:00Z"))
        #expect(request.end == EWSDateTime.parse("2025-03-04T14:00:00Z"))
        #expect(request.location == "Room 4.12")
        #expect(request.uid == "040000008200E00074C5B7101A82E00800000000D0E1C7B2A08ADB01000000000000000010000000")
        #expect(request.requestType == .newMeetingRequest)
        #expect(request.intendedFreeBusy == .busy)
        #expect(request.sensitivity == .normal)
        #expect(request.isOutOfDate == false)
        #expect(request.isRecurring == false)
        #expect(request.calendarItemType == .single)
        #expect(request.conflictingMeetingCount == 1)
        #expect(request.sequenceNumber == 0)
        #expect(request.responseType == .noResponseReceived)
        #expect(request.associatedCalendarItemId?.id == "AAMkADEzOTExYjJkLTRhNzUtNDRmMi1hYWRjLWF0dAAA=")

        let response = try #require(results[1].value)
        #expect(response.kind == .response)
        #expect(response.responseType == .tentative)
        #expect(response.from?.address == "bob@example.com")
        #expect(response.proposedStart == EWSDateTime.parse("2025-03-05T10:00:00Z"))
        #expect(response.proposedEnd == EWSDateTime.parse("2025-03-05T10:30:00Z"))

        #expect(results[2].value?.kind == .cancellation)
        #expect(results[3].error?.responseCode == .itemNotFound)
        #expect(results[3].error?.message == "The specified object was not found in the store.")
    }

    @Test func responseObjectsSampleReadsTheRequest() throws {
        let results = try Self.parse(GetItem.meetingMessages([ItemId("x")]), "GetItem-ResponseObjects.response.xml")
        let request = try #require(results.first?.value)
        #expect(request.subject == "Competitive analysis: kick off meeting")
        #expect(request.start == EWSDateTime.parse("2013-11-09T17:00:00Z"))
    }

    @Test func createItemAnswers() throws {
        let empty = try Self.parse(RemoveItem(cancellations: [ItemId("x")]), "CreateItem-Respond.response.xml")
        #expect(empty == [.success([])])
        let ids = try Self.parse(RemoveItem(cancellations: [ItemId("x")]), "CreateItem-ProposeNewTime.response.xml")
        #expect(
            ids == [
                .success([
                    ItemId("AAMkAGRmOWE2OWAAA=", changeKey: "DwAAJsmU"),
                    ItemId("AAMkAGRmOWE2AAABB=", changeKey: "AAAGJu1A"),
                ])
            ])
        let missing = try Self.parse(
            RemoveItem(cancellations: [ItemId("x")]), "CreateItem-Respond-ErrorItemNotFound.response.xml")
        #expect(missing.first?.error?.responseCode == .itemNotFound)
    }

    @Test func serverBusyFaultCarriesItsBackOff() throws {
        let error = try #require(throws: EWSError.self) {
            try SOAP.body(of: try Self.sample("ErrorServerBusy.fault.xml"), operation: "FindItem")
        }
        #expect(error.responseCode == .serverBusy)
        #expect(error.backOff == .milliseconds(297_749))
        #expect(error.httpStatus == 500)
        #expect(error.message == "The server cannot service this request right now. Try again later.")
        #expect(error.isBusy)
    }

    @Test func schemaValidationFaultCarriesItsPosition() throws {
        let error = try #require(throws: EWSError.self) {
            try SOAP.body(of: try Self.sample("ErrorSchemaValidation.fault.xml"), operation: "GetItem")
        }
        #expect(error.responseCode == .schemaValidation)
        #expect(error.schemaViolation == SchemaViolationReport(line: 123, position: 456, violation: "ZZZ"))
        #expect(error.message == "YYY")
        #expect(!error.isRetryable)
    }
}
