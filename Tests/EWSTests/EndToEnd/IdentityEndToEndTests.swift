import Foundation
import Synchronization
import TestSupport
import Testing
@testable import EWS
@testable import EWSSandbox
@testable import XML

/// Who is who, against the sandbox over real HTTP: internal senders named by
/// their legacy Exchange DN are resolved to SMTP before anything decides on
/// them (PROTOCOL.md 6.5), and a response's meeting is found by its identity,
/// not by its times (PROTOCOL.md 6.4).
@Suite struct IdentityEndToEndTests {
    typealias E2E = SandboxEndToEndTests

    /// Passes requests on and keeps each operation's name and answer.
    final class OperationLog: HTTPTransport {
        private let inner: any HTTPTransport
        private let log = Mutex<[(operation: String, answer: String)]>([])

        init(_ inner: any HTTPTransport) { self.inner = inner }

        var entries: [(operation: String, answer: String)] { log.withLock { $0 } }
        func count(_ operation: String) -> Int { entries.filter { $0.operation == operation }.count }

        func send(_ request: HTTPRequest) async throws(TransportError) -> HTTPResponse {
            let operation = (try? XMLDocument(request.body))?.root?.child("Body")?.children.first?.localName ?? ""
            let response = try await inner.send(request)
            log.withLock { $0.append((operation, String(decoding: response.body, as: UTF8.self))) }
            return response
        }
    }

    static func legacyDN(_ server: SandboxServer, _ address: String) throws -> String {
        try #require(server.sandbox.withStore { $0.mailboxes[address]?.legacyDN })
    }

    // MARK: internal senders named by their legacy DN

    static let exchangeSenders = """
        clock: "\(E2E.clock)"
        mailboxes:
          - { address: organizer@contoso.com, name: Olga Organizer, password: secret, routing_type: EX }
          - { address: ann@contoso.com, name: Ann Smith, password: secret, routing_type: EX }
          - { address: room@contoso.com, password: secret }
        meetings:
          - { organizer: organizer@contoso.com, subject: Planning, start: "2026-03-04T09:00:00Z", end: "2026-03-04T10:00:00Z", attendees: [ann@contoso.com], resources: [room@contoso.com] }
          - { organizer: organizer@contoso.com, subject: Review, start: "2026-03-05T09:00:00Z", end: "2026-03-05T10:00:00Z", attendees: [ann@contoso.com], resources: [room@contoso.com] }
        """

    @Test func exchangeAddressesAreResolvedOncePerDN() async throws {
        try await E2E.withSandbox(Self.exchangeSenders) { server in
            let log = OperationLog(try E2E.transport("room@contoso.com"))
            let reader = EWSMailboxReader(try E2E.client(server, "room@contoso.com", transport: log))
            let found = try await reader.everyMeetingMessage(in: .inbox)
            let messages = try await reader.meetingMessages(found.map(\.id)).compactMap(\.value)
            #expect(messages.count == 2)
            let (organizerDN, annDN) = (
                try Self.legacyDN(server, "organizer@contoso.com"), try Self.legacyDN(server, "ann@contoso.com")
            )

            // On the wire, Exchange's form: RoutingType EX and the DN.
            let answer = try #require(log.entries.first { $0.operation == "GetItem" }?.answer)
            #expect(answer.contains("<t:EmailAddress>\(organizerDN)</t:EmailAddress><t:RoutingType>EX</t:RoutingType>"))
            #expect(!answer.contains("organizer@contoso.com"))

            // In the messages, SMTP addresses, the DN kept.
            let organizer = Mailbox(
                name: "Olga Organizer", address: "organizer@contoso.com", routingType: "SMTP", legacyDN: organizerDN)
            let ann = Mailbox(name: "Ann Smith", address: "ann@contoso.com", routingType: "SMTP", legacyDN: annDN)
            for message in messages {
                #expect(message.organizer == organizer)
                #expect(message.from == organizer)
                // Exchange lists the organizer first and leaves the resources out
                // of a received request (MS-OXWSMTGS R315, R319).
                #expect(message.requiredAttendees.map(\.mailbox) == [organizer, ann])
                #expect(message.resources.isEmpty)
            }
            // Two DNs, each named four times over two messages: two ResolveNames, and none on a second read.
            #expect(log.count("ResolveNames") == 2)
            _ = try await reader.meetingMessages(found.map(\.id))
            #expect(log.count("ResolveNames") == 2)
        }
    }

