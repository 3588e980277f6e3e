import EWS
import Foundation
import Testing
import XML

@testable import EWSSandbox

/// The store's indexes give what reading every item gives: each check below
/// computes the answer by brute force over all items of a generated load and
/// compares it with what the store answers through its indexes.
@Suite struct StoreIndexTests {
    static let room = "room@contoso.com"
    /// A few hundred messages, a third of the meetings recurring, packed into
    /// ten days so that meetings overlap and touch, and two items longer than
    /// a day, which the calendar index keeps apart.
    static let fixture = """
        clock: "2026-03-02T08:00:00Z"
        mailboxes:
          - { address: organizer@contoso.com, password: secret }
          - { address: room@contoso.com, password: secret }
        appointments:
          - { mailbox: room@contoso.com, subject: Renovation, start: "2026-03-04T06:00:00Z", end: "2026-03-06T18:00:00Z" }
          - { mailbox: room@contoso.com, subject: Fair, start: "2026-03-09T00:00:00Z", end: "2026-03-11T00:00:00Z" }
        load: { seed: 7, mailbox: room@contoso.com, messages: 400, organizers: 8, days: 10, recurring: 0.33 }
        """

    static func sandbox() throws -> Sandbox {
        try Sandbox(options: SandboxOptions(), fixture: try Fixture.parse(fixture))
    }

    /// Every instance (single item or occurrence) of the folder's calendar
    /// items overlapping [from, to), read from all of them.
    static func allInstances(_ store: StoreState, _ folder: String, from: Date, to: Date) -> [StoredItem] {
        CalendarExpansion.instances(of: store.items(in: folder), from: from, to: to)
    }

    @Test func calendarWindowsFindWhatTheWholeFolderHas() throws {
        try Self.sandbox().withStore { store in
            let calendar = try store.folderId("calendar", of: Self.room)
            let start = try #require(EWSDateTime.parse("2026-03-01T00:00:00Z"))
            // Windows of every length from half an hour to three weeks, across the load and,
            // for the series without end, one and two years on.
            var windows: [(Date, Date)] = []
            for step in 0..<120 {
                let from = start + Double(step) * 4 * 3600 + Double(step % 7) * 900
                windows.append((from, from + Double(1 + step % 24) * 1800 * Double(1 + step / 40 * 12)))
            }
            for days in [400.0, 401, 700] { windows.append((start + days * 86_400, start + (days + 7) * 86_400)) }
            func check() -> Int {
                var met = 0
                for (from, to) in windows {
                    let indexed = CalendarExpansion.instances(
                        of: store.calendarItems(in: calendar, from: from, to: to), from: from, to: to)
                    let scanned = Self.allInstances(store, calendar, from: from, to: to)
                    #expect(indexed.map(\.id) == scanned.map(\.id), "window \(from) – \(to)")
                    // A CalendarView from the index alone: the same count, and the same first entries.
                    for limit in [1, 7, 1000] {
                        guard let view = store.calendarView(in: calendar, from: from, to: to, limit: limit) else { continue }
                        #expect(view.total == scanned.count, "window \(from) – \(to)")
                        #expect(view.first.map(\.id) == scanned.prefix(limit).map(\.id), "window \(from) – \(to)")
                        #expect(view.first.map(\.start) == scanned.prefix(limit).map(\.start))
                        met += scanned.isEmpty || limit != 7 ? 0 : 1
                    }
                    met += scanned.isEmpty ? 0 : 1
                }
                return met
            }
            #expect(check() > 120, "the windows must meet the load's meetings, and the index answer views of them")
            // Once the long series are entered further on, the windows still find the same.
            store.coverCalendar(calendar, until: start + 800 * 86_400)
            #expect(check() > 120)
        }
    }

