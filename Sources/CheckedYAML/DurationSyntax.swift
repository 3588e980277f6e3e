/// How a file writes a length of time: `<number><unit>` groups, larger units
/// first, each unit at most once (`1h30m`, `90s`). Each file format chooses its
/// units: the rules count in minutes and up, the configuration in seconds.
public struct DurationSyntax: Sendable {
    /// The unit letters, largest first, with their length in seconds.
    public let units: [(letter: Character, seconds: Int)]
    /// Spellings for messages: `30s, 4m, 24h or 7d`.
    public let examples: String

    public init(units: [(letter: Character, seconds: Int)], examples: String) {
        self.units = units
        self.examples = examples
    }

    /// Days, hours, minutes and seconds: `30s`, `4m`, `24h`, `7d`, `1h30m`.
    public static let seconds = DurationSyntax(
        units: [("d", 86_400), ("h", 3_600), ("m", 60), ("s", 1)], examples: "30s, 4m, 24h or 7d")

    /// The length of `text` in seconds, or nil when it is not written in this syntax.
    public func seconds(in text: String) -> Int? {
        var total = 0
        var rest = Substring(text)
        var allowed = units[...]
        guard !rest.isEmpty else { return nil }
        while !rest.isEmpty {
            // At most nine digits a group, so that the total cannot overflow.
            let digits = rest.prefix(while: \.isASCIIDigit)
            guard !digits.isEmpty, digits.count <= 9, let number = Int(digits) else { return nil }
            rest = rest.dropFirst(digits.count)
            guard let letter = rest.first, let index = allowed.firstIndex(where: { $0.letter == letter }) else {
                return nil
            }
            total += number * allowed[index].seconds
            allowed = allowed[(index + 1)...]
            rest = rest.dropFirst()
        }
        return total
    }

    /// The shortest spelling of `seconds` in these units (`1h30m`); what is left
    /// below the smallest unit is dropped.
    public func spelling(_ seconds: Int) -> String {
        var rest = seconds
        var text = ""
        for (letter, size) in units where rest >= size {
            text += "\(rest / size)\(letter)"
            rest %= size
        }
        return text.isEmpty ? "0\(units.last?.letter ?? "s")" : text
    }
}