    @Test(arguments: [
        FaultRule(kind: .itemError, operations: ["ResolveNames"], code: "ErrorNameResolutionNoResults"),
        FaultRule(kind: .busy, operations: ["ResolveNames"], value: 100),
    ])
    func aDNThatCannotBeResolvedStaysUnresolvedAndTheMessageIsStillRead(_ fault: FaultRule) async throws {
        try await E2E.withSandbox(Self.exchangeSenders, faults: [fault]) { server in
            let log = OperationLog(try E2E.transport("room@contoso.com"))
            let reader = EWSMailboxReader(try E2E.client(server, "room@contoso.com", transport: log))
            let found = try await reader.everyMeetingMessage(in: .inbox)
            let read = try await reader.meetingMessages(found.map(\.id))
            #expect(read.count == 2 && read.allSatisfy { $0.error == nil })
            let dn = try Self.legacyDN(server, "organizer@contoso.com")
            for message in read.compactMap(\.value) {
                let organizer = try #require(message.organizer)
                #expect(organizer.isUnresolved)
                #expect(organizer.smtpAddress == nil)
                #expect(organizer.address == dn && organizer.legacyDN == dn)
                #expect(message.from?.isUnresolved == true)
            }
            // Given up once per DN: a busy server was asked until the retry budget ran out, then not again.
            let perDN = fault.kind == .busy ? 6 : 1
            #expect(log.count("ResolveNames") == 2 * perDN)
        }
    }

    // MARK: the organizer's calendar item

    /// The organizer's inbox response to `subject`, read in full.
    static func response(_ reader: EWSMailboxReader, _ subject: String) async throws -> MeetingMessage {
        let found = try await reader.everyMeetingMessage(in: .inbox)
        let messages = try await reader.meetingMessages(found.map(\.id)).compactMap(\.value)
        return try #require(messages.first { $0.kind == .response && $0.subject.hasSuffix(subject) })
    }

    /// The organizer's Calendar Attendant is off, so responses carry no
    /// AssociatedCalendarItemId: only the meeting's identity finds the item.
    static func organizerFixture(attendant: String = "None", meetings: String) -> String {
        """
        clock: "\(E2E.clock)"
        mailboxes:
          - { address: organizer@contoso.com, password: secret, calendar_attendant: \(attendant) }
          - { address: room@contoso.com, password: secret }
          - { address: ann@contoso.com, password: secret }
        meetings:
        \(meetings)
        """
    }

    @Test func aMeetingMovedSinceTheResponseIsStillFound() async throws {
        let fixture = Self.organizerFixture(
            meetings: """
                  - organizer: organizer@contoso.com
                    subject: Review
                    start: "2026-03-04T09:00:00Z"
                    end: "2026-03-04T10:00:00Z"
                    resources: [room@contoso.com]
                    responses: { room@contoso.com: accept }
                    move_to: { start: "2026-03-11T14:00:00Z", end: "2026-03-11T15:00:00Z" }
                """)
        try await E2E.withSandbox(fixture) { server in
            let reader = EWSMailboxReader(try E2E.client(server, "organizer@contoso.com"))
            let response = try await Self.response(reader, "Review")
            #expect(response.associatedCalendarItemId == nil)
            #expect(response.start == EWSDateTime.parse("2026-03-04T09:00:00Z"))
            let item = try #require(try await reader.organizerCalendarItem(for: response).value ?? nil)
            #expect(item.subject == "Review" && item.isOrganizer)
            #expect(item.start == EWSDateTime.parse("2026-03-11T14:00:00Z"))
            #expect(item.uid == response.uid)
        }
    }

