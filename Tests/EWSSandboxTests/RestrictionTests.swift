import EWS
import EWSSandbox
import Foundation
import TestSupport
import Testing
import XML

/// FindItem restrictions and sort orders as Exchange answers them: Contains
/// by word, paths the store does not model refused instead of matching
/// nothing, and the meeting's global object id as a search key (PROTOCOL.md 6.4).
@Suite struct RestrictionTests {
    static let fixture = """
        mailboxes:
          - { address: organizer@contoso.com, password: secret }
          - { address: room@contoso.com, password: secret }
        meetings:
          - { organizer: organizer@contoso.com, subject: Quarterly planning review, start: "2026-03-03T09:00:00Z", end: "2026-03-03T10:00:00Z", resources: [room@contoso.com] }
          - { organizer: organizer@contoso.com, subject: Replanning, start: "2026-03-04T09:00:00Z", end: "2026-03-04T10:00:00Z", resources: [room@contoso.com] }
          - { organizer: organizer@contoso.com, subject: Plan-B drill, start: "2026-03-05T09:00:00Z", end: "2026-03-05T10:00:00Z", resources: [room@contoso.com] }
          - { organizer: organizer@contoso.com, subject: Café meeting, start: "2026-03-06T09:00:00Z", end: "2026-03-06T10:00:00Z", resources: [room@contoso.com] }
          - organizer: organizer@contoso.com
            subject: Sync
            start: "2026-06-01T07:00:00Z"
            end: "2026-06-01T07:30:00Z"
            resources: [room@contoso.com]
            recurrence: { pattern: daily, count: 5 }
        """

    static func contains(_ value: String, mode: String, comparison: String = "IgnoreCase") -> String {
        """
        <t:Contains ContainmentMode="\(mode)" ContainmentComparison="\(comparison)">
        <t:FieldURI FieldURI="item:Subject"/><t:Constant Value="\(value)"/></t:Contains>
        """
    }

    /// The subjects of the room's inbox items matching `restriction`, sorted.
    func subjects(_ h: Harness, _ restriction: String) async throws -> [String] {
        let body = try await h.call(Harness.findItems("inbox", restriction: restriction), as: "room@contoso.com")
        #expect(body.responseCodes == ["NoError"])
        return body.items.compactMap { $0.childText("Subject") }.sorted()
    }

