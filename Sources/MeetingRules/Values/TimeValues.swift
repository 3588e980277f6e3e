import CheckedYAML

/// A length of time as rules write it: `4h`, `90m`, `1h30m`, `180d`, `2w`.
public struct TimeSpan: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let seconds: Int
    /// How the file spelled it, so that reasons say `24h` where the admin wrote `24h`.
    private let written: String?

    public init(seconds: Int) {
        self.seconds = seconds
        written = nil
    }

    static let units: [(letter: Character, seconds: Int)] = [("w", 604_800), ("d", 86_400), ("h", 3_600), ("m", 60)]
    /// The longest span a file may write: beyond it arithmetic with dates stops making sense.
    static let maximum = TimeSpan(seconds: 100 * 366 * 86_400)

    /// Weeks, days, hours and minutes: `4h`, `90m`, `1h30m`, `180d`, `2w`.
    static let syntax = DurationSyntax(units: units, examples: "4h, 90m or 1h30m")

    /// Parses `<number><unit>` groups (units w, d, h, m, each at most once, largest first).
    init?(parsing text: String) {
        guard let seconds = Self.syntax.seconds(in: text) else { return nil }
        self.seconds = seconds
        written = text
    }

    public static func < (a: Self, b: Self) -> Bool { a.seconds < b.seconds }
    public static func == (a: Self, b: Self) -> Bool { a.seconds == b.seconds }
    public func hash(into hasher: inout Hasher) { hasher.combine(seconds) }

    /// As the file wrote it, else the shortest spelling: `1h30m`, `180d`.
    public var description: String {
        if let written { return written }
        if seconds == 0 { return "0m" }
        var rest = seconds
        var text = ""
        for (letter, size) in Self.units.dropFirst() where rest >= size {
            text += "\(rest / size)\(letter)"
            rest %= size
        }
        return text.isEmpty ? "\(seconds)s" : text
    }
}

/// A time of day on the wall clock, `08:00` to `24:00`, in minutes after midnight.
public struct TimeOfDay: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let minutes: Int

    init?(parsing text: String) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, (1...2).contains(parts[0].count), parts[1].count == 2,
            parts.allSatisfy({ $0.allSatisfy(\.isASCIIDigit) }),
            let hours = Int(parts[0]), let minutes = Int(parts[1]),
            hours < 24 && minutes < 60 || hours == 24 && minutes == 0
        else { return nil }
        self.minutes = hours * 60 + minutes
    }

    public static func < (a: Self, b: Self) -> Bool { a.minutes < b.minutes }

    public var description: String {
        let h = minutes / 60
        let m = minutes % 60
        return (h < 10 ? "0" : "") + "\(h):" + (m < 10 ? "0" : "") + "\(m)"
    }
}

/// The days and hours a mailbox counts as working time, on the wall clock of the
/// file's time zone.
public struct WorkingHours: Sendable, Hashable, CustomStringConvertible {
    public let days: Set<Weekday>
    public let from: TimeOfDay
    public let to: TimeOfDay

    public var description: String { "\(Weekday.describe(days)) \(from)-\(to)" }
}

extension WorkingHours {
    /// A day of the week as rules write it.
    public enum Weekday: String, Sendable, Hashable, CaseIterable, Comparable {
        case mon, tue, wed, thu, fri, sat, sun

        /// The weekday of a day counted from 1970-01-01 (a Thursday).
        init(daysSinceEpoch day: Int) {
            let index = ((day % 7) + 7 + 3) % 7
            self = Self.allCases[index]
        }

        public var name: String {
            switch self {
            case .mon: "Monday"
            case .tue: "Tuesday"
            case .wed: "Wednesday"
            case .thu: "Thursday"
            case .fri: "Friday"
            case .sat: "Saturday"
            case .sun: "Sunday"
            }
        }

        public static func < (a: Self, b: Self) -> Bool {
            (allCases.firstIndex(of: a) ?? 0) < (allCases.firstIndex(of: b) ?? 0)
        }

        /// `mon-fri`, `mon, wed, fri`: a set of days, compactly.
        static func describe(_ days: Set<Weekday>) -> String {
            let sorted = days.sorted()
            let indices = sorted.compactMap { allCases.firstIndex(of: $0) }
            if sorted.count > 2, let first = indices.first, let last = indices.last, last - first == sorted.count - 1 {
                return "\(sorted[0].rawValue)-\(sorted[sorted.count - 1].rawValue)"
            }
            return sorted.map(\.rawValue).joined(separator: ", ")
        }
    }
}
