internal import CLibXML2

/// Bounds for parsing text that came from the network.
public struct ParseLimits: Sendable {
    /// Largest document accepted, in bytes (and never more than libxml2 can
    /// be handed at once, 2 GiB).
    public var maxBytes: Int
    /// Deepest element nesting accepted.
    public var maxDepth: Int
    /// Longest run of character data between two tags, and longest attribute
    /// value, in bytes: the limit libxml2 keeps for a text node without
    /// XML_PARSE_HUGE, kept here instead so that the error says what it is.
    public var maxTextBytes: Int
    /// Most attributes (namespace declarations included) on one element.
    /// libxml2 looks for a duplicate among the earlier attributes of a tag
    /// for each one it reads, so a tag with a million attributes would take
    /// hours; EWS elements carry a handful.
    public var maxAttributes: Int

    public init(maxBytes: Int = 32 << 20, maxDepth: Int = 64, maxTextBytes: Int = 10_000_000, maxAttributes: Int = 256)
    {
        self.maxBytes = maxBytes
        self.maxDepth = maxDepth
        self.maxTextBytes = maxTextBytes
        self.maxAttributes = maxAttributes
    }
    public static let `default` = ParseLimits()
}

/// A parsed XML document. Parsing never touches the network, never expands
/// entities and refuses any DOCTYPE as soon as it starts, before a single
/// declaration in it is read, so hostile input cannot pull in files or blow
/// up in memory (PRODUCT.md 7.8); nesting, text and attributes are bounded
/// by `ParseLimits` while parsing, not after. Not thread-safe: one user at a time.
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
        let limit = min(limits.maxBytes, Int(Int32.max))
        guard bytes.count <= limit else {
            throw XMLError(.tooLarge, "document of \(bytes.count) bytes exceeds the limit of \(limit)")
        }
        guard let base = bytes.baseAddress, bytes.count > 0 else { throw XMLError(.malformed, "empty document") }
        if let line = AttributeCount.firstTag(in: bytes, over: limits.maxAttributes) {
            throw XMLError(.tooLarge, "a tag with more than \(limits.maxAttributes) attributes", line: line)
        }
        guard let ctxt = xmlNewParserCtxt() else { throw XMLError(.malformed, "out of memory") }
        defer { xmlFreeParserCtxt(ctxt) }
        let watch = ParseWatch(limits)
        watch.install(on: ctxt)
        // NONET: no network; NOERROR/NOWARNING: nothing on stderr; no NOENT (entities stay
        // unexpanded) and no DTDLOAD. NOBLANKS is not set: whitespace is content. HUGE lifts
        // libxml2's own limits, which the watch keeps instead (with the size limit above, and no
        // DOCTYPE, hence no entity): without it libxml2 2.9 stops with "Huge input lookup" once it
        // has read 10 MB past texts of 100 KB and more, as a batch of long message bodies is. COMPACT
        // keeps short texts inside their nodes, saving an allocation each: the tree is only read.
        let options = Int32(
            XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue | XML_PARSE_NOWARNING.rawValue
                | XML_PARSE_HUGE.rawValue | XML_PARSE_COMPACT.rawValue)
        let parsed = withExtendedLifetime(watch) {
            xmlCtxtReadMemory(ctxt, base.assumingMemoryBound(to: CChar.self), Int32(bytes.count), nil, "UTF-8", options)
        }
        if let refusal = watch.refusal {
            if let parsed { xmlFreeDoc(parsed) }
            throw refusal
        }
        guard let parsed, ctxt.pointee.wellFormed != 0 else {
            if let parsed { xmlFreeDoc(parsed) }
            let (message, line, column) = withUnsafePointer(to: &ctxt.pointee.lastError) { LibXML2.describe($0) }
            throw XMLError(.malformed, message, line: line, column: column)
        }
        return parsed
    }

    deinit { xmlFreeDoc(doc) }

    /// The root element.
    public var root: XMLElement? {
        xmlDocGetRootElement(doc).map { XMLElement(document: self, node: $0) }
    }
}

/// Follows one parse through libxml2's SAX callbacks (which still build the
/// tree) and stops it at the first thing `ParseLimits` refuses. It reaches the
/// callbacks through the parser context's `_private`, which libxml2 leaves alone.
private final class ParseWatch {
    let limits: ParseLimits
    var depth = 0
    /// Bytes of character data since the last tag.
    var text = 0
    var refusal: XMLError?

    init(_ limits: ParseLimits) { self.limits = limits }

