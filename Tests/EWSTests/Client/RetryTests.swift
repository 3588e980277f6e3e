import Foundation
import Testing
@testable import EWS

/// Waiting and retrying with an in-memory transport and a sleeper that only
/// records: the server's hints are honoured, the budget ends it, reads are
/// retried and a reply whose outcome is unknown is never sent twice.
@Suite struct RetryTests {
    static let emptyFind = Reply.operation(
        "FindItem",
        [
            Reply.success(
                "FindItem",
                """
                <m:RootFolder IndexedPagingOffset="0" TotalItemsInView="0" IncludesLastItemInRange="true"><t:Items/></m:RootFolder>
                """)
        ])
    static let find = FindItem(folder: .inbox, offset: 0, pageSize: 250)
    static let accepted = Reply.operation("CreateItem", [Reply.success("CreateItem", "<m:Items/>")])
    static let timeout = TransportError(.timeout, "timed out after 100000 ms", requestSent: true)
    static let refused = TransportError(.connect, "connection refused", requestSent: false)

    @Test func busyFaultWaitsExactlyTheBackOff() async throws {
        let transport = ScriptedTransport([
            .success(Reply.fault("ErrorServerBusy", backOff: 2_500)), .success(Self.emptyFind),
        ])
        let sleeper = RecordingSleeper()
        let page = try await EWSClient.test(transport, sleeper: sleeper).perform(Self.find)
        #expect(page.messages.isEmpty)
        #expect(sleeper.waits == [.milliseconds(2_500)])
        #expect(transport.requests.count == 2)
    }

    @Test func backOffBeyondTheBudgetFailsAtOnceAsThrottled() async throws {
        let transport = ScriptedTransport([.success(Reply.fault("ErrorServerBusy", backOff: 297_749))])
        let sleeper = RecordingSleeper()
        let client = try EWSClient.test(transport, sleeper: sleeper, retry: RetryPolicy(budget: .seconds(120)))
        let error = try await #require(throws: EWSError.self) { try await client.perform(Self.find) }
        #expect(EWSError.throttled ~= error)
        #expect(error.responseCode == .serverBusy)
        #expect(error.backOff == .milliseconds(297_749))
        #expect(error.message.contains("throttling room@example.com"))
        #expect(sleeper.waits.isEmpty)
    }

    @Test(arguments: [503, 429])
    func busyStatusWaitsRetryAfter(_ status: Int) async throws {
        let busy = HTTPResponse(status: status, headers: ["retry-after": "7"])
        let transport = ScriptedTransport([.success(busy), .success(Self.emptyFind)])
        let sleeper = RecordingSleeper()
        _ = try await EWSClient.test(transport, sleeper: sleeper).perform(Self.find)
        #expect(sleeper.waits == [.seconds(7)])
    }

    @Test func retryAfterAsAnHTTPDate() throws {
        let now = try #require(EWSDateTime.parse("2015-10-21T07:27:30Z"))
        #expect(SOAP.retryAfter("Wed, 21 Oct 2015 07:28:00 GMT", now: now) == .seconds(30))
        #expect(SOAP.retryAfter(" 12 ") == .seconds(12))
        #expect(SOAP.retryAfter("soon") == nil)
    }

    @Test func withoutAHintTheWaitsGrowExponentiallyWithJitter() async throws {
        let transport = ScriptedTransport { (_, _) throws(TransportError) in throw Self.timeout }
        let sleeper = RecordingSleeper()
        let policy = RetryPolicy(
            budget: .seconds(10_000), maxAttempts: 5, initialBackOff: .seconds(10), maxBackOff: .seconds(60))
        let error = try await #require(throws: EWSError.self) {
            try await EWSClient.test(transport, sleeper: sleeper, retry: policy).perform(Self.find)
        }
        #expect(EWSError.transport ~= error)
        #expect(error.isConnectionProblem)
        #expect(transport.requests.count == 5)
        let bounds: [ClosedRange<Duration>] = [
            .seconds(5)...(.seconds(10)), .seconds(10)...(.seconds(20)),
            .seconds(20)...(.seconds(40)), .seconds(30)...(.seconds(60)),
        ]
        #expect(sleeper.waits.count == 4)
        for (wait, range) in zip(sleeper.waits, bounds) { #expect(range.contains(wait), "\(wait) not in \(range)") }
    }

