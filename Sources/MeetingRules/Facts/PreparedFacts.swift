import Foundation

/// One message's facts as the conditions read them: folded text, folded addresses
/// and wall-clock times, each worked out at most once per decision and only when
/// a condition asks. Lives for one decision on one thread.
final class PreparedFacts {
    let facts: MeetingFacts
    let timeZone: TimeZone
    let bookingWindow: TimeSpan

    init(_ facts: MeetingFacts, settings: Settings) {
        self.facts = facts
        timeZone = settings.timeZone
        bookingWindow = settings.bookingWindow
    }

    lazy var subject = FoldedText(facts.subject)
    lazy var location = FoldedText(facts.location)
    lazy var body = FoldedText(facts.body)
    lazy var organizer = FoldedAddress(facts.organizer.address)
    lazy var sender = FoldedAddress(facts.sender.address)
    lazy var attendees = facts.attendees.map(FoldedAddress.init)
    lazy var localStart = LocalTime(facts.start, in: timeZone)
    lazy var localEnd = LocalTime(facts.end, in: timeZone)
    /// Each occurrence's start and end on the wall clock.
    lazy var localOccurrences = facts.occurrences.map {
        (start: LocalTime($0.start, in: timeZone), end: LocalTime($0.end, in: timeZone))
    }
}

/// An instant on the wall clock of a time zone: the day (counted from 1970-01-01)
/// and the minute of that day. Uses the zone's offset at that very instant, so
/// days when daylight saving time starts or ends come out right.
struct LocalTime: Sendable, Hashable {
    let day: Int
    let minute: Int

    init(_ date: Date, in zone: TimeZone) {
        // Clamped so that no Date, however odd, can trap the conversion to Int.
        let t = date.timeIntervalSince1970
        let seconds = Int((t.isFinite ? min(max(t, -1e15), 1e15) : 0).rounded(.down)) + zone.secondsFromGMT(for: date)
        let minutes = seconds >= 0 ? seconds / 60 : (seconds - 59) / 60
        day = minutes >= 0 ? minutes / 1440 : (minutes - 1439) / 1440
        minute = minutes - day * 1440
    }

    var weekday: WorkingHours.Weekday { WorkingHours.Weekday(daysSinceEpoch: day) }
}
