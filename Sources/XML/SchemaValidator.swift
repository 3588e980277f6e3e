internal import CLibXML2
import Foundation

/// One schema violation, located in the validated document.
public struct SchemaViolation: Sendable, Equatable, CustomStringConvertible {
    public let message: String
    public let line: Int?
    public let column: Int?
    public var description: String {
        (line.map { "line \($0)" + (column.map { ", column \($0)" } ?? "") + ": " } ?? "") + message
    }
}

/// The EWS schema (`messages.xsd` + `types.xsd`), compiled once and used to
/// validate request and response elements in place.
///
/// `types.xsd` imports the XML namespace without a location and uses
/// `xml:lang`, which libxml2 cannot resolve offline; so a small wrapper schema
/// that loads a stand-in for the XML namespace first is written next to a
/// temporary copy of nothing but that wrapper (`shared/ews/README.md`).
/// The compiled schema is read-only and shared; each validation has its own
/// context, so validations may run on several threads at once.
public final class SchemaValidator: @unchecked Sendable {
    private let schema: xmlSchemaPtr

    /// Compiles the schema in `directory` (which holds `messages.xsd` and `types.xsd`).
    public init(directory: String) throws(XMLError) {
        _ = LibXML2.initialized
        let messages = URL(fileURLWithPath: directory).appendingPathComponent("messages.xsd").standardizedFileURL
        guard FileManager.default.isReadableFile(atPath: messages.path) else {
            throw XMLError(.schema, "no readable messages.xsd in \(directory)")
        }
        let temp = FileManager.default.temporaryDirectory.appendingPathComponent("meetingbot-xsd-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: temp) }
        let wrapper = temp.appendingPathComponent("wrapper.xsd")
        do {
            try FileManager.default.createDirectory(at: temp, withIntermediateDirectories: true)
            try Self.xmlNamespaceSchema.write(
                to: temp.appendingPathComponent("xml.xsd"), atomically: true, encoding: .utf8)
            try Self.wrapperSchema(messages: messages.absoluteString).write(
                to: wrapper, atomically: true, encoding: .utf8)
        } catch {
            throw XMLError(.schema, "cannot prepare the schema wrapper: \(error)")
        }
        guard let parser = xmlSchemaNewParserCtxt(wrapper.path) else { throw XMLError(.schema, "out of memory") }
        defer { xmlSchemaFreeParserCtxt(parser) }
        let sink = ErrorSink()
        xmlSchemaSetParserStructuredErrors(parser, ErrorSink.collect, Unmanaged.passUnretained(sink).toOpaque())
        guard let compiled = xmlSchemaParse(parser) else {
            throw XMLError(
                .schema, "cannot compile \(messages.path): " + (sink.violations.first?.message ?? "unknown error"))
        }
        schema = compiled
    }

    deinit { xmlSchemaFree(schema) }

    /// Violations of `element` (a global element of the EWS messages or types
    /// namespace, such as `m:FindItem` or `t:RequestServerVersion`); empty when valid.
    public func violations(of element: XMLElement) -> [SchemaViolation] {
        guard let ctxt = xmlSchemaNewValidCtxt(schema) else {
            return [SchemaViolation(message: "out of memory", line: nil, column: nil)]
        }
        defer { xmlSchemaFreeValidCtxt(ctxt) }
        let sink = ErrorSink()
        xmlSchemaSetValidStructuredErrors(ctxt, ErrorSink.collect, Unmanaged.passUnretained(sink).toOpaque())
        let rc = withExtendedLifetime(sink) { xmlSchemaValidateOneElement(ctxt, element.node) }
        if rc != 0, sink.violations.isEmpty {
            return [SchemaViolation(message: "validation failed (libxml2 code \(rc))", line: nil, column: nil)]
        }
        return sink.violations
    }

    /// Violations of a SOAP envelope: the first element of the Body and, with
    /// `headers`, every Header child in the EWS types namespace.
    public func violations(ofEnvelope document: XMLDocument, headers: Bool = true) -> [SchemaViolation] {
        guard let envelope = document.root, envelope.localName == "Envelope",
            let body = envelope.child("Body"), let first = body.children.first
        else { return [SchemaViolation(message: "not a SOAP envelope with a Body element", line: nil, column: nil)] }
        var found = violations(of: first)
        if headers, let header = envelope.child("Header") {
            for h in header.children where h.namespaceURI == Self.typesNamespace {
                found += violations(of: h)
            }
        }
        return found
    }

    static let typesNamespace = "http://schemas.microsoft.com/exchange/services/2006/types"

    /// Collects libxml2's structured errors.
    private final class ErrorSink {
        var violations: [SchemaViolation] = []
        static let collect: xmlStructuredErrorFunc = { context, error in
            guard let context else { return }
            let sink = Unmanaged<ErrorSink>.fromOpaque(context).takeUnretainedValue()
            let (message, line, column) = LibXML2.describe(error.map { UnsafePointer($0) })
            sink.violations.append(SchemaViolation(message: message, line: line, column: column))
        }
    }

    private static func wrapperSchema(messages: String) -> String {
        """
        <?xml version="1.0" encoding="utf-8"?>
        <xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:meetingbot:schema-wrapper">
          <xs:import namespace="http://www.w3.org/XML/1998/namespace" schemaLocation="xml.xsd"/>
          <xs:import namespace="http://schemas.microsoft.com/exchange/services/2006/messages" schemaLocation="\(messages)"/>
        </xs:schema>
        """
    }

    /// The attributes of the XML namespace, as in W3C's xml.xsd.
    private static let xmlNamespaceSchema = """
        <?xml version="1.0" encoding="utf-8"?>
        <xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="http://www.w3.org/XML/1998/namespace">
          <xs:attribute name="lang"><xs:simpleType><xs:union memberTypes="xs:language">
            <xs:simpleType><xs:restriction base="xs:string"><xs:enumeration value=""/></xs:restriction></xs:simpleType>
          </xs:union></xs:simpleType></xs:attribute>
          <xs:attribute name="space"><xs:simpleType><xs:restriction base="xs:NCName">
            <xs:enumeration value="default"/><xs:enumeration value="preserve"/>
          </xs:restriction></xs:simpleType></xs:attribute>
          <xs:attribute name="base" type="xs:anyURI"/>
          <xs:attribute name="id" type="xs:ID"/>
        </xs:schema>
        """
}
