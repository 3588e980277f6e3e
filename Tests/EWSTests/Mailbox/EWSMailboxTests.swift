import Foundation
import Testing
@testable import EWS
@testable import XML

/// The mailbox reader and writer over an in-memory server: paging to the
/// end, batches, calendar windows, delegate rules and the organizer lookup.
@Suite struct EWSMailboxTests {
    /// The request element (`m:FindItem` …) a body carries.
    static func request(_ body: [UInt8]) throws -> XMLElement {
        let document = try XMLDocument(body)
        return try #require(try document.select("/*/*[local-name()='Body']/*").first)
    }

    /// A FindItem server over `count` messages, message i arriving i seconds
    /// after `arrivals`, honouring an arrival-time restriction, Offset and MaxEntriesReturned.
    static func inbox(count: Int) -> ScriptedTransport {
        ScriptedTransport { (request, _) throws(TransportError) in
            guard let find = try? Self.request(request.body), let view = find.child("IndexedPageItemView"),
                let offset = view.attribute("Offset").flatMap({ Int($0) }),
                let size = view.attribute("MaxEntriesReturned").flatMap({ Int($0) })
            else { return HTTPResponse(status: 400) }
            let from = (try? find.select(".//*[local-name()='IsGreaterThanOrEqualTo']//*[local-name()='Constant']"))?
                .first?.attribute("Value").flatMap(EWSDateTime.parse)
            let first = from.map { Int($0.timeIntervalSince(arrivals)) } ?? 0
            let ids = (first + offset)..<min(first + offset + size, count)
            let items = ids.map {
                Reply.item(
                    "MeetingRequest", id: "m\($0)",
                    "<t:ItemClass>IPM.Schedule.Meeting.Request</t:ItemClass><t:DateTimeReceived>\(EWSDateTime.format(arrivals + Double($0)))</t:DateTimeReceived>"
                )
            }
            let last = ids.upperBound >= count
            return Reply.operation(
                "FindItem",
                [
                    Reply.success(
                        "FindItem",
                        """
                        <m:RootFolder IndexedPagingOffset="\(ids.upperBound - first)" TotalItemsInView="\(count - first)" IncludesLastItemInRange="\(last)"><t:Items>\(items.joined())</t:Items></m:RootFolder>
                        """)
                ])
        }
    }

    static let arrivals = Date(timeIntervalSince1970: 1_800_000_000)

    /// Each page after the first starts at the previous one's last arrival,
    /// which it holds again: 249 new messages a page at the server's 250.
    @Test func pagesThroughAThousandMessagesByArrival() async throws {
        let transport = Self.inbox(count: 1000)
        let reader = EWSMailboxReader(try EWSClient.test(transport))
        let all = try await reader.everyMeetingMessage(in: .inbox)
        #expect(all.map(\.id.id) == (0..<1000).map { "m\($0)" })
        let starts = try transport.requests.map {
            try Self.request($0.body).select(".//*[local-name()='Constant']").last?.attribute("Value")
        }
        #expect(starts.count == 5)
        #expect(Array(starts.dropFirst()) == [249, 498, 747, 996].map { EWSDateTime.format(Self.arrivals + Double($0)) })
    }

    @Test func pageSizeIsCappedAt250() throws {
        #expect(EWSMailboxOptions(pageSize: 1000).pageSize == 250)
        #expect(EWSMailboxOptions(pageSize: 0).pageSize == 1)
    }

    @Test func getItemGoesInBatches() async throws {
        let transport = ScriptedTransport { (request, _) throws(TransportError) in
            let ids = ((try? Self.request(request.body))?.child("ItemIds")?.children ?? []).compactMap {
                $0.attribute("Id")
            }
            return Reply.operation(
                "GetItem",
                ids.map { id in
                    Reply.success(
                        "GetItem",
                        "<m:Items>\(Reply.item("MeetingCancellation", id: id, "<t:ItemClass>IPM.Schedule.Meeting.Canceled</t:ItemClass>"))</m:Items>"
                    )
                })
        }
        let reader = EWSMailboxReader(try EWSClient.test(transport), options: EWSMailboxOptions(batchSize: 20))
        let ids = (0..<45).map { ItemId("c\($0)") }
        let results = try await reader.meetingMessages(ids)
        #expect(results.compactMap { $0.value?.id } == ids.map { ItemId($0.id, changeKey: "ck-\($0.id)") })
        #expect(results.allSatisfy { $0.value?.kind == .cancellation })
        #expect(transport.requests.count == 3)
    }

