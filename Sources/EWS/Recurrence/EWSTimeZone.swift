import Foundation
import XML

/// Reads the time zone of a calendar item or meeting message: a
/// `TimeZoneDefinitionType` element (`t:StartTimeZone`, `t:EndTimeZone`,
/// `t:TimeZoneDefinition`) or the legacy `TimeZoneType` (`t:MeetingTimeZone`).
///
/// The Windows id (`Id`, or the legacy `TimeZoneName`) decides when it is
/// known. Otherwise the rules in the element are used: a zone without
/// daylight-saving time becomes a fixed offset; one with it becomes the first
/// zone of the Windows table whose offsets and changes in the year of `date`
/// are the same (Outlook's "Customized Time Zone" for Berlin's rules becomes
/// Europe/Berlin). Nil when neither works.
public enum EWSTimeZone {
    public static func timeZone(from element: XMLElement, near date: Date) throws(RecurrenceError) -> TimeZone? {
        let reader = RecurrenceFieldReader(element)
        let isLegacy = element.child("BaseOffset") != nil || element.attribute("TimeZoneName") != nil
        let id = isLegacy ? element.attribute("TimeZoneName") : element.attribute("Id")
        if let id, let zone = WindowsTimeZones.timeZone(forWindowsId: id) { return zone }
        let rule = try isLegacy ? ZoneRule(legacy: reader) : ZoneRule(definition: reader, near: date)
        return rule?.timeZone(
            year: Civil.date(dayNumber: WallClock.dayNumber(localSeconds: date.timeIntervalSince1970)).year)
    }
}

/// A zone's offsets and its yearly daylight-saving changes, as EWS describes
/// them (offsets here are seconds east of UTC; EWS writes biases, west).
struct ZoneRule: Equatable {
    var standardOffset: Int
    var daylight: Daylight?

    struct Daylight: Equatable {
        var offset: Int
        /// Into daylight time, on the standard clock; back, on the daylight clock.
        var start: Change
        var end: Change
    }

    /// "The `occurrence`th `weekday` of `month` at `time`" (occurrence 5: the last).
    struct Change: Equatable {
        var month: Int
        var weekday: Weekday
        var occurrence: Int
        var time: Int

        func instant(year: Int, clockOffset: Int) -> Date {
            let index = DayOfWeekIndex.allCases[min(max(occurrence, 1), 5) - 1]
            let day = Civil.relativeDay(year: year, month: month, days: Weekdays([weekday]), index: index)
            return Date(timeIntervalSince1970: Double(day * 86_400 + time - clockOffset))
        }
    }

    func timeZone(year: Int) -> TimeZone? {
        guard let daylight, daylight.offset != standardOffset else { return TimeZone(secondsFromGMT: standardOffset) }
        let start = daylight.start.instant(year: year, clockOffset: standardOffset)
        let end = daylight.end.instant(year: year, clockOffset: daylight.offset)
        let expected = [
            (start.addingTimeInterval(-1), standardOffset), (start, daylight.offset),
            (end.addingTimeInterval(-1), daylight.offset), (end, standardOffset),
        ]
        return WindowsTimeZones.all.lazy
            .compactMap { WindowsTimeZones.timeZone(forWindowsId: $0.windowsId) }
            .first { zone in expected.allSatisfy { zone.secondsFromGMT(for: $0.0) == $0.1 } }
    }
}