    @Test func repeatedBusyEndsAsThrottledWithinTheBudget() async throws {
        let transport = ScriptedTransport { (_, _) throws(TransportError) in
            Reply.fault("ErrorServerBusy", backOff: 30_000)
        }
        let sleeper = RecordingSleeper()
        let client = try EWSClient.test(
            transport, sleeper: sleeper, retry: RetryPolicy(budget: .seconds(100), maxAttempts: 10))
        let error = try await #require(throws: EWSError.self) { try await client.perform(Self.find) }
        #expect(EWSError.throttled ~= error)
        #expect(sleeper.waits == [.seconds(30), .seconds(30), .seconds(30)])
        #expect(transport.requests.count == 4)
        #expect(error.message.contains("4 attempts"))
    }

    @Test func readsAreRetriedAfterADroppedConnectionAndAGarbledBody() async throws {
        let dropped = TransportError(.dropped, "connection closed", requestSent: true)
        let garbled = HTTPResponse(
            status: 200, body: Array("<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Bo".utf8))
        let transport = ScriptedTransport([
            .failure(dropped), .success(garbled), .success(HTTPResponse(status: 502)), .success(Self.emptyFind),
        ])
        let sleeper = RecordingSleeper()
        _ = try await EWSClient.test(transport, sleeper: sleeper, retry: RetryPolicy(budget: .seconds(1000))).perform(
            Self.find)
        #expect(transport.requests.count == 4)
        #expect(sleeper.waits.count == 3)
    }

    @Test func credentialsRefusedAreNotRetried() async throws {
        let transport = ScriptedTransport([.success(HTTPResponse(status: 401, headers: ["www-authenticate": "NTLM"]))])
        let error = try await #require(throws: EWSError.self) { try await EWSClient.test(transport).perform(Self.find) }
        #expect(EWSError.authentication ~= error)
        #expect(error.isConnectionProblem)
        #expect(transport.requests.count == 1)
    }

    @Test func schemaValidationFaultIsNotRetried() async throws {
        let transport = ScriptedTransport([.success(Reply.fault("ErrorSchemaValidation"))])
        let error = try await #require(throws: EWSError.self) { try await EWSClient.test(transport).perform(Self.find) }
        #expect(EWSError.fault ~= error)
        #expect(error.responseCode == .schemaValidation)
        #expect(transport.requests.count == 1)
    }

    // MARK: replies are never sent twice

    static func respond(
        _ responses: [Result<HTTPResponse, TransportError>], sleeper: RecordingSleeper = RecordingSleeper()
    )
        async throws -> (SendOutcome, ScriptedTransport)
    {
        let transport = ScriptedTransport(responses)
        let writer = EWSMailboxWriter(try EWSClient.test(transport, sleeper: sleeper))
        return (
            try await writer.respond(to: ItemId("req1", changeKey: "ck"), with: MeetingReply(.accept, comment: "Yes")),
            transport
        )
    }

    @Test(arguments: [
        Result<HTTPResponse, TransportError>.failure(timeout),
        .failure(TransportError(.dropped, "connection closed", requestSent: true)),
        .failure(TransportError(.tooLarge, "too large", requestSent: true)),
        .success(
            HTTPResponse(
                status: 200,
                body: Array(
                    "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body><m:CreateItemRes".utf8))),
        .success(HTTPResponse(status: 504)),
        // Exchange's own 503 comes before any work, a proxy's after it: the client cannot tell which.
        .success(HTTPResponse(status: 503, headers: ["retry-after": "2"])),
        .success(HTTPResponse(status: 302, headers: ["location": "/ews/genericerrorpage.htm"])),
        .success(Reply.fault("ErrorInternalServerError")),
        .success(Reply.operation("CreateItem", [])),
    ])
    func replyWithUnknownOutcomeIsNotResent(_ first: Result<HTTPResponse, TransportError>) async throws {
        let (outcome, transport) = try await Self.respond([first, .success(Self.accepted)])
        guard case .unknown(let error) = outcome else {
            Issue.record("expected an unknown outcome, got \(outcome)")
            return
        }
        #expect(EWSError.unknownOutcome ~= error)
        #expect(error.message.contains("re-read"))
        #expect(transport.requests.count == 1)
        #expect(transport.requests.first?.isIdempotent == false)
    }

