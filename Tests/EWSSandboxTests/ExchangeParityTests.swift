import EWS
import EWSSandbox
import Foundation
import Testing
import XML

/// The sandbox answers as Exchange does where Microsoft's own test suite for
/// meetings (OfficeDev/Interop-TestSuites, MS-OXWSMTGS) and the EWS
/// reference say what Exchange answers (issue 7, parts B and C).
@Suite struct ExchangeParityTests {
    static let fixture = Harness.mailboxes("organizer", "room", "ann", "bob")

    /// A CreateItem of a meeting with its elements in schema order (CalendarItemType).
    static func meeting(
        _ subject: String, start: String = "2026-12-01T09:30:00Z", end: String = "2026-12-01T10:30:00Z",
        freeBusy: String? = nil, responseRequested: Bool? = nil, required: [String] = [], resources: [String] = [],
        invitations: String = "SendToAllAndSaveCopy"
    ) -> String {
        func list(_ name: String, _ people: [String]) -> String {
            people.isEmpty
                ? ""
                : "<t:\(name)>"
                    + people.map {
                        "<t:Attendee><t:Mailbox><t:EmailAddress>\($0)</t:EmailAddress></t:Mailbox></t:Attendee>"
                    }
                    .joined() + "</t:\(name)>"
        }
        return """
            <m:CreateItem SendMeetingInvitations="\(invitations)"><m:Items><t:CalendarItem>
            <t:Subject>\(subject)</t:Subject><t:Start>\(start)</t:Start><t:End>\(end)</t:End>
            \(freeBusy.map { "<t:LegacyFreeBusyStatus>\($0)</t:LegacyFreeBusyStatus>" } ?? "")
            <t:Location>Room 1</t:Location>
            \(responseRequested.map { "<t:IsResponseRequested>\($0)</t:IsResponseRequested>" } ?? "")
            \(list("RequiredAttendees", required))\(list("Resources", resources))
            </t:CalendarItem></m:Items></m:CreateItem>
            """
    }

    func create(_ h: Harness, _ request: String) async throws -> String {
        let created = try await h.call(request)
        #expect(created.responseCodes == ["NoError"])
        return try #require(created.items.first).itemId
    }

    func requests(_ h: Harness, of user: String, folder: String = "inbox", fields: [String]) async throws
        -> [XMLElement]
    {
        try await h.call(
            Harness.findItems(folder, restriction: Harness.classIs(ItemClass.meetingRequest), fields: fields), as: user
        ).items
    }

    func get(_ h: Harness, _ id: String, as user: String, _ fields: [String]) async throws -> XMLElement {
        try #require(try await h.call(Harness.getItems([id], fields: fields), as: user).items.first)
    }

    static func emails(_ item: XMLElement, _ list: String) -> [String] {
        (item.child(list)?.children("Attendee") ?? []).compactMap { $0.path("Mailbox", "EmailAddress")?.trimmedText }
    }

    // MARK: A.3 Out-of-date marking is the Calendar Attendant's work

    @Test func olderRequestsGoOutOfDateOnlyByTheAttendantAfterItsDelay() async throws {
        let fixture = """
            clock: "2026-11-02T08:00:00Z"
            mailboxes:
              - { address: organizer@contoso.com, password: secret }
              - { address: room@contoso.com, password: secret, calendar_attendant: None }
              - { address: ann@contoso.com, password: secret, attendant_delay: 300 }
            """
        let h = try await Harness(fixture: fixture)
        defer { Task { await h.stop() } }
        let meetingId = try await create(
            h, Self.meeting("Planning", required: ["room@contoso.com", "ann@contoso.com"]))
        let move = RefusalTests.update(meetingId, "Start", "2026-12-01T09:00:00Z")
        #expect(try await h.call(move).responseCodes == ["NoError"])
        func outOfDate(_ user: String) async throws -> [String?] {
            try await requests(h, of: user, fields: ["meeting:IsOutOfDate", "item:DateTimeReceived"])
                .map { $0.childText("IsOutOfDate") }
        }
        // Without an attendant nothing is ever marked: the client must compare UID and sequence itself.
        #expect(try await outOfDate("room@contoso.com") == ["false", "false"])
        // A late attendant marks the older request when it gets to the update.
        #expect(try await outOfDate("ann@contoso.com") == ["false", "false"])
        _ = try await h.post("", path: "/_sandbox/clock?advance=301")
        #expect(try await outOfDate("ann@contoso.com").sorted { ($0 ?? "") < ($1 ?? "") } == ["false", "true"])
        #expect(try await outOfDate("room@contoso.com") == ["false", "false"])
    }

