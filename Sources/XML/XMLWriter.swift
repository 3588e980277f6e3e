internal import CLibXML2

/// Builds an XML document with libxml2's writer, which escapes every text and
/// attribute value it is given; no XML is ever made by joining strings.
///
/// Characters that XML 1.0 cannot carry at all (most control characters) are
/// replaced by U+FFFD, so text from anywhere cannot make the output ill-formed.
/// Names are written as given (`"m:FindItem"`); declare the prefixes with
/// `namespace(_:_:)`. The first libxml2 failure is kept and thrown by `finish()`.
public final class XMLWriter {
    private let buffer: xmlBufferPtr
    private let writer: xmlTextWriterPtr
    private var failure: XMLError?

    public init() throws(XMLError) {
        _ = LibXML2.initialized
        guard let buffer = xmlBufferCreate() else { throw XMLError(.writer, "out of memory") }
        guard let writer = xmlNewTextWriterMemory(buffer, 0) else {
            xmlBufferFree(buffer)
            throw XMLError(.writer, "out of memory")
        }
        self.buffer = buffer
        self.writer = writer
        check(xmlTextWriterStartDocument(writer, "1.0", "utf-8", nil), "start document")
    }

    deinit {
        xmlFreeTextWriter(writer)
        xmlBufferFree(buffer)
    }

    /// Opens an element; close it with `end()`.
    public func start(_ name: String) {
        check(xmlTextWriterStartElement(writer, name), "start \(name)")
    }

    /// Closes the innermost open element.
    public func end() {
        check(xmlTextWriterEndElement(writer), "end element")
    }

    /// Adds an attribute to the element just opened.
    public func attribute(_ name: String, _ value: String) {
        check(xmlTextWriterWriteAttribute(writer, name, Self.clean(value)), "attribute \(name)")
    }

    /// Declares a namespace prefix on the element just opened.
    public func namespace(_ prefix: String, _ uri: String) {
        attribute("xmlns:\(prefix)", uri)
    }

    /// Writes escaped text content.
    public func text(_ value: String) {
        check(xmlTextWriterWriteString(writer, Self.clean(value)), "text")
    }

    /// An element with attributes and nested content.
    public func element(_ name: String, _ attributes: KeyValuePairs<String, String> = [:], content: () -> Void = {}) {
        start(name)
        for (key, value) in attributes { attribute(key, value) }
        content()
        end()
    }

    /// An element holding only text.
    public func element(_ name: String, _ attributes: KeyValuePairs<String, String> = [:], text value: String) {
        element(name, attributes) { text(value) }
    }

    /// Closes every open element and returns the document as UTF-8 bytes.
    public func finish() throws(XMLError) -> [UInt8] {
        check(xmlTextWriterEndDocument(writer), "end document")
        check(xmlTextWriterFlush(writer), "flush")
        if let failure { throw failure }
        let count = Int(xmlBufferLength(buffer))
        guard let content = xmlBufferContent(buffer) else { return [] }
        return Array(UnsafeBufferPointer(start: content, count: count))
    }

    /// `finish()` as a string.
    public func finishString() throws(XMLError) -> String {
        String(decoding: try finish(), as: UTF8.self)
    }

    private func check(_ rc: Int32, _ what: String) {
        if rc < 0, failure == nil { failure = XMLError(.writer, "XML writer failed at \(what)") }
    }

    /// Replaces the code points XML 1.0 forbids (C0 controls other than tab,
    /// newline and carriage return; U+FFFE, U+FFFF) with U+FFFD.
    static func clean(_ s: String) -> String {
        guard s.unicodeScalars.contains(where: isForbidden) else { return s }
        var out = String.UnicodeScalarView()
        for scalar in s.unicodeScalars {
            out.append(isForbidden(scalar) ? "\u{FFFD}" : scalar)
        }
        return String(out)
    }

    private static func isForbidden(_ c: Unicode.Scalar) -> Bool {
        (c.value < 0x20 && c.value != 0x9 && c.value != 0xA && c.value != 0xD) || c.value == 0xFFFE || c.value == 0xFFFF
    }
}
