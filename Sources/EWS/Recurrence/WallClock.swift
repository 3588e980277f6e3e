import Foundation

/// Conversions between instants and a time zone's wall clock, with wall-clock
/// time counted as seconds since 1970-01-01 00:00 local ("local seconds"), so
/// that dates and times of day are plain arithmetic.
struct WallClock {
    let zone: TimeZone

    func localSeconds(_ date: Date) -> Double {
        date.timeIntervalSince1970 + Double(zone.secondsFromGMT(for: date))
    }

    func dayNumber(_ date: Date) -> Int { Self.dayNumber(localSeconds: localSeconds(date)) }

    /// Whole days since 1970-01-01, clamped to ±100 million days (beyond any
    /// calendar) so that a hostile date cannot trap the conversion to Int.
    static func dayNumber(localSeconds: Double) -> Int {
        let days = (localSeconds / 86_400).rounded(.down)
        return days.isNaN ? 0 : Int(min(max(days, -1e8), 1e8))
    }

    /// The instant a wall-clock time names. A time skipped by a forward change
    /// (02:30 on a spring-forward night) is read with the offset before the
    /// gap, so it lands as far after the change as it was meant to be after
    /// 02:00 (03:30); a time that happens twice (autumn) is the first of the
    /// two. Both as RFC 5545 3.3.5 and Foundation's Calendar do it.
    func instant(localSeconds local: Double) -> Date {
        let before = offset(at: local - 86_400)
        let after = offset(at: local + 86_400)
        let early = local - Double(before)
        if before == after || offset(at: early) == before { return Date(timeIntervalSince1970: early) }
        let late = local - Double(after)
        return Date(timeIntervalSince1970: offset(at: late) == after ? late : early)
    }

    private func offset(at seconds: Double) -> Int {
        zone.secondsFromGMT(for: Date(timeIntervalSince1970: seconds))
    }
}