    @Test func prefixOnWordsAndExactPhraseMatchWholeWords() async throws {
        let h = try await Harness(fixture: Self.fixture)
        defer { Task { await h.stop() } }
        // At the start of any word, not anywhere in one.
        #expect(
            try await subjects(h, Self.contains("plan", mode: "PrefixOnWords")) == [
                "Plan-B drill", "Quarterly planning review",
            ])
        #expect(try await subjects(h, Self.contains("lann", mode: "PrefixOnWords")) == [])
        #expect(
            try await subjects(h, Self.contains("planning rev", mode: "PrefixOnWords")) == ["Quarterly planning review"]
        )
        // Whole words only, in sequence.
        #expect(
            try await subjects(h, Self.contains("planning review", mode: "ExactPhrase")) == [
                "Quarterly planning review"
            ])
        #expect(try await subjects(h, Self.contains("planning rev", mode: "ExactPhrase")) == [])
        #expect(try await subjects(h, Self.contains("plan", mode: "ExactPhrase")) == ["Plan-B drill"])
        // Substring is anywhere; Exact minds case; non-spacing characters are ignored when asked.
        #expect(try await subjects(h, Self.contains("lann", mode: "Substring")).count == 2)
        #expect(try await subjects(h, Self.contains("PLAN", mode: "Substring", comparison: "Exact")) == [])
        #expect(try await subjects(h, Self.contains("cafe", mode: "Substring")) == [])
        #expect(
            try await subjects(
                h, Self.contains("cafe", mode: "Substring", comparison: "IgnoreCaseAndNonSpacingCharacters"))
                == ["Café meeting"])
    }

    /// A restriction or sort on a path the store does not model.
    static let unmodelled: [(String, String, sort: String?, code: String)] = [
        (
            "IsEqualTo on a property not modelled",
            "<t:IsEqualTo><t:FieldURI FieldURI=\"item:Attachments\"/><t:FieldURIOrConstant><t:Constant Value=\"x\"/></t:FieldURIOrConstant></t:IsEqualTo>",
            nil, "ErrorUnsupportedPathForQuery"
        ),
        (
            "IsNotEqualTo on a property not modelled",
            "<t:IsNotEqualTo><t:FieldURI FieldURI=\"message:ToRecipients\"/><t:FieldURIOrConstant><t:Constant Value=\"x\"/></t:FieldURIOrConstant></t:IsNotEqualTo>",
            nil, "ErrorUnsupportedPathForQuery"
        ),
        (
            "Exists on an extended property not modelled",
            "<t:Exists><t:ExtendedFieldURI PropertyTag=\"0x0037\" PropertyType=\"String\"/></t:Exists>",
            nil, "ErrorUnsupportedPathForQuery"
        ),
        (
            "an indexed property",
            "<t:IsEqualTo><t:IndexedFieldURI FieldURI=\"item:InternetMessageHeader\" FieldIndex=\"X-Test\"/><t:FieldURIOrConstant><t:Constant Value=\"x\"/></t:FieldURIOrConstant></t:IsEqualTo>",
            nil, "ErrorUnsupportedPathForQuery"
        ),
        (
            "the meeting's global object id with the wrong type",
            "<t:Exists><t:ExtendedFieldURI DistinguishedPropertySetId=\"Meeting\" PropertyId=\"3\" PropertyType=\"String\"/></t:Exists>",
            nil, "ErrorUnsupportedPathForQuery"
        ),
        (
            "Contains on a date",
            "<t:Contains ContainmentMode=\"Substring\" ContainmentComparison=\"IgnoreCase\"><t:FieldURI FieldURI=\"calendar:Start\"/><t:Constant Value=\"2026\"/></t:Contains>",
            nil, "ErrorContainsFilterWrongType"
        ),
        (
            "a comparison of two properties",
            "<t:IsEqualTo><t:FieldURI FieldURI=\"calendar:Start\"/><t:FieldURIOrConstant><t:FieldURI FieldURI=\"calendar:End\"/></t:FieldURIOrConstant></t:IsEqualTo>",
            nil, "ErrorInvalidRequest"
        ),
        (
            "a sort on a property not modelled", "",
            "<t:FieldOrder Order=\"Ascending\"><t:FieldURI FieldURI=\"item:Attachments\"/></t:FieldOrder>",
            "ErrorUnsupportedPathForSortGroup"
        ),
        (
            "a sort on an extended property not modelled", "",
            "<t:FieldOrder Order=\"Descending\"><t:ExtendedFieldURI PropertyTag=\"0x0E08\" PropertyType=\"Integer\"/></t:FieldOrder>",
            "ErrorUnsupportedPathForSortGroup"
        ),
    ]

    @Test(arguments: unmodelled.map(\.0))
    func aPathTheStoreDoesNotModelIsRefused(_ name: String) async throws {
        let (_, restriction, sort, code) = try #require(Self.unmodelled.first { $0.0 == name })
        let h = try await Harness(fixture: Self.fixture)
        defer { Task { await h.stop() } }
        var request = Harness.findItems("inbox", restriction: restriction)
        if let sort {
            request = request.replacingOccurrences(
                of: "<t:FieldOrder Order=\"Ascending\"><t:FieldURI FieldURI=\"item:DateTimeReceived\"/></t:FieldOrder>",
                with: sort)
        }
        let body = try await h.call(request, as: "room@contoso.com")
        #expect(body.responseCodes == [code])
        #expect(body.child("ResponseMessages")?.children.first?.attribute("ResponseClass") == "Error")
        #expect(body.items.isEmpty)
    }

    // MARK: the meeting's global object id

    /// The bytes a hex string stands for.
    static func bytes(hex: String) -> [UInt8] {
        stride(from: 0, to: hex.count, by: 2).compactMap { UInt8(hex.dropFirst($0).prefix(2), radix: 16) }
    }

    static func byGlobalObjectId(
        _ blob: [UInt8], propertyId: Int = 3, set: String = "DistinguishedPropertySetId=\"Meeting\""
    ) -> String {
        """
        <t:IsEqualTo><t:ExtendedFieldURI \(set) PropertyId="\(propertyId)" PropertyType="Binary"/>
        <t:FieldURIOrConstant><t:Constant Value="\(Data(blob).base64EncodedString())"/></t:FieldURIOrConstant></t:IsEqualTo>
        """
    }

    /// The ItemClass and RecurrenceId of the items of `folder` matching `restriction`.
    func found(_ h: Harness, _ folder: String, _ restriction: String, as user: String) async throws -> [String] {
        let body = try await h.call(
            Harness.findItems(folder, restriction: restriction, fields: ["item:ItemClass", "calendar:RecurrenceId"]),
            as: user)
        #expect(body.responseCodes == ["NoError"])
        return body.items.map {
            ($0.childText("ItemClass") ?? "") + ($0.childText("RecurrenceId").map { " " + $0 } ?? "")
        }
        .sorted()
    }

    func uid(_ h: Harness, subject: String) async throws -> String {
        let items = try await h.call(Harness.findItems("calendar", fields: ["item:Subject", "calendar:UID"])).items
        return try #require(items.first { $0.childText("Subject") == subject }?.childText("UID"))
    }

    @Test func theGlobalObjectIdFindsTheMeetingWhateverItsTime() async throws {
        let h = try await Harness(fixture: Self.fixture)
        defer { Task { await h.stop() } }
        let uid = try await uid(h, subject: "Replanning")
        // Exchange's form: the hex of a whole global object id, data included.
        #expect(uid.count >= 82 && uid.hasPrefix("040000008200E00074C5B7101A82E008"))
        let blob = Self.bytes(hex: uid)
        let organizer = "organizer@contoso.com"
        #expect(try await found(h, "calendar", Self.byGlobalObjectId(blob), as: organizer) == ["IPM.Appointment"])
        let guid = "PropertySetId=\"6ed8da90-450b-101b-98da-00aa003f1305\""
        #expect(
            try await found(h, "calendar", Self.byGlobalObjectId(blob, set: guid), as: organizer) == ["IPM.Appointment"]
        )
        #expect(try await found(h, "calendar", Self.byGlobalObjectId(blob, propertyId: 35), as: organizer).count == 1)
        #expect(try await found(h, "calendar", Self.byGlobalObjectId(Array(blob.dropLast())), as: organizer) == [])
        #expect(
            try await found(h, "inbox", Self.byGlobalObjectId(blob), as: "room@contoso.com") == [
                ItemClass.meetingRequest
            ])
        // Not equal: every other item with a global object id.
        let others = "<t:Not>\(Self.byGlobalObjectId(blob))</t:Not>"
        #expect(try await found(h, "calendar", others, as: organizer).count == 4)

        // Moved since: the same id finds it.
        let id = try #require(
            try await h.call(Harness.findItems("calendar", restriction: Self.byGlobalObjectId(blob)), as: organizer)
                .items.first
        ).itemId
        let move = """
            <m:UpdateItem ConflictResolution="AlwaysOverwrite" SendMeetingInvitationsOrCancellations="SendToAllAndSaveCopy">
            <m:ItemChanges><t:ItemChange><t:ItemId Id="\(id)"/><t:Updates>
            <t:SetItemField><t:FieldURI FieldURI="calendar:Start"/><t:CalendarItem><t:Start>2026-03-11T09:00:00Z</t:Start></t:CalendarItem></t:SetItemField>
            <t:SetItemField><t:FieldURI FieldURI="calendar:End"/><t:CalendarItem><t:End>2026-03-11T10:00:00Z</t:End></t:CalendarItem></t:SetItemField>
            </t:Updates></t:ItemChange></m:ItemChanges></m:UpdateItem>
            """
        #expect(try await h.call(move).responseCodes == ["NoError"])
        #expect(try await found(h, "calendar", Self.byGlobalObjectId(blob), as: organizer) == ["IPM.Appointment"])
    }

    @Test func theCleanIdFindsTheSeriesAndEveryMessageAboutIt() async throws {
        let h = try await Harness(fixture: Self.fixture)
        defer { Task { await h.stop() } }
        let blob = Self.bytes(hex: try await uid(h, subject: "Sync"))
        // The organizer deletes the second occurrence: the room gets a cancellation of that occurrence.
        let view = try await h.call(RecurrenceTests.calendarView("2026-06-01T00:00:00Z", "2026-06-10T00:00:00Z"))
        let second = try #require(view.items.filter { $0.childText("Subject") == "Sync" }.dropFirst().first).itemId
        let delete = """
            <m:DeleteItem DeleteType="MoveToDeletedItems" SendMeetingCancellations="SendToAllAndSaveCopy">
            <m:ItemIds><t:ItemId Id="\(second)"/></m:ItemIds></m:DeleteItem>
            """
        #expect(try await h.call(delete).responseCodes == ["NoError"])
        let room = "room@contoso.com"
        let cancellation = ItemClass.meetingCancellation + " 2026-06-02T07:00:00Z"
        // The clean id is shared by the series and by messages about one occurrence.
        #expect(
            try await found(h, "inbox", Self.byGlobalObjectId(blob, propertyId: 35), as: room) == [
                cancellation, ItemClass.meetingRequest,
            ])
        // The id itself carries the occurrence's original date (YH YL M D) on messages about it.
        #expect(try await found(h, "inbox", Self.byGlobalObjectId(blob), as: room) == [ItemClass.meetingRequest])
        var instance = blob
        instance.replaceSubrange(16..<20, with: [0x07, 0xEA, 6, 2])
        #expect(try await found(h, "inbox", Self.byGlobalObjectId(instance), as: room) == [cancellation])
        // The organizer's series is still found by its id.
        #expect(
            try await found(h, "calendar", Self.byGlobalObjectId(blob), as: "organizer@contoso.com") == [
                "IPM.Appointment"
            ])
    }

    @Test func aThirdPartyUIDIsWrappedInTheGlobalObjectId() async throws {
        let h = try await Harness(fixture: Self.fixture)
        defer { Task { await h.stop() } }
        let uid = "abc-123@calendar.example.org"
        let create = """
            <m:CreateItem SendMeetingInvitations="SendToNone"><m:Items><t:CalendarItem>
            <t:Subject>Imported</t:Subject><t:UID>\(uid)</t:UID>
            <t:Start>2026-03-20T09:00:00Z</t:Start><t:End>2026-03-20T10:00:00Z</t:End></t:CalendarItem></m:Items></m:CreateItem>
            """
        #expect(try await h.call(create).responseCodes == ["NoError"])
        // MS-OXOCAL 2.2.1.27: the header with a zero date, creation time and reserved bytes, the size, then the data.
        let data = Array("vCal-Uid".utf8) + [1, 0, 0, 0] + Array(uid.utf8) + [0]
        let blob =
            Self.bytes(hex: "040000008200E00074C5B7101A82E008") + [UInt8](repeating: 0, count: 20)
            + [UInt8(data.count), 0, 0, 0] + data
        #expect(
            try await found(h, "calendar", Self.byGlobalObjectId(blob), as: "organizer@contoso.com") == [
                "IPM.Appointment"
            ])
    }
}