    /// A calendar with one item a day; a view holding more than `max` items is cut short.
    static func calendar(max: Int) -> ScriptedTransport {
        let day = 86_400.0
        return ScriptedTransport { (request, _) throws(TransportError) in
            guard let view = (try? Self.request(request.body))?.child("CalendarView"),
                let start = view.attribute("StartDate").flatMap(EWSDateTime.parse),
                let end = view.attribute("EndDate").flatMap(EWSDateTime.parse)
            else { return HTTPResponse(status: 400) }
            guard end.timeIntervalSince(start) <= CalendarView.maxWindow else {
                return Reply.operation("FindItem", [Reply.error("FindItem", "ErrorCalendarViewRangeTooBig")])
            }
            let first = Int((start.timeIntervalSince1970 / day).rounded(.down))
            let days = (first...Int((end.timeIntervalSince1970 / day).rounded(.up))).filter { d in
                // Items from 10:00 to 11:00 each day, overlapping [start, end).
                let s = Double(d) * day + 36_000
                return s < end.timeIntervalSince1970 && s + 3600 > start.timeIntervalSince1970
            }
            let items = days.prefix(max).map { d in
                Reply.item(
                    "CalendarItem", id: "day\(d)",
                    """
                    <t:Start>\(EWSDateTime.format(Date(timeIntervalSince1970: Double(d) * day + 36_000)))</t:Start>
                    <t:End>\(EWSDateTime.format(Date(timeIntervalSince1970: Double(d) * day + 39_600)))</t:End>
                    <t:LegacyFreeBusyStatus>Busy</t:LegacyFreeBusyStatus><t:UID>uid-\(d)</t:UID>
                    """)
            }
            return Reply.operation(
                "FindItem",
                [
                    Reply.success(
                        "FindItem",
                        """
                        <m:RootFolder TotalItemsInView="\(days.count)" IncludesLastItemInRange="\(days.count <= max)"><t:Items>\(items.joined())</t:Items></m:RootFolder>
                        """)
                ])
        }
    }

    @Test func calendarViewSplitsLongSpansAndTruncatedWindows() async throws {
        let transport = Self.calendar(max: 100)
        let reader = EWSMailboxReader(
            try EWSClient.test(transport), options: EWSMailboxOptions(calendarViewMaxEntries: 100))
        let start = try #require(EWSDateTime.parse("2026-01-01T00:00:00Z"))
        let end = start + 3 * 365 * 86_400  // three years: more than one window
        let entries = try await reader.calendarView(from: start, to: end)
        #expect(entries.count == 3 * 365)
        #expect(entries.map(\.start) == entries.map(\.start).sorted())
        #expect(Set(entries.map(\.id.id)).count == entries.count)
        #expect(entries.first?.freeBusy == .busy)
        #expect(transport.requests.count > 2)
    }

    /// Streamed, a long span comes view by view, none larger than a view's
    /// MaxEntriesReturned, so a reader holds no more than the views in
    /// flight; together they are every item, some twice (where views meet).
    @Test func calendarViewHandsOnEachViewAsItComes() async throws {
        let transport = Self.calendar(max: 100)
        let reader = EWSMailboxReader(
            try EWSClient.test(transport), options: EWSMailboxOptions(calendarViewMaxEntries: 100))
        let start = try #require(EWSDateTime.parse("2026-01-01T00:00:00Z"))
        let views = Locked<[[CalendarEntry]]>([])
        try await reader.calendarView(from: start, to: start + 3 * 365 * 86_400) { view in
            views.withLock { $0.append(view) }
        }
        let taken = views.withLock { $0 }
        #expect(taken.count == transport.requests.count)
        #expect(taken.allSatisfy { $0.count <= 100 })
        #expect(Set(taken.joined().map(\.id.id)).count == 3 * 365)
    }

