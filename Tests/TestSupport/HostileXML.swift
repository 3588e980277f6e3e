/// Documents made to hurt an XML parser: entity expansion bombs, external
/// entities and DTDs (XXE), nesting far past any limit, huge text and
/// attributes, tags with a great many attributes, and invalid UTF-8. Each is
/// a whole document; `inside` puts the payload where a parser will meet it
/// (the text of an element of an EWS answer, say) and defaults to a bare root.
public enum HostileXML {
    /// The shape of a document around a payload: the bytes before and after it.
    public struct Frame: Sendable {
        public var before: [UInt8]
        public var after: [UInt8]
        public init(before: String, after: String) {
            self.before = Array(before.utf8)
            self.after = Array(after.utf8)
        }
        public static let root = Frame(before: "<r>", after: "</r>")
        func wrap(_ payload: [UInt8]) -> [UInt8] { before + payload + after }
    }

    /// "Billion laughs": `levels` entities, each ten references to the one
    /// before; expanded, the last would be 3 × 10^levels bytes.
    public static func billionLaughs(levels: Int = 10) -> [UInt8] {
        var declarations = "<!ENTITY l0 \"lol\">"
        for level in 1..<max(levels, 2) {
            declarations += "<!ENTITY l\(level) \"" + String(repeating: "&l\(level - 1);", count: 10) + "\">"
        }
        return Array("<?xml version=\"1.0\"?>\n<!DOCTYPE r [\(declarations)]>\n<r>&l\(max(levels, 2) - 1);</r>".utf8)
    }

    /// Quadratic blowup: one large entity referenced many times (no nesting,
    /// so nesting limits alone do not catch it).
    public static func quadraticBlowup(entityBytes: Int = 50_000, references: Int = 50_000) -> [UInt8] {
        let entity = String(repeating: "a", count: entityBytes)
        return Array(
            ("<!DOCTYPE r [<!ENTITY a \"\(entity)\">]><r>" + String(repeating: "&a;", count: references) + "</r>").utf8)
    }

    /// External entities and DTDs naming `system` (a file:// or http:// URL):
    /// a general entity used in content, a parameter entity used in the
    /// internal subset, an external DTD, and an entity in an attribute value.
    public static func externalEntities(_ system: String) -> [[UInt8]] {
        [
            "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY x SYSTEM \"\(system)\">]><r>&x;</r>",
            "<!DOCTYPE r [<!ENTITY % p SYSTEM \"\(system)\"> %p;]><r/>",
            "<!DOCTYPE r SYSTEM \"\(system)\"><r/>",
            "<!DOCTYPE r PUBLIC \"-//X//Y\" \"\(system)\"><r/>",
            "<!DOCTYPE r [<!ENTITY x SYSTEM \"\(system)\">]><r a=\"&x;\"/>",
        ].map { Array($0.utf8) }
    }

    /// `levels` elements, each inside the one before.
    public static func deepNesting(levels: Int, in frame: Frame = .root) -> [UInt8] {
        frame.wrap(
            Array(String(repeating: "<a>", count: levels).utf8) + Array(String(repeating: "</a>", count: levels).utf8))
    }

    /// An element whose text is `bytes` long.
    public static func hugeText(bytes: Int, in frame: Frame = .root) -> [UInt8] {
        frame.wrap([UInt8](repeating: UInt8(ascii: "x"), count: bytes))
    }

    /// An element with one attribute whose value is `bytes` long.
    public static func hugeAttribute(bytes: Int, in frame: Frame = .root) -> [UInt8] {
        frame.wrap(Array("<a v=\"".utf8) + [UInt8](repeating: UInt8(ascii: "x"), count: bytes) + Array("\"/>".utf8))
    }

    /// An element with `count` distinct attributes (or, with `namespaces`, namespace declarations).
    public static func manyAttributes(_ count: Int, namespaces: Bool = false, in frame: Frame = .root) -> [UInt8] {
        var tag = "<a"
        for i in 0..<count { tag += namespaces ? " xmlns:n\(i)=\"urn:\(i)\"" : " a\(i)=\"\"" }
        return frame.wrap(Array((tag + "/>").utf8))
    }

    /// An element name `bytes` long.
    public static func longName(bytes: Int, in frame: Frame = .root) -> [UInt8] {
        let name = [UInt8](repeating: UInt8(ascii: "n"), count: bytes)
        return frame.wrap(Array("<".utf8) + name + Array("/>".utf8))
    }

    /// Text holding each invalid UTF-8 sequence of `XMLMutator.invalidUTF8`, one document each.
    public static func invalidUTF8(in frame: Frame = .root) -> [[UInt8]] {
        XMLMutator.invalidUTF8.map { frame.wrap(Array("ok ".utf8) + $0 + Array(" ok".utf8)) }
    }
}
