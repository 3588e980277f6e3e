import EWS
import EWSSandbox
import Foundation
import Testing
import XML

/// Paging and limits, the Calendar Attendant's modes and delay, fixtures,
/// the generated load and the JSON dump.
@Suite struct StoreBehaviourTests {
    static func loadFixture(
        messages: Int, seed: Int = 3, requests: Double = 1, responses: Double = 0, cancellations: Double = 0
    ) -> String {
        """
        clock: "2026-11-02T08:00:00Z"
        mailboxes:
          - address: room@contoso.com
            password: secret
        load:
          seed: \(seed)
          mailbox: room@contoso.com
          messages: \(messages)
          organizers: 7
          requests: \(requests)
          responses: \(responses)
          cancellations: \(cancellations)
        """
    }

    @Test func restrictedFindsPageAtMost250InArrivalOrder() async throws {
        let h = try await Harness(fixture: Self.loadFixture(messages: 600))
        defer { Task { await h.stop() } }
        var offset = 0
        var received: [String] = []
        var pages = 0
        while true {
            let body = try await h.call(
                Harness.findItems(
                    "inbox", restriction: Harness.classIs(ItemClass.meetingRequest),
                    offset: offset, max: 1000, fields: ["item:ItemClass", "item:DateTimeReceived"]),
                as: "room@contoso.com")
            let root = try #require(body.child("ResponseMessages")?.children.first?.child("RootFolder"))
            let items = body.items
            #expect(items.count <= 250)  // EWSFindCountLimit with a restriction
            #expect(root.attribute("TotalItemsInView") == "600")
            received += items.compactMap { $0.childText("DateTimeReceived") }
            pages += 1
            if root.attribute("IncludesLastItemInRange") == "true" { break }
            offset = Int(root.attribute("IndexedPagingOffset") ?? "") ?? 0
            #expect(offset == received.count)
        }
        #expect(pages == 3)
        #expect(received.count == 600)
        #expect(received == received.sorted())
        // Without a restriction a page may hold up to 1000 items.
        let all = try await h.call(Harness.findItems("inbox", max: 1000), as: "room@contoso.com")
        #expect(all.items.count == 600)
    }

    @Test func theAttendantCanBeOffOrLate() async throws {
        let fixture = """
            clock: "2026-11-02T08:00:00Z"
            mailboxes:
              - address: organizer@contoso.com
                password: secret
                attendant_delay: 600
              - address: room@contoso.com
                password: secret
                calendar_attendant: None
            """
        let h = try await Harness(fixture: fixture)
        defer { Task { await h.stop() } }
        let created = try await h.call(
            Harness.createMeeting(
                subject: "Late", start: "2026-12-01T09:00:00Z",
                end: "2026-12-01T10:00:00Z", attendees: ["room@contoso.com"]))
        let meetingId = try #require(created.items.first).itemId
        // With the attendant off, nothing is placed on the room's calendar.
        let request = try #require(
            try await h.call(
                Harness.findItems("inbox", fields: ["meeting:HasBeenProcessed"]),
                as: "room@contoso.com"
            ).items.first)
        #expect(request.childText("HasBeenProcessed") == "false")
        #expect(try await h.call(Harness.findItems("calendar"), as: "room@contoso.com").items.isEmpty)
        _ = try await h.call(Harness.respond("AcceptItem", to: request.itemId), as: "room@contoso.com")

