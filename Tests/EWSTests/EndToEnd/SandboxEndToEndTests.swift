import EWSSandbox
import Foundation
import Synchronization
import TestSupport
import Testing
@testable import EWS

/// The client against the sandbox over real HTTP on loopback: the libcurl
/// transport, the operations, the retries and the unknown outcome of a
/// reply, with the sandbox validating every request against the schema.
@Suite struct SandboxEndToEndTests {
    static let clock = "2026-03-02T08:00:00Z"

    /// Runs `body` against a sandbox holding `fixture`, then stops it.
    static func withSandbox<T>(
        _ fixture: String, faults: [FaultRule] = [],
        _ body: (SandboxServer) async throws -> T
    ) async throws -> T {
        var options = SandboxOptions()
        options.schemaDirectory = SharedFiles.schemaDirectory
        options.faults = faults
        let server = try await SandboxServer.start(
            try Sandbox(options: options, fixture: try Fixture.parse(fixture)), threads: 1)
        do {
            let result = try await body(server)
            try await server.stop()
            return result
        } catch {
            try? await server.stop()
            throw error
        }
    }

    /// A real transport signing in as `user` with the fixtures' password.
    static func transport(_ user: String) throws -> CurlTransport {
        try CurlTransport(authentication: .basic(username: user, password: Secret("secret")))
    }

    /// A client for `address` signing in as `user` (by default the mailbox itself).
    static func client(
        _ server: SandboxServer, _ address: String, access: MailboxAccess = .own, user: String? = nil,
        sleeper: any Sleeper = RecordingSleeper(), transport: (any HTTPTransport)? = nil
    ) throws -> EWSClient {
        EWSClient(
            url: try #require(URL(string: server.url)), account: MailboxAccount(address: address, access: access),
            transport: try transport ?? Self.transport(user ?? address),
            retry: RetryPolicy(budget: .seconds(600), maxAttempts: 6, initialBackOff: .seconds(1)), sleeper: sleeper)
    }

    /// The items of a mailbox's distinguished folder, read from the store.
    static func stored(_ server: SandboxServer, _ mailbox: String, _ folder: String) -> [StoredItem] {
        server.sandbox.withStore { state in
            let id = state.mailboxes[mailbox]?.folders[folder]
            return state.items.values.filter { $0.folderId == id }
        }
    }

    /// The meeting messages of a mailbox's folder, read from the store.
    static func storedMeetingMessages(_ server: SandboxServer, _ mailbox: String, _ folder: String) -> [StoredItem] {
        stored(server, mailbox, folder).filter { MeetingMessageKind(itemClass: $0.itemClass) != .other }
    }

    /// Four meetings for the room; the last one cancelled, so the room holds
    /// its out-of-date request and the cancellation too.
    static let meetings = """
        clock: "\(clock)"
        mailboxes:
          - { address: organizer@contoso.com, password: secret }
          - { address: room@contoso.com, password: secret }
        meetings:
          - { organizer: organizer@contoso.com, subject: Planning, start: "2026-03-04T09:00:00Z", end: "2026-03-04T10:00:00Z", resources: [room@contoso.com] }
          - { organizer: organizer@contoso.com, subject: Review, start: "2026-03-05T09:00:00Z", end: "2026-03-05T10:00:00Z", resources: [room@contoso.com] }
          - { organizer: organizer@contoso.com, subject: Retro, start: "2026-03-06T09:00:00Z", end: "2026-03-06T10:00:00Z", resources: [room@contoso.com] }
          - { organizer: organizer@contoso.com, subject: Offsite, start: "2026-03-09T09:00:00Z", end: "2026-03-09T17:00:00Z", resources: [room@contoso.com], cancelled: true }
        """

    /// The room's waiting requests, read in full, by subject.
    static func requests(_ reader: EWSMailboxReader) async throws -> [String: MeetingMessage] {
        let found = try await reader.everyMeetingMessage(in: .inbox)
        let messages = try await reader.meetingMessages(found.map(\.id)).compactMap(\.value)
        return Dictionary(
            messages.filter { $0.kind == .request }.map { ($0.subject, $0) }, uniquingKeysWith: { a, _ in a })
    }

    // MARK: reading