    @Test func conflictCountsMatchABruteForceCount() throws {
        try Self.sandbox().withStore { store in
            let calendar = try store.folderId("calendar", of: Self.room)
            let subjects = store.items.values.filter {
                $0.mailbox == Self.room && ($0.kind == .meetingRequest || $0.kind == .calendarItem)
            }
            var conflicted = 0
            var adjacent = 0
            for item in subjects {
                guard let start = item.start, let end = item.end else { continue }
                // Every item of the calendar is expanded over the meeting's time and a second either side.
                let others = Self.allInstances(store, calendar, from: start - 1, to: end + 1).filter {
                    $0.id != item.id && (item.uid == nil || $0.uid != item.uid) && $0.freeBusy != "Free"
                }
                let overlapping = others.filter {
                    ($0.start ?? .distantFuture) < end && ($0.end ?? .distantPast) > start
                }
                let touching = others.filter { $0.end == start || $0.start == end }
                let found = store.neighbours(of: item)
                #expect(Set(found.conflicting.map(\.id)) == Set(overlapping.map(\.id)), "\(item.subject)")
                #expect(Set(found.adjacent.map(\.id)) == Set(touching.map(\.id)), "\(item.subject)")
                conflicted += overlapping.isEmpty ? 0 : 1
                adjacent += touching.isEmpty ? 0 : 1
            }
            #expect(conflicted > 20 && adjacent > 5, "the load must have conflicts and adjacent meetings to compare")
        }
    }

    /// A request is out of date when the attendant processed a message of
    /// the same meeting in the mailbox that supersedes it: a request of a
    /// higher sequence number, or a cancellation of the whole meeting of the
    /// same or a higher one.
    @Test func outOfDateFlagsMatchABruteForceSearch() throws {
        try Self.sandbox().withStore { store in
            let messages = store.items.values.filter { $0.mailbox == Self.room }
            let requests = messages.filter { $0.kind == .meetingRequest }
            var outdated = 0
            for request in requests {
                let superseded = messages.contains { m in
                    m.id != request.id && m.uid == request.uid && m.hasBeenProcessed
                        && (m.kind == .meetingRequest && m.sequence > request.sequence
                            || m.kind == .meetingCancellation && (m.recurrenceId == nil || m.recurrence != nil)
                                && m.sequence >= request.sequence)
                }
                #expect(request.isOutOfDate == superseded, "\(request.subject) sequence \(request.sequence)")
                outdated += superseded ? 1 : 0
            }
            #expect(outdated > 10, "the load must have superseded requests to compare")
        }
    }

    @Test func indexesAgreeWithTheItemsAndStayOutOfTheDump() throws {
        let sandbox = try Self.sandbox()
        let dump = try sandbox.dumpJSON()
        try sandbox.withStore { store in
            for (id, count) in store.indexes.unread {
                #expect(count == store.items(in: id).filter { !$0.isRead }.count)
            }
            for item in store.items.values where item.uid != nil {
                #expect(store.items(uid: item.uid, of: item.mailbox).contains { $0.id == item.id })
            }
            // Queries fill the caches; the dump must not show them.
            let inbox = try store.folderId("inbox", of: Self.room)
            let view = store.view(of: inbox, restriction: nil, orders: [("item:DateTimeReceived", false)])
            #expect(view.count == store.items(in: inbox).count)
            #expect(store.indexes.views[inbox]?.isEmpty == false)
        }
        #expect(try sandbox.dumpJSON() == dump)
    }