    // MARK: B FindItem summaries

    @Test func findItemGivesOnlyTheNameOfFromSenderAndOrganizer() async throws {
        let h = try await Harness(fixture: Self.fixture)
        defer { Task { await h.stop() } }
        _ = try await create(h, Self.meeting("Planning", required: ["ann@contoso.com"]))
        let fields = ["message:From", "message:Sender", "calendar:Organizer"]
        let found = try #require(try await requests(h, of: "ann@contoso.com", fields: fields).first)
        for name in ["From", "Sender", "Organizer"] {
            let mailbox = try #require(found.path(name, "Mailbox"), "\(name) missing")
            #expect(mailbox.childText("Name") == "organizer@contoso.com")
            #expect(mailbox.children.map(\.localName) == ["Name"], "\(name): \(mailbox.children.map(\.localName))")
        }
        let view = """
            <m:FindItem Traversal="Shallow"><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape>
            <t:AdditionalProperties><t:FieldURI FieldURI="calendar:Organizer"/></t:AdditionalProperties></m:ItemShape>
            <m:CalendarView StartDate="2026-12-01T00:00:00Z" EndDate="2026-12-02T00:00:00Z"/>
            <m:ParentFolderIds>\(Harness.distinguished("calendar"))</m:ParentFolderIds></m:FindItem>
            """
        let entry = try #require(try await h.call(view, as: "ann@contoso.com").items.first)
        #expect(entry.path("Organizer", "Mailbox")?.children.map(\.localName) == ["Name"])
        // GetItem gives the whole address.
        let full = try await get(h, found.itemId, as: "ann@contoso.com", fields)
        #expect(full.path("From", "Mailbox", "EmailAddress")?.trimmedText == "organizer@contoso.com")
        #expect(full.path("Organizer", "Mailbox", "EmailAddress")?.trimmedText == "organizer@contoso.com")
    }

    // MARK: B, C.3 Conflicting and adjacent meetings