    @Test(arguments: [
        Result<HTTPResponse, TransportError>.failure(refused),
        .success(Reply.fault("ErrorServerBusy", backOff: 1_000)),
        .success(HTTPResponse(status: 429, headers: ["retry-after": "2"])),
        .success(Reply.operation("CreateItem", [Reply.error("CreateItem", "ErrorServerBusy", backOff: 1_000)])),
    ])
    func replyRefusedBeforeAnyWorkIsSentAgain(_ first: Result<HTTPResponse, TransportError>) async throws {
        let (outcome, transport) = try await Self.respond([first, .success(Self.accepted)])
        #expect(outcome == .answered(.success([])))
        #expect(transport.requests.count == 2)
    }

    @Test func replyRefusedByTheServerIsAnItemResult() async throws {
        let (outcome, transport) = try await Self.respond([
            .success(
                Reply.operation(
                    "CreateItem",
                    [
                        Reply.error("CreateItem", "ErrorCalendarMeetingRequestIsOutOfDate")
                    ]))
        ])
        guard case .answered(.failure(let error)) = outcome else {
            Issue.record("expected a refusal, got \(outcome)")
            return
        }
        #expect(error.responseCode == .calendarMeetingRequestIsOutOfDate)
        #expect(transport.requests.count == 1)
    }

    /// Refused before anything reached the mailbox: known not done, so not
    /// `unknown`, and the caller tells it from a refusal of the item by its kind.
    @Test func authenticationFailureOfAReplyIsARefusalNotUnknown() async throws {
        let (outcome, transport) = try await Self.respond([.success(HTTPResponse(status: 401))])
        guard case .answered(.failure(let error)) = outcome else {
            Issue.record("expected a refusal, got \(outcome)")
            return
        }
        #expect(EWSError.authentication ~= error)
        #expect(error.isConnectionProblem)
        #expect(transport.requests.count == 1)
    }

    // MARK: per-item busy

    @Test func onlyTheBusyItemsOfABatchAreSentAgain() async throws {
        let item = { (id: String) in
            Reply.success(
                "GetItem", "<m:Items>\(Reply.item("CalendarItem", id: id, "<t:Subject>\(id)</t:Subject>"))</m:Items>")
        }
        let transport = ScriptedTransport([
            .success(
                Reply.operation(
                    "GetItem",
                    [
                        item("a"), Reply.error("GetItem", "ErrorServerBusy", backOff: 1_500), item("c"),
                        Reply.error("GetItem", "ErrorServerBusy", backOff: 500),
                    ])),
            .success(Reply.operation("GetItem", [item("b"), item("d")])),
        ])
        let sleeper = RecordingSleeper()
        let results = try await EWSClient.test(transport, sleeper: sleeper).performEach(
            GetItem.calendarItems(["a", "b", "c", "d"].map { ItemId($0) }))
        #expect(results.map { $0.value?.subject } == ["a", "b", "c", "d"])
        #expect(sleeper.waits == [.milliseconds(1_500)])
        let second = try #require(transport.bodies.last)
        #expect(second.contains("Id=\"b\"") && second.contains("Id=\"d\""))
        #expect(!second.contains("Id=\"a\"") && !second.contains("Id=\"c\""))
    }

