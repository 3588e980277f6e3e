import EWS
import EWSSandbox
import Foundation
import Testing
import XML

/// Recurring meetings over real HTTP: series created through CreateItem and
/// fixtures, CalendarView expansion across daylight-saving changes, every
/// pattern and range, occurrence ids, deleted occurrences, and recurring
/// requests through the attendee's side.
@Suite struct RecurrenceTests {
    static let fixture = """
        mailboxes:
          - address: organizer@contoso.com
            password: secret
          - address: ann@contoso.com
            password: secret
        """
    static let berlin = "W. Europe Standard Time"
    static let viewFields = [
        "item:Subject", "calendar:Start", "calendar:End", "calendar:CalendarItemType", "calendar:RecurrenceId",
        "calendar:OriginalStart", "calendar:IsRecurring", "calendar:UID", "calendar:LegacyFreeBusyStatus",
        "calendar:MyResponseType",
    ]

    // MARK: Request snippets

    static func recurrence(_ pattern: String, _ range: String) -> String {
        "<t:Recurrence>\(pattern)\(range)</t:Recurrence>"
    }

    static func weekly(_ days: String, interval: Int = 1) -> String {
        "<t:WeeklyRecurrence><t:Interval>\(interval)</t:Interval><t:DaysOfWeek>\(days)</t:DaysOfWeek></t:WeeklyRecurrence>"
    }

    static func noEnd(_ start: String) -> String {
        "<t:NoEndRecurrence><t:StartDate>\(start)</t:StartDate></t:NoEndRecurrence>"
    }

    static func numbered(_ start: String, _ count: Int) -> String {
        "<t:NumberedRecurrence><t:StartDate>\(start)</t:StartDate><t:NumberOfOccurrences>\(count)</t:NumberOfOccurrences></t:NumberedRecurrence>"
    }

    static func endDate(_ start: String, _ end: String) -> String {
        "<t:EndDateRecurrence><t:StartDate>\(start)</t:StartDate><t:EndDate>\(end)</t:EndDate></t:EndDateRecurrence>"
    }

    /// CreateItem of a series; the zone goes in StartTimeZone (none: no element).
    static func createSeries(
        _ subject: String, start: String, end: String, recurrence: String, zone: String? = berlin,
        attendees: [String] = [], invitations: String = "SendToNone"
    ) -> String {
        let people =
            attendees.isEmpty
            ? ""
            : "<t:RequiredAttendees>"
                + attendees.map {
                    "<t:Attendee><t:Mailbox><t:EmailAddress>\($0)</t:EmailAddress></t:Mailbox></t:Attendee>"
                }.joined() + "</t:RequiredAttendees>"
        let zones = zone.map { "<t:StartTimeZone Id=\"\($0)\"/><t:EndTimeZone Id=\"\($0)\"/>" } ?? ""
        return """
            <m:CreateItem SendMeetingInvitations="\(invitations)"><m:Items><t:CalendarItem>
            <t:Subject>\(subject)</t:Subject><t:Start>\(start)</t:Start><t:End>\(end)</t:End>
            \(people)\(recurrence)\(zones)</t:CalendarItem></m:Items></m:CreateItem>
            """
    }

    static func calendarView(
        _ start: String, _ end: String, max: Int = 1000, mailbox: String? = nil,
        fields: [String] = viewFields
    ) -> String {
        """
        <m:FindItem Traversal="Shallow"><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape>
        <t:AdditionalProperties>\(fields.map { "<t:FieldURI FieldURI=\"\($0)\"/>" }.joined())</t:AdditionalProperties></m:ItemShape>
        <m:CalendarView MaxEntriesReturned="\(max)" StartDate="\(start)" EndDate="\(end)"/>
        <m:ParentFolderIds>\(Harness.distinguished("calendar", mailbox))</m:ParentFolderIds></m:FindItem>
        """
    }

    static func getAll(_ idElements: String) -> String {
        "<m:GetItem><m:ItemShape><t:BaseShape>AllProperties</t:BaseShape></m:ItemShape><m:ItemIds>\(idElements)</m:ItemIds></m:GetItem>"
    }

    func create(_ h: Harness, _ request: String, as user: String = "organizer@contoso.com") async throws -> String {
        let created = try await h.call(request, as: user)
        #expect(created.responseCodes == ["NoError"])
        return try #require(created.items.first).itemId
    }

    func view(
        _ h: Harness, _ start: String, _ end: String, as user: String = "organizer@contoso.com",
        subject: String? = nil
    ) async throws -> [XMLElement] {
        try await h.call(Self.calendarView(start, end), as: user).items.filter {
            subject == nil || $0.childText("Subject") == subject
        }
    }

    func starts(_ items: [XMLElement]) -> [String] { items.compactMap { $0.childText("Start") } }

    // MARK: Tests