    /// The bot's pattern over HTTP: a page of the Inbox with its ItemClass
    /// restriction, answers that take requests out of it, the next page; each
    /// page is what sorting and filtering the whole folder gives at that moment.
    @Test func inboxPagesMatchTheWholeFolderBetweenWrites() async throws {
        let h = try await Harness(fixture: Self.fixture)
        defer { Task { await h.stop() } }
        let prefixes = [ItemClass.meetingRequest, ItemClass.meetingResponsePrefix, ItemClass.meetingCancellation]
        let restriction =
            "<t:Or>"
            + prefixes.map {
                "<t:Contains ContainmentMode=\"Prefixed\" ContainmentComparison=\"IgnoreCase\">"
                    + "<t:FieldURI FieldURI=\"item:ItemClass\"/><t:Constant Value=\"\($0)\"/></t:Contains>"
            }.joined() + "</t:Or>"
        var offset = 0
        var pages = 0
        var answered = 0
        while pages < 12 {
            let answer = try await h.call(
                Harness.findItems("inbox", restriction: restriction, offset: offset, max: 37), as: Self.room)
            let root = try #require(answer.path("ResponseMessages", "FindItemResponseMessage", "RootFolder"))
            let ids = (root.child("Items")?.children ?? []).compactMap { $0.child("ItemId")?.attribute("Id") }
            let expected = h.sandbox.withStore { store -> (ids: [String], total: Int) in
                let inbox = store.mailboxes[Self.room]?.folders["inbox"] ?? ""
                let matching = store.items(in: inbox).filter { item in
                    prefixes.contains { item.itemClass.lowercased().hasPrefix($0.lowercased()) }
                }
                .sorted { ($0.received, $0.id) < ($1.received, $1.id) }
                return (Array(matching.dropFirst(offset).prefix(37).map(\.id)), matching.count)
            }
            #expect(ids == expected.ids, "page at \(offset)")
            #expect(root.attribute("TotalItemsInView") == String(expected.total))
            // Answer the page's first open request: it leaves the Inbox, and the next page moves up by one.
            let open = h.sandbox.withStore { store in
                ids.first { store.items[$0].map { $0.kind == .meetingRequest && !$0.isOutOfDate } ?? false }
            }
            if let open {
                try await h.call(Harness.respond("AcceptItem", to: open), as: Self.room)
                answered += 1
            }
            offset = expected.total > offset + 37 ? offset + 36 : 0
            pages += 1
        }
        #expect(answered > 6)
    }
    /// Paging by arrival time, as the bot does: the class restriction and a
    /// lower bound on DateTimeReceived, a new bound each page. Each answer is
    /// what filtering and sorting the whole folder gives, before and after a
    /// write that takes a request out of the Inbox.
    @Test func pagesFromAnArrivalTimeMatchTheWholeFolder() async throws {
        let h = try await Harness(fixture: Self.fixture)
        defer { Task { await h.stop() } }
        let prefixes = [ItemClass.meetingRequest, ItemClass.meetingCancellation]
        let classes = "<t:Or>" + prefixes.map {
            "<t:Contains ContainmentMode=\"Prefixed\" ContainmentComparison=\"IgnoreCase\">"
                + "<t:FieldURI FieldURI=\"item:ItemClass\"/><t:Constant Value=\"\($0)\"/></t:Contains>"
        }.joined() + "</t:Or>"
        let received = h.sandbox.withStore { store in
            store.items(in: store.mailboxes[Self.room]?.folders["inbox"] ?? "").map(\.received).sorted()
        }
        try #require(received.count > 40)
        for round in 0..<2 {
            for bound in [received[0], received[received.count / 3], received[received.count - 5], received[0] + 1e9] {
                let restriction =
                    "<t:And>\(classes)<t:IsGreaterThanOrEqualTo><t:FieldURI FieldURI=\"item:DateTimeReceived\"/>"
                    + "<t:FieldURIOrConstant><t:Constant Value=\"\(EWSDateTime.format(bound))\"/></t:FieldURIOrConstant>"
                    + "</t:IsGreaterThanOrEqualTo></t:And>"
                let answer = try await h.call(
                    Harness.findItems("inbox", restriction: restriction, offset: 3, max: 17), as: Self.room)
                let root = try #require(answer.path("ResponseMessages", "FindItemResponseMessage", "RootFolder"))
                let ids = (root.child("Items")?.children ?? []).compactMap { $0.child("ItemId")?.attribute("Id") }
                let expected = h.sandbox.withStore { store -> (ids: [String], total: Int) in
                    let matching = store.items(in: store.mailboxes[Self.room]?.folders["inbox"] ?? "").filter {
                        let itemClass = $0.itemClass.lowercased()
                        return $0.received >= bound && prefixes.contains { itemClass.hasPrefix($0.lowercased()) }
                    }
                    .sorted { ($0.received, $0.id) < ($1.received, $1.id) }
                    return (Array(matching.dropFirst(3).prefix(17).map(\.id)), matching.count)
                }
                #expect(ids == expected.ids, "round \(round), from \(EWSDateTime.format(bound))")
                #expect(root.attribute("TotalItemsInView") == String(expected.total))
            }
            let open = h.sandbox.withStore { store in
                store.items(in: store.mailboxes[Self.room]?.folders["inbox"] ?? "").first {
                    $0.kind == .meetingRequest && !$0.isOutOfDate
                }?.id
            }
            try await h.call(Harness.respond("AcceptItem", to: try #require(open)), as: Self.room)
        }
    }
}
