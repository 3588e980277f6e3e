internal import CLibXML2

/// Bounds for parsing text that came from the network.
public struct ParseLimits: Sendable {
    /// Largest document accepted, in bytes.
    public var maxBytes: Int
    /// Deepest element nesting accepted.
    public var maxDepth: Int

    public init(maxBytes: Int = 32 << 20, maxDepth: Int = 64) {
        self.maxBytes = maxBytes
        self.maxDepth = maxDepth
    }
    public static let `default` = ParseLimits()
}

/// A parsed XML document. Parsing never touches the network, never expands
/// entities and refuses any DOCTYPE, so hostile input cannot pull in files or
/// blow up in memory (PRODUCT.md 7.8). Not thread-safe: one user at a time.
public final class XMLDocument {
    let doc: xmlDocPtr

    /// Parses the bytes at `bytes`, enforcing `limits`.
    public init(bytes: UnsafeRawBufferPointer, limits: ParseLimits = .default) throws(XMLError) {
        doc = try Self.parse(bytes, limits)
    }

    /// Parses a byte array.
    public init(_ bytes: [UInt8], limits: ParseLimits = .default) throws(XMLError) {
        let result = bytes.withUnsafeBytes { raw in Result { () throws(XMLError) in try Self.parse(raw, limits) } }
        doc = try result.get()
    }

    /// Parses a string.
    public convenience init(string: String, limits: ParseLimits = .default) throws(XMLError) {
        try self.init(Array(string.utf8), limits: limits)
    }

    private static func parse(_ bytes: UnsafeRawBufferPointer, _ limits: ParseLimits) throws(XMLError) -> xmlDocPtr {
        _ = LibXML2.initialized
        guard bytes.count <= limits.maxBytes else {
            throw XMLError(.tooLarge, "document of \(bytes.count) bytes exceeds the limit of \(limits.maxBytes)")
        }
        guard let base = bytes.baseAddress, bytes.count > 0 else { throw XMLError(.malformed, "empty document") }
        guard let ctxt = xmlNewParserCtxt() else { throw XMLError(.malformed, "out of memory") }
        defer { xmlFreeParserCtxt(ctxt) }
        // NONET: no network; NOERROR/NOWARNING: nothing on stderr; no NOENT (entities stay
        // unexpanded) and no DTDLOAD. NOBLANKS is not set: whitespace is content. COMPACT
        // keeps short texts inside their nodes, saving an allocation each: the tree is only read.
        let options = Int32(
            XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue | XML_PARSE_NOWARNING.rawValue
                | XML_PARSE_COMPACT.rawValue)
        let parsed = xmlCtxtReadMemory(
            ctxt, base.assumingMemoryBound(to: CChar.self), Int32(bytes.count), nil, "UTF-8", options)
        guard let parsed, ctxt.pointee.wellFormed != 0 else {
            if let parsed { xmlFreeDoc(parsed) }
            let (message, line, column) = withUnsafePointer(to: &ctxt.pointee.lastError) { LibXML2.describe($0) }
            throw XMLError(.malformed, message, line: line, column: column)
        }
        if parsed.pointee.intSubset != nil || parsed.pointee.extSubset != nil {
            xmlFreeDoc(parsed)
            throw XMLError(.doctypeForbidden, "a DOCTYPE is not allowed")
        }
        if let depth = depthExceeding(limits.maxDepth, from: xmlDocGetRootElement(parsed)) {
            xmlFreeDoc(parsed)
            throw XMLError(.tooDeep, "elements nested \(depth) deep exceed the limit of \(limits.maxDepth)")
        }
        return parsed
    }

    deinit { xmlFreeDoc(doc) }

    /// The root element.
    public var root: XMLElement? {
        xmlDocGetRootElement(doc).map { XMLElement(document: self, node: $0) }
    }

    /// Depth of the deepest element if it is over `limit`, walking without recursion.
    private static func depthExceeding(_ limit: Int, from root: xmlNodePtr?) -> Int? {
        var node = root
        var depth = 1
        while let current = node {
            if current.pointee.type == XML_ELEMENT_NODE, depth > limit { return depth }
            if let child = current.pointee.children, current.pointee.type == XML_ELEMENT_NODE {
                node = child
                depth += 1
                continue
            }
            var up: xmlNodePtr? = current
            while let u = up, u.pointee.next == nil {
                up = u.pointee.parent
                depth -= 1
                if depth == 0 { return nil }
            }
            node = up?.pointee.next
        }
        return nil
    }
}
