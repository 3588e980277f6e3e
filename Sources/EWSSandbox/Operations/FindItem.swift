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
                var items = traversal == "Shallow" ? store.items(in: folder.id) : []
                if let restriction = query.restriction { items = items.filter(restriction.matches) }
                if let view = request.child("CalendarView") {
                    writeCalendarView(view, folder: folder, items: items, shape: shape, store: store, to: out)
                } else {
                    sortItems(&items, by: query.sort)
                    writePage(
                        request.child("IndexedPageItemView"), items: items, restricted: query.restriction != nil,
                        shape: shape, store: store, to: out)
                }
            }
        }
    }

    private static func sortItems(_ items: inout [StoredItem], by sort: [(String, Bool)]) {
        // Without SortOrder, Exchange lists mail newest first.
        let orders = sort.isEmpty ? [("item:DateTimeReceived", false)] : sort
        items.sort { a, b in
            for (field, ascending) in orders {
                let x = FieldValue.of(field, a)
                let y = FieldValue.of(field, b)
                if FieldValue.ascending(x, y) { return ascending }
                if FieldValue.ascending(y, x) { return !ascending }
            }
            return a.id < b.id  // stable, reproducible order for equal keys
        }
    }

    private static func writePage(
        _ view: XMLElement?, items: [StoredItem], restricted: Bool, shape: ItemShape,
        store: StoreState, to out: XMLWriter
    ) {
        let limit = restricted ? restrictedLimit : unrestrictedLimit
        let requested = view?.attribute("MaxEntriesReturned").flatMap(Int.init) ?? limit
        let pageSize = max(0, min(requested, limit))
        let offset = max(0, view?.attribute("Offset").flatMap(Int.init) ?? 0)
        let fromEnd = view?.attribute("BasePoint") == "End"
        let total = items.count
        let range: Range<Int> =
            fromEnd
            ? max(0, total - offset - pageSize)..<max(0, total - offset)
            : min(offset, total)..<min(offset + pageSize, total)
        let page = items[range]
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

    private static func writeCalendarView(
        _ view: XMLElement, folder: StoredFolder, items: [StoredItem], shape: ItemShape,
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
        let inView = CalendarExpansion.instances(of: items, from: start, to: end)
        let limit = min(view.attribute("MaxEntriesReturned").flatMap(Int.init) ?? unrestrictedLimit, unrestrictedLimit)
        let page = inView.prefix(max(0, limit))
        ResponseMessage.write(name, error: nil, to: out) {
            out.element(
                "m:RootFolder",
                [
                    "TotalItemsInView": String(inView.count),
                    "IncludesLastItemInRange": page.count == inView.count ? "true" : "false",
                ]
            ) {
                out.element("t:Items") { for item in page { ItemWriter.write(item, shape: shape, in: store, to: out) } }
            }
        }
    }
}
