/// An address folded to lower case, with where its domain starts.
struct FoldedAddress: Sendable {
    let text: FoldedText
    /// The address as the message gave it, for reasons.
    let string: String
    /// The domain: the bytes after the last `@` (empty when there is none).
    let domain: ArraySlice<UInt8>

    init(_ address: String) {
        text = FoldedText(address).trimmingSpaces()
        string = address
        let at = text.bytes.lastIndex(of: UInt8(ascii: "@")).map { $0 + 1 } ?? text.bytes.count
        domain = text.bytes[at...]
    }
}

/// Domains such as `contoso.com`, each covering itself and its subdomains.
struct DomainSet: Sendable, Hashable {
    /// Each domain as folded bytes, and the same with a leading dot for subdomains.
    private let domains: [(exact: [UInt8], dotted: [UInt8])]
    let names: [String]

    init(_ names: [String]) {
        self.names = names
        domains = names.map { name in
            let bytes = FoldedText(name).bytes
            return (bytes, [UInt8(ascii: ".")] + bytes)
        }
    }

    var isEmpty: Bool { domains.isEmpty }

    func contains(_ address: FoldedAddress) -> Bool {
        let domain = address.domain
        return domains.contains { d in
            domain.elementsEqual(d.exact)
                || domain.count > d.dotted.count
                    && domain[(domain.endIndex - d.dotted.count)...].elementsEqual(d.dotted)
        }
    }

    static func == (a: Self, b: Self) -> Bool { a.names == b.names }
    func hash(into hasher: inout Hasher) { hasher.combine(names) }
}

/// One way of naming addresses in a rule: an exact address, a wildcard, a domain,
/// or the file's internal domains (or everything outside them).
enum AddressPattern: Sendable {
    case exact(FoldedText)
    /// `*` matches any run of characters, `?` one character.
    case wildcard(FoldedText)
    case domain(DomainSet)
    case `internal`(DomainSet)
    case external(DomainSet)

    /// How the pattern reads in a reason: `ann@contoso.com`, `*@contoso.com`, `internal`.
    var text: String {
        switch self {
        case .exact(let t), .wildcard(let t): t.string
        case .domain(let d): d.names.joined(separator: ", ")
        case .internal: "internal"
        case .external: "external"
        }
    }

    func matches(_ address: FoldedAddress) -> Bool {
        switch self {
        case .exact(let t): t.bytes == address.text.bytes
        case .wildcard(let t): Glob.matches(pattern: t.bytes[...], text: address.text.bytes[...])
        case .domain(let d), .internal(let d): d.contains(address)
        // An address without a domain (an Exchange legacy DN the server
        // could not resolve to SMTP) is neither internal nor external.
        case .external(let d): !address.domain.isEmpty && !d.contains(address)
        }
    }

    /// Plain words for "the organizer ann@contoso.com …".
    func phrase(for address: FoldedAddress) -> String {
        switch self {
        case .exact: "is \(address.string)"
        case .wildcard(let t): "\(address.string) matches \(t.string)"
        case .domain(let d): "\(address.string) is in \(d.names.joined(separator: " or "))"
        case .internal: "\(address.string) is internal"
        case .external: "\(address.string) is external"
        }
    }
}

/// Wildcard matching over UTF-8 bytes: `?` takes one whole character.
enum Glob {
    static func matches(pattern: ArraySlice<UInt8>, text: ArraySlice<UInt8>) -> Bool {
        var p = pattern.startIndex
        var t = text.startIndex
        var star: (p: Int, t: Int)?
        while t < text.endIndex {
            if p < pattern.endIndex, pattern[p] == UInt8(ascii: "*") {
                star = (p, t)
                p += 1
            } else if p < pattern.endIndex, pattern[p] == UInt8(ascii: "?") {
                p += 1
                t = nextCharacter(in: text, after: t)
            } else if p < pattern.endIndex, pattern[p] == text[t] {
                p += 1
                t += 1
            } else if let s = star {
                // Backtrack: let the last `*` take one more character.
                let next = nextCharacter(in: text, after: s.t)
                star = (s.p, next)
                p = s.p + 1
                t = next
            } else {
                return false
            }
        }
        while p < pattern.endIndex, pattern[p] == UInt8(ascii: "*") { p += 1 }
        return p == pattern.endIndex
    }

    /// The index after the character starting at `i` (skipping UTF-8 continuation bytes).
    private static func nextCharacter(in text: ArraySlice<UInt8>, after i: Int) -> Int {
        var j = i + 1
        while j < text.endIndex, text[j] & 0xC0 == 0x80 { j += 1 }
        return j
    }
}
