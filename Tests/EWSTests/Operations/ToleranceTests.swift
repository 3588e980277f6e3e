import Foundation
import Testing
@testable import EWS

/// Real servers send elements out of schema order, elements the schema
/// lacks and whitespace around codes; the client reads them all the same.
@Suite struct ToleranceTests {
    static func parse<Op: EWSOperation>(_ op: Op, _ response: HTTPResponse) throws -> Op.Response {
        try op.parse(try SOAP.body(of: response, operation: Op.name))
    }

    @Test func getItemFieldsInAnyOrderWithUnknownElements() throws {
        let message = """
            <m:GetItemResponseMessage ResponseClass=" Success ">
              <m:Unexpected>ignored</m:Unexpected>
              <m:Items>
                <t:MeetingRequest>
                  <t:Organizer><t:Mailbox><t:RoutingType>SMTP</t:RoutingType><t:EmailAddress> ann@contoso.com </t:EmailAddress><t:Name>Ann</t:Name></t:Mailbox></t:Organizer>
                  <t:End>2026-03-02T09:00:00Z</t:End>
                  <t:FutureField><t:Nested>x</t:Nested></t:FutureField>
                  <t:Start>2026-03-02T08:00:00.000Z</t:Start>
                  <t:ItemClass>IPM.Schedule.Meeting.Request</t:ItemClass>
                  <t:IsOutOfDate> true </t:IsOutOfDate>
                  <t:MeetingRequestType>FullUpdate</t:MeetingRequestType>
                  <t:RecurrenceId>2026-03-02T08:00:00Z</t:RecurrenceId>
                  <t:StartTimeZone Id="W. Europe Standard Time" Name="(UTC+01:00) Amsterdam"/>
                  <t:ItemId Id=" AAMk1 " ChangeKey="CK1"/>
                  <t:Sensitivity>Private</t:Sensitivity>
                  <t:Body BodyType="Text">Please book
            the room.</t:Body>
                </t:MeetingRequest>
              </m:Items>
              <m:ResponseCode>
                 NoError
              </m:ResponseCode>
            </m:GetItemResponseMessage>
            """
        let results = try Self.parse(GetItem.meetingMessages([ItemId("AAMk1")]), Reply.operation("GetItem", [message]))
        let request = try #require(results.first?.value)
        #expect(request.id == ItemId("AAMk1", changeKey: "CK1"))
        #expect(request.organizer == Mailbox(name: "Ann", address: "ann@contoso.com", routingType: "SMTP"))
        #expect(request.start == EWSDateTime.parse("2026-03-02T08:00:00Z"))
        #expect(request.end == EWSDateTime.parse("2026-03-02T09:00:00Z"))
        #expect(request.isOutOfDate)
        #expect(request.requestType == .fullUpdate)
        #expect(request.recurrenceId == EWSDateTime.parse("2026-03-02T08:00:00Z"))
        #expect(request.startTimeZoneId == "W. Europe Standard Time")
        #expect(request.sensitivity == .private)
        #expect(request.body == "Please book\nthe room.")
    }

    static func recurringRequest(id: String, pattern: String) -> String {
        Reply.success(
            "GetItem",
            "<m:Items>"
                + Reply.item(
                    "MeetingRequest", id: id,
                    """
                    <t:ItemClass>IPM.Schedule.Meeting.Request</t:ItemClass><t:Subject>Weekly sync</t:Subject>
                    <t:Start>2026-03-02T08:00:00Z</t:Start><t:End>2026-03-02T09:00:00Z</t:End>
                    <t:CalendarItemType>RecurringMaster</t:CalendarItemType>
                    <t:Recurrence>\(pattern)<t:NumberedRecurrence><t:StartDate>2026-03-02</t:StartDate><t:NumberOfOccurrences>6</t:NumberOfOccurrences></t:NumberedRecurrence></t:Recurrence>
                    <t:DeletedOccurrences><t:DeletedOccurrence><t:Start>2026-03-16T08:00:00Z</t:Start></t:DeletedOccurrence></t:DeletedOccurrences>
                    <t:StartTimeZone Id="W. Europe Standard Time" Name="(UTC+01:00) Amsterdam, Berlin"/>
                    """) + "</m:Items>")
    }

