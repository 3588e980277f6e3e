import EWS
import Foundation
import XML

/// A request-level failure, answered as a SOAP fault with HTTP 500 the way
/// Exchange does (PROTOCOL.md 9.1, samples/*.fault.xml).
struct SOAPFault: Error, Sendable {
    var code: ResponseCode
    var message: String
    /// Name/value pairs for `t:MessageXml` (e.g. BackOffMilliseconds).
    var values: [(String, String)] = []
    /// LineNumber, LinePosition and Violation of ErrorSchemaValidation.
    var schemaViolation: (line: Int, position: Int, violation: String)?

    init(_ code: ResponseCode, _ message: String) {
        self.code = code
        self.message = message
    }

    static func serverBusy(backOffMilliseconds: Int) -> SOAPFault {
        var fault = SOAPFault(.serverBusy, "The server cannot service this request right now. Try again later.")
        fault.values = [("BackOffMilliseconds", String(backOffMilliseconds))]
        return fault
    }

    /// Above the account's EWSMaxConcurrency, as Exchange Online words it and
    /// the details it gives (MessageXml values; EWS Managed API issue 293,
    /// https://github.com/OfficeDev/ews-managed-api/issues/293). Refused
    /// before any work, like ErrorServerBusy.
    static func exceededConnectionCount(limit: Int) -> SOAPFault {
        var fault = SOAPFault(
            ResponseCode(rawValue: "ErrorExceededConnectionCount"),
            "You have exceeded the available concurrent connections for your account. "
                + "Try again once your other requests have completed.")
        fault.values = [
            ("Policy", "MaxConcurrency"), ("MaxConcurrencyLimit", String(limit)),
            (
                "ErrorMessage",
                "This operation exceeds the throttling budget for policy part 'MaxConcurrency', policy value "
                    + "'\(limit)', Budget type: 'Ews'. Suggested backoff time 0 ms."
            ),
        ]
        return fault
    }

    static func schemaValidation(line: Int, position: Int, violation: String) -> SOAPFault {
        var fault = SOAPFault(.schemaValidation, "The request failed schema validation: \(violation)")
        fault.schemaViolation = (line, position, violation)
        return fault
    }
}

/// Writes SOAP envelopes with the ServerVersionInfo header that every
/// Exchange answer carries (clients such as exchangelib read it).
struct EnvelopeWriter {
    let serverVersion: ServerVersion

    /// An envelope whose body `content` writes.
    func envelope(_ content: (XMLWriter) throws -> Void) throws -> [UInt8] {
        let out = try XMLWriter()
        out.start("s:Envelope")
        out.namespace("s", Namespace.soap)
        out.element("s:Header") {
            out.element(
                "h:ServerVersionInfo",
                [
                    "MajorVersion": String(serverVersion.major), "MinorVersion": String(serverVersion.minor),
                    "MajorBuildNumber": String(serverVersion.majorBuild),
                    "MinorBuildNumber": String(serverVersion.minorBuild),
                    "Version": serverVersion.version, "xmlns:h": Namespace.types, "xmlns": Namespace.types,
                ])
        }
        out.start("s:Body")
        try content(out)
        out.end()
        out.end()
        return try out.finish()
    }

    func fault(_ fault: SOAPFault) throws -> [UInt8] {
        try envelope { out in
            out.element("s:Fault") {
                out.element("faultcode", ["xmlns:a": Namespace.types], text: "a:" + fault.code.rawValue)
                out.element("faultstring", ["xml:lang": "en-US"], text: fault.message)
                out.element("detail") {
                    out.element("e:ResponseCode", ["xmlns:e": Namespace.errors], text: fault.code.rawValue)
                    out.element("e:Message", ["xmlns:e": Namespace.errors], text: fault.message)
                    if !fault.values.isEmpty || fault.schemaViolation != nil {
                        out.element("t:MessageXml", ["xmlns:t": Namespace.types]) {
                            if let v = fault.schemaViolation {
                                out.element("t:LineNumber", text: String(v.line))
                                out.element("t:LinePosition", text: String(v.position))
                                out.element("t:Violation", text: v.violation)
                            }
                            for (name, value) in fault.values { out.element("t:Value", ["Name": name], text: value) }
                        }
                    }
                }
            }
        }
    }
}

/// What the sandbox reports as its version (Exchange 2019 CU14 by default).
public struct ServerVersion: Sendable, Codable {
    public var major = 15
    public var minor = 2
    public var majorBuild = 1544
    public var minorBuild = 4
    public var version = "V2017_07_11"
    public init() {}
}

/// Writes the `m:…ResponseMessage` envelope of one per-item result
/// (ResponseMessageType: MessageText, ResponseCode, DescriptiveLinkKey, MessageXml).
enum ResponseMessage {
    /// `error` for an item not done; `warning` for a remark on one that was done.
    /// ErrorBatchProcessingStopped is a Warning, the class Exchange gives an item
    /// "not processed" because an earlier one failed (PROTOCOL.md 9.1).
    static func write(
        _ name: String, error: StoreError?, warning: StoreError? = nil, to out: XMLWriter, content: () -> Void = {}
    ) {
        let remark = error ?? warning
        let responseClass =
            if let error { error.code == .batchProcessingStopped ? "Warning" : "Error" } else {
                warning == nil ? "Success" : "Warning"
            }
        out.element("m:\(name)ResponseMessage", ["ResponseClass": responseClass]) {
            if let remark {
                out.element("m:MessageText", text: remark.message)
                out.element("m:ResponseCode", text: remark.code.rawValue)
                out.element("m:DescriptiveLinkKey", text: "0")
            } else {
                out.element("m:ResponseCode", text: ResponseCode.noError.rawValue)
            }
            content()
        }
    }

    /// The `m:<Operation>Response` wrapper with its namespace declarations.
    static func response(_ operation: String, to out: XMLWriter, content: () -> Void) {
        out.element("m:\(operation)Response", ["xmlns:m": Namespace.messages, "xmlns:t": Namespace.types]) {
            out.element("m:ResponseMessages") { content() }
        }
    }
}