    @Test func aWeeklyBerlinMeetingKeepsItsWallClockAcrossBothDaylightSavingChanges() async throws {
        let h = try await Harness(fixture: Self.fixture)
        defer { Task { await h.stop() } }
        // Mondays 09:00-10:00 Berlin: 08:00Z in winter, 07:00Z in summer.
        let masterId = try await create(
            h,
            Self.createSeries(
                "Standup", start: "2026-03-02T08:00:00Z", end: "2026-03-02T09:00:00Z",
                recurrence: Self.recurrence(Self.weekly("Monday"), Self.noEnd("2026-03-02"))))
        let spring = try await view(h, "2026-03-20T00:00:00Z", "2026-04-10T00:00:00Z")
        #expect(starts(spring) == ["2026-03-23T08:00:00Z", "2026-03-30T07:00:00Z", "2026-04-06T07:00:00Z"])
        #expect(
            spring.compactMap { $0.childText("End") } == [
                "2026-03-23T09:00:00Z", "2026-03-30T08:00:00Z", "2026-04-06T08:00:00Z",
            ])
        let autumn = try await view(h, "2026-10-12T00:00:00Z", "2026-11-03T00:00:00Z")
        #expect(
            starts(autumn) == [
                "2026-10-12T07:00:00Z", "2026-10-19T07:00:00Z", "2026-10-26T08:00:00Z", "2026-11-02T08:00:00Z",
            ])

        let master = try #require(try await h.call(Self.getAll("<t:ItemId Id=\"\(masterId)\"/>")).items.first)
        for occurrence in spring + autumn {
            #expect(occurrence.childText("CalendarItemType") == "Occurrence")
            #expect(occurrence.childText("RecurrenceId") == occurrence.childText("Start"))
            #expect(occurrence.childText("OriginalStart") == occurrence.childText("Start"))
            #expect(occurrence.childText("IsRecurring") == "true")
            #expect(occurrence.childText("UID") == master.childText("UID"))
            #expect(occurrence.itemId != masterId)
        }
        #expect(Set((spring + autumn).map(\.itemId)).count == 7)
        // The same occurrence has the same id in every view.
        try #require(spring.count == 3)
        let again = try await view(h, "2026-03-29T00:00:00Z", "2026-03-31T00:00:00Z")
        #expect(again.map(\.itemId) == [spring[1].itemId])

        // The master, as GetItem shows it with every property.
        #expect(master.childText("CalendarItemType") == "RecurringMaster")
        #expect(master.childText("IsRecurring") == "false")  // Exchange's documented quirk for the organizer
        #expect(master.path("Recurrence", "WeeklyRecurrence", "DaysOfWeek")?.trimmedText == "Monday")
        #expect(master.path("Recurrence", "NoEndRecurrence", "StartDate")?.trimmedText == "2026-03-02")
        #expect(master.path("FirstOccurrence", "Start")?.trimmedText == "2026-03-02T08:00:00Z")
        #expect(master.child("LastOccurrence") == nil)
        #expect(master.child("StartTimeZone")?.attribute("Id") == Self.berlin)
        // A plain FindItem lists the master, not its occurrences.
        let listed = try await h.call(Harness.findItems("calendar", fields: ["calendar:CalendarItemType"])).items
        #expect(listed.map { $0.childText("CalendarItemType") } == ["RecurringMaster"])
    }

    @Test func everyPatternAndRangeExpands() async throws {
        let h = try await Harness(fixture: Self.fixture)
        defer { Task { await h.stop() } }
        let cases: [(subject: String, start: String, recurrence: String, view: (String, String), expected: [String])] =
            [
                (
                    "daily every 2nd, 4 times", "2026-05-01T10:00:00Z",
                    Self.recurrence(
                        "<t:DailyRecurrence><t:Interval>2</t:Interval></t:DailyRecurrence>",
                        Self.numbered("2026-05-01", 4)),
                    ("2026-04-01T00:00:00Z", "2026-06-01T00:00:00Z"),
                    ["2026-05-01T10:00:00Z", "2026-05-03T10:00:00Z", "2026-05-05T10:00:00Z", "2026-05-07T10:00:00Z"]
                ),
                (
                    "weekly every 2nd Monday and Wednesday, 5 times", "2026-03-02T10:00:00Z",
                    Self.recurrence(Self.weekly("Monday Wednesday", interval: 2), Self.numbered("2026-03-02", 5)),
                    ("2026-03-01T00:00:00Z", "2026-05-01T00:00:00Z"),
                    [
                        "2026-03-02T10:00:00Z", "2026-03-04T10:00:00Z", "2026-03-16T10:00:00Z", "2026-03-18T10:00:00Z",
                        "2026-03-30T10:00:00Z",
                    ]
                ),
                (
                    "monthly on the 31st until June", "2026-01-31T12:00:00Z",
                    Self.recurrence(
                        "<t:AbsoluteMonthlyRecurrence><t:Interval>1</t:Interval><t:DayOfMonth>31</t:DayOfMonth></t:AbsoluteMonthlyRecurrence>",
                        Self.endDate("2026-01-31", "2026-06-30")),
                    ("2026-01-01T00:00:00Z", "2026-12-31T00:00:00Z"),
                    [
                        "2026-01-31T12:00:00Z", "2026-02-28T12:00:00Z", "2026-03-31T12:00:00Z", "2026-04-30T12:00:00Z",
                        "2026-05-31T12:00:00Z", "2026-06-30T12:00:00Z",
                    ]
                ),
                (
                    "second Tuesday every other month, 3 times", "2026-01-01T09:00:00Z",
                    Self.recurrence(
                        "<t:RelativeMonthlyRecurrence><t:Interval>2</t:Interval><t:DaysOfWeek>Tuesday</t:DaysOfWeek><t:DayOfWeekIndex>Second</t:DayOfWeekIndex></t:RelativeMonthlyRecurrence>",
                        Self.numbered("2026-01-01", 3)),
                    ("2026-01-01T00:00:00Z", "2026-12-31T00:00:00Z"),
                    ["2026-01-13T09:00:00Z", "2026-03-10T09:00:00Z", "2026-05-12T09:00:00Z"]
                ),
                (
                    "February 29 every year", "2024-02-29T08:00:00Z",
                    Self.recurrence(
                        "<t:AbsoluteYearlyRecurrence><t:DayOfMonth>29</t:DayOfMonth><t:Month>February</t:Month></t:AbsoluteYearlyRecurrence>",
                        Self.noEnd("2024-02-29")),
                    ("2026-01-01T00:00:00Z", "2027-12-31T00:00:00Z"),
                    ["2026-02-28T08:00:00Z", "2027-02-28T08:00:00Z"]
                ),
                (
                    "last Friday of November until 2028", "2026-11-01T15:00:00Z",
                    Self.recurrence(
                        "<t:RelativeYearlyRecurrence><t:DaysOfWeek>Friday</t:DaysOfWeek><t:DayOfWeekIndex>Last</t:DayOfWeekIndex><t:Month>November</t:Month></t:RelativeYearlyRecurrence>",
                        Self.endDate("2026-01-01", "2028-12-31")),
                    ("2026-01-01T00:00:00Z", "2027-12-31T00:00:00Z"),
                    ["2026-11-27T15:00:00Z", "2027-11-26T15:00:00Z"]
                ),
            ]
        var masters: [String: String] = [:]
        for c in cases {
            let end = try #require(EWSDateTime.parse(c.start)).addingTimeInterval(1800)
            masters[c.subject] = try await create(
                h,
                Self.createSeries(
                    c.subject, start: c.start, end: EWSDateTime.format(end),
                    recurrence: c.recurrence, zone: "UTC"))
        }
        for c in cases {
            let found = try await view(h, c.view.0, c.view.1, subject: c.subject)
            #expect(starts(found) == c.expected, "\(c.subject)")
        }
        // A master's Start is its first occurrence's, wherever the client put it.
        let relative = try #require(masters["second Tuesday every other month, 3 times"])
        let master = try #require(try await h.call(Self.getAll("<t:ItemId Id=\"\(relative)\"/>")).items.first)
        #expect(master.childText("Start") == "2026-01-13T09:00:00Z")
        #expect(master.path("LastOccurrence", "Start")?.trimmedText == "2026-05-12T09:00:00Z")
        let yearly = try #require(masters["last Friday of November until 2028"])
        let last = try #require(try await h.call(Self.getAll("<t:ItemId Id=\"\(yearly)\"/>")).items.first)
        #expect(last.path("LastOccurrence", "Start")?.trimmedText == "2028-11-24T15:00:00Z")
    }

    @Test func occurrenceIdsWorkInGetItemAsExchangesDo() async throws {
        let h = try await Harness(fixture: Self.fixture)
        defer { Task { await h.stop() } }
        let masterId = try await create(
            h,
            Self.createSeries(
                "Review", start: "2026-03-02T08:00:00Z", end: "2026-03-02T09:00:00Z",
                recurrence: Self.recurrence(Self.weekly("Monday"), Self.numbered("2026-03-02", 5))))
        let occurrences = try await view(h, "2026-03-01T00:00:00Z", "2026-04-30T00:00:00Z")
        #expect(
            starts(occurrences) == [
                "2026-03-02T08:00:00Z", "2026-03-09T08:00:00Z", "2026-03-16T08:00:00Z",
                "2026-03-23T08:00:00Z", "2026-03-30T07:00:00Z",
            ])
        try #require(occurrences.count == 5)
        // By the id a CalendarView gave.
        let byId = try #require(
            try await h.call(Self.getAll("<t:ItemId Id=\"\(occurrences[4].itemId)\"/>")).items.first)
        #expect(byId.childText("CalendarItemType") == "Occurrence")
        #expect(byId.childText("Start") == "2026-03-30T07:00:00Z")
        #expect(byId.childText("OriginalStart") == "2026-03-30T07:00:00Z")
        #expect(byId.child("Recurrence") == nil)
        // By master and index, and the master by an occurrence.
        let third = try #require(
            try await h.call(
                Self.getAll(
                    "<t:OccurrenceItemId RecurringMasterId=\"\(masterId)\" InstanceIndex=\"3\"/>")
            ).items.first)
        #expect(third.itemId == occurrences[2].itemId)
        #expect(third.childText("Start") == "2026-03-16T08:00:00Z")
        let master = try #require(
            try await h.call(
                Self.getAll(
                    "<t:RecurringMasterItemId OccurrenceId=\"\(occurrences[1].itemId)\"/>")
            ).items.first)
        #expect(master.itemId == masterId)
        #expect(master.childText("CalendarItemType") == "RecurringMaster")
        // Exchange's errors for ids that name no occurrence: an OccurrenceItemId whose
        // RecurringMasterId names a single item, a RecurringMasterItemId whose OccurrenceId
        // names a master (MS-OXWSMTGS test suite S01_TC25 and TC30).
        let single = try await create(
            h,
            Harness.createMeeting(
                subject: "One-off", start: "2026-03-03T08:00:00Z",
                end: "2026-03-03T09:00:00Z", attendees: ["ann@contoso.com"], invitations: "SendToNone"))
        let wrong = try await h.call(
            Self.getAll(
                """
                <t:OccurrenceItemId RecurringMasterId="\(masterId)" InstanceIndex="6"/>
                <t:OccurrenceItemId RecurringMasterId="\(single)" InstanceIndex="1"/>
                <t:RecurringMasterItemId OccurrenceId="\(masterId)"/>
                """))
        #expect(
            wrong.responseCodes == [
                "ErrorCalendarOccurrenceIndexIsOutOfRecurrenceRange", "ErrorCalendarCannotUseIdForRecurringMasterId",
                "ErrorCalendarCannotUseIdForOccurrenceId",
            ])
    }

    @Test func deletingAnOccurrenceTakesItOutOfTheSeriesOnBothSides() async throws {
        let h = try await Harness(fixture: Self.fixture)
        defer { Task { await h.stop() } }
        let masterId = try await create(
            h,
            Self.createSeries(
                "Sync", start: "2026-06-01T07:00:00Z", end: "2026-06-01T07:30:00Z",
                recurrence: Self.recurrence(
                    "<t:DailyRecurrence><t:Interval>1</t:Interval></t:DailyRecurrence>", Self.numbered("2026-06-01", 5)),
                attendees: ["ann@contoso.com"], invitations: "SendToAllAndSaveCopy"))
        let window = ("2026-05-31T00:00:00Z", "2026-06-10T00:00:00Z")
        #expect(try await view(h, window.0, window.1, as: "ann@contoso.com").count == 5)
        let second = try #require(try await view(h, window.0, window.1).dropFirst().first)

        let move =
            "<m:MoveItem><m:ToFolderId>\(Harness.distinguished("drafts"))</m:ToFolderId><m:ItemIds><t:ItemId Id=\"\(second.itemId)\"/></m:ItemIds></m:MoveItem>"
        #expect(try await h.call(move).responseCodes == ["ErrorCalendarCannotMoveOrCopyOccurrence"])
        let delete = """
            <m:DeleteItem DeleteType="MoveToDeletedItems" SendMeetingCancellations="SendToAllAndSaveCopy">
            <m:ItemIds><t:ItemId Id="\(second.itemId)"/></m:ItemIds></m:DeleteItem>
            """
        #expect(try await h.call(delete).responseCodes == ["NoError"])
        let organizerView = try await view(h, window.0, window.1)
        #expect(
            starts(organizerView) == [
                "2026-06-01T07:00:00Z", "2026-06-03T07:00:00Z", "2026-06-04T07:00:00Z", "2026-06-05T07:00:00Z",
            ])
        let master = try #require(try await h.call(Self.getAll("<t:ItemId Id=\"\(masterId)\"/>")).items.first)
        #expect(master.path("DeletedOccurrences", "DeletedOccurrence", "Start")?.trimmedText == "2026-06-02T07:00:00Z")
        #expect(
            try await h.call(Self.getAll("<t:ItemId Id=\"\(second.itemId)\"/>")).responseCodes
                == ["ErrorCalendarOccurrenceIsDeletedFromRecurrence"])

        // The attendee got a cancellation of that occurrence only; the attendant took it off the calendar.
        let cancellations = try await h.call(
            Harness.findItems(
                "inbox", restriction: Harness.classIs(ItemClass.meetingCancellation),
                fields: ["calendar:Start", "calendar:RecurrenceId", "calendar:CalendarItemType"]), as: "ann@contoso.com"
        ).items
        #expect(cancellations.count == 1)
        #expect(cancellations.first?.childText("CalendarItemType") == "Occurrence")
        #expect(cancellations.first?.childText("RecurrenceId") == "2026-06-02T07:00:00Z")
        let annView = try await view(h, window.0, window.1, as: "ann@contoso.com")
        #expect(starts(annView) == starts(organizerView))
        #expect(annView.allSatisfy { $0.childText("LegacyFreeBusyStatus") == "Tentative" })
        // Removing that cancellation leaves the rest of the series in place.
        let cancellationId = try #require(cancellations.first).itemId
        let remove =
            "<m:CreateItem><m:Items><t:RemoveItem><t:ReferenceItemId Id=\"\(cancellationId)\"/></t:RemoveItem></m:Items></m:CreateItem>"
        #expect(try await h.call(remove, as: "ann@contoso.com").responseCodes == ["NoError"])
        #expect(starts(try await view(h, window.0, window.1, as: "ann@contoso.com")) == starts(organizerView))
        // The series' request is still in date, and answering it answers the series.
        let request = try #require(
            try await h.call(
                Harness.findItems(
                    "inbox", restriction: Harness.classIs(ItemClass.meetingRequest),
                    fields: ["meeting:IsOutOfDate"]), as: "ann@contoso.com"
            ).items.first)
        #expect(request.childText("IsOutOfDate") == "false")
        #expect(
            try await h.call(Harness.respond("AcceptItem", to: request.itemId), as: "ann@contoso.com").responseCodes
                == ["NoError"])
        let accepted = try await view(h, window.0, window.1, as: "ann@contoso.com")
        #expect(starts(accepted) == starts(organizerView))
        #expect(
            accepted.allSatisfy {
                $0.childText("MyResponseType") == "Accept" && $0.childText("LegacyFreeBusyStatus") == "Busy"
            })
    }

    static func setTimes(
        _ idElement: String, start: String, end: String, sending: String = "SendToNone",
        conflict: String = "NeverOverwrite", extra: String = ""
    ) -> String {
        """
        <m:UpdateItem ConflictResolution="\(conflict)" SendMeetingInvitationsOrCancellations="\(sending)">
        <m:ItemChanges><t:ItemChange>\(idElement)<t:Updates>
        <t:SetItemField><t:FieldURI FieldURI="calendar:Start"/><t:CalendarItem><t:Start>\(start)</t:Start></t:CalendarItem></t:SetItemField>
        <t:SetItemField><t:FieldURI FieldURI="calendar:End"/><t:CalendarItem><t:End>\(end)</t:End></t:CalendarItem></t:SetItemField>
        \(extra)</t:Updates></t:ItemChange></m:ItemChanges></m:UpdateItem>
        """
    }

    @Test func movingAnOccurrenceMakesAnExceptionOfTheSeries() async throws {
        let h = try await Harness(fixture: Self.fixture)
        defer { Task { await h.stop() } }
        let masterId = try await create(
            h,
            Self.createSeries(
                "Gym", start: "2026-03-02T08:00:00Z", end: "2026-03-02T09:00:00Z",
                recurrence: Self.recurrence(Self.weekly("Monday"), Self.numbered("2026-03-02", 4))))
        let march = ("2026-03-01T00:00:00Z", "2026-04-01T00:00:00Z")
        let before = try await view(h, march.0, march.1)
        try #require(before.count == 4)
        let second = before[1]
        let staleKey = try #require(second.child("ItemId")?.attribute("ChangeKey"))
        let idElement = "<t:ItemId Id=\"\(second.itemId)\" ChangeKey=\"\(staleKey)\"/>"
        let moved = try await h.call(
            Self.setTimes(idElement, start: "2026-03-10T13:00:00Z", end: "2026-03-10T14:00:00Z"))
        #expect(moved.responseCodes == ["NoError"])
        #expect(moved.items.first?.itemId == second.itemId)

        let after = try await view(h, march.0, march.1)
        #expect(
            starts(after) == [
                "2026-03-02T08:00:00Z", "2026-03-10T13:00:00Z", "2026-03-16T08:00:00Z", "2026-03-23T08:00:00Z",
            ])
        #expect(
            after.compactMap { $0.childText("CalendarItemType") } == [
                "Occurrence", "Exception", "Occurrence", "Occurrence",
            ])
        #expect(after.dropFirst().first?.childText("RecurrenceId") == "2026-03-09T08:00:00Z")
        let master = try #require(try await h.call(Self.getAll("<t:ItemId Id=\"\(masterId)\"/>")).items.first)
        #expect(master.path("ModifiedOccurrences", "Occurrence", "Start")?.trimmedText == "2026-03-10T13:00:00Z")
        #expect(
            master.path("ModifiedOccurrences", "Occurrence", "OriginalStart")?.trimmedText == "2026-03-09T08:00:00Z")

        // The old ChangeKey is stale now; by index, the exception moves again, out of March.
        #expect(
            try await h.call(Self.setTimes(idElement, start: "2026-03-11T13:00:00Z", end: "2026-03-11T14:00:00Z"))
                .responseCodes
                == ["ErrorIrresolvableConflict"])
        let byIndex = "<t:OccurrenceItemId RecurringMasterId=\"\(masterId)\" InstanceIndex=\"2\"/>"
        #expect(
            try await h.call(Self.setTimes(byIndex, start: "2026-04-20T08:00:00Z", end: "2026-04-20T09:00:00Z"))
                .responseCodes
                == ["NoError"])
        #expect(
            starts(try await view(h, march.0, march.1)) == [
                "2026-03-02T08:00:00Z", "2026-03-16T08:00:00Z", "2026-03-23T08:00:00Z",
            ])
        let april = try await view(h, "2026-04-15T00:00:00Z", "2026-04-25T00:00:00Z")
        #expect(april.map(\.itemId) == [second.itemId])
        #expect(april.first?.childText("CalendarItemType") == "Exception")

        // What the sandbox does not do is refused, not done halfway.
        let subject =
            "<t:SetItemField><t:FieldURI FieldURI=\"item:Subject\"/><t:CalendarItem><t:Subject>Moved</t:Subject></t:CalendarItem></t:SetItemField>"
        #expect(
            try await h.call(
                Self.setTimes(byIndex, start: "2026-04-20T08:00:00Z", end: "2026-04-20T09:00:00Z", extra: subject)
            )
            .responseCodes == ["ErrorInvalidOperation"])
        let meetingId = try await create(
            h,
            Self.createSeries(
                "Team", start: "2026-03-03T08:00:00Z", end: "2026-03-03T09:00:00Z",
                recurrence: Self.recurrence(Self.weekly("Tuesday"), Self.numbered("2026-03-03", 3)),
                attendees: ["ann@contoso.com"], invitations: "SendToAllAndSaveCopy"))
        let occurrence = "<t:OccurrenceItemId RecurringMasterId=\"\(meetingId)\" InstanceIndex=\"1\"/>"
        #expect(
            try await h.call(
                Self.setTimes(
                    occurrence, start: "2026-03-03T10:00:00Z", end: "2026-03-03T11:00:00Z",
                    sending: "SendToAllAndSaveCopy")
            ).responseCodes == ["ErrorInvalidOperation"])
        #expect(
            try await h.call(Self.setTimes(occurrence, start: "2026-03-03T12:00:00Z", end: "2026-03-03T11:00:00Z"))
                .responseCodes == ["ErrorCalendarEndDateIsEarlierThanStartDate"])
    }

    @Test func aRecurringRequestCarriesItsRecurrenceThroughTheAttendeesSide() async throws {
        let h = try await Harness(fixture: Self.fixture)
        defer { Task { await h.stop() } }
        let masterId = try await create(
            h,
            Self.createSeries(
                "Weekly sync", start: "2026-03-04T14:00:00Z", end: "2026-03-04T15:00:00Z",
                recurrence: Self.recurrence(Self.weekly("Wednesday"), Self.endDate("2026-03-04", "2026-04-15")),
                attendees: ["ann@contoso.com"], invitations: "SendToAllAndSaveCopy"))
        let requestId = try #require(
            try await h.call(
                Harness.findItems("inbox", restriction: Harness.classIs(ItemClass.meetingRequest)),
                as: "ann@contoso.com"
            ).items.first
        ).itemId
        let request = try #require(
            try await h.call(Self.getAll("<t:ItemId Id=\"\(requestId)\"/>"), as: "ann@contoso.com").items.first)
        #expect(request.childText("CalendarItemType") == "RecurringMaster")
        #expect(request.childText("IsRecurring") == "true")
        #expect(request.path("Recurrence", "WeeklyRecurrence", "DaysOfWeek")?.trimmedText == "Wednesday")
        #expect(request.path("Recurrence", "EndDateRecurrence", "EndDate")?.trimmedText == "2026-04-15")
        #expect(request.path("LastOccurrence", "Start")?.trimmedText == "2026-04-15T13:00:00Z")
        #expect(request.child("StartTimeZone")?.attribute("Id") == Self.berlin)

        // The Calendar Attendant's tentative placeholder is a master too, and expands.
        let expected = [
            "2026-03-04T14:00:00Z", "2026-03-11T14:00:00Z", "2026-03-18T14:00:00Z", "2026-03-25T14:00:00Z",
            "2026-04-01T13:00:00Z", "2026-04-08T13:00:00Z", "2026-04-15T13:00:00Z",
        ]
        let tentative = try await view(h, "2026-03-01T00:00:00Z", "2026-05-01T00:00:00Z", as: "ann@contoso.com")
        #expect(starts(tentative) == expected)
        #expect(
            tentative.allSatisfy {
                $0.childText("LegacyFreeBusyStatus") == "Tentative" && $0.childText("CalendarItemType") == "Occurrence"
            })

        // Answering answers the series: the response says so, the organizer records it.
        #expect(
            try await h.call(Harness.respond("TentativelyAcceptItem", to: requestId), as: "ann@contoso.com")
                .responseCodes == ["NoError"])
        let response = try #require(
            try await h.call(Harness.findItems("inbox", fields: ["item:ItemClass"])).items.first)
        let full = try #require(try await h.call(Self.getAll("<t:ItemId Id=\"\(response.itemId)\"/>")).items.first)
        #expect(full.childText("CalendarItemType") == "RecurringMaster")
        #expect(full.path("Recurrence", "WeeklyRecurrence") != nil)
        let answered = try await view(h, "2026-03-01T00:00:00Z", "2026-05-01T00:00:00Z", as: "ann@contoso.com")
        #expect(starts(answered) == expected)
        #expect(answered.allSatisfy { $0.childText("MyResponseType") == "Tentative" })

        // Cancelling the series cancels every occurrence; the cancellation carries the recurrence.
        let cancel =
            "<m:CreateItem MessageDisposition=\"SendAndSaveCopy\"><m:Items><t:CancelCalendarItem><t:ReferenceItemId Id=\"\(masterId)\"/></t:CancelCalendarItem></m:Items></m:CreateItem>"
        #expect(try await h.call(cancel).responseCodes == ["NoError"])
        let cancellation = try #require(
            try await h.call(
                Harness.findItems("inbox", restriction: Harness.classIs(ItemClass.meetingCancellation)),
                as: "ann@contoso.com"
            ).items.first)
        let cancelled = try #require(
            try await h.call(Self.getAll("<t:ItemId Id=\"\(cancellation.itemId)\"/>"), as: "ann@contoso.com").items
                .first)
        #expect(cancelled.path("Recurrence", "WeeklyRecurrence") != nil)
        #expect(cancelled.childText("CalendarItemType") == "RecurringMaster")
        let after = try await view(h, "2026-03-01T00:00:00Z", "2026-05-01T00:00:00Z", as: "ann@contoso.com")
        #expect(after.count == expected.count)
        #expect(after.allSatisfy { $0.childText("LegacyFreeBusyStatus") == "Free" })
    }

    @Test func viewsMixSinglesAndOccurrencesAndHonourMaxEntries() async throws {
        let h = try await Harness(fixture: Self.fixture)
        defer { Task { await h.stop() } }
        _ = try await create(
            h,
            Self.createSeries(
                "Daily", start: "2026-09-01T09:00:00Z", end: "2026-09-01T09:15:00Z",
                recurrence: Self.recurrence(
                    "<t:DailyRecurrence><t:Interval>1</t:Interval></t:DailyRecurrence>", Self.noEnd("2026-09-01")),
                zone: "UTC"))
        _ = try await create(
            h,
            Harness.createMeeting(
                subject: "Single", start: "2026-09-02T08:00:00Z", end: "2026-09-02T08:30:00Z",
                attendees: ["ann@contoso.com"], invitations: "SendToNone"))
        let all = try await view(h, "2026-09-01T00:00:00Z", "2026-09-04T00:00:00Z")
        #expect(all.compactMap { $0.childText("Subject") } == ["Daily", "Single", "Daily", "Daily"])
        #expect(
            all.compactMap { $0.childText("CalendarItemType") } == ["Occurrence", "Single", "Occurrence", "Occurrence"])
        let page = try await h.call(Self.calendarView("2026-09-01T00:00:00Z", "2026-09-11T00:00:00Z", max: 3))
        let root = try #require(page.child("ResponseMessages")?.children.first?.child("RootFolder"))
        #expect(page.items.count == 3)
        #expect(root.attribute("TotalItemsInView") == "11")
        #expect(root.attribute("IncludesLastItemInRange") == "false")
    }

    @Test func updatesTimeZoneContextAndBadSeries() async throws {
        let h = try await Harness(fixture: Self.fixture)
        defer { Task { await h.stop() } }
        // A single meeting becomes a series by UpdateItem: a full update reaches the attendee.
        let id = try await create(
            h,
            Harness.createMeeting(
                subject: "Grows", start: "2026-05-04T08:00:00Z", end: "2026-05-04T09:00:00Z",
                attendees: ["ann@contoso.com"]))
        let set = """
            <m:UpdateItem ConflictResolution="AlwaysOverwrite" SendMeetingInvitationsOrCancellations="SendToAllAndSaveCopy">
            <m:ItemChanges><t:ItemChange><t:ItemId Id="\(id)"/><t:Updates>
            <t:SetItemField><t:FieldURI FieldURI="calendar:Recurrence"/><t:CalendarItem>\(Self.recurrence(Self.weekly("Monday"), Self.numbered("2026-05-04", 3)))</t:CalendarItem></t:SetItemField>
            </t:Updates></t:ItemChange></m:ItemChanges></m:UpdateItem>
            """
        #expect(try await h.call(set).responseCodes == ["NoError"])
        let requests = try await h.call(
            Harness.findItems(
                "inbox", restriction: Harness.classIs(ItemClass.meetingRequest),
                fields: ["meetingRequest:MeetingRequestType", "calendar:CalendarItemType", "meeting:IsOutOfDate"]),
            as: "ann@contoso.com"
        ).items
        #expect(requests.map { $0.childText("MeetingRequestType") } == ["NewMeetingRequest", "FullUpdate"])
        #expect(requests.last?.childText("CalendarItemType") == "RecurringMaster")
        #expect(try await view(h, "2026-05-01T00:00:00Z", "2026-06-01T00:00:00Z", as: "ann@contoso.com").count == 3)

        // Without StartTimeZone the series takes the TimeZoneContext header's zone.
        let context = "<t:TimeZoneContext><t:TimeZoneDefinition Id=\"\(Self.berlin)\"/></t:TimeZoneContext>"
        let created = try await h.call(
            Self.createSeries(
                "Context", start: "2026-03-23T08:00:00Z", end: "2026-03-23T09:00:00Z",
                recurrence: Self.recurrence(Self.weekly("Monday"), Self.numbered("2026-03-23", 2)), zone: nil),
            header: context)
        let contextId = try #require(created.items.first).itemId
        let master = try #require(try await h.call(Self.getAll("<t:ItemId Id=\"\(contextId)\"/>")).items.first)
        #expect(master.child("StartTimeZone")?.attribute("Id") == Self.berlin)
        #expect(
            starts(try await view(h, "2026-03-20T00:00:00Z", "2026-04-01T00:00:00Z", subject: "Context"))
                == ["2026-03-23T08:00:00Z", "2026-03-30T07:00:00Z"])

        // Values the schema allows but Exchange refuses.
        let badInterval = Self.createSeries(
            "Bad", start: "2026-03-02T08:00:00Z", end: "2026-03-02T09:00:00Z",
            recurrence: Self.recurrence(
                "<t:DailyRecurrence><t:Interval>0</t:Interval></t:DailyRecurrence>", Self.noEnd("2026-03-02")))
        #expect(try await h.call(badInterval).responseCodes == ["ErrorCalendarInvalidRecurrence"])
        let badZone = Self.createSeries(
            "Bad", start: "2026-03-02T08:00:00Z", end: "2026-03-02T09:00:00Z",
            recurrence: Self.recurrence(Self.weekly("Monday"), Self.noEnd("2026-03-02")), zone: "Mars Standard Time")
        #expect(try await h.call(badZone).responseCodes == ["ErrorCalendarInvalidTimeZone"])
        #expect(try await view(h, "2026-03-01T00:00:00Z", "2026-03-10T00:00:00Z", subject: "Bad").isEmpty)
    }

    @Test func fixturesAndTheLoadGeneratorMakeRecurringMeetings() async throws {
        let fixture =
            Self.fixture + """

                appointments:
                  - mailbox: ann@contoso.com
                    subject: Payroll
                    start: 2026-01-30T10:00:00Z
                    end: 2026-01-30T11:00:00Z
                    timezone: Europe/Berlin
                    recurrence: { pattern: monthly, index: last, days: [friday], until: 2026-04-30 }
                meetings:
                  - organizer: organizer@contoso.com
                    subject: Twice a week
                    start: 2026-03-23T08:00:00Z
                    end: 2026-03-23T08:30:00Z
                    timezone: Europe/Berlin
                    attendees: [ann@contoso.com]
                    responses: { ann@contoso.com: accept }
                    recurrence: { pattern: weekly, days: [monday, wednesday], count: 4 }
                """
        let h = try await Harness(fixture: fixture)
        defer { Task { await h.stop() } }
        #expect(
            starts(
                try await view(
                    h, "2026-03-20T00:00:00Z", "2026-04-10T00:00:00Z", as: "ann@contoso.com", subject: "Twice a week"))
                == ["2026-03-23T08:00:00Z", "2026-03-25T08:00:00Z", "2026-03-30T07:00:00Z", "2026-04-01T07:00:00Z"])
        #expect(
            starts(
                try await view(
                    h, "2026-01-01T00:00:00Z", "2026-06-01T00:00:00Z", as: "ann@contoso.com", subject: "Payroll"))
                == ["2026-01-30T10:00:00Z", "2026-02-27T10:00:00Z", "2026-03-27T10:00:00Z", "2026-04-24T09:00:00Z"])

        let bad =
            Self.fixture + """

                meetings:
                  - organizer: organizer@contoso.com
                    start: 2026-03-23T08:00:00Z
                    end: 2026-03-23T08:30:00Z
                    recurrence: { pattern: fortnightly }
                """
        #expect(throws: FixtureError.self) { try Sandbox(options: SandboxOptions(), fixture: try Fixture.parse(bad)) }
        let badZone = bad.replacingOccurrences(of: "fortnightly", with: "daily") + "\n    timezone: Mars/Olympus"
        #expect(throws: FixtureError.self) {
            try Sandbox(options: SandboxOptions(), fixture: try Fixture.parse(badZone))
        }

        // About 15% of generated meetings recur, with every kind of pattern.
        let load = """
            clock: "2026-11-02T08:00:00Z"
            mailboxes:
              - address: room@contoso.com
                password: secret
            load: { seed: 5, mailbox: room@contoso.com, messages: 400, organizers: 5, requests: 1, responses: 0, cancellations: 0 }
            """
        let sandbox = try Sandbox(options: SandboxOptions(), fixture: try Fixture.parse(load))
        let requests = sandbox.withStore { store in
            store.items.values.filter { $0.mailbox == "room@contoso.com" && $0.kind == .meetingRequest }
        }
        let recurring = requests.compactMap(\.recurrence)
        let share = Double(recurring.count) / Double(requests.count)
        #expect(requests.count == 400)
        #expect(abs(share - 0.15) < 0.06, "recurring share \(share)")
        let kinds = Set(
            recurring.map { r -> String in
                switch r.pattern {
                case .daily: "daily"
                case .weekly: "weekly"
                case .absoluteMonthly, .relativeMonthly: "monthly"
                case .absoluteYearly, .relativeYearly: "yearly"
                }
            })
        #expect(kinds == ["daily", "weekly", "monthly", "yearly"])
    }
}