    @Test func recurringRequestReadsItsSeries() throws {
        let weekly =
            "<t:WeeklyRecurrence><t:Interval>1</t:Interval><t:DaysOfWeek>Monday</t:DaysOfWeek></t:WeeklyRecurrence>"
        let broken =
            "<t:WeeklyRecurrence><t:Interval>0</t:Interval><t:DaysOfWeek>Someday</t:DaysOfWeek></t:WeeklyRecurrence>"
        let results = try Self.parse(
            GetItem.meetingMessages([ItemId("r1"), ItemId("r2")], defaultTimeZone: .gmt),
            Reply.operation(
                "GetItem",
                [
                    Self.recurringRequest(id: "r1", pattern: weekly), Self.recurringRequest(id: "r2", pattern: broken),
                ]))
        let request = try #require(results[0].value)
        #expect(request.isRecurring)
        let series = try #require(request.recurrence)
        #expect(series.timeZone.identifier == "Europe/Berlin")
        #expect(series.occurrenceCount == 5)
        let occurrences = series.occurrences(
            from: try #require(EWSDateTime.parse("2026-03-01T00:00:00Z")),
            to: try #require(EWSDateTime.parse("2026-05-01T00:00:00Z")), limit: 10)
        // 09:00 in Berlin: 08:00Z in winter, 07:00Z after the change on 29 March.
        #expect(
            occurrences.map { EWSDateTime.format($0.start) } == [
                "2026-03-02T08:00:00Z", "2026-03-09T08:00:00Z", "2026-03-23T08:00:00Z", "2026-03-30T07:00:00Z",
                "2026-04-06T07:00:00Z",
            ])
        // A series that cannot be read fails its item alone, with a clear reason.
        let error = try #require(results[1].error)
        #expect(EWSError.invalidResponse ~= error)
        #expect(error.message.contains("recurrence of item r2"))
    }

    @Test func unknownResponseCodesAreKeptVerbatim() throws {
        let results = try Self.parse(
            GetItem.calendarItems([ItemId("a"), ItemId("b")]),
            Reply.operation(
                "GetItem",
                [
                    Reply.error("GetItem", "ErrorSomethingNewIn2030"),
                    "<m:GetItemResponseMessage><m:ResponseCode>\n ErrorItemNotFound \n</m:ResponseCode></m:GetItemResponseMessage>",
                ]))
        #expect(results[0].error?.responseCode == ResponseCode(rawValue: "ErrorSomethingNewIn2030"))
        #expect(results[0].error?.message == "ErrorSomethingNewIn2030 happened")
        // No ResponseClass at all: the code decides.
        #expect(results[1].error?.responseCode == .itemNotFound)
    }

