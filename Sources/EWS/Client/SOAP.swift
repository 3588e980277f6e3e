import Foundation
import XML

/// The SOAP headers of every request for one mailbox (PROTOCOL.md 2.1, 2.2).
struct RequestHeader: Sendable {
    var version: ExchangeVersion
    /// The mailbox to impersonate, by primary SMTP address.
    var impersonate: String?
}

/// SOAP 1.1 envelopes: writing requests, reading answers and faults.
enum SOAP {
    static func envelope(_ operation: some EWSOperation, header: RequestHeader) throws(EWSError) -> [UInt8] {
        do {
            let w = try XMLWriter()
            w.element("soap:Envelope") {
                w.namespace("soap", Namespace.soap)
                w.namespace("t", Namespace.types)
                w.namespace("m", Namespace.messages)
                w.element("soap:Header") {
                    w.element("t:RequestServerVersion", ["Version": header.version.rawValue])
                    if let mailbox = header.impersonate {
                        w.element("t:ExchangeImpersonation") {
                            w.element("t:ConnectingSID") { w.element("t:PrimarySmtpAddress", text: mailbox) }
                        }
                    }
                }
                w.element("soap:Body") { operation.writeBody(to: w) }
            }
            return try w.finish()
        } catch {
            throw EWSError(.invalidRequest, "cannot write the \(type(of: operation).name) request: \(error)")
        }
    }

    /// The element inside the SOAP Body of a successful answer, or the
    /// error the answer stands for.
    static func body(of response: HTTPResponse, operation: String) throws(EWSError) -> XMLElement {
        // The transport has bounded the size already (TransportOptions.maxResponseBytes).
        var document: XMLDocument?
        var unreadable: XMLError?
        do {
            document = try XMLDocument(response.body, limits: ParseLimits(maxBytes: max(response.body.count, 1)))
        } catch {
            unreadable = error
        }
        let content = document?.root.flatMap { $0.localName == "Envelope" ? $0.child("Body")?.children.first : nil }
        if let content, content.localName == "Fault" {
            throw fault(content, status: response.status)
        }
        guard response.status == 200 else { throw httpError(response) }
        guard let content else {
            // Why the XML could not be read says where a garbled or hostile answer went wrong.
            let reason = unreadable.map { ": it cannot be read as XML (\($0))" } ?? ""
            throw EWSError(
                .invalidResponse, "the answer to \(operation) is not a SOAP envelope with a body\(reason)",
                httpStatus: 200)
        }
        guard content.localName == "\(operation)Response" else {
            throw EWSError(.invalidResponse, "expected \(operation)Response, got \(content.localName)", httpStatus: 200)
        }
        return content
    }

    /// A SOAP fault: the code from `detail/ResponseCode` (trimmed: servers pad
    /// it), else from `faultcode` without its prefix; the back-off hint and the
    /// schema-validation position from `detail/MessageXml` (PROTOCOL.md 9.1).
    static func fault(_ fault: XMLElement, status: Int) -> EWSError {
        let detail = fault.child("detail")
        let code =
            detail?.childText("ResponseCode")
            ?? fault.childText("faultcode").map { String($0.split(separator: ":").last ?? "") }
            ?? "Fault"
        let message = detail?.childText("Message") ?? fault.childText("faultstring") ?? ""
        let details = MessageDetails(detail?.child("MessageXml"))
        return EWSError(
            .fault, message, responseCode: ResponseCode(rawValue: code), httpStatus: status,
            backOff: details.backOff, schemaViolation: details.schemaViolation)
    }

    static func httpError(_ response: HTTPResponse) -> EWSError {
        let status = response.status
        let wait = response.headers["retry-after"].flatMap { retryAfter($0) }
        switch status {
        case 401:
            // What the server offers tells a wrong password from a scheme it does not take.
            let offered = authenticationSchemes(response.headers.values("www-authenticate"))
            let note = offered.isEmpty ? "" : "; it offers \(offered.joined(separator: ", "))"
            return EWSError(
                .authentication, "the server refused the credentials (HTTP 401\(note))", httpStatus: status)
        case 403:
            return EWSError(
                .authentication, "the account may not use EWS on this server (HTTP 403)", httpStatus: status)
        case 429, 503:
            return EWSError(.http, "the server is busy (HTTP \(status))", httpStatus: status, backOff: wait)
        case 300..<400:
            // Exchange redirects to /ews/genericerrorpage.htm during outages.
            return EWSError(
                .http, "the server redirected the request (HTTP \(status)), usually a transient outage",
                httpStatus: status)
        default:
            return EWSError(.http, "the server answered HTTP \(status)", httpStatus: status, backOff: wait)
        }
    }

