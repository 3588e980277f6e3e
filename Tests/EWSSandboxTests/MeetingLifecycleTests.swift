import EWS
import EWSSandbox
import Foundation
import Testing
import XML

/// The meeting life cycle over real HTTP, as Exchange behaves (PROTOCOL.md 5, 6).
@Suite struct MeetingLifecycleTests {
    static let fixture = Harness.mailboxes("organizer", "room", "ann", "bob")
    static let requestFields = [
        "item:ItemClass", "item:Subject", "meeting:IsOutOfDate", "meeting:AssociatedCalendarItemId",
        "meetingRequest:MeetingRequestType", "calendar:Start", "calendar:UID", "meeting:HasBeenProcessed",
    ]

    func invite(_ h: Harness, subject: String = "Planning") async throws -> String {
        let created = try await h.call(
            Harness.createMeeting(
                subject: subject, start: "2026-12-01T09:00:00Z",
                end: "2026-12-01T10:00:00Z", attendees: ["room@contoso.com", "ann@contoso.com", "bob@contoso.com"]))
        #expect(created.responseCodes == ["NoError"])
        return try #require(created.items.first).itemId
    }

    func requests(_ h: Harness, of user: String, folder: String = "inbox") async throws -> [XMLElement] {
        try await h.call(
            Harness.findItems(
                folder, restriction: Harness.classIs(ItemClass.meetingRequest),
                fields: Self.requestFields), as: user
        ).items
    }

