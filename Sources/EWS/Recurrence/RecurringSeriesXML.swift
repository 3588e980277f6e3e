import Foundation
import XML

extension RecurringSeries {
    /// Reads the series of a recurring master: a `t:CalendarItem` or a
    /// `t:MeetingRequest` with `Recurrence`, `Start` and `End`. Nil when the
    /// item has no `Recurrence` (a single meeting or an occurrence).
    ///
    /// The zone is the first that resolves of `StartTimeZoneId`,
    /// `StartTimeZone`, and the legacy `MeetingTimeZone`; else `defaultTimeZone`
    /// (servers that send none treat times in the mailbox's own zone).
    public init?(item: XMLElement, defaultTimeZone: TimeZone) throws(RecurrenceError) {
        guard let recurrence = item.child("Recurrence") else { return nil }
        let reader = RecurrenceFieldReader(item)
        let start = try reader.dateTime("Start")
        var zone = item.childText("StartTimeZoneId").flatMap(WindowsTimeZones.timeZone(forWindowsId:))
        for name in ["StartTimeZone", "MeetingTimeZone"] where zone == nil {
            if let element = item.child(name) { zone = try EWSTimeZone.timeZone(from: element, near: start) }
        }
        self.init(
            recurrence: try Recurrence(xml: recurrence), start: start, end: try reader.dateTime("End"),
            timeZone: zone ?? defaultTimeZone,
            deletedOccurrences: try Self.deletedOccurrences(in: item),
            modifiedOccurrences: try Self.modifiedOccurrences(in: item))
    }

    /// The original starts in `t:DeletedOccurrences` (`DeletedOccurrenceInfoType`).
    static func deletedOccurrences(in item: XMLElement) throws(RecurrenceError) -> [Date] {
        guard let list = item.child("DeletedOccurrences") else { return [] }
        var starts: [Date] = []
        for o in list.children("DeletedOccurrence") {
            starts.append(try RecurrenceFieldReader(o, path: "DeletedOccurrences/DeletedOccurrence").dateTime("Start"))
        }
        return starts
    }

    /// The changed occurrences in `t:ModifiedOccurrences` (`OccurrenceInfoType`).
    static func modifiedOccurrences(in item: XMLElement) throws(RecurrenceError) -> [ModifiedOccurrence] {
        guard let list = item.child("ModifiedOccurrences") else { return [] }
        var changes: [ModifiedOccurrence] = []
        for o in list.children("Occurrence") {
            let r = RecurrenceFieldReader(o, path: "ModifiedOccurrences/Occurrence")
            changes.append(
                ModifiedOccurrence(
                    originalStart: try r.dateTime("OriginalStart"),
                    start: try r.dateTime("Start"), end: try r.dateTime("End")))
        }
        return changes
    }
}
