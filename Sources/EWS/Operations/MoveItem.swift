import XML

/// MoveItem for a batch of ids, asking for the new ids (ReturnNewItemIds,
/// Exchange 2010 SP1 and later): moving changes an item's id (PROTOCOL.md 7).
/// https://learn.microsoft.com/en-us/exchange/client-developer/web-service-reference/moveitem-operation
struct MoveItem: PerItemOperation {
    typealias Element = ItemId?
    static let name = "MoveItem"
    /// A repeated move finds the item gone from where it was: harmless.
    static let isIdempotent = true

    var ids: [ItemId]
    var destination: Folder
    var mailbox: String?

    var itemCount: Int { ids.count }

    func subset(_ positions: [Int]) -> Self {
        var copy = self
        copy.ids = positions.map { ids[$0] }
        return copy
    }

    func writeBody(to w: XMLWriter) {
        w.element("m:MoveItem") {
            w.element("m:ToFolderId") { w.folder(destination, mailbox: mailbox) }
            w.element("m:ItemIds") { for id in ids { w.itemId(id) } }
            w.element("m:ReturnNewItemIds", text: "true")
        }
    }

    /// Each result carries the item's new id, when the server returned one.
    func parse(_ response: XMLElement) throws(EWSError) -> [ItemResult<ItemId?>] {
        try ResponseMessage.all(in: response).map { message in
            message.result { (element: XMLElement) throws(EWSError) -> ItemId? in
                element.child("Items")?.children.first?.itemId()
            }
        }
    }
}