        // The organizer's attendant records the answer only after its delay.
        func roomResponse() async throws -> String? {
            let meeting = try await h.call(Harness.getItems([meetingId], fields: ["calendar:RequiredAttendees"])).items
                .first
            return meeting?.path("RequiredAttendees", "Attendee", "ResponseType")?.trimmedText
        }
        #expect(try await roomResponse() == "Unknown")
        let advanced = try await h.post("", path: "/_sandbox/clock?advance=601")
        #expect(advanced.status == 200)
        #expect(String(decoding: advanced.body, as: UTF8.self) == "2026-11-02T08:10:01Z")
        #expect(try await roomResponse() == "Accept")
    }

    @Test func theLoadGeneratorFollowsTheMixAndTheSeed() throws {
        let fixture = Self.loadFixture(messages: 400, seed: 11, requests: 0.7, responses: 0.2, cancellations: 0.1)
        let sandbox = try Sandbox(options: SandboxOptions(), fixture: try Fixture.parse(fixture))
        let counts = sandbox.withStore { store -> [ItemKind: Int] in
            let inbox = store.items.values.filter {
                $0.mailbox == "room@contoso.com" && store.folders[$0.folderId]?.distinguishedId == "inbox"
            }
            return Dictionary(grouping: inbox, by: \.kind).mapValues(\.count)
        }
        let total = counts.values.reduce(0, +)
        #expect(total >= 400 && total <= 404)
        let requests = Double(counts[.meetingRequest] ?? 0) / Double(total)
        let responses = Double(counts[.meetingResponse] ?? 0) / Double(total)
        let cancellations = Double(counts[.meetingCancellation] ?? 0) / Double(total)
        #expect(
            abs(requests - 0.7) < 0.1 && abs(responses - 0.2) < 0.1 && abs(cancellations - 0.1) < 0.06,
            "mix \(requests) / \(responses) / \(cancellations)")
        let again = try Sandbox(options: SandboxOptions(), fixture: try Fixture.parse(fixture))
        #expect(try again.dumpJSON() == sandbox.dumpJSON())
        let other = try Sandbox(
            options: SandboxOptions(), fixture: try Fixture.parse(Self.loadFixture(messages: 400, seed: 12)))
        #expect(try other.dumpJSON() != sandbox.dumpJSON())
    }

    @Test func fixturesPlayMeetingsAndTheDumpShowsTheOutcome() async throws {
        let fixture = """
            clock: "2026-11-02T08:00:00Z"
            mailboxes:
              - { address: organizer@contoso.com, password: secret }
              - { address: room@contoso.com, password: secret }
            appointments:
              - { mailbox: room@contoso.com, subject: Cleaning, start: "2026-12-01T07:00:00Z", end: "2026-12-01T08:00:00Z" }
            meetings:
              - organizer: organizer@contoso.com
                subject: Review
                start: "2026-12-01T09:00:00Z"
                end: "2026-12-01T10:00:00Z"
                attendees: [room@contoso.com]
                responses: { room@contoso.com: tentative }
                move_to: { start: "2026-12-02T09:00:00Z", end: "2026-12-02T10:00:00Z" }
            """
        let h = try await Harness(fixture: fixture)
        defer { Task { await h.stop() } }
        let transport = try CurlTransport(authentication: .none)
        let state = try await transport.send(
            HTTPRequest(
                url: URL(string: "http://127.0.0.1:\(h.server.port)/_sandbox/state")!,
                headers: [], body: []))
        let json = try #require(try JSONSerialization.jsonObject(with: Data(state.body)) as? [String: Any])
        let items = try #require(json["items"] as? [String: [String: Any]])
        let roomItems = items.values.filter { $0["mailbox"] as? String == "room@contoso.com" }
        let classes = roomItems.compactMap { $0["itemClass"] as? String }.sorted()
        // The busy time, the placeholder, the answered request in Deleted Items, the copy of the answer,
        // and the full update that followed.
        #expect(classes.filter { $0 == ItemClass.meetingRequest }.count == 2)
        #expect(classes.filter { $0 == ItemClass.appointment }.count == 2)
        #expect(classes.contains(ItemClass.meetingResponseTentative))
        let update = try #require(roomItems.first { $0["meetingRequestType"] as? String == "FullUpdate" })
        #expect(update["isOutOfDate"] as? Bool == false)
    }

    @Test(arguments: [
        (
            "mailboxes: []\nmeetings:\n  - { organizer: x@contoso.com, start: \"2026-12-01T09:00:00Z\", end: \"2026-12-01T10:00:00Z\" }",
            "no mailbox x@contoso.com"
        ),
        ("mailboxes:\n  - { address: a@contoso.com }\n  - { address: A@contoso.com }", "listed twice"),
        (
            "mailboxes:\n  - { address: a@contoso.com }\nappointments:\n  - { mailbox: a@contoso.com, start: tomorrow, end: \"2026-12-01T10:00:00Z\" }",
            "'tomorrow' is not a date-time"
        ),
        ("mailboxes:\n  - { password: x }", "missing key 'address'"),
        ("mailboxes:\n  - { address: nobody }", "not an e-mail address"),
        ("mailboxes: 5", "mailboxes"),
    ])
    func badFixturesAreClearErrors(_ text: String, _ expected: String) {
        #expect {
            try Sandbox(options: SandboxOptions(), fixture: try Fixture.parse(text, name: "f.yml"))
        } throws: { error in
            "\(error)".contains(expected)
        }
    }
}