extension ZoneRule {
    /// From `TimeZoneDefinitionType`: the periods' biases, and the transitions
    /// group in force at `date`. Nil for shapes that no yearly rule describes.
    init?(definition zone: RecurrenceFieldReader, near date: Date) throws(RecurrenceError) {
        guard let periodsElement = zone.element.child("Periods") else { return nil }
        var offsets: [String: (offset: Int, isDaylight: Bool)] = [:]
        for period in periodsElement.children("Period") {
            let reader = RecurrenceFieldReader(period, path: "\(zone.path)/Periods/Period")
            let bias = period.attribute("Bias") ?? ""
            guard let id = period.attribute("Id"), let seconds = XSDValues.duration(bias) else {
                throw reader.invalid(bias, "a period with an Id and a Bias such as -PT1H")
            }
            let isDaylight = id.hasPrefix("Dlt") || period.attribute("Name") == "Daylight"
            offsets[id] = (-Int(seconds), isDaylight)
        }
        // The transition in force: the last whose DateTime has passed (the first has none).
        var target: XMLElement?
        for t in zone.element.child("Transitions")?.children ?? [] {
            let reader = RecurrenceFieldReader(t, path: "\(zone.path)/Transitions/\(t.localName)")
            if t.child("DateTime") != nil, try reader.dateTime("DateTime") > date { break }
            target = t.child("To")
        }
        guard let target else { return nil }
        let name = target.trimmedText
        if target.attribute("Kind") == "Period" {
            guard let period = offsets[name] else { return nil }
            self.init(standardOffset: period.offset, daylight: nil)
            return
        }
        let group = zone.element.child("TransitionsGroups")?.children("TransitionsGroup").first {
            $0.attribute("Id") == name
        }
        guard let group else { return nil }
        var changes: [(change: Change, to: (offset: Int, isDaylight: Bool))] = []
        for t in group.children {
            let reader = RecurrenceFieldReader(
                t, path: "\(zone.path)/TransitionsGroups/TransitionsGroup/\(t.localName)")
            guard t.localName == "RecurringDayTransition", let to = offsets[try reader.text("To").text] else {
                return nil
            }
            let time = try reader.text("TimeOffset")
            guard let seconds = XSDValues.duration(time.text) else {
                throw time.at.invalid(time.text, "a duration such as PT2H")
            }
            let occurrence = try reader.int("Occurrence", in: -1...5)
            changes.append(
                (
                    Change(
                        month: try reader.int("Month", in: 1...12),
                        weekday: try reader.value("DayOfWeek", as: Weekday.self),
                        occurrence: occurrence == -1 ? 5 : occurrence, time: Int(seconds)), to
                ))
        }
        switch changes.count {
        case 1:
            self.init(standardOffset: changes[0].to.offset, daylight: nil)
        case 2:
            // The daylight period is the one so named, else the one further east.
            let intoDaylight =
                changes[0].to.isDaylight || (!changes[1].to.isDaylight && changes[0].to.offset > changes[1].to.offset)
            let (toDaylight, toStandard) = intoDaylight ? (changes[0], changes[1]) : (changes[1], changes[0])
            self.init(
                standardOffset: toStandard.to.offset,
                daylight: Daylight(offset: toDaylight.to.offset, start: toDaylight.change, end: toStandard.change))
        default:
            return nil
        }
    }

    /// From the legacy `TimeZoneType`: a base bias, and the standard and
    /// daylight changes as relative yearly patterns.
    init?(legacy zone: RecurrenceFieldReader) throws(RecurrenceError) {
        guard zone.element.child("BaseOffset") != nil else { return nil }
        let (baseText, baseAt) = try zone.text("BaseOffset")
        guard let base = XSDValues.duration(baseText) else { throw baseAt.invalid(baseText, "a duration such as PT8H") }
        guard zone.element.child("Standard") != nil || zone.element.child("Daylight") != nil else {
            self.init(standardOffset: -Int(base), daylight: nil)
            return
        }
        func change(_ name: String) throws(RecurrenceError) -> (offset: Int, change: Change)? {
            let c = try zone.child(name)
            let (offsetText, offsetAt) = try c.text("Offset")
            guard let offset = XSDValues.duration(offsetText) else {
                throw offsetAt.invalid(offsetText, "a duration such as -PT1H")
            }
            guard c.element.child("RelativeYearlyRecurrence") != nil else { return nil }
            let pattern = try c.child("RelativeYearlyRecurrence")
            let (timeText, timeAt) = try c.text("Time")
            guard let time = XSDValues.time(timeText) else { throw timeAt.invalid(timeText, "a time such as 02:00:00") }
            let index = try pattern.value("DayOfWeekIndex", as: DayOfWeekIndex.self)
            let (dayText, dayAt) = try pattern.text("DaysOfWeek")
            guard let weekday = Weekday(rawValue: dayText) else {
                throw dayAt.invalid(dayText, "a day of the week (Sunday ... Saturday)")
            }
            return (
                -Int(base + offset),
                Change(
                    month: try pattern.value("Month", as: Month.self).number, weekday: weekday,
                    occurrence: index.ordinal ?? 5, time: time)
            )
        }
        guard let standard = try change("Standard"), let daylight = try change("Daylight") else { return nil }
        self.init(
            standardOffset: standard.offset,
            daylight: Daylight(offset: daylight.offset, start: daylight.change, end: standard.change))
    }
}
