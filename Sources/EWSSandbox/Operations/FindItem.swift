import EWS
import Foundation
import XML

/// FindItem: the items of a folder, restricted, sorted and paged with
/// IndexedPageItemView, or the calendar items in a CalendarView window.
/// https://learn.microsoft.com/en-us/exchange/client-developer/web-service-reference/finditem-operation
enum FindItem: SandboxOperation {
    static let name = "FindItem"
    /// EWSFindCountLimit since Exchange 2013: 250 with a restriction, 1000 without (PROTOCOL.md 0.4).
    static let restrictedLimit = 250
    static let unrestrictedLimit = 1000
    /// The widest CalendarView window Exchange allows.
    static let maxCalendarViewSpan: TimeInterval = 2 * 366 * 86_400

    static func run(
        _ request: XMLElement, _ context: OperationContext, _ store: inout StoreState,
        _ out: XMLWriter
    ) throws(SOAPFault) {
        let shape = ItemShape(request.child("ItemShape"), summary: true)
        // A restriction or sort order the store cannot answer fails each folder's message.
        let compiled = Result { () throws(StoreError) in try ItemQuery(request) }
        let traversal = request.attribute("Traversal") ?? "Shallow"
        if request.child("FractionalPageItemView") != nil || request.child("SeekToConditionPageItemView") != nil {
            throw SOAPFault(.invalidRequest, "The sandbox supports IndexedPageItemView and CalendarView only.")
        }
        ResponseMessage.response(name, to: out) {
            for (index, parent) in (request.child("ParentFolderIds")?.children ?? []).enumerated() {
                let result = Result { () throws(StoreError) -> (StoredFolder, ItemQuery) in
                    if let fault = context.itemFault(index) { throw fault }
                    let query = try compiled.get()
                    return (try store.resolveFolder(parent, context), query)
                }
                guard case .success(let (folder, query)) = result else {
                    ResponseMessage.write(name, error: result.failure, to: out)
                    continue
                }
                // Associated and soft-deleted items do not exist here, so those traversals find nothing.
                let shallow = traversal == "Shallow"
                if let view = request.child("CalendarView") {
                    if let end = view.attribute("EndDate").flatMap(EWSDateTime.parse) {
                        store.coverCalendar(folder.id, until: end)
                    }
                    writeCalendarView(
                        view, folder: folder, restriction: query.restriction, shallow: shallow,
                        shape: shape, store: store, to: out)
                } else {
                    // Without SortOrder, Exchange lists mail newest first.
                    let orders = query.sort.isEmpty ? [("item:DateTimeReceived", false)] : query.sort
                    let entries =
                        shallow ? store.view(of: folder.id, restriction: query.restriction, orders: orders) : []
                    writePage(
                        request.child("IndexedPageItemView"), entries: entries, restricted: query.restriction != nil,
                        shape: shape, store: store, to: out)
                }
            }
        }
    }

    private static func writePage(
        _ view: XMLElement?, entries: ArraySlice<FolderView.Entry>, restricted: Bool, shape: ItemShape,
        store: StoreState, to out: XMLWriter
    ) {
        let limit = restricted ? restrictedLimit : unrestrictedLimit
        let requested = view?.attribute("MaxEntriesReturned").flatMap(Int.init) ?? limit
        let pageSize = max(0, min(requested, limit))
        let offset = max(0, view?.attribute("Offset").flatMap(Int.init) ?? 0)
        let fromEnd = view?.attribute("BasePoint") == "End"
        let total = entries.count
        let range: Range<Int> =
            fromEnd
            ? max(0, total - offset - pageSize)..<max(0, total - offset)
            : min(offset, total)..<min(offset + pageSize, total)
        let page = entries[(entries.startIndex + range.lowerBound)..<(entries.startIndex + range.upperBound)].compactMap {
            store.items[$0.id]
        }
        let includesLast = fromEnd ? range.lowerBound == 0 : range.upperBound >= total
        ResponseMessage.write(name, error: nil, to: out) {
            out.element(
                "m:RootFolder",
                [
                    "IndexedPagingOffset": String(offset + page.count), "TotalItemsInView": String(total),
                    "IncludesLastItemInRange": includesLast ? "true" : "false",
                ]
            ) {
                out.element("t:Items") { for item in page { ItemWriter.write(item, shape: shape, in: store, to: out) } }
            }
        }
    }

    /// A view's count and first entries: from the calendar index when it
    /// can say exactly, else by expanding the items near the window (a
    /// restriction applies to the stored items, the masters).
    private static func calendarEntries(
        _ folder: String, from start: Date, to end: Date, limit: Int, _ restriction: Restriction?, _ store: StoreState
    ) -> (total: Int, first: [StoredItem]) {
        if restriction == nil, let view = store.calendarView(in: folder, from: start, to: end, limit: limit) {
            return view
        }
        let near = store.calendarItems(in: folder, from: start, to: end)
        let items = restriction.map { r in near.filter(r.matches) } ?? near
        return CalendarExpansion.instances(of: items, from: start, to: end, limit: limit)
    }

    private static func writeCalendarView(
        _ view: XMLElement, folder: StoredFolder, restriction: Restriction?, shallow: Bool, shape: ItemShape,
        store: StoreState, to out: XMLWriter
    ) {
        guard folder.folderClass == "IPF.Appointment" else {
            ResponseMessage.write(
                name,
                error: StoreError(
                    .calendarFolderIsInvalidForCalendarView,
                    "CalendarView is only valid on calendar folders."), to: out)
            return
        }
        guard let start = view.attribute("StartDate").flatMap(EWSDateTime.parse),
            let end = view.attribute("EndDate").flatMap(EWSDateTime.parse), start <= end
        else {
            ResponseMessage.write(
                name, error: StoreError(.invalidRequest, "CalendarView needs StartDate before EndDate."), to: out)
            return
        }
        guard end.timeIntervalSince(start) <= maxCalendarViewSpan else {
            ResponseMessage.write(
                name,
                error: StoreError(
                    .calendarViewRangeTooBig,
                    "The Start to End range for the CalendarView element is more than the maximum allowed, currently 2 years."
                ), to: out)
            return
        }
        let limit = min(view.attribute("MaxEntriesReturned").flatMap(Int.init) ?? unrestrictedLimit, unrestrictedLimit)
        let (total, page) =
            shallow ? calendarEntries(folder.id, from: start, to: end, limit: limit, restriction, store) : (0, [])
        ResponseMessage.write(name, error: nil, to: out) {
            out.element(
                "m:RootFolder",
                [
                    "TotalItemsInView": String(total),
                    "IncludesLastItemInRange": page.count == total ? "true" : "false",
                ]
            ) {
                out.element("t:Items") { for item in page { ItemWriter.write(item, shape: shape, in: store, to: out) } }
            }
        }
    }
}
