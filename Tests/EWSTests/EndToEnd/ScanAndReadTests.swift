import EWSSandbox
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

    /// Removing what a page held while scanning (as the bot does) skips
    /// nothing and hands nothing on twice: the next page starts as many
    /// places earlier as messages left.
    @Test func removalsWhileScanningSkipNothing() async throws {
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
            var departed = 0
            var kept: Set<String> = []
            while let page = try await scan.next(departed: departed) {
                seen += page.map(\.id.id)
                // Every other message goes, the rest stays in the inbox.
                let leaving = page.enumerated().filter { $0.offset % 2 == 0 }.map(\.element.id)
                kept.formUnion(page.enumerated().filter { $0.offset % 2 == 1 }.map(\.element.id.id))
                let results = try await writer.delete(leaving, .moveToDeletedItems, cancellations: nil)
                departed = results.filter { $0.value != nil }.count
            }
            #expect(seen.count == all.count)
            #expect(Set(seen) == all)
            #expect(Set(E2E.storedMeetingMessages(server, "room@contoso.com", "inbox").map(\.id)) == kept)
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
