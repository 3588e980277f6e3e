internal import CLibXML2

/// An element of an `XMLDocument`. It keeps its document alive, so it can be
/// passed around freely while the document is in use (not across threads).
///
/// Lookups go by local name and ignore position, because real Exchange servers
/// send elements out of schema order and add elements the schema lacks.
public struct XMLElement {
    public let document: XMLDocument
    let node: xmlNodePtr

    init(document: XMLDocument, node: xmlNodePtr) {
        self.document = document
        self.node = node
    }

    /// The name without prefix.
    public var localName: String { LibXML2.string(node.pointee.name) ?? "" }

    /// The namespace URI, if the element has one.
    public var namespaceURI: String? { LibXML2.string(node.pointee.ns?.pointee.href) }

    /// The 1-based line the element starts on.
    public var line: Int { Int(xmlGetLineNo(node)) }

    /// The value of an unqualified attribute.
    public func attribute(_ name: String) -> String? {
        LibXML2.takeString(xmlGetNoNsProp(node, name))
    }

    /// All text inside the element, descendants included.
    public var text: String { LibXML2.takeString(xmlNodeGetContent(node)) ?? "" }

    /// The text with surrounding whitespace removed: codes and ids come padded
    /// from some servers (see the exchangelib fault samples).
    public var trimmedText: String { text.trimmed }

    /// The element children, in document order.
    public var children: [XMLElement] {
        var result: [XMLElement] = []
        var child = node.pointee.children
        while let c = child {
            if c.pointee.type == XML_ELEMENT_NODE { result.append(XMLElement(document: document, node: c)) }
            child = c.pointee.next
        }
        return result
    }

    /// The first child element with this local name, wherever it stands.
    public func child(_ localName: String) -> XMLElement? {
        var child = node.pointee.children
        while let c = child {
            if c.pointee.type == XML_ELEMENT_NODE, Self.hasName(c, localName) {
                return XMLElement(document: document, node: c)
            }
            child = c.pointee.next
        }
        return nil
    }

    /// Every child element with this local name.
    public func children(_ localName: String) -> [XMLElement] {
        children.filter { Self.hasName($0.node, localName) }
    }

    /// The trimmed text of the first child with this local name.
    public func childText(_ localName: String) -> String? { child(localName)?.trimmedText }

    /// Follows a path of local names: `element.path("Mailbox", "EmailAddress")`.
    public func path(_ names: String...) -> XMLElement? {
        var current: XMLElement? = self
        for name in names { current = current?.child(name) }
        return current
    }

    /// Elements matching an XPath expression evaluated with this element as
    /// the context node. `namespaces` maps the prefixes used in `xpath`.
    public func select(_ xpath: String, namespaces: [String: String] = [:]) throws(XMLError) -> [XMLElement] {
        guard let ctxt = xmlXPathNewContext(document.doc) else { throw XMLError(.xpath, "out of memory") }
        defer { xmlXPathFreeContext(ctxt) }
        ctxt.pointee.error = ignoreStructuredError
        ctxt.pointee.node = node
        for (prefix, uri) in namespaces where xmlXPathRegisterNs(ctxt, prefix, uri) != 0 {
            throw XMLError(.xpath, "cannot register namespace prefix '\(prefix)'")
        }
        guard let result = xmlXPathEvalExpression(xpath, ctxt) else {
            throw XMLError(.xpath, "invalid XPath expression '\(xpath)'")
        }
        defer { xmlXPathFreeObject(result) }
        guard result.pointee.type == XPATH_NODESET, let set = result.pointee.nodesetval else { return [] }
        var found: [XMLElement] = []
        for i in 0..<Int(set.pointee.nodeNr) {
            if let n = set.pointee.nodeTab[i], n.pointee.type == XML_ELEMENT_NODE {
                found.append(XMLElement(document: document, node: n))
            }
        }
        return found
    }

    /// Compares without copying `localName`: a page's parse asks this a hundred thousand times.
    private static func hasName(_ node: xmlNodePtr, _ localName: String) -> Bool {
        guard let name = node.pointee.name else { return false }
        var localName = localName
        return localName.withUTF8 { wanted in
            wanted.withMemoryRebound(to: xmlChar.self) { wanted in
                guard let base = wanted.baseAddress else { return name.pointee == 0 }
                return xmlStrncmp(name, base, Int32(wanted.count)) == 0 && name[wanted.count] == 0
            }
        }
    }
}

extension XMLDocument {
    /// Elements matching an XPath expression evaluated on the whole document.
    public func select(_ xpath: String, namespaces: [String: String] = [:]) throws(XMLError) -> [XMLElement] {
        guard let root else { return [] }
        return try root.select(xpath, namespaces: namespaces)
    }
}