    @Test func transientItemErrorsAreRetriedForReadsButNotForReplies() async throws {
        let transient = Reply.error("GetItem", "ErrorInternalServerTransientError")
        let calendarItem = Reply.success("GetItem", "<m:Items>\(Reply.item("CalendarItem", id: "a"))</m:Items>")
        let read = ScriptedTransport([
            .success(Reply.operation("GetItem", [transient])), .success(Reply.operation("GetItem", [calendarItem])),
        ])
        let results = try await EWSClient.test(read).performEach(GetItem.calendarItems([ItemId("a")]))
        #expect(results.first?.value?.id.id == "a")
        #expect(read.requests.count == 2)

        let (outcome, write) = try await Self.respond([
            .success(Reply.operation("CreateItem", [Reply.error("CreateItem", "ErrorInternalServerTransientError")])),
            .success(Self.accepted),
        ])
        #expect(
            outcome
                == .answered(
                    .failure(
                        EWSError(
                            .item, "ErrorInternalServerTransientError happened",
                            responseCode: .internalServerTransientError))))
        #expect(write.requests.count == 1)
    }

    @Test func itemsStillBusyWhenTheBudgetEndsFailAsThrottled() async throws {
        let transport = ScriptedTransport { (_, _) throws(TransportError) in
            Reply.operation("DeleteItem", [Reply.error("DeleteItem", "ErrorServerBusy", backOff: 60_000)])
        }
        let client = try EWSClient.test(transport, retry: RetryPolicy(budget: .seconds(90)))
        let results = try await client.performEach(
            DeleteItem(ids: [ItemId("a")], deleteType: .hardDelete, cancellations: nil, suppressReadReceipts: true))
        #expect(results.first?.error.map { EWSError.throttled ~= $0 } == true)
        #expect(transport.requests.count == 2)
    }

    // MARK: headers

    @Test(arguments: MailboxAccess.allCases)
    func everyRequestCarriesTheAnchorMailboxAndTheRightHeaders(_ access: MailboxAccess) async throws {
        let transport = ScriptedTransport([.success(Self.emptyFind)])
        let reader = EWSMailboxReader(try EWSClient.test(transport, access: access))
        _ = try await reader.findMeetingMessages(in: .inbox, receivedFrom: nil, offset: 0, known: 0)
        let request = try #require(transport.requests.first)
        let headers = Dictionary(
            request.headers.map { ($0.name.lowercased(), $0.value) }, uniquingKeysWith: { a, _ in a })
        #expect(headers["x-anchormailbox"] == "room@example.com")
        #expect(headers["content-type"] == "text/xml; charset=utf-8")
        let body = try #require(transport.bodies.first)
        #expect(body.contains("<t:RequestServerVersion Version=\"Exchange2013_SP1\"/>"))
        #expect(body.contains("ExchangeImpersonation") == (access == .impersonation))
        #expect(
            body.contains("<t:Mailbox><t:EmailAddress>room@example.com</t:EmailAddress></t:Mailbox>")
                == (access == .delegate))
    }

    @Test(arguments: ["room@example.com\r\nX-Injected: 1", "room@example.com\nX-Injected: 1", "room@exa\rmple.com"])
    func aLineBreakInTheAnchorMailboxIsRefusedBeforeSending(_ address: String) async throws {
        let transport = ScriptedTransport([.success(Self.emptyFind)])
        let client = EWSClient(
            url: try #require(URL(string: "https://mail.example.com/EWS/Exchange.asmx")),
            account: MailboxAccount(address: address), transport: transport, sleeper: RecordingSleeper())
        let error = try await #require(throws: EWSError.self) {
            try await EWSMailboxReader(client).findMeetingMessages(in: .inbox, receivedFrom: nil, offset: 0, known: 0)
        }
        #expect(EWSError.invalidRequest ~= error)
        #expect(error.message.contains("X-AnchorMailbox"))
        #expect(transport.requests.isEmpty)
    }

    @Test func aRefused401NamesTheSchemesTheServerOffers() async throws {
        var headers: ResponseHeaders = ["www-authenticate": "Negotiate", "WWW-Authenticate": "NTLM"]
        headers.append(
            "WWW-Authenticate",
            #"Bearer client_id="00000002-0000-0ff1-ce00-000000000000", trusted_issuers="a@*,b@*", Basic Realm="""#)
        let transport = ScriptedTransport([.success(HTTPResponse(status: 401, headers: headers))])
        let error = try await #require(throws: EWSError.self) { try await EWSClient.test(transport).perform(Self.find) }
        #expect(EWSError.authentication ~= error)
        #expect(error.message.hasSuffix("(HTTP 401; it offers Negotiate, NTLM, Bearer, Basic)"))
    }
}
