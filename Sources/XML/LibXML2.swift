internal import CLibXML2

/// One-time libxml2 set-up and the small conversions every wrapper needs.
enum LibXML2 {
    /// Initialising the parser is not thread-safe, so it happens once, before
    /// any document, writer or schema is made.
    static let initialized: Void = { xmlInitParser() }()

    /// A Swift string from a libxml2 string that we do not own.
    static func string(_ p: UnsafePointer<xmlChar>?) -> String? {
        guard let p else { return nil }
        return String(cString: UnsafeRawPointer(p).assumingMemoryBound(to: CChar.self))
    }

    /// A Swift string from a libxml2 string that we own and must free.
    static func takeString(_ p: UnsafeMutablePointer<xmlChar>?) -> String? {
        guard let p else { return nil }
        defer { cxml_free(p) }
        return string(p)
    }

    /// Message, line and column of a libxml2 error.
    static func describe(_ error: UnsafePointer<xmlError>?) -> (message: String, line: Int?, column: Int?) {
        guard let e = error?.pointee else { return ("unknown libxml2 error", nil, nil) }
        let text = e.message.map { String(cString: $0) } ?? "unknown libxml2 error"
        return (text.trimmed, e.line > 0 ? Int(e.line) : nil, e.int2 > 0 ? Int(e.int2) : nil)
    }
}

/// A structured-error sink that drops everything: errors are read from the
/// parser context instead, and nothing may reach standard error.
let ignoreStructuredError: xmlStructuredErrorFunc = { _, _ in }

extension String {
    /// Without the whitespace and line breaks around it.
    public var trimmed: String { self[...].trimmed }
}

extension Substring {
    /// Without the whitespace and line breaks around it. Ids, codes and
    /// values are read by the thousand per page, nearly all without any:
    /// those are returned as they are without looking further.
    public var trimmed: String {
        func plain(_ byte: UInt8?) -> Bool { byte.map { $0 > 0x20 && $0 < 0x7F } ?? false }
        if plain(utf8.first), plain(utf8.last) { return String(self) }
        var s = self
        while let f = s.first, f.isWhitespace { s.removeFirst() }
        while let l = s.last, l.isWhitespace { s.removeLast() }
        return String(s)
    }
}