    @Test func aSeriesWhoseFirstOccurrenceWasDeletedIsStillFound() async throws {
        let fixture = Self.organizerFixture(
            meetings: """
                  - organizer: organizer@contoso.com
                    subject: Standup
                    start: "2026-03-02T08:00:00Z"
                    end: "2026-03-02T08:15:00Z"
                    resources: [room@contoso.com]
                    timezone: Europe/Berlin
                    recurrence: { pattern: daily, count: 5 }
                    responses: { room@contoso.com: accept }
                """)
        try await E2E.withSandbox(fixture) { server in
            let organizer = try E2E.client(server, "organizer@contoso.com")
            let reader = EWSMailboxReader(organizer)
            let response = try await Self.response(reader, "Standup")
            let start = try #require(response.start)
            let first = try #require(try await reader.calendarView(from: start, to: start + 900).first)
            #expect(first.type == .occurrence)
            let deleted = try await EWSMailboxWriter(organizer).delete(
                [first.id], .moveToDeletedItems, cancellations: .sendToAllAndSaveCopy)
            #expect(deleted.allSatisfy { $0.error == nil })
            #expect(try await reader.calendarView(from: start, to: start + 900).isEmpty)

            let item = try #require(try await reader.organizerCalendarItem(for: response).value ?? nil)
            #expect(item.type == .recurringMaster && item.isOrganizer)
            #expect(item.uid == response.uid)
        }
    }

    @Test(arguments: ["None", "AutoUpdate"])
    func aResponseWhoseMeetingWasDeletedIsOrphaned(_ attendant: String) async throws {
        let fixture = Self.organizerFixture(
            attendant: attendant,
            meetings: """
                  - { organizer: organizer@contoso.com, subject: Review, start: "2026-03-04T09:00:00Z", end: "2026-03-04T10:00:00Z", resources: [room@contoso.com], responses: { room@contoso.com: accept } }
                """)
        try await E2E.withSandbox(fixture) { server in
            let organizer = try E2E.client(server, "organizer@contoso.com")
            let reader = EWSMailboxReader(organizer)
            let response = try await Self.response(reader, "Review")
            #expect((response.associatedCalendarItemId != nil) == (attendant == "AutoUpdate"))
            let meeting = try #require(try await reader.organizerCalendarItem(for: response).value ?? nil)
            let deleted = try await EWSMailboxWriter(organizer).delete(
                [meeting.id], .moveToDeletedItems, cancellations: .sendToAllAndSaveCopy)
            #expect(deleted.allSatisfy { $0.error == nil })
            #expect(try await reader.organizerCalendarItem(for: response) == .success(nil))
        }
    }

    @Test func anAssociatedItemThatIsNotTheOrganizersOwnIsNotTaken() async throws {
        // The organizer is also an attendee of Ann's meeting: its copy is in the same calendar.
        let fixture = Self.organizerFixture(
            attendant: "AutoUpdate",
            meetings: """
                  - { organizer: organizer@contoso.com, subject: Review, start: "2026-03-04T09:00:00Z", end: "2026-03-04T10:00:00Z", resources: [room@contoso.com], responses: { room@contoso.com: accept } }
                  - { organizer: ann@contoso.com, subject: Lunch, start: "2026-03-04T12:00:00Z", end: "2026-03-04T13:00:00Z", attendees: [organizer@contoso.com] }
                """)
        try await E2E.withSandbox(fixture) { server in
            let organizer = try E2E.client(server, "organizer@contoso.com")
            let reader = EWSMailboxReader(organizer)
            let response = try await Self.response(reader, "Review")
            let meeting = try #require(response.associatedCalendarItemId)
            // Point the response at Ann's meeting, as a stale or wrong association would.
            let lunch = try #require(
                E2E.stored(server, "organizer@contoso.com", "calendar").first { $0.subject == "Lunch" })
            #expect(!lunch.isOrganizer)
            let now = server.sandbox.now
            try server.sandbox.withStore { state in
                _ = try state.update(response.id.id, now: now) { $0.associatedCalendarItemId = lunch.id }
            }
            let misdirected = try await Self.response(reader, "Review")
            #expect(misdirected.associatedCalendarItemId?.id == lunch.id)
            let found = try #require(try await reader.organizerCalendarItem(for: misdirected).value ?? nil)
            #expect(found.id.id == meeting.id && found.subject == "Review")

            // With the meeting gone as well, the response is orphaned rather than given Ann's meeting.
            _ = try await EWSMailboxWriter(organizer).delete(
                [found.id], .moveToDeletedItems, cancellations: .sendToAllAndSaveCopy)
            #expect(try await reader.organizerCalendarItem(for: misdirected) == .success(nil))
        }
    }
}