    /// The scheme names of `WWW-Authenticate` values, in order, once each. A
    /// value may hold several challenges (Exchange Online: `Bearer client_id="…",
    /// Basic Realm=""`): each is a name and its parameters, and parameters
    /// (`name=value`) and challenges are both separated by commas outside
    /// quotes (RFC 9110 11.6.1).
    static func authenticationSchemes(_ values: [String]) -> [String] {
        var schemes: [String] = []
        for value in values {
            var pieces = [""]
            var quoted = false
            for character in value {
                if character == "\"" { quoted.toggle() }
                if character == ",", !quoted { pieces.append("") } else { pieces[pieces.count - 1].append(character) }
            }
            for piece in pieces {
                let name = String(piece.trimmed.prefix { !$0.isWhitespace })
                if !name.isEmpty, !name.contains("="), !schemes.contains(name) { schemes.append(name) }
            }
        }
        return schemes
    }

    /// `Retry-After`: seconds, or an HTTP date.
    static func retryAfter(_ value: String, now: Date = Date()) -> Duration? {
        let text = value.trimmingCharacters(in: .whitespaces)
        if let seconds = Int(text) { return seconds >= 0 ? .seconds(seconds) : nil }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = formatter.date(from: text) else { return nil }
        return .milliseconds(max(0, Int(date.timeIntervalSince(now) * 1000)))
    }
}

/// What a `MessageXml` element carries: the back-off hint of ErrorServerBusy
/// and the position of an ErrorSchemaValidation.
struct MessageDetails {
    var backOff: Duration?
    var schemaViolation: SchemaViolationReport?

    init(_ xml: XMLElement?) {
        guard let xml else { return }
        let backOffValue = xml.children("Value").first { $0.attribute("Name")?.trimmed == "BackOffMilliseconds" }
        backOff = backOffValue.flatMap { Int($0.trimmedText) }.map { .milliseconds($0) }
        let line = xml.childText("LineNumber").flatMap { Int($0) }
        let position = xml.childText("LinePosition").flatMap { Int($0) }
        let violation = xml.childText("Violation")
        if line != nil || position != nil || violation != nil {
            schemaViolation = SchemaViolationReport(line: line, position: position, violation: violation)
        }
    }
}

/// One `…ResponseMessage` of an answer (PROTOCOL.md 9.1, layer 3).
struct ResponseMessage {
    let element: XMLElement
    let error: EWSError?
    let isWarning: Bool

    init(_ element: XMLElement) {
        self.element = element
        let code = ResponseCode(rawValue: element.childText("ResponseCode") ?? "NoError")
        let declared = element.attribute("ResponseClass")?.trimmed
        let responseClass = declared.flatMap(ResponseClass.init(rawValue:)) ?? (code == .noError ? .success : .error)
        // A Warning remarks on an item that was done, except ErrorBatchProcessingStopped:
        // that item "could not be processed" (PROTOCOL.md 9.1), so it is an error.
        isWarning = responseClass == .warning && code != .batchProcessingStopped
        if responseClass == .success {
            error = nil
        } else {
            let details = MessageDetails(element.child("MessageXml"))
            // Exchange says what went wrong; a message that says nothing but NoError still
            // gets words, so that no error or warning reads as just "NoError".
            let text = element.childText("MessageText") ?? ""
            let message =
                text.isEmpty && code == .noError
                ? "\(element.localName) has ResponseClass \(responseClass.rawValue) but no error code" : text
            error = EWSError(
                .item, message, responseCode: code, backOff: details.backOff, schemaViolation: details.schemaViolation)
        }
    }

    /// Every response message of `response` (`m:ResponseMessages/*`).
    static func all(in response: XMLElement) throws(EWSError) -> [ResponseMessage] {
        guard let messages = response.child("ResponseMessages") else {
            throw EWSError(.invalidResponse, "\(response.localName) has no ResponseMessages")
        }
        return messages.children.map(ResponseMessage.init)
    }

    /// The single response message of a one-message operation (FindItem);
    /// an error in it is thrown.
    static func single(in response: XMLElement) throws(EWSError) -> XMLElement {
        guard let message = try all(in: response).first else {
            throw EWSError(.invalidResponse, "\(response.localName) has no response message")
        }
        if let error = message.error, !message.isWarning { throw error }
        return message.element
    }

    /// The message as an item result, reading its value with `read`.
    func result<Value>(_ read: (XMLElement) throws(EWSError) -> Value) -> ItemResult<Value> {
        if let error, !isWarning { return .failure(error) }
        do {
            let value = try read(element)
            return error.map { .warning(value, $0) } ?? .success(value)
        } catch {
            return .failure(error)
        }
    }
}