    @Test func warningKeepsTheValueAndTheRemark() throws {
        let warning = """
            <m:GetItemResponseMessage ResponseClass="Warning"><m:MessageText>several results</m:MessageText>
              <m:ResponseCode>ErrorNameResolutionMultipleResults</m:ResponseCode>
              <m:Items><t:CalendarItem><t:ItemId Id="c1"/><t:Subject>Sync</t:Subject></t:CalendarItem></m:Items>
            </m:GetItemResponseMessage>
            """
        let results = try Self.parse(GetItem.calendarItems([ItemId("c1")]), Reply.operation("GetItem", [warning]))
        guard case .warning(let item, let remark) = try #require(results.first) else {
            Issue.record("expected a warning, got \(results)")
            return
        }
        #expect(item.subject == "Sync")
        // ErrorBatchProcessingStopped is no remark: that item was not processed (WarningTests).
        #expect(remark.responseCode == ResponseCode(rawValue: "ErrorNameResolutionMultipleResults"))
    }

    @Test func faultWithoutDetailUsesTheFaultCode() throws {
        let response = HTTPResponse(
            status: 500,
            body: Array(
                Reply.envelope(
                    """
                    <s:Fault><faultcode>s:Client</faultcode><faultstring>The request failed schema validation.</faultstring></s:Fault>
                    """
                ).utf8))
        let error = try #require(throws: EWSError.self) { try SOAP.body(of: response, operation: "GetItem") }
        #expect(error.responseCode == ResponseCode(rawValue: "Client"))
        #expect(error.message == "The request failed schema validation.")
    }

    @Test func calendarItemAttendeesWithRecordedResponses() throws {
        let item = Reply.item(
            "CalendarItem", id: "org1",
            """
            <t:Subject>Planning</t:Subject><t:UID>uid-1</t:UID><t:MyResponseType>Organizer</t:MyResponseType>
            <t:RequiredAttendees>
              <t:Attendee><t:Mailbox><t:EmailAddress>bob@example.com</t:EmailAddress></t:Mailbox><t:ResponseType>Accept</t:ResponseType><t:LastResponseTime>2026-03-01T10:00:00Z</t:LastResponseTime></t:Attendee>
              <t:Attendee><t:Mailbox><t:Name>No address</t:Name></t:Mailbox></t:Attendee>
            </t:RequiredAttendees>
            <t:Resources><t:Attendee><t:Mailbox><t:EmailAddress>Room@Example.com</t:EmailAddress></t:Mailbox><t:ResponseType>Tentative</t:ResponseType></t:Attendee></t:Resources>
            """)
        let results = try Self.parse(
            GetItem.calendarItems([ItemId("org1")]),
            Reply.operation("GetItem", [Reply.success("GetItem", "<m:Items>\(item)</m:Items>")]))
        let calendarItem = try #require(results.first?.value)
        #expect(calendarItem.myResponse == .organizer)
        #expect(calendarItem.attendees.count == 3)
        #expect(calendarItem.attendee("BOB@example.com")?.response == .accept)
        #expect(calendarItem.attendee("bob@example.com")?.lastResponseTime == EWSDateTime.parse("2026-03-01T10:00:00Z"))
        #expect(calendarItem.attendee("room@example.com")?.response == .tentative)
    }

    @Test(arguments: [
        ("", "not a SOAP envelope"),
        ("<html><body>Service unavailable</body></html>", "not a SOAP envelope"),
        (
            "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body><m:GetItemResponse xmlns:m=\"urn:x\"><m:Resp",
            "not a SOAP envelope"
        ),
        (Reply.envelope("<m:DeleteItemResponse xmlns:m=\"urn:x\"/>"), "expected GetItemResponse"),
    ])
    func brokenBodiesAreClearErrors(_ body: String, _ expected: String) throws {
        let error = try #require(throws: EWSError.self) {
            try SOAP.body(of: HTTPResponse(status: 200, body: Array(body.utf8)), operation: "GetItem")
        }
        #expect(EWSError.invalidResponse ~= error)
        #expect(error.message.contains(expected))
    }

    @Test func getItemCountMismatchIsAnError() async throws {
        let transport = ScriptedTransport([
            .success(Reply.operation("GetItem", [Reply.success("GetItem", "<m:Items/>")]))
        ])
        let client = try EWSClient.test(transport)
        await #expect {
            _ = try await client.performEach(GetItem.calendarItems([ItemId("a"), ItemId("b")]))
        } throws: { EWSError.invalidResponse ~= $0 }
    }

    @Test func findItemThatNeverAdvancesIsRefused() throws {
        let body = Reply.operation(
            "FindItem",
            [
                Reply.success(
                    "FindItem",
                    """
                    <m:RootFolder IndexedPagingOffset="0" TotalItemsInView="9" IncludesLastItemInRange="false"><t:Items/></m:RootFolder>
                    """)
            ])
        #expect { try Self.parse(FindItem(folder: .inbox, offset: 0, pageSize: 100), body) } throws: {
            EWSError.invalidResponse ~= $0
        }
    }
}