    func install(on ctxt: xmlParserCtxtPtr) {
        ctxt.pointee._private = Unmanaged.passUnretained(self).toOpaque()
        guard let sax = ctxt.pointee.sax else { return }
        sax.pointee.internalSubset = Self.doctype
        sax.pointee.startElementNs = Self.start
        sax.pointee.endElementNs = Self.end
        sax.pointee.characters = Self.characters
        // libxml2 keeps whitespace as text only while this is the same function as `characters`.
        sax.pointee.ignorableWhitespace = Self.characters
        sax.pointee.cdataBlock = Self.cdata
    }

    /// The watch of a callback's context. A context without one cannot be
    /// checked, so it is stopped: no parse runs unwatched.
    private static func watch(_ ctx: UnsafeMutableRawPointer?) -> ParseWatch? {
        guard let watch = ctx?.assumingMemoryBound(to: xmlParserCtxt.self).pointee._private else { return nil }
        return Unmanaged<ParseWatch>.fromOpaque(watch).takeUnretainedValue()
    }

    /// Stops the parse; the refusal is its error unless libxml2 found one first.
    private func refuse(_ code: XMLError.Code, _ message: String, _ ctx: UnsafeMutableRawPointer?) {
        let line = Int(xmlSAX2GetLineNumber(ctx))
        let column = Int(xmlSAX2GetColumnNumber(ctx))
        if refusal == nil, ctx?.assumingMemoryBound(to: xmlParserCtxt.self).pointee.wellFormed != 0 {
            refusal = XMLError(code, message, line: line > 0 ? line : nil, column: column > 0 ? column : nil)
        }
        xmlStopParser(ctx?.assumingMemoryBound(to: xmlParserCtxt.self))
    }

    /// Counts character data; false (and the parse stopped) once it is over the limit.
    private func addText(_ length: Int32, _ ctx: UnsafeMutableRawPointer?) -> Bool {
        text += Int(length)
        guard text <= limits.maxTextBytes else {
            refuse(.tooLarge, "more than \(limits.maxTextBytes) bytes of text in one run", ctx)
            return false
        }
        return true
    }

    private static let doctype: internalSubsetSAXFunc = { ctx, _, _, _ in
        guard let watch = watch(ctx) else { return stop(ctx) }
        watch.refuse(.doctypeForbidden, "a DOCTYPE is not allowed", ctx)
    }

    private static let start: startElementNsSAX2Func = {
        ctx, name, prefix, uri, namespaceCount, namespaces, attributeCount, defaulted, attributes in
        guard let watch = watch(ctx) else { return stop(ctx) }
        watch.depth += 1
        watch.text = 0
        guard watch.depth <= watch.limits.maxDepth else {
            return watch.refuse(
                .tooDeep, "elements nested \(watch.depth) deep exceed the limit of \(watch.limits.maxDepth)", ctx)
        }
        // Each attribute is five pointers: name, prefix, URI, value start and value end.
        for i in 0..<Int(attributeCount) {
            guard let start = attributes?[5 * i + 3], let end = attributes?[5 * i + 4] else { continue }
            if end - start > watch.limits.maxTextBytes {
                return watch.refuse(
                    .tooLarge,
                    "an attribute value of \(end - start) bytes exceeds the limit of "
                        + "\(watch.limits.maxTextBytes)", ctx)
            }
        }
        xmlSAX2StartElementNs(
            ctx, name, prefix, uri, namespaceCount, namespaces, attributeCount, defaulted, attributes)
    }

    private static let end: endElementNsSAX2Func = { ctx, name, prefix, uri in
        guard let watch = watch(ctx) else { return stop(ctx) }
        watch.depth -= 1
        watch.text = 0
        xmlSAX2EndElementNs(ctx, name, prefix, uri)
    }

    private static let characters: charactersSAXFunc = { ctx, bytes, length in
        guard let watch = watch(ctx) else { return stop(ctx) }
        if watch.addText(length, ctx) { xmlSAX2Characters(ctx, bytes, length) }
    }

    private static let cdata: cdataBlockSAXFunc = { ctx, bytes, length in
        guard let watch = watch(ctx) else { return stop(ctx) }
        if watch.addText(length, ctx) { xmlSAX2CDataBlock(ctx, bytes, length) }
    }

    private static func stop(_ ctx: UnsafeMutableRawPointer?) {
        xmlStopParser(ctx?.assumingMemoryBound(to: xmlParserCtxt.self))
    }
}
