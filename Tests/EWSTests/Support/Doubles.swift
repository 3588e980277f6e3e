import Foundation
import Synchronization
import Testing
@testable import EWS

/// An in-memory `HTTPTransport`: answers with `handler` and records what it was sent.
final class ScriptedTransport: HTTPTransport {
    typealias Handler = @Sendable (_ request: HTTPRequest, _ call: Int) throws(TransportError) -> HTTPResponse
    private let handler: Handler
    private let log = Mutex<[HTTPRequest]>([])

    init(_ handler: @escaping Handler) { self.handler = handler }

    /// Answers the calls in turn with `responses`; calls beyond them fail the test's expectations.
    convenience init(_ responses: [Result<HTTPResponse, TransportError>]) {
        self.init { (_, call) throws(TransportError) in
            guard call < responses.count else { return HTTPResponse(status: 599) }
            return try responses[call].get()
        }
    }

    var requests: [HTTPRequest] { log.withLock { $0 } }

    /// The request bodies as text.
    var bodies: [String] { requests.map { String(decoding: $0.body, as: UTF8.self) } }

    func send(_ request: HTTPRequest) async throws(TransportError) -> HTTPResponse {
        let call = log.withLock { log in
            log.append(request)
            return log.count - 1
        }
        return try handler(request, call)
    }
}

/// A sleeper that only records the waits it was asked for.
final class RecordingSleeper: Sleeper {
    private let log = Mutex<[Duration]>([])
    var waits: [Duration] { log.withLock { $0 } }
    func sleep(for duration: Duration) async { log.withLock { $0.append(duration) } }
}

/// SOAP answers as Exchange writes them, for the in-memory tests.
enum Reply {
    static func envelope(_ body: String) -> String {
        """
        <?xml version="1.0" encoding="utf-8"?>
        <s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/">
          <s:Header><h:ServerVersionInfo MajorVersion="15" MinorVersion="2" MajorBuildNumber="1544" MinorBuildNumber="4" Version="V2017_07_11" xmlns:h="http://schemas.microsoft.com/exchange/services/2006/types"/></s:Header>
          <s:Body>\(body)</s:Body>
        </s:Envelope>
        """
    }

    static func ok(_ body: String) -> HTTPResponse {
        HTTPResponse(
            status: 200, headers: ["content-type": "text/xml; charset=utf-8"], body: Array(envelope(body).utf8))
    }

    /// `<m:NameResponse>` with these response messages.
    static func operation(_ name: String, _ messages: [String]) -> HTTPResponse {
        ok(
            """
            <m:\(name)Response xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages" xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types">
              <m:ResponseMessages>\(messages.joined())</m:ResponseMessages>
            </m:\(name)Response>
            """)
    }

    static func success(_ name: String, _ content: String = "") -> String {
        "<m:\(name)ResponseMessage ResponseClass=\"Success\"><m:ResponseCode>NoError</m:ResponseCode>\(content)</m:\(name)ResponseMessage>"
    }

    static func error(_ name: String, _ code: String, backOff: Int? = nil, responseClass: String = "Error") -> String {
        let xml =
            backOff.map { "<m:MessageXml><t:Value Name=\"BackOffMilliseconds\">\($0)</t:Value></m:MessageXml>" } ?? ""
        return
            "<m:\(name)ResponseMessage ResponseClass=\"\(responseClass)\"><m:MessageText>\(code) happened</m:MessageText><m:ResponseCode>\(code)</m:ResponseCode><m:DescriptiveLinkKey>0</m:DescriptiveLinkKey>\(xml)</m:\(name)ResponseMessage>"
    }

    /// A SOAP fault (HTTP 500) as Exchange sends ErrorServerBusy and friends.
    static func fault(_ code: String, backOff: Int? = nil, status: Int = 500) -> HTTPResponse {
        let xml =
            backOff.map {
                "<t:MessageXml xmlns:t=\"http://schemas.microsoft.com/exchange/services/2006/types\"><t:Value Name=\"BackOffMilliseconds\">\($0)</t:Value></t:MessageXml>"
            } ?? ""
        let body = """
            <s:Fault><faultcode xmlns:a="http://schemas.microsoft.com/exchange/services/2006/types">a:\(code)</faultcode>
              <faultstring xml:lang="en-US">\(code) fault</faultstring>
              <detail><e:ResponseCode xmlns:e="http://schemas.microsoft.com/exchange/services/2006/errors"> \(code) </e:ResponseCode>
                <e:Message xmlns:e="http://schemas.microsoft.com/exchange/services/2006/errors">\(code) fault</e:Message>\(xml)</detail>
            </s:Fault>
            """
        return HTTPResponse(status: status, body: Array(envelope(body).utf8))
    }

    static func item(_ element: String, id: String, _ content: String = "") -> String {
        "<t:\(element)><t:ItemId Id=\"\(id)\" ChangeKey=\"ck-\(id)\"/>\(content)</t:\(element)>"
    }
}

extension EWSClient {
    /// A client over `transport` for tests: no real waiting, `own` access.
    static func test(
        _ transport: any HTTPTransport, sleeper: any Sleeper = RecordingSleeper(),
        access: MailboxAccess = .own, retry: RetryPolicy = RetryPolicy()
    ) throws -> EWSClient {
        EWSClient(
            url: try #require(URL(string: "https://mail.example.com/EWS/Exchange.asmx")),
            account: MailboxAccount(address: "room@example.com", access: access),
            transport: transport, retry: retry, sleeper: sleeper)
    }
}

/// Counts the requests it passes on to another transport.
final class CountingTransport: HTTPTransport {
    private let inner: any HTTPTransport
    private let count = Mutex(0)

    init(_ inner: any HTTPTransport) { self.inner = inner }

    var calls: Int { count.withLock { $0 } }

    func send(_ request: HTTPRequest) async throws(TransportError) -> HTTPResponse {
        count.withLock { $0 += 1 }
        return try await inner.send(request)
    }
}

extension MailboxReader {
    /// Every meeting message of `folder` through the scan, leaving each in
    /// place: what tests that look at a whole folder need.
    func everyMeetingMessage(in folder: Folder) async throws -> [MessageSummary] {
        var scan = MeetingMessageScan(self, folder: folder)
        var found: [MessageSummary] = []
        while let page = try await scan.next() { found += page }
        return found
    }
}