    @Test func aViewThatCannotBeSplitFurtherIsAnError() async throws {
        let transport = ScriptedTransport { (_, _) throws(TransportError) in
            Reply.operation(
                "FindItem",
                [Reply.success("FindItem", "<m:RootFolder IncludesLastItemInRange=\"false\"><t:Items/></m:RootFolder>")]
            )
        }
        let reader = EWSMailboxReader(try EWSClient.test(transport))
        await #expect {
            _ = try await reader.calendarView(
                from: Date(timeIntervalSince1970: 0), to: Date(timeIntervalSince1970: 86_400))
        } throws: { EWSError.invalidResponse ~= $0 }
    }

    @Test func delegatesMoveToDeletedItemsInsteadOfDeleting() async throws {
        let transport = ScriptedTransport { (request, _) throws(TransportError) in
            Reply.operation(
                "MoveItem",
                [Reply.success("MoveItem", "<m:Items>\(Reply.item("MeetingResponse", id: "new1"))</m:Items>")])
        }
        let writer = EWSMailboxWriter(try EWSClient.test(transport, access: .delegate))
        let results = try await writer.delete([ItemId("old1")], .moveToDeletedItems, cancellations: nil)
        #expect(results == [.success(ItemId("old1"))])
        let sent = try Self.request(try #require(transport.requests.first).body)
        #expect(sent.localName == "MoveItem")
        #expect(sent.path("ToFolderId", "DistinguishedFolderId")?.attribute("Id") == "deleteditems")
        #expect(sent.path("ToFolderId", "DistinguishedFolderId", "Mailbox", "EmailAddress")?.text == "room@example.com")
    }

    @Test func deleteSendsItsOptionsAndReportsEachId() async throws {
        let transport = ScriptedTransport { (_, _) throws(TransportError) in
            Reply.operation(
                "DeleteItem", [Reply.success("DeleteItem"), Reply.error("DeleteItem", "ErrorItemNotFound")])
        }
        let writer = EWSMailboxWriter(try EWSClient.test(transport))
        let results = try await writer.delete([ItemId("a"), ItemId("b")], .softDelete, cancellations: .sendToNone)
        #expect(results.first == .success(ItemId("a")))
        #expect(results.last?.error?.responseCode == .itemNotFound)
        let sent = try Self.request(try #require(transport.requests.first).body)
        #expect(sent.attribute("DeleteType") == "SoftDelete")
        #expect(sent.attribute("SendMeetingCancellations") == "SendToNone")
        #expect(sent.attribute("SuppressReadReceipts") == "true")
    }

    @Test func aProposedTimeNeedsBothEndsInOrder() async throws {
        let transport = ScriptedTransport([])
        let writer = EWSMailboxWriter(try EWSClient.test(transport))
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        await #expect {
            _ = try await writer.respond(to: ItemId("r"), with: MeetingReply(.tentative, proposedStart: now))
        } throws: { EWSError.invalidRequest ~= $0 }
        await #expect {
            _ = try await writer.respond(
                to: ItemId("r"), with: MeetingReply(.tentative, proposedStart: now, proposedEnd: now - 60))
        } throws: { EWSError.invalidRequest ~= $0 }
        #expect(transport.requests.isEmpty)
    }

    @Test func saveOnlyReplyAndDelegateSentItems() async throws {
        let transport = ScriptedTransport { (_, _) throws(TransportError) in
            Reply.operation("CreateItem", [Reply.success("CreateItem", "<m:Items/>")])
        }
        let writer = EWSMailboxWriter(try EWSClient.test(transport, access: .delegate))
        _ = try await writer.respond(to: ItemId("r1"), with: MeetingReply(.decline, sendReply: false))
        _ = try await writer.respond(to: ItemId("r2"), with: MeetingReply(.accept, comment: "Fine"))
        let (quiet, sent) = (try Self.request(transport.requests[0].body), try Self.request(transport.requests[1].body))
        #expect(quiet.attribute("MessageDisposition") == "SaveOnly")
        #expect(quiet.child("SavedItemFolderId") == nil)
        #expect(quiet.path("Items", "DeclineItem", "ReferenceItemId")?.attribute("Id") == "r1")
        #expect(sent.attribute("MessageDisposition") == "SendAndSaveCopy")
        #expect(
            sent.path("SavedItemFolderId", "DistinguishedFolderId", "Mailbox", "EmailAddress")?.text
                == "room@example.com")
        #expect(sent.path("Items", "AcceptItem", "Body")?.text == "Fine")
    }

    // MARK: the organizer's calendar item

    /// The hex form of a global object id, as Exchange gives its meetings' UIDs.
    static let uid =
        "040000008200E00074C5B7101A82E00800000000D0E1C7B2A08ADB01000000000000000010000000"
        + "2A5844B3A444F74A9C246C60886F116B"

    static let response = MeetingMessage(
        id: ItemId("resp"), itemClass: ItemClass.meetingResponseAccepted,
        start: EWSDateTime.parse("2026-03-02T10:00:00Z"), end: EWSDateTime.parse("2026-03-02T11:00:00Z"),
        uid: uid, associatedCalendarItemId: ItemId("assoc"))

    /// What the response's AssociatedCalendarItemId points at.
    enum Associated { case own, someoneElses, gone, denied }

    /// An organizer's mailbox: the associated item, and the meeting `org`,
    /// which FindItem finds by the global object id of `uid` when `meetingExists`.
    static func organizerServer(_ associated: Associated, meetingExists: Bool = true) -> ScriptedTransport {
        ScriptedTransport { (request, _) throws(TransportError) in
            guard let sent = try? Self.request(request.body) else { return HTTPResponse(status: 400) }
            if sent.localName == "FindItem" {
                let constants = ((try? sent.select(".//*[local-name()='Constant']")) ?? []).compactMap {
                    $0.attribute("Value")
                }
                let found =
                    meetingExists && constants.contains(Data(GlobalObjectId(uid: Self.uid).bytes).base64EncodedString())
                let items = found ? Reply.item("CalendarItem", id: "org") : ""
                return Reply.operation(
                    "FindItem",
                    [
                        Reply.success(
                            "FindItem",
                            "<m:RootFolder IncludesLastItemInRange=\"true\"><t:Items>\(items)</t:Items></m:RootFolder>")
                    ])
            }
            let id = sent.path("ItemIds", "ItemId")?.attribute("Id") ?? ""
            let own: Bool
            switch (id, associated) {
            case ("org", _), ("assoc", .own): own = true
            case ("assoc", .someoneElses): own = false
            case ("assoc", .denied):
                return Reply.operation("GetItem", [Reply.error("GetItem", "ErrorAccessDenied")])
            default: return Reply.operation("GetItem", [Reply.error("GetItem", "ErrorItemNotFound")])
            }
            let item = Reply.item(
                "CalendarItem", id: id, "<t:UID>\(Self.uid)</t:UID><t:IsOrganizer>\(own)</t:IsOrganizer>")
            return Reply.operation("GetItem", [Reply.success("GetItem", "<m:Items>\(item)</m:Items>")])
        }
    }

    @Test func organizerItemByAssociatedId() async throws {
        let transport = Self.organizerServer(.own)
        let found = try await EWSMailboxReader(try EWSClient.test(transport)).organizerCalendarItem(for: Self.response)
        #expect(found.value??.id.id == "assoc")
        #expect(transport.requests.count == 1)
    }

    @Test func organizerItemByGlobalObjectIdWhenTheAssociatedIdIsStale() async throws {
        let transport = Self.organizerServer(.gone)
        let found = try await EWSMailboxReader(try EWSClient.test(transport)).organizerCalendarItem(for: Self.response)
        #expect(found.value??.id.id == "org")
        #expect(transport.requests.count == 3)
        // The FindItem asked for the blob the UID is the hex of, and for its clean form.
        let find = try Self.request(transport.requests[1].body)
        let uris = try find.select(".//*[local-name()='ExtendedFieldURI']")
        #expect(uris.map { $0.attribute("PropertyId") } == ["3", "35"])
        #expect(uris.allSatisfy { $0.attribute("DistinguishedPropertySetId") == "Meeting" })
        let constants = try find.select(".//*[local-name()='Constant']").compactMap { $0.attribute("Value") }
        let bytes = stride(from: 0, to: Self.uid.count, by: 2).map {
            UInt8(Self.uid.dropFirst($0).prefix(2), radix: 16) ?? 0
        }
        #expect(constants.first == Data(bytes).base64EncodedString())
    }

    @Test func anAssociatedItemThatIsNotTheOrganizersOwnIsPassedOver() async throws {
        let reader = EWSMailboxReader(try EWSClient.test(Self.organizerServer(.someoneElses)))
        #expect(try await reader.organizerCalendarItem(for: Self.response).value??.id.id == "org")
        let orphaned = EWSMailboxReader(try EWSClient.test(Self.organizerServer(.someoneElses, meetingExists: false)))
        #expect(try await orphaned.organizerCalendarItem(for: Self.response) == .success(nil))
    }

    @Test func orphanedResponseFindsNothing() async throws {
        let reader = EWSMailboxReader(try EWSClient.test(Self.organizerServer(.gone, meetingExists: false)))
        #expect(try await reader.organizerCalendarItem(for: Self.response) == .success(nil))
    }

    @Test func aFailedLookupIsNotCalledOrphaned() async throws {
        let reader = EWSMailboxReader(try EWSClient.test(Self.organizerServer(.denied, meetingExists: false)))
        let found = try await reader.organizerCalendarItem(for: Self.response)
        #expect(found.error?.responseCode == .accessDenied)
    }
}