    @Test func pagesThroughAThousandMessagesAndReadsThemInBatches() async throws {
        let fixture = """
            clock: "\(Self.clock)"
            mailboxes: [{ address: room@contoso.com, password: secret }]
            load: { seed: 11, mailbox: room@contoso.com, messages: 1000 }
            """
        try await Self.withSandbox(fixture) { server in
            let counter = CountingTransport(try Self.transport("room@contoso.com"))
            let reader = EWSMailboxReader(try Self.client(server, "room@contoso.com", transport: counter))
            let found = try await reader.everyMeetingMessage(in: .inbox)
            let expected = Self.storedMeetingMessages(server, "room@contoso.com", "inbox")
            #expect(found.count == expected.count)
            #expect(found.count >= 1000)
            #expect(Set(found.map(\.id.id)) == Set(expected.map(\.id)))
            #expect(found.map { $0.received ?? .distantPast } == found.map { $0.received ?? .distantPast }.sorted())
            // A page after the first starts with the previous page's last message again (the scan
            // starts at its arrival time) and cannot grow past the server's 250: 249 new each.
            let finds = 1 + (max(found.count - 250, 0) + 248) / 249
            #expect(counter.calls == finds)

            let read = try await reader.meetingMessages(found.map(\.id))
            #expect(read.count == found.count)
            #expect(read.allSatisfy { $0.error == nil })
            #expect(counter.calls == finds + (found.count + 19) / 20)
            let kinds = Dictionary(grouping: read.compactMap(\.value), by: \.kind).mapValues(\.count)
            #expect(kinds[.request, default: 0] > kinds[.response, default: 0])
            #expect(kinds[.cancellation, default: 0] > 0)
            for request in read.compactMap(\.value) where request.kind == .request {
                #expect(
                    request.organizer?.address != nil && request.start != nil && request.end != nil
                        && request.uid != nil)
            }
        }
    }

    // MARK: acting

    @Test func answersWithEachResponseObjectAndTheOrganizerSeesThem() async throws {
        try await Self.withSandbox(Self.meetings) { server in
            let room = try Self.client(server, "room@contoso.com")
            let waiting = try await Self.requests(EWSMailboxReader(room))
            let (planning, review, retro) = (
                try #require(waiting["Planning"]), try #require(waiting["Review"]), try #require(waiting["Retro"])
            )
            let writer = EWSMailboxWriter(room)
            let proposedStart = try #require(EWSDateTime.parse("2026-03-05T13:00:00Z"))
            let outcomes = [
                try await writer.respond(to: planning.id, with: MeetingReply(.accept, comment: "Booked for you.")),
                try await writer.respond(
                    to: review.id,
                    with: MeetingReply(
                        .tentative, comment: "Later?", proposedStart: proposedStart,
                        proposedEnd: proposedStart + 3600)),
                try await writer.respond(to: retro.id, with: MeetingReply(.decline, sendReply: false)),
            ]
            for outcome in outcomes {
                guard case .answered(.success) = outcome else {
                    Issue.record("expected success, got \(outcome)")
                    continue
                }
            }
            // Answered requests left the inbox; a second answer is refused, never sent.
            #expect(try await Self.requests(EWSMailboxReader(room)).keys.sorted() == ["Offsite"])
            let again = try await writer.respond(to: planning.id, with: MeetingReply(.accept))
            #expect(again.isRefused)

            // The organizer got two responses (the decline sent nothing) and its item records them.
            let organizer = EWSMailboxReader(try Self.client(server, "organizer@contoso.com"))
            let inbox = try await organizer.everyMeetingMessage(in: .inbox)
            let responses = try await organizer.meetingMessages(inbox.map(\.id)).compactMap(\.value).filter {
                $0.kind == .response
            }
            #expect(Set(responses.compactMap(\.responseType)) == [.accept, .tentative])
            let tentative = try #require(responses.first { $0.responseType == .tentative })
            #expect(tentative.proposedStart == proposedStart)
            #expect(tentative.from?.address == "room@contoso.com")
            let item = try #require(try await organizer.organizerCalendarItem(for: tentative).value ?? nil)
            #expect(item.attendee("room@contoso.com")?.response == .tentative)
            #expect(item.attendee("room@contoso.com")?.lastResponseTime != nil)
        }
    }

    @Test func removesACancelledMeetingAndCleansUp() async throws {
        try await Self.withSandbox(Self.meetings) { server in
            let room = try Self.client(server, "room@contoso.com")
            let reader = EWSMailboxReader(room)
            let found = try await reader.everyMeetingMessage(in: .inbox)
            let cancellation = try #require(found.first { $0.kind == .cancellation })
            // The Calendar Attendant marked the meeting cancelled; RemoveItem takes it off the calendar.
            let start = try #require(EWSDateTime.parse("2026-03-09T00:00:00Z"))
            let before = try await reader.calendarView(from: start, to: start + 86_400)
            #expect(before.contains { $0.isCancelled && $0.subject?.hasSuffix("Offsite") == true })

            let outcome = try await EWSMailboxWriter(room).removeFromCalendar(cancellation.id)
            #expect(outcome.isSuccess)
            #expect(try await reader.calendarView(from: start, to: start + 86_400).isEmpty)
            #expect(try await reader.everyMeetingMessage(in: .inbox).allSatisfy { $0.id != cancellation.id })

            // Cleanup: the remaining requests, deleted in one batch; a second delete finds nothing.
            let rest = try await reader.everyMeetingMessage(in: .inbox).map(\.id)
            let deleted = try await EWSMailboxWriter(room).delete(rest, .softDelete, cancellations: nil)
            #expect(deleted.map(\.value) == rest.map { $0 })
            let twice = try await EWSMailboxWriter(room).delete(rest, .hardDelete, cancellations: nil)
            #expect(twice.allSatisfy { $0.error?.responseCode == .itemNotFound })
        }
    }

    @Test func movesMessagesAndGetsTheirNewIds() async throws {
        try await Self.withSandbox(Self.meetings) { server in
            let room = try Self.client(server, "room@contoso.com")
            let found = try await EWSMailboxReader(room).everyMeetingMessage(in: .inbox)
            let moved = try await EWSMailboxWriter(room).move(found.map(\.id), to: .deletedItems)
            #expect(moved.count == found.count)
            #expect(moved.allSatisfy { ($0.value ?? nil) != nil })
            #expect(try await EWSMailboxReader(room).everyMeetingMessage(in: .inbox).isEmpty)
            #expect(try await EWSMailboxReader(room).everyMeetingMessage(in: .deletedItems).count == found.count)
        }
    }

    @Test func recurringRequestAndItsOccurrencesInTheCalendarView() async throws {
        let fixture = """
            clock: "\(Self.clock)"
            mailboxes:
              - { address: organizer@contoso.com, password: secret }
              - { address: room@contoso.com, password: secret }
            meetings:
              - organizer: organizer@contoso.com
                subject: Standup
                start: "2026-03-02T08:00:00Z"
                end: "2026-03-02T08:15:00Z"
                resources: [room@contoso.com]
                timezone: Europe/Berlin
                recurrence: { pattern: weekly, interval: 1, days: [monday, wednesday], count: 10 }
            """
        try await Self.withSandbox(fixture) { server in
            let reader = EWSMailboxReader(try Self.client(server, "room@contoso.com"))
            let request = try #require(try await Self.requests(reader)["Standup"])
            #expect(request.isRecurring)
            let series = try #require(request.recurrence)
            #expect(series.timeZone.identifier == "Europe/Berlin")
            #expect(series.occurrenceCount == 10)

            // The Calendar Attendant's tentative placeholders are the series' occurrences, across the DST change.
            let from = try #require(EWSDateTime.parse("2026-03-01T00:00:00Z"))
            let to = try #require(EWSDateTime.parse("2026-05-01T00:00:00Z"))
            let view = try await reader.calendarView(from: from, to: to).filter { $0.uid == request.uid }
            // Written out by hand, not expanded by the code under test: 09:00 in
            // Berlin is 08:00 UTC until the clocks change on 29 March, then 07:00.
            let expected = [
                "2026-03-02T08:00:00Z", "2026-03-04T08:00:00Z", "2026-03-09T08:00:00Z", "2026-03-11T08:00:00Z",
                "2026-03-16T08:00:00Z", "2026-03-18T08:00:00Z", "2026-03-23T08:00:00Z", "2026-03-25T08:00:00Z",
                "2026-03-30T07:00:00Z", "2026-04-01T07:00:00Z",
            ]
            #expect(view.map { EWSDateTime.format($0.start) } == expected)
            #expect(view.allSatisfy { $0.myResponse == .noResponseReceived })
        }
    }

    // MARK: access modes

    @Test func impersonationAndDelegateAccess() async throws {
        let fixture = Self.meetings.replacingOccurrences(
            of: """
                  - { address: room@contoso.com, password: secret }
                """,
            with: """
                  - { address: room@contoso.com, password: secret, delegates: [assistant@contoso.com] }
                  - { address: svc@contoso.com, password: secret, impersonation: true }
                  - { address: assistant@contoso.com, password: secret }
                """)
        try await Self.withSandbox(fixture) { server in
            let own = try await EWSMailboxReader(try Self.client(server, "room@contoso.com")).everyMeetingMessage(
                in: .inbox)
            #expect(!own.isEmpty)
            let impersonated = EWSMailboxReader(
                try Self.client(server, "room@contoso.com", access: .impersonation, user: "svc@contoso.com"))
            #expect(try await impersonated.everyMeetingMessage(in: .inbox).map(\.id) == own.map(\.id))
            let delegated = EWSMailboxReader(
                try Self.client(server, "room@contoso.com", access: .delegate, user: "assistant@contoso.com"))
            #expect(try await delegated.everyMeetingMessage(in: .inbox).map(\.id) == own.map(\.id))

            let denied = EWSMailboxReader(
                try Self.client(server, "room@contoso.com", access: .impersonation, user: "assistant@contoso.com"))
            let error = try await #require(throws: EWSError.self) { try await denied.everyMeetingMessage(in: .inbox) }
            #expect(error.responseCode == .impersonateUserDenied)
        }
    }

    @Test func wrongPasswordIsAnAuthenticationError() async throws {
        try await Self.withSandbox(Self.meetings) { server in
            let transport = try CurlTransport(
                authentication: .basic(username: "room@contoso.com", password: Secret("not-the-password")))
            let client = try Self.client(server, "room@contoso.com", transport: transport)
            let error = try await #require(throws: EWSError.self) {
                try await EWSMailboxReader(client).everyMeetingMessage(in: .inbox)
            }
            #expect(error.isConnectionProblem)
            #expect(!"\(error)".contains("not-the-password"))
        }
    }

    // MARK: faults

    @Test func busyFaultBackOffIsHonoured() async throws {
        try await Self.withSandbox(Self.meetings, faults: [FaultRule(kind: .busy, calls: [1], value: 700)]) { server in
            let sleeper = RecordingSleeper()
            let found = try await EWSMailboxReader(try Self.client(server, "room@contoso.com", sleeper: sleeper))
                .everyMeetingMessage(in: .inbox)
            #expect(found.count == Self.storedMeetingMessages(server, "room@contoso.com", "inbox").count)
            #expect(sleeper.waits == [.milliseconds(700)])
        }
    }

    @Test(arguments: [FaultRule.Kind.http503, .http429])
    func retryAfterIsHonoured(_ kind: FaultRule.Kind) async throws {
        try await Self.withSandbox(Self.meetings, faults: [FaultRule(kind: kind, calls: [1], value: 3)]) { server in
            let sleeper = RecordingSleeper()
            _ = try await EWSMailboxReader(try Self.client(server, "room@contoso.com", sleeper: sleeper))
                .everyMeetingMessage(in: .inbox)
            #expect(sleeper.waits == [.seconds(3)])
        }
    }

    @Test(arguments: [FaultRule.Kind.drop, .truncate, .malformed])
    func readsSurviveBrokenAnswers(_ kind: FaultRule.Kind) async throws {
        try await Self.withSandbox(Self.meetings, faults: [FaultRule(kind: kind, calls: [1, 3])]) { server in
            let sleeper = RecordingSleeper()
            let reader = EWSMailboxReader(try Self.client(server, "room@contoso.com", sleeper: sleeper))
            let found = try await reader.everyMeetingMessage(in: .inbox)
            let read = try await reader.meetingMessages(found.map(\.id))
            #expect(read.count == found.count)
            #expect(read.allSatisfy { $0.error == nil })
            // Call 1 went over a new connection, call 3 over a kept one; a kept
            // connection that closes without a byte of answer makes libcurl
            // resend by itself, which is why writes always use a new one.
            #expect(sleeper.waits.count == (kind == .drop ? 1 : 2))
        }
    }

    @Test func perItemErrorsInABatch() async throws {
        // Call 2, the first GetItem batch, is busy for every item; every GetItem
        // fails about half its items with ErrorItemNotFound.
        let faults = [
            FaultRule(kind: .itemError, calls: [2], operations: ["GetItem"], code: "ErrorServerBusy"),
            FaultRule(kind: .itemError, rate: 0.5, operations: ["GetItem"], code: "ErrorItemNotFound"),
        ]
        let fixture = """
            clock: "\(Self.clock)"
            mailboxes: [{ address: room@contoso.com, password: secret }]
            load: { seed: 5, mailbox: room@contoso.com, messages: 40 }
            """
        try await Self.withSandbox(fixture, faults: faults) { server in
            let sleeper = RecordingSleeper()
            let reader = EWSMailboxReader(try Self.client(server, "room@contoso.com", sleeper: sleeper))
            let found = try await reader.everyMeetingMessage(in: .inbox)
            let read = try await reader.meetingMessages(found.map(\.id))
            #expect(read.count == found.count)
            #expect(sleeper.waits.count == 1)
            let failed = read.filter { $0.error != nil }
            #expect(!failed.isEmpty && failed.count < read.count)
            #expect(failed.allSatisfy { $0.error?.responseCode == .itemNotFound })
            // Results stay in request order, whatever was resent.
            #expect(
                zip(found, read).allSatisfy { message, result in result.value.map { $0.id.id == message.id.id } ?? true
                })
        }
    }

    @Test(arguments: [FaultRule.Kind.drop, .truncate, .malformed])
    func aReplyWithAnUnknownOutcomeIsNotResent(_ kind: FaultRule.Kind) async throws {
        try await Self.withSandbox(Self.meetings, faults: [FaultRule(kind: kind, operations: ["CreateItem"])]) {
            server in
            let room = try Self.client(server, "room@contoso.com")
            let planning = try #require(try await Self.requests(EWSMailboxReader(room))["Planning"])
            let outcome = try await EWSMailboxWriter(room).respond(to: planning.id, with: MeetingReply(.accept))
            guard case .unknown(let error) = outcome else {
                Issue.record("expected an unknown outcome, got \(outcome)")
                return
            }
            #expect(error.message.contains("re-read"))
            // Re-reading shows the reply went through once: the request is gone and the organizer has one response.
            #expect(try await Self.requests(EWSMailboxReader(room))["Planning"] == nil)
            let responses = Self.stored(server, "organizer@contoso.com", "inbox").filter {
                $0.itemClass.hasPrefix(ItemClass.meetingResponsePrefix)
            }
            #expect(responses.count == 1)
        }
    }

    @Test func aReplyRefusedAsBusyIsSentAgainOnce() async throws {
        try await Self.withSandbox(Self.meetings, faults: [FaultRule(kind: .busy, calls: [3], value: 100)]) { server in
            let sleeper = RecordingSleeper()
            let room = try Self.client(server, "room@contoso.com", sleeper: sleeper)
            let planning = try #require(try await Self.requests(EWSMailboxReader(room))["Planning"])  // calls 1, 2
            let outcome = try await EWSMailboxWriter(room).respond(to: planning.id, with: MeetingReply(.accept))  // call 3 busy, 4 done
            #expect(outcome.isSuccess)
            #expect(sleeper.waits == [.milliseconds(100)])
            let responses = Self.stored(server, "organizer@contoso.com", "inbox").filter {
                $0.itemClass.hasPrefix(ItemClass.meetingResponsePrefix)
            }
            #expect(responses.count == 1)
        }
    }
}

extension SendOutcome {
    var isSuccess: Bool {
        if case .answered(.success) = self { return true }
        return false
    }

    var isRefused: Bool {
        if case .answered(.failure) = self { return true }
        return false
    }
}
