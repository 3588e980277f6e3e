import Foundation
import XML

/// FindItem with a CalendarView: the single items and expanded occurrences
/// overlapping [start, end) in a calendar folder (PROTOCOL.md 8.1). There is
/// no paging: when more items match than `maxEntries`, `isComplete` is false,
/// the entries are the first ones by start, and the caller reads the rest of
/// the window again.
/// https://learn.microsoft.com/en-us/exchange/client-developer/web-service-reference/calendarview
struct CalendarView: EWSOperation {
    static let name = "FindItem"
    static let isIdempotent = true
    /// ErrorCalendarViewRangeTooBig above two years; 730 days stays inside.
    static let maxWindow: TimeInterval = 730 * 86_400

    var folder: Folder
    var mailbox: String?
    var start: Date
    var end: Date
    var maxEntries: Int

    struct Page: Sendable {
        var entries: [CalendarEntry]
        var isComplete: Bool
        /// TotalItemsInView: how many items the whole window holds, when the server says.
        var total: Int?
    }

    func writeBody(to w: XMLWriter) {
        w.element("m:FindItem", ["Traversal": "Shallow"]) {
            w.itemShape([
                "item:Subject", "calendar:Start", "calendar:End", "calendar:IsAllDayEvent",
                "calendar:LegacyFreeBusyStatus",
                "calendar:IsCancelled", "calendar:CalendarItemType", "calendar:MyResponseType",
                "calendar:UID",
            ])
            w.element(
                "m:CalendarView",
                [
                    "MaxEntriesReturned": "\(maxEntries)",
                    "StartDate": EWSDateTime.format(start), "EndDate": EWSDateTime.format(end),
                ])
            w.element("m:ParentFolderIds") { w.folder(folder, mailbox: mailbox) }
        }
    }

    func parse(_ response: XMLElement) throws(EWSError) -> Page {
        guard let root = try ResponseMessage.single(in: response).child("RootFolder") else {
            throw EWSError(.invalidResponse, "FindItem (CalendarView) answered without a RootFolder")
        }
        var entries: [CalendarEntry] = []
        for item in root.child("Items")?.children ?? [] {
            let id = try item.requiredItemId()
            guard let start = item.date("Start"), let end = item.date("End") else {
                throw EWSError(.invalidResponse, "calendar item \(id) has no valid Start and End")
            }
            entries.append(
                CalendarEntry(
                    id: id, subject: item.string("Subject"), start: start, end: end,
                    isAllDay: item.bool("IsAllDayEvent") ?? false,
                    freeBusy: item.string("LegacyFreeBusyStatus").map(FreeBusyStatus.init(rawValue:)),
                    isCancelled: item.bool("IsCancelled") ?? false,
                    type: item.string("CalendarItemType").map(CalendarItemType.init(rawValue:)),
                    myResponse: item.string("MyResponseType").map(ResponseType.init(rawValue:)),
                    uid: item.string("UID")))
        }
        let isLast = root.attribute("IncludesLastItemInRange")?.trimmed.lowercased()
        return Page(
            entries: entries, isComplete: isLast.map { $0 == "true" || $0 == "1" } ?? (entries.count < maxEntries),
            total: root.attribute("TotalItemsInView").flatMap { Int($0.trimmed) })
    }
}
