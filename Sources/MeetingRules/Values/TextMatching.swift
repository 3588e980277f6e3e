import CheckedYAML
import Foundation

/// Text folded to lower case once, as UTF-8 bytes, so that many case-insensitive
/// searches cost no further allocation.
struct FoldedText: Sendable, Hashable {
    let bytes: [UInt8]

    init(_ text: String) {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        for b in text.utf8 {
            // Non-ASCII text needs Unicode's case mapping; ASCII (nearly all mail) does not.
            if b >= 0x80 {
                self.bytes = Array(text.lowercased().utf8)
                return
            }
            bytes.append(b >= 0x41 && b <= 0x5A ? b | 0x20 : b)
        }
        self.bytes = bytes
    }

    private init(bytes: [UInt8]) { self.bytes = bytes }

    var string: String { String(decoding: bytes, as: UTF8.self) }

    /// Without ASCII white space at either end.
    func trimmingSpaces() -> FoldedText {
        let isSpace = { (b: UInt8) in b == 0x20 || (0x09...0x0D).contains(b) }
        guard let first = bytes.firstIndex(where: { !isSpace($0) }), let last = bytes.lastIndex(where: { !isSpace($0) })
        else {
            return FoldedText(bytes: [])
        }
        return first == 0 && last == bytes.count - 1 ? self : FoldedText(bytes: Array(bytes[first...last]))
    }

    func contains(_ needle: FoldedText) -> Bool {
        let n = needle.bytes
        let h = bytes
        guard let first = n.first else { return true }
        guard n.count <= h.count else { return false }
        var i = 0
        let last = h.count - n.count
        while i <= last {
            if h[i] == first {
                var j = 1
                while j < n.count && h[i + j] == n[j] { j += 1 }
                if j == n.count { return true }
            }
            i += 1
        }
        return false
    }

    func hasSuffix(_ suffix: ArraySlice<UInt8>) -> Bool {
        bytes.count >= suffix.count && bytes[(bytes.count - suffix.count)...].elementsEqual(suffix)
    }
}

/// A regular expression from a rules file, matched case-insensitively.
///
/// Swift's `Regex` checks the syntax (its messages say what is wrong); ICU's
/// `NSRegularExpression` does the matching, about three times faster on Linux.
struct TextRegex: Sendable {
    let source: String
    private let compiled: NSRegularExpression

    /// The compiled expression, or what is wrong with it.
    static func compile(_ source: String) -> Result<TextRegex, RegexProblem> {
        do {
            _ = try Regex(source)
        } catch {
            return .failure(.syntax("\(error)"))
        }
        if let nested = NestedRepetition.find(in: source) { return .failure(.nestedRepetition(nested)) }
        guard let compiled = try? NSRegularExpression(pattern: source, options: [.caseInsensitive]) else {
            return .failure(.syntax("not supported by the matcher"))
        }
        return .success(TextRegex(source: source, compiled: compiled))
    }

    /// How much text a regular expression looks at: bounds the work on a huge body.
    static let maxInput = 16_384

    func matches(_ text: String) -> Bool {
        let utf16 = text.utf16.count
        let range = NSRange(location: 0, length: min(utf16, Self.maxInput))
        return compiled.firstMatch(in: text, options: [], range: range) != nil
    }
}

enum RegexProblem: Error {
    case syntax(String)
    case nestedRepetition(String)
}

/// Finds a repeated group that itself contains a repetition, such as `(a+)+`:
/// on a hostile subject such a pattern can take exponential time.
enum NestedRepetition {
    /// The offending group's text, if there is one.
    static func find(in pattern: String) -> String? {
        let chars = Array(pattern)
        var opens: [(index: Int, repeats: Bool)] = []
        var i = 0
        var inClass = false
        while i < chars.count {
            let c = chars[i]
            if c == "\\" {
                i += 2
                continue
            }
            if inClass {
                if c == "]" { inClass = false }
                i += 1
                continue
            }
            switch c {
            case "[": inClass = true
            case "(": opens.append((i, false))
            case ")":
                guard let open = opens.popLast() else { break }
                let quantified = i + 1 < chars.count && isQuantifier(chars, at: i + 1)
                if quantified && open.repeats { return String(chars[open.index...i]) + String(chars[i + 1]) }
                if open.repeats || quantified, !opens.isEmpty { opens[opens.count - 1].repeats = true }
            case "*", "+", "{":
                if isQuantifier(chars, at: i), !opens.isEmpty { opens[opens.count - 1].repeats = true }
            default: break
            }
            i += 1
        }
        return nil
    }

    /// `*`, `+`, or `{n,}` / `{n,m}` with m > 1: a repetition (a `?` or `{0,1}` is not).
    private static func isQuantifier(_ chars: [Character], at i: Int) -> Bool {
        switch chars[i] {
        case "*", "+": return true
        case "{":
            guard let close = chars[i...].firstIndex(of: "}") else { return false }
            let inside = String(chars[(i + 1)..<close])
            let bounds = inside.split(separator: ",", omittingEmptySubsequences: false)
            guard (1...2).contains(bounds.count), bounds.allSatisfy({ $0.allSatisfy(\.isASCIIDigit) }) else {
                return false
            }
            if bounds.count == 2 && bounds[1].isEmpty { return true }
            return (Int(bounds.last ?? "") ?? 0) > 1
        default: return false
        }
    }
}
