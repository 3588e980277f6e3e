@testable import EWSSandbox
import Foundation
import TestSupport
import Testing
@testable import EWS

/// The scan hands pages on as they come, and GetItem reads what the
/// pipeline decides on, against the sandbox over HTTP.
@Suite struct ScanAndReadTests {
    typealias E2E = SandboxEndToEndTests

    /// A page is fetched only when asked for: after the first page one
    /// FindItem was sent, whatever waits behind it.
    @Test func fetchesOnePageAtATime() async throws {
        let fixture = """
            clock: "\(E2E.clock)"
            mailboxes: [{ address: room@contoso.com, password: secret }]
            load: { seed: 3, mailbox: room@contoso.com, messages: 600 }
            """
        try await E2E.withSandbox(fixture) { server in
            let counter = CountingTransport(try E2E.transport("room@contoso.com"))
            let reader = EWSMailboxReader(
                try E2E.client(server, "room@contoso.com", transport: counter),
                options: EWSMailboxOptions(pageSize: 100))
            var scan = MeetingMessageScan(reader, folder: .inbox)
            let first = try #require(try await scan.next())
            #expect(first.count == 100)
            #expect(counter.calls == 1)
        }
    }

    /// Removing what a page held while the next one is read (as the bot
    /// does) skips nothing and hands nothing on twice: a page starts at an
    /// arrival time, which removals cannot shift.
    @Test func removalsWhileTheNextPageIsReadSkipNothing() async throws {
        let fixture = """
            clock: "\(E2E.clock)"
            mailboxes: [{ address: room@contoso.com, password: secret }]
            load: { seed: 5, mailbox: room@contoso.com, messages: 450 }
            """
        try await E2E.withSandbox(fixture) { server in
            let client = try E2E.client(server, "room@contoso.com")
            let reader = EWSMailboxReader(client, options: EWSMailboxOptions(pageSize: 100))
            let writer = EWSMailboxWriter(client)
            let all = Set(E2E.storedMeetingMessages(server, "room@contoso.com", "inbox").map(\.id))
            var scan = MeetingMessageScan(reader, folder: .inbox)
            var seen: [String] = []
            var kept: Set<String> = []
            var page = try await scan.next()
            while let current = page {
                seen += current.map(\.id.id)
                // Every other message goes, the rest stays in the inbox.
                let leaving = current.enumerated().filter { $0.offset % 2 == 0 }.map(\.element.id)
                kept.formUnion(current.enumerated().filter { $0.offset % 2 == 1 }.map(\.element.id.id))
                async let removed = writer.delete(leaving, .moveToDeletedItems, cancellations: nil)
                page = try await scan.next()
                #expect(try await removed.allSatisfy { $0.value != nil })
            }
            #expect(seen.count == all.count)
            #expect(Set(seen) == all)
            #expect(Set(E2E.storedMeetingMessages(server, "room@contoso.com", "inbox").map(\.id)) == kept)
        }
    }

    /// More messages than a page arrived in one second (a burst, or a
    /// server that keeps whole seconds): each is handed on once.
    @Test func aBurstWithinOneSecondIsHandedOnOnce() async throws {
        let fixture = """
            clock: "\(E2E.clock)"
            mailboxes: [{ address: room@contoso.com, password: secret }]
            load: { seed: 8, mailbox: room@contoso.com, messages: 260 }
            """
        try await E2E.withSandbox(fixture) { server in
            let burst = try #require(EWSDateTime.parse("2026-03-02T07:30:00Z"))
            let inbox = E2E.storedMeetingMessages(server, "room@contoso.com", "inbox")
            server.sandbox.withStore { state in
                // The first 30 keep their times; the rest arrive in one second, then 10 later.
                for (position, item) in inbox.sorted(by: { $0.received < $1.received }).enumerated() where position >= 30 {
                    var changed = item
                    changed.received = position < 250 ? burst + 0.25 : burst + Double(position)
                    state.put(changed)
                }
            }
            let reader = EWSMailboxReader(
                try E2E.client(server, "room@contoso.com"), options: EWSMailboxOptions(pageSize: 100))
            var scan = MeetingMessageScan(reader, folder: .inbox)
            var seen: [String] = []
            while let page = try await scan.next() { seen += page.map(\.id.id) }
            #expect(seen.count == inbox.count)
            #expect(Set(seen) == Set(inbox.map(\.id)))
        }
    }

    /// GetItem reads the fields the pipeline decides on: when the message
    /// was sent, whether the attendant processed it, the mailbox's current
    /// answer, whether it is the organizer, whether a response is wanted,
    /// and each attendee's role.
    @Test func readsWhatThePipelineNeeds() async throws {
        try await E2E.withSandbox(E2E.meetings) { server in
            let reader = EWSMailboxReader(try E2E.client(server, "room@contoso.com"))
            let requests = try await E2E.requests(reader)
            let planning = try #require(requests["Planning"])
            let stored = try #require(E2E.stored(server, "room@contoso.com", "inbox").first { $0.id == planning.id.id })
            #expect(planning.sent == stored.sent)
            #expect(planning.sent != nil)
            #expect(planning.hasBeenProcessed == stored.hasBeenProcessed)
            #expect(planning.myResponse == .noResponseReceived)
            #expect(planning.isOrganizer == false)
            #expect(planning.isResponseRequested)
            // A received request lists the organizer among the required attendees.
            let organizer = try #require(planning.attendees.first { $0.mailbox.address == "organizer@contoso.com" })
            #expect(organizer.role == .required)
            #expect(planning.requiredAttendees.allSatisfy { $0.role == .required })
            #expect(planning.optionalAttendees.allSatisfy { $0.role == .optional })
        }
    }

    /// A calendar view is a FindItem: the client keeps no address from it.
    @Test func calendarViewAsksForNoAddresses() throws {
        let view = CalendarView(
            folder: .calendar, mailbox: nil, start: Date(timeIntervalSince1970: 0),
            end: Date(timeIntervalSince1970: 86_400), maxEntries: 10)
        let body = String(
            decoding: try SOAP.envelope(view, header: RequestHeader(version: .exchange2013SP1)), as: UTF8.self)
        #expect(!body.contains("calendar:Organizer"))
        #expect(body.contains("calendar:UID"))
    }
}
