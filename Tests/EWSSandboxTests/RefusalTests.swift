import EWS
import EWSSandbox
import Foundation
import Testing
import XML

/// What Exchange refuses, the sandbox refuses, and a refused call changes
/// nothing: the store dump before and after is the same (issue 7, part A).
@Suite struct RefusalTests {
    static let fixture = """
        mailboxes:
          - { address: organizer@contoso.com, password: secret, delegates: [assistant@contoso.com] }
          - { address: room@contoso.com, password: secret, delegates: [assistant@contoso.com] }
          - { address: assistant@contoso.com, password: secret }
          - { address: ann@contoso.com, password: secret }
        """

    func invite(_ h: Harness, _ attendees: [String] = ["room@contoso.com", "ann@contoso.com"]) async throws -> String {
        let created = try await h.call(
            Harness.createMeeting(
                subject: "Planning", start: "2026-12-01T09:00:00Z", end: "2026-12-01T10:00:00Z",
                attendees: attendees))
        #expect(created.responseCodes == ["NoError"])
        return try #require(created.items.first).itemId
    }

    /// Runs `call` and checks it answers `codes` and leaves the store as it was.
    func expectRefusal(
        _ h: Harness, _ operation: String, as user: String = "organizer@contoso.com", _ codes: [String],
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        let before = try h.sandbox.dumpJSON()
        let answer = try await h.call(operation, as: user, sourceLocation: sourceLocation)
        #expect(answer.responseCodes == codes, sourceLocation: sourceLocation)
        #expect(
            try h.sandbox.dumpJSON() == before, "the refused call changed the store", sourceLocation: sourceLocation)
    }

    static func delete(_ id: String, _ type: String, cancellations: String) -> String {
        """
        <m:DeleteItem DeleteType="\(type)" SendMeetingCancellations="\(cancellations)">
        <m:ItemIds><t:ItemId Id="\(id)"/></m:ItemIds></m:DeleteItem>
        """
    }

    static func move(_ id: String, to folder: String, of mailbox: String) -> String {
        """
        <m:MoveItem><m:ToFolderId>\(Harness.distinguished(folder, mailbox))</m:ToFolderId>
        <m:ItemIds><t:ItemId Id="\(id)"/></m:ItemIds></m:MoveItem>
        """
    }

    static func remove(_ id: String) -> String {
        "<m:CreateItem><m:Items><t:RemoveItem><t:ReferenceItemId Id=\"\(id)\"/></t:RemoveItem></m:Items></m:CreateItem>"
    }

    static func update(_ id: String, _ field: String, _ value: String) -> String {
        """
        <m:UpdateItem ConflictResolution="AlwaysOverwrite" SendMeetingInvitationsOrCancellations="SendToAllAndSaveCopy">
        <m:ItemChanges><t:ItemChange><t:ItemId Id="\(id)"/><t:Updates>
        <t:SetItemField><t:FieldURI FieldURI="calendar:\(field)"/><t:CalendarItem><t:\(field)>\(value)</t:\(field)></t:CalendarItem></t:SetItemField>
        </t:Updates></t:ItemChange></m:ItemChanges></m:UpdateItem>
        """
    }

    @Test func aDelegatesDeleteToDeletedItemsIsRefusedBeforeAnyCancellationGoesOut() async throws {
        let h = try await Harness(fixture: Self.fixture)
        defer { Task { await h.stop() } }
        let meetingId = try await invite(h)
        // ErrorCannotDeleteObject: "a delegate must use the MoveItem operation" (PROTOCOL.md 2.2).
        try await expectRefusal(
            h, Self.delete(meetingId, "MoveToDeletedItems", cancellations: "SendToAllAndSaveCopy"),
            as: "assistant@contoso.com", ["ErrorCannotDeleteObject"])
        let cancellations = try await h.call(
            Harness.findItems("inbox", restriction: Harness.classIs(ItemClass.meetingCancellation)),
            as: "ann@contoso.com")
        #expect(cancellations.items.isEmpty)
        // The same delegate may delete for good, and the cancellations go out then.
        #expect(
            try await h.call(
                Self.delete(meetingId, "HardDelete", cancellations: "SendOnlyToAll"), as: "assistant@contoso.com"
            ).responseCodes == ["NoError"])
        let sent = try await h.call(
            Harness.findItems("inbox", restriction: Harness.classIs(ItemClass.meetingCancellation)),
            as: "ann@contoso.com")
        #expect(sent.items.count == 1)
    }

    @Test func aDelegateCannotRemoveACancellationButCanDeleteTheEntryAndMoveTheCancellation() async throws {
        let h = try await Harness(fixture: Self.fixture)
        defer { Task { await h.stop() } }
        let meetingId = try await invite(h)
        let cancel =
            "<m:CreateItem MessageDisposition=\"SendOnly\"><m:Items><t:CancelCalendarItem><t:ReferenceItemId Id=\"\(meetingId)\"/></t:CancelCalendarItem></m:Items></m:CreateItem>"
        #expect(try await h.call(cancel).responseCodes == ["NoError"])
        let assistant = "assistant@contoso.com"
        let room = "room@contoso.com"
        let cancellation = try #require(
            try await h.call(
                Harness.findItems(
                    "inbox", mailbox: room, restriction: Harness.classIs(ItemClass.meetingCancellation)),
                as: assistant
            ).items.first)
        // "RemoveItem is not supported for delegate access" (RemoveItem reference, PROTOCOL.md 5.2).
        try await expectRefusal(
            h, Self.remove(cancellation.itemId), as: assistant, ["ErrorCalendarIsDelegatedForRemove"])
        // The fallback: delete the calendar item without sending anything, then move the cancellation.
        let entry = try #require(
            try await h.call(Harness.findItems("calendar", mailbox: room), as: assistant).items.first)
        try await expectRefusal(
            h, Self.delete(entry.itemId, "MoveToDeletedItems", cancellations: "SendToNone"), as: assistant,
            ["ErrorCannotDeleteObject"])
        #expect(
            try await h.call(Self.delete(entry.itemId, "HardDelete", cancellations: "SendToNone"), as: assistant)
                .responseCodes == ["NoError"])
        #expect(
            try await h.call(Self.move(cancellation.itemId, to: "deleteditems", of: room), as: assistant)
                .responseCodes == ["NoError"])
        #expect(try await h.call(Harness.findItems("calendar", mailbox: room), as: assistant).items.isEmpty)
        let inbox = try await h.call(
            Harness.findItems("inbox", mailbox: room, restriction: Harness.classIs(ItemClass.meetingCancellation)),
            as: assistant)
        #expect(inbox.items.isEmpty)
        let deleted = try await h.call(
            Harness.findItems(
                "deleteditems", mailbox: room, restriction: Harness.classIs(ItemClass.meetingCancellation)),
            as: assistant)
        #expect(deleted.items.count == 1)
        // Nothing went to the organizer: deleting an attendee's entry with SendToNone answers nobody.
        #expect(try await h.call(Harness.findItems("inbox")).items.isEmpty)
        // The room itself may still use RemoveItem; the organizer may not remove its own copy.
        let annCancellation = try #require(
            try await h.call(
                Harness.findItems("inbox", restriction: Harness.classIs(ItemClass.meetingCancellation)),
                as: "ann@contoso.com"
            ).items.first)
        #expect(
            try await h.call(Self.remove(annCancellation.itemId), as: "ann@contoso.com").responseCodes == ["NoError"])
    }

    @Test func calendarItemsWithImpossibleTimesAreRefusedOnCreateAndUpdate() async throws {
        let h = try await Harness(fixture: Self.fixture)
        defer { Task { await h.stop() } }
        // MS-OXWSMTGS test suite S01_TC18/TC19 and S02_TC12/TC13: over five years, End before Start.
        try await expectRefusal(
            h,
            Harness.createMeeting(
                subject: "Backwards", start: "2026-12-01T10:00:00Z", end: "2026-12-01T09:00:00Z",
                attendees: ["ann@contoso.com"]), ["ErrorCalendarEndDateIsEarlierThanStartDate"])
        try await expectRefusal(
            h,
            Harness.createMeeting(
                subject: "Forever", start: "2026-12-01T09:00:00Z", end: "2032-12-01T09:00:00Z",
                attendees: ["ann@contoso.com"]), ["ErrorCalendarDurationIsTooLong"])
        // Five years exactly is allowed.
        let longest = try await h.call(
            Harness.createMeeting(
                subject: "Long", start: "2026-12-01T09:00:00Z", end: "2031-12-01T09:00:00Z", attendees: [],
                invitations: "SendToNone"))
        #expect(longest.responseCodes == ["NoError"])
        let meetingId = try await invite(h)
        try await expectRefusal(
            h, Self.update(meetingId, "End", "2026-12-01T08:00:00Z"), ["ErrorCalendarEndDateIsEarlierThanStartDate"])
        try await expectRefusal(
            h, Self.update(meetingId, "End", "2031-12-01T09:00:01Z"), ["ErrorCalendarDurationIsTooLong"])
    }

    @Test func saveOnlyAnswersReturnNoIdsLeaveADraftAndSendNothing() async throws {
        let h = try await Harness(fixture: Self.fixture)
        defer { Task { await h.stop() } }
        let meetingId = try await invite(h)
        let request = try #require(
            try await h.call(
                Harness.findItems("inbox", restriction: Harness.classIs(ItemClass.meetingRequest)),
                as: "ann@contoso.com"
            ).items.first)
        let answer = try await h.call(
            Harness.respond("AcceptItem", to: request.itemId, disposition: "SaveOnly"), as: "ann@contoso.com")
        // "Item identifiers are not returned for any item types except for message items.
        // This includes response objects." (CreateItem reference, PROTOCOL.md 5.1)
        #expect(answer.responseCodes == ["NoError"])
        #expect(answer.items.isEmpty)
        // The answer is recorded on ann's calendar; the unsent response waits in Drafts.
        let entry = try #require(
            try await h.call(
                Harness.findItems("calendar", fields: ["calendar:MyResponseType"]), as: "ann@contoso.com"
            ).items.first)
        #expect(entry.childText("MyResponseType") == "Accept")
        let draft = try #require(
            try await h.call(
                Harness.findItems("drafts", fields: ["item:ItemClass", "item:IsDraft", "item:DateTimeSent"]),
                as: "ann@contoso.com"
            ).items.first)
        #expect(draft.childText("ItemClass") == ItemClass.meetingResponseAccepted)
        #expect(draft.childText("IsDraft") == "true")
        #expect(draft.child("DateTimeSent") == nil)
        #expect(try await h.call(Harness.findItems("sentitems"), as: "ann@contoso.com").items.isEmpty)
        // Nothing reached the organizer, whose item still waits for ann's answer.
        #expect(try await h.call(Harness.findItems("inbox")).items.isEmpty)
        let meeting = try #require(
            try await h.call(Harness.getItems([meetingId], fields: ["calendar:RequiredAttendees"])).items.first)
        let ann = meeting.child("RequiredAttendees")?.children("Attendee").first {
            $0.path("Mailbox", "EmailAddress")?.trimmedText == "ann@contoso.com"
        }
        #expect(ann?.childText("ResponseType") == "Unknown")
    }

    @Test func anAnswersCopyGoesToTheSavedItemFolder() async throws {
        let h = try await Harness(fixture: Self.fixture)
        defer { Task { await h.stop() } }
        _ = try await invite(h)
        let request = try #require(
            try await h.call(
                Harness.findItems("inbox", restriction: Harness.classIs(ItemClass.meetingRequest)),
                as: "ann@contoso.com"
            ).items.first)
        // "SendAndSaveCopy: The item is sent and a copy is saved in the folder that is
        // identified by the SavedItemFolderId element." (CreateItem reference)
        let answer = Harness.respond("TentativelyAcceptItem", to: request.itemId).replacingOccurrences(
            of: "<m:Items>",
            with: "<m:SavedItemFolderId>\(Harness.distinguished("drafts"))</m:SavedItemFolderId><m:Items>")
        #expect(try await h.call(answer, as: "ann@contoso.com").responseCodes == ["NoError"])
        let drafts = try await h.call(Harness.findItems("drafts", fields: ["item:ItemClass"]), as: "ann@contoso.com")
        #expect(drafts.items.compactMap { $0.childText("ItemClass") } == [ItemClass.meetingResponseTentative])
        #expect(try await h.call(Harness.findItems("sentitems"), as: "ann@contoso.com").items.isEmpty)
        #expect(try await h.call(Harness.findItems("inbox")).items.count == 1)
    }
}