    @Test func invitationsReachEachAttendeeAndArePlacedTentatively() async throws {
        let h = try await Harness(fixture: Self.fixture)
        defer { Task { await h.stop() } }
        _ = try await invite(h)
        for user in ["room@contoso.com", "ann@contoso.com", "bob@contoso.com"] {
            let found = try await requests(h, of: user)
            #expect(found.count == 1)
            let request = try #require(found.first)
            #expect(request.childText("MeetingRequestType") == "NewMeetingRequest")
            #expect(request.childText("HasBeenProcessed") == "true")
            let placeholder = try #require(request.child("AssociatedCalendarItemId")?.attribute("Id"))
            let entry = try #require(
                try await h.call(
                    Harness.getItems(
                        [placeholder],
                        fields: [
                            "calendar:LegacyFreeBusyStatus", "calendar:MyResponseType",
                        ]), as: user
                ).items.first)
            #expect(entry.childText("LegacyFreeBusyStatus") == "Tentative")
            #expect(entry.childText("MyResponseType") == "NoResponseReceived")
        }
        // The organizer keeps a copy of the request in Sent Items.
        #expect(try await requests(h, of: "organizer@contoso.com", folder: "sentitems").count == 1)
    }

    @Test func answersHaveExchangesAfterEffectsAndReachTheOrganizersItem() async throws {
        let h = try await Harness(fixture: Self.fixture)
        defer { Task { await h.stop() } }
        let meetingId = try await invite(h)
        let answers = [
            ("room@contoso.com", "AcceptItem", "Accept"), ("ann@contoso.com", "TentativelyAcceptItem", "Tentative"),
            ("bob@contoso.com", "DeclineItem", "Decline"),
        ]
        for (user, kind, _) in answers {
            let request = try #require(try await requests(h, of: user).first)
            let answered = try await h.call(
                Harness.respond(
                    kind, to: request.itemId,
                    proposed: kind == "TentativelyAcceptItem"
                        ? ("2026-12-01T11:00:00Z", "2026-12-01T12:00:00Z") : nil), as: user)
            #expect(answered.responseCodes == ["NoError"])
            // The request went to Deleted Items; a copy of the answer is in Sent Items.
            #expect(try await requests(h, of: user).isEmpty)
            #expect(try await requests(h, of: user, folder: "deleteditems").count == 1)
            let sent = try await h.call(
                Harness.findItems(
                    "sentitems",
                    restriction:
                        "<t:Contains ContainmentMode=\"Prefixed\" ContainmentComparison=\"IgnoreCase\"><t:FieldURI FieldURI=\"item:ItemClass\"/><t:Constant Value=\"IPM.Schedule.Meeting.Resp.\"/></t:Contains>"
                ), as: user)
            #expect(sent.items.count == 1)
            // Answering the same request again is impossible: its id is gone.
            let again = try await h.call(Harness.respond(kind, to: request.itemId), as: user)
            #expect(again.responseCodes == ["ErrorItemNotFound"])
        }
        // The organizer's inbox holds the three responses, with their classes.
        let responses = try await h.call(
            Harness.findItems(
                "inbox",
                restriction:
                    "<t:Contains ContainmentMode=\"Prefixed\" ContainmentComparison=\"IgnoreCase\"><t:FieldURI FieldURI=\"item:ItemClass\"/><t:Constant Value=\"IPM.Schedule.Meeting.Resp.\"/></t:Contains>",
                fields: ["item:ItemClass", "meeting:ResponseType", "meeting:ProposedStart"])
        ).items
        #expect(
            Set(responses.compactMap { $0.childText("ItemClass") }) == [
                ItemClass.meetingResponseAccepted,
                ItemClass.meetingResponseTentative, ItemClass.meetingResponseDeclined,
            ])
        // The Calendar Attendant recorded each answer on the organizer's item.
        let meeting = try #require(
            try await h.call(Harness.getItems([meetingId], fields: ["calendar:RequiredAttendees"])).items.first)
        let attendees = meeting.child("RequiredAttendees")?.children("Attendee") ?? []
        for (user, _, type) in answers {
            let attendee = try #require(attendees.first { $0.path("Mailbox", "EmailAddress")?.trimmedText == user })
            #expect(attendee.childText("ResponseType") == type)
            #expect(attendee.child("LastResponseTime") != nil)
        }
        let ann = try #require(attendees.first { $0.path("Mailbox", "EmailAddress")?.trimmedText == "ann@contoso.com" })
        #expect(ann.childText("ProposedStart") == "2026-12-01T11:00:00Z")
    }

    @Test func saveOnlySendsNothingAndTheOrganizerCannotAnswer() async throws {
        let h = try await Harness(fixture: Self.fixture)
        defer { Task { await h.stop() } }
        let meetingId = try await invite(h)
        let request = try #require(try await requests(h, of: "room@contoso.com").first)
        _ = try await h.call(
            Harness.respond("AcceptItem", to: request.itemId, disposition: "SaveOnly"), as: "room@contoso.com")
        let inbox = try await h.call(Harness.findItems("inbox")).items
        #expect(inbox.isEmpty)
        let drafts = try await h.call(Harness.findItems("drafts"), as: "room@contoso.com").items
        #expect(drafts.count == 1)
        let own = try await h.call(Harness.respond("AcceptItem", to: meetingId))
        #expect(own.responseCodes == ["ErrorCalendarIsOrganizerForAccept"])
        let missing = try await h.call(
            Harness.respond("AcceptItem", to: request.itemId, disposition: "SaveOnly").replacingOccurrences(
                of: " MessageDisposition=\"SaveOnly\"", with: ""), as: "room@contoso.com")
        #expect(missing.responseCodes == ["ErrorMessageDispositionRequired"])
    }

    @Test func anUpdateOutdatesTheOldRequestAndACancellationCanBeRemoved() async throws {
        let h = try await Harness(fixture: Self.fixture)
        defer { Task { await h.stop() } }
        let meetingId = try await invite(h)
        let meeting = try #require(
            try await h.call(Harness.getItems([meetingId], fields: ["item:Subject"])).items.first)
        let changeKey = try #require(meeting.child("ItemId")?.attribute("ChangeKey"))
        let move = """
            <m:UpdateItem ConflictResolution="NeverOverwrite" SendMeetingInvitationsOrCancellations="SendToAllAndSaveCopy">
            <m:ItemChanges><t:ItemChange><t:ItemId Id="\(meetingId)" ChangeKey="\(changeKey)"/><t:Updates>
            <t:SetItemField><t:FieldURI FieldURI="calendar:Start"/><t:CalendarItem><t:Start>2026-12-02T09:00:00Z</t:Start></t:CalendarItem></t:SetItemField>
            <t:SetItemField><t:FieldURI FieldURI="calendar:End"/><t:CalendarItem><t:End>2026-12-02T10:00:00Z</t:End></t:CalendarItem></t:SetItemField>
            </t:Updates></t:ItemChange></m:ItemChanges></m:UpdateItem>
            """
        #expect(try await h.call(move).responseCodes == ["NoError"])
        // The same change key again is stale now.
        #expect(try await h.call(move).responseCodes == ["ErrorIrresolvableConflict"])
        let found = try await requests(h, of: "ann@contoso.com")
        #expect(found.count == 2)
        let old = try #require(found.first)
        let new = try #require(found.last)
        #expect(old.childText("IsOutOfDate") == "true")
        #expect(new.childText("IsOutOfDate") == "false")
        #expect(new.childText("MeetingRequestType") == "FullUpdate")
        #expect(new.childText("Start") == "2026-12-02T09:00:00Z")
        // The update changed the attendee's calendar item; the request points at it as it is now, ChangeKey included.
        let associated = try #require(new.child("AssociatedCalendarItemId"))
        let entry = try #require(
            try await h.call(
                Harness.getItems([associated.attribute("Id") ?? ""], fields: ["calendar:Start"]),
                as: "ann@contoso.com"
            ).items.first)
        #expect(entry.childText("Start") == "2026-12-02T09:00:00Z")
        #expect(associated.attribute("ChangeKey") == entry.child("ItemId")?.attribute("ChangeKey"))
        #expect(
            try await h.call(Harness.respond("AcceptItem", to: old.itemId), as: "ann@contoso.com").responseCodes
                == ["ErrorCalendarMeetingRequestIsOutOfDate"])

        // Cancel: the attendee gets a cancellation and can remove the meeting.
        let cancel =
            "<m:CreateItem MessageDisposition=\"SendAndSaveCopy\"><m:Items><t:CancelCalendarItem><t:ReferenceItemId Id=\"\(meetingId)\"/></t:CancelCalendarItem></m:Items></m:CreateItem>"
        #expect(try await h.call(cancel).responseCodes == ["NoError"])
        let cancellations = try await h.call(
            Harness.findItems("inbox", restriction: Harness.classIs(ItemClass.meetingCancellation)),
            as: "ann@contoso.com"
        ).items
        let cancellation = try #require(cancellations.first)
        #expect(cancellations.count == 1)
        let remove =
            "<m:CreateItem><m:Items><t:RemoveItem><t:ReferenceItemId Id=\"\(cancellation.itemId)\"/></t:RemoveItem></m:Items></m:CreateItem>"
        #expect(try await h.call(remove, as: "ann@contoso.com").responseCodes == ["NoError"])
        let calendar = try await h.call(Harness.findItems("calendar"), as: "ann@contoso.com").items
        #expect(calendar.isEmpty)
        // RemoveItem is only for cancellations.
        let request = try #require(try await requests(h, of: "bob@contoso.com").last)
        let wrong =
            "<m:CreateItem><m:Items><t:RemoveItem><t:ReferenceItemId Id=\"\(request.itemId)\"/></t:RemoveItem></m:Items></m:CreateItem>"
        #expect(
            try await h.call(wrong, as: "bob@contoso.com").responseCodes == ["ErrorInvalidItemForOperationRemoveItem"])
    }

    @Test func deleteAndMoveFollowExchange() async throws {
        let h = try await Harness(fixture: Self.fixture)
        defer { Task { await h.stop() } }
        let meetingId = try await invite(h)
        let noCancellations =
            "<m:DeleteItem DeleteType=\"HardDelete\"><m:ItemIds><t:ItemId Id=\"\(meetingId)\"/></m:ItemIds></m:DeleteItem>"
        #expect(try await h.call(noCancellations).responseCodes == ["ErrorSendMeetingCancellationsRequired"])
        let requests = try await requests(h, of: "room@contoso.com")
        let id = try #require(requests.first).itemId
        let move =
            "<m:MoveItem><m:ToFolderId>\(Harness.distinguished("drafts"))</m:ToFolderId><m:ItemIds><t:ItemId Id=\"\(id)\"/></m:ItemIds></m:MoveItem>"
        let moved = try await h.call(move, as: "room@contoso.com")
        let newId = try #require(moved.items.first).itemId
        #expect(newId != id)
        for type in ["MoveToDeletedItems", "SoftDelete"] {
            let current =
                type == "SoftDelete"
                ? try #require(try await h.call(Harness.findItems("deleteditems"), as: "room@contoso.com").items.first)
                    .itemId : newId
            let delete =
                "<m:DeleteItem DeleteType=\"\(type)\"><m:ItemIds><t:ItemId Id=\"\(current)\"/></m:ItemIds></m:DeleteItem>"
            #expect(try await h.call(delete, as: "room@contoso.com").responseCodes == ["NoError"])
        }
        #expect(try await h.call(Harness.findItems("deleteditems"), as: "room@contoso.com").items.isEmpty)
        let twice =
            "<m:DeleteItem DeleteType=\"HardDelete\"><m:ItemIds><t:ItemId Id=\"\(newId)\"/><t:ItemId Id=\"bogus\"/></m:ItemIds></m:DeleteItem>"
        #expect(
            try await h.call(twice, as: "room@contoso.com").responseCodes == [
                "ErrorItemNotFound", "ErrorInvalidIdMalformed",
            ])
    }

    @Test func answeredRequestsInDeletedItemsBecomeOutOfDateToo() async throws {
        let h = try await Harness(fixture: Self.fixture)
        defer { Task { await h.stop() } }
        let meetingId = try await invite(h)
        let request = try #require(try await requests(h, of: "ann@contoso.com").first)
        _ = try await h.call(Harness.respond("AcceptItem", to: request.itemId), as: "ann@contoso.com")
        let move = """
            <m:UpdateItem ConflictResolution="AlwaysOverwrite" SendMeetingInvitationsOrCancellations="SendToAllAndSaveCopy">
            <m:ItemChanges><t:ItemChange><t:ItemId Id="\(meetingId)"/><t:Updates>
            <t:SetItemField><t:FieldURI FieldURI="calendar:Location"/><t:CalendarItem><t:Location>Room 2</t:Location></t:CalendarItem></t:SetItemField>
            </t:Updates></t:ItemChange></m:ItemChanges></m:UpdateItem>
            """
        #expect(try await h.call(move).responseCodes == ["NoError"])
        let answered = try await requests(h, of: "ann@contoso.com", folder: "deleteditems")
        #expect(answered.map { $0.childText("IsOutOfDate") } == ["true"])
        #expect(try await requests(h, of: "ann@contoso.com").map { $0.childText("IsOutOfDate") } == ["false"])
    }

    @Test func cancellationsCarryTheNoteAndAreSavedOnlyWhenAsked() async throws {
        let h = try await Harness(fixture: Self.fixture)
        defer { Task { await h.stop() } }
        func sentCancellations() async throws -> Int {
            try await h.call(
                Harness.findItems("sentitems", restriction: Harness.classIs(ItemClass.meetingCancellation))
            ).items.count
        }
        func delete(_ id: String, _ sending: String) -> String {
            "<m:DeleteItem DeleteType=\"HardDelete\" SendMeetingCancellations=\"\(sending)\"><m:ItemIds><t:ItemId Id=\"\(id)\"/></m:ItemIds></m:DeleteItem>"
        }
        #expect(
            try await h.call(delete(try await invite(h, subject: "One"), "SendToAllAndSaveCopy")).responseCodes == [
                "NoError"
            ])
        #expect(try await sentCancellations() == 1)
        #expect(
            try await h.call(delete(try await invite(h, subject: "Two"), "SendOnlyToAll")).responseCodes == ["NoError"])
        #expect(try await sentCancellations() == 1)

        // CancelCalendarItem takes its text from NewBodyContent (its Body is not used).
        let cancel = """
            <m:CreateItem MessageDisposition="SendOnly"><m:Items><t:CancelCalendarItem>
            <t:ReferenceItemId Id="\(try await invite(h, subject: "Three"))"/><t:NewBodyContent BodyType="Text">Sorry, cancelled.</t:NewBodyContent>
            </t:CancelCalendarItem></m:Items></m:CreateItem>
            """
        #expect(try await h.call(cancel).responseCodes == ["NoError"])
        #expect(try await sentCancellations() == 1)
        let received = try await h.call(
            Harness.findItems("inbox", restriction: Harness.classIs(ItemClass.meetingCancellation)),
            as: "bob@contoso.com"
        ).items
        #expect(received.count == 3)
        let ids = received.map(\.itemId)
        let bodies = try await h.call(
            Harness.getItems(ids, fields: ["item:Subject", "item:Body"]), as: "bob@contoso.com"
        ).items
        let three = try #require(bodies.first { $0.childText("Subject") == "Canceled: Three" })
        #expect(three.childText("Body") == "Sorry, cancelled.")
    }
}