    @Test func requestsAndCalendarItemsCountTheirConflictingAndAdjacentMeetings() async throws {
        let fixture = """
            mailboxes:
              - { address: organizer@contoso.com, password: secret }
              - { address: room@contoso.com, password: secret }
            appointments:
              - { mailbox: room@contoso.com, subject: Cleaning, start: "2026-12-01T09:00:00Z", end: "2026-12-01T10:00:00Z" }
              - { mailbox: room@contoso.com, subject: Before, start: "2026-12-01T08:30:00Z", end: "2026-12-01T09:30:00Z", show_as: Tentative }
              - { mailbox: room@contoso.com, subject: After, start: "2026-12-01T10:30:00Z", end: "2026-12-01T11:00:00Z" }
              - { mailbox: room@contoso.com, subject: Optional, start: "2026-12-01T09:45:00Z", end: "2026-12-01T10:15:00Z", show_as: Free }
              - { mailbox: room@contoso.com, subject: Lunch, start: "2026-12-01T12:00:00Z", end: "2026-12-01T13:00:00Z" }
              - mailbox: room@contoso.com
                subject: Sync
                start: "2026-11-28T10:00:00Z"
                end: "2026-11-28T10:15:00Z"
                recurrence: { pattern: daily, count: 10 }
            """
        let h = try await Harness(fixture: fixture)
        defer { Task { await h.stop() } }
        _ = try await create(h, Self.meeting("Planning", required: ["room@contoso.com"]))
        let fields = [
            "calendar:ConflictingMeetingCount", "calendar:AdjacentMeetingCount", "calendar:ConflictingMeetings",
            "calendar:AdjacentMeetings", "meeting:AssociatedCalendarItemId",
        ]
        let found = try #require(try await requests(h, of: "room@contoso.com", fields: fields).first)
        // FindItem does not answer them (the EWS Managed API cannot ask for them there).
        #expect(found.child("ConflictingMeetingCount") == nil && found.child("ConflictingMeetings") == nil)
        let placeholder = try #require(found.child("AssociatedCalendarItemId")?.attribute("Id"))
        for id in [found.itemId, placeholder] {
            // The busy and tentative items overlapping or touching 09:30-10:30 count; free time and the
            // meeting's own tentative placeholder do not.
            let item = try await get(h, id, as: "room@contoso.com", fields)
            #expect(item.childText("ConflictingMeetingCount") == "2")
            #expect(item.childText("AdjacentMeetingCount") == "2")
            let conflicting = (item.child("ConflictingMeetings")?.children ?? []).compactMap { $0.childText("Subject") }
            #expect(conflicting.sorted() == ["Cleaning", "Sync"])
            let adjacent = (item.child("AdjacentMeetings")?.children ?? []).compactMap { $0.childText("Subject") }
            #expect(adjacent.sorted() == ["After", "Before"])
            let sync = try #require(
                item.child("ConflictingMeetings")?.children.first { $0.childText("Subject") == "Sync" })
            #expect(sync.localName == "CalendarItem")
            #expect(sync.childText("Start") == "2026-12-01T10:00:00Z")
            #expect(sync.childText("LegacyFreeBusyStatus") == "Busy")
        }
        // An item with no neighbours has counts of zero and no lists.
        let lunch = try #require(
            try await h.call(
                Harness.findItems("calendar", restriction: subjectIs("Lunch")), as: "room@contoso.com"
            ).items.first)
        let alone = try await get(h, lunch.itemId, as: "room@contoso.com", fields)
        #expect(alone.childText("ConflictingMeetingCount") == "0" && alone.childText("AdjacentMeetingCount") == "0")
        #expect(alone.child("ConflictingMeetings") == nil && alone.child("AdjacentMeetings") == nil)
    }

    func subjectIs(_ subject: String) -> String {
        "<t:IsEqualTo><t:FieldURI FieldURI=\"item:Subject\"/><t:FieldURIOrConstant><t:Constant Value=\"\(subject)\"/></t:FieldURIOrConstant></t:IsEqualTo>"
    }

    // MARK: C.1 What a received request carries

    @Test func aReceivedRequestAsksForAResponseWasSentAndListsTheOrganizerFirstButNoResources() async throws {
        let h = try await Harness(fixture: Self.fixture)
        defer { Task { await h.stop() } }
        let meetingId = try await create(
            h, Self.meeting("Planning", required: ["ann@contoso.com"], resources: ["room@contoso.com"]))
        let fields = [
            "message:IsResponseRequested", "calendar:MeetingRequestWasSent", "calendar:RequiredAttendees",
            "calendar:OptionalAttendees", "calendar:Resources", "meeting:AssociatedCalendarItemId",
        ]
        for user in ["ann@contoso.com", "room@contoso.com"] {
            let request = try #require(try await requests(h, of: user, fields: ["item:Subject"]).first)
            let full = try await get(h, request.itemId, as: user, fields)
            #expect(full.childText("IsResponseRequested") == "true")
            #expect(full.childText("MeetingRequestWasSent") == "true")
            // MS-OXWSMTGS test suite R315 (the organizer first), R319 (Resources not populated).
            #expect(Self.emails(full, "RequiredAttendees") == ["organizer@contoso.com", "ann@contoso.com"])
            #expect(full.child("Resources") == nil)
            let placeholder = try #require(full.child("AssociatedCalendarItemId")?.attribute("Id"))
            let entry = try await get(
                h, placeholder, as: user,
                ["calendar:IsResponseRequested", "calendar:MeetingRequestWasSent", "calendar:Resources"])
            #expect(entry.childText("IsResponseRequested") == "true")
            #expect(entry.child("Resources") == nil)
        }
        // The organizer's own item keeps its lists; invitations went out.
        let own = try await get(
            h, meetingId, as: "organizer@contoso.com",
            ["calendar:MeetingRequestWasSent", "calendar:RequiredAttendees", "calendar:Resources"])
        #expect(own.childText("MeetingRequestWasSent") == "true")
        #expect(Self.emails(own, "RequiredAttendees") == ["ann@contoso.com"])
        #expect(Self.emails(own, "Resources") == ["room@contoso.com"])
        // A meeting saved without sending: no request was sent (R735).
        let unsent = try await create(
            h, Self.meeting("Draft", required: ["ann@contoso.com"], invitations: "SendToNone"))
        #expect(
            try await get(h, unsent, as: "organizer@contoso.com", ["calendar:MeetingRequestWasSent"])
                .childText("MeetingRequestWasSent") == "false")
    }

    @Test func theOrganizerCanAskForNoResponsesOnCreateAndUpdate() async throws {
        let h = try await Harness(fixture: Self.fixture)
        defer { Task { await h.stop() } }
        let quiet = try await create(
            h, Self.meeting("Quiet", responseRequested: false, required: ["ann@contoso.com"]))
        func requested(_ subject: String) async throws -> [String?] {
            var answers: [String?] = []
            for request in try await requests(h, of: "ann@contoso.com", fields: ["item:Subject"])
            where request.childText("Subject") == subject {
                answers.append(
                    try await get(h, request.itemId, as: "ann@contoso.com", ["message:IsResponseRequested"])
                        .childText("IsResponseRequested"))
            }
            return answers
        }
        #expect(try await requested("Quiet") == ["false"])
        let entry = try #require(
            try await h.call(
                Harness.findItems("calendar", fields: ["calendar:IsResponseRequested"]), as: "ann@contoso.com"
            ).items.first)
        #expect(entry.childText("IsResponseRequested") == "false")
        #expect(
            try await get(h, quiet, as: "organizer@contoso.com", ["calendar:IsResponseRequested"])
                .childText("IsResponseRequested") == "false")
        // UpdateItem turns it back on; the update carries it.
        #expect(
            try await h.call(RefusalTests.update(quiet, "IsResponseRequested", "true")).responseCodes == ["NoError"])
        #expect(try await requested("Quiet").sorted { ($0 ?? "") < ($1 ?? "") } == ["false", "true"])
    }

    // MARK: C.2 A meeting sent as free

    @Test func aMeetingSentAsFreeStaysFreeOnTheAttendeesCalendar() async throws {
        let h = try await Harness(fixture: Self.fixture)
        defer { Task { await h.stop() } }
        _ = try await create(
            h, Self.meeting("Social", freeBusy: "Free", required: ["ann@contoso.com", "bob@contoso.com"]))
        for user in ["ann@contoso.com", "bob@contoso.com"] {
            let request = try #require(
                try await requests(
                    h, of: user, fields: ["meetingRequest:IntendedFreeBusyStatus", "meeting:AssociatedCalendarItemId"]
                ).first)
            #expect(request.childText("IntendedFreeBusyStatus") == "Free")
            let placeholder = try #require(request.child("AssociatedCalendarItemId")?.attribute("Id"))
            // MS-OXWSMTGS test suite S01_TC09, R16501: Free, not the attendant's usual Tentative.
            #expect(
                try await get(h, placeholder, as: user, ["calendar:LegacyFreeBusyStatus"])
                    .childText("LegacyFreeBusyStatus") == "Free")
        }
        // A tentative answer keeps it free; an acceptance takes the organizer's intended status.
        let annRequest = try #require(try await requests(h, of: "ann@contoso.com", fields: ["item:Subject"]).first)
        _ = try await h.call(Harness.respond("TentativelyAcceptItem", to: annRequest.itemId), as: "ann@contoso.com")
        let bobRequest = try #require(try await requests(h, of: "bob@contoso.com", fields: ["item:Subject"]).first)
        _ = try await h.call(Harness.respond("AcceptItem", to: bobRequest.itemId), as: "bob@contoso.com")
        for user in ["ann@contoso.com", "bob@contoso.com"] {
            let entry = try #require(
                try await h.call(Harness.findItems("calendar", fields: ["calendar:LegacyFreeBusyStatus"]), as: user)
                    .items.first)
            #expect(entry.childText("LegacyFreeBusyStatus") == "Free", "\(user)")
        }
    }

    // MARK: C.4 Informational updates

    @Test func aNewLocationIsInformationalForThoseWhoAcceptedAndANewTimeIsAFullUpdate() async throws {
        let h = try await Harness(fixture: Self.fixture)
        defer { Task { await h.stop() } }
        let meetingId = try await create(h, Self.meeting("Planning", required: ["ann@contoso.com", "bob@contoso.com"]))
        let first = try #require(try await requests(h, of: "ann@contoso.com", fields: ["item:Subject"]).first)
        _ = try await h.call(Harness.respond("AcceptItem", to: first.itemId), as: "ann@contoso.com")
        #expect(try await h.call(RefusalTests.update(meetingId, "Location", "Room 2")).responseCodes == ["NoError"])
        /// The one request in the inbox that is not out of date.
        func current(_ user: String) async throws -> XMLElement {
            let fields = ["meetingRequest:MeetingRequestType", "calendar:Location", "meeting:IsOutOfDate"]
            let found = try await requests(h, of: user, fields: fields).filter {
                $0.childText("IsOutOfDate") == "false"
            }
            #expect(found.count == 1)
            return try #require(found.first)
        }
        // MS-OXWSMTGS test suite S02_TC10 (accepted: InformationalUpdate) and S02_TC09 (no answer yet: FullUpdate).
        let annUpdate = try await current("ann@contoso.com")
        #expect(annUpdate.childText("MeetingRequestType") == "InformationalUpdate")
        #expect(annUpdate.childText("Location") == "Room 2")
        #expect(try await current("bob@contoso.com").childText("MeetingRequestType") == "FullUpdate")
        // Ann's answer stands, on her calendar and on the organizer's item.
        let entry = try #require(
            try await h.call(
                Harness.findItems(
                    "calendar",
                    fields: ["calendar:MyResponseType", "calendar:LegacyFreeBusyStatus", "calendar:Location"]),
                as: "ann@contoso.com"
            ).items.first)
        #expect(entry.childText("MyResponseType") == "Accept")
        #expect(entry.childText("LegacyFreeBusyStatus") == "Busy")
        #expect(entry.childText("Location") == "Room 2")
        func annOnTheOrganizersItem() async throws -> String? {
            let meeting = try await get(h, meetingId, as: "organizer@contoso.com", ["calendar:RequiredAttendees"])
            return meeting.child("RequiredAttendees")?.children("Attendee").first {
                $0.path("Mailbox", "EmailAddress")?.trimmedText == "ann@contoso.com"
            }?.childText("ResponseType")
        }
        #expect(try await annOnTheOrganizersItem() == "Accept")
        // A new time must be answered again by everyone.
        #expect(
            try await h.call(RefusalTests.update(meetingId, "Start", "2026-12-01T09:00:00Z")).responseCodes == [
                "NoError"
            ])
        #expect(try await current("ann@contoso.com").childText("MeetingRequestType") == "FullUpdate")
        #expect(try await annOnTheOrganizersItem() == "Unknown")
        let reset = try #require(
            try await h.call(Harness.findItems("calendar", fields: ["calendar:MyResponseType"]), as: "ann@contoso.com")
                .items.first)
        #expect(reset.childText("MyResponseType") == "NoResponseReceived")
    }

    // MARK: C.5 Delegates who receive a principal's meeting messages

    @Test func aPrincipalWhoseDelegateGetsItsMeetingRequestsKeepsAnInformationalCopy() async throws {
        let fixture = """
            mailboxes:
              - { address: organizer@contoso.com, password: secret }
              - { address: boss@contoso.com, password: secret, meeting_delegates: [assistant@contoso.com] }
              - address: chief@contoso.com
                password: secret
                meeting_delegates: [assistant@contoso.com]
                deliver_meeting_requests: DelegatesOnly
              - address: lead@contoso.com
                password: secret
                meeting_delegates: [assistant@contoso.com]
                deliver_meeting_requests: DelegatesAndMe
              - { address: assistant@contoso.com, password: secret }
            """
        let h = try await Harness(fixture: fixture)
        defer { Task { await h.stop() } }
        _ = try await create(
            h, Self.meeting("Board", required: ["boss@contoso.com", "chief@contoso.com", "lead@contoso.com"]))
        let fields = [
            "meetingRequest:MeetingRequestType", "meeting:IsDelegated", "message:ReceivedRepresenting",
            "meeting:AssociatedCalendarItemId",
        ]
        func own(_ user: String, _ folder: String = "inbox") async throws -> [String?] {
            try await requests(h, of: user, folder: folder, fields: fields).map { $0.childText("MeetingRequestType") }
        }
        // MS-OXWSMTGS test suite S01_TC22, R7512: the principal's copy is PrincipalWantsCopy.
        #expect(try await own("boss@contoso.com") == ["PrincipalWantsCopy"])
        #expect(try await own("chief@contoso.com").isEmpty)
        #expect(try await own("chief@contoso.com", "deleteditems") == ["PrincipalWantsCopy"])
        #expect(try await own("lead@contoso.com") == ["NewMeetingRequest"])
        // Each principal's attendant still puts the meeting on the principal's calendar.
        for user in ["boss@contoso.com", "chief@contoso.com", "lead@contoso.com"] {
            #expect(try await h.call(Harness.findItems("calendar"), as: user).items.count == 1, "\(user)")
        }
        // The delegate gets a normal request per principal, marked as delegated, and none on its own calendar.
        let copies = try await requests(h, of: "assistant@contoso.com", fields: fields)
        #expect(copies.count == 3)
        for copy in copies {
            #expect(copy.childText("MeetingRequestType") == "NewMeetingRequest")
            #expect(copy.childText("IsDelegated") == "true")
            #expect(copy.child("AssociatedCalendarItemId") == nil)
        }
        let principals = copies.compactMap { $0.path("ReceivedRepresenting", "Mailbox", "EmailAddress")?.trimmedText }
        #expect(principals.sorted() == ["boss@contoso.com", "chief@contoso.com", "lead@contoso.com"])
        #expect(try await h.call(Harness.findItems("calendar"), as: "assistant@contoso.com").items.isEmpty)
        // A delegate who receives the meeting messages has delegate access to the principal's folders.
        #expect(
            try await h.call(Harness.findItems("calendar", mailbox: "boss@contoso.com"), as: "assistant@contoso.com")
                .responseCodes == ["NoError"])
    }

    // MARK: C.7 After a cancellation

    @Test func aCancelledMeetingShowsCancelledOnBothSidesAndTheAttendeeNeverSeesTheRoom() async throws {
        let h = try await Harness(fixture: Self.fixture)
        defer { Task { await h.stop() } }
        let meetingId = try await create(
            h, Self.meeting("Review", required: ["ann@contoso.com"], resources: ["room@contoso.com"]))
        let request = try #require(try await requests(h, of: "ann@contoso.com", fields: ["item:Subject"]).first)
        _ = try await h.call(Harness.respond("AcceptItem", to: request.itemId), as: "ann@contoso.com")
        let calendarFields = [
            "calendar:AppointmentState", "calendar:IsCancelled", "calendar:RequiredAttendees", "calendar:Resources",
        ]
        let accepted = try #require(
            try await h.call(Harness.findItems("calendar"), as: "ann@contoso.com").items.first)
        // MS-OXWSMTGS test suite S01_TC08, R191: Resources are not populated to the attendee's mailbox.
        let entry = try await get(h, accepted.itemId, as: "ann@contoso.com", calendarFields)
        #expect(entry.child("Resources") == nil)
        #expect(Self.emails(entry, "RequiredAttendees") == ["organizer@contoso.com", "ann@contoso.com"])
        #expect(entry.childText("AppointmentState") == "3")
        let cancel =
            "<m:CreateItem MessageDisposition=\"SendOnly\"><m:Items><t:CancelCalendarItem><t:ReferenceItemId Id=\"\(meetingId)\"/></t:CancelCalendarItem></m:Items></m:CreateItem>"
        #expect(try await h.call(cancel).responseCodes == ["NoError"])
        // S02_TC01, R740/R1052: 5 in the organizer's Deleted Items; R741: 7 on the attendee's item.
        let deleted = try #require(
            try await h.call(
                Harness.findItems(
                    "deleteditems", restriction: Harness.classIs(ItemClass.appointment),
                    fields: ["calendar:AppointmentState", "calendar:IsCancelled"])
            ).items.first)
        #expect(deleted.childText("AppointmentState") == "5")
        #expect(deleted.childText("IsCancelled") == "true")
        let cancelled = try await get(h, accepted.itemId, as: "ann@contoso.com", calendarFields)
        #expect(cancelled.childText("AppointmentState") == "7")
        #expect(cancelled.childText("IsCancelled") == "true")
    }
}
