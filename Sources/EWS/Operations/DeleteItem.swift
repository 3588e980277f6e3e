import XML

/// DeleteItem for a batch of ids (PROTOCOL.md 7). SendMeetingCancellations
/// is needed only for calendar items; read receipts are suppressed where
/// the version has the attribute (Exchange 2013), so deleting an unread
/// message never tells its sender "not read".
/// https://learn.microsoft.com/en-us/exchange/client-developer/web-service-reference/deleteitem-operation
struct DeleteItem: PerItemOperation {
    typealias Element = ItemId
    static let name = "DeleteItem"
    /// Deleting again finds nothing to delete (ErrorItemNotFound): harmless.
    static let isIdempotent = true

    var ids: [ItemId]
    var deleteType: DeleteType
    var cancellations: SendMeetingCancellations?
    var suppressReadReceipts: Bool

    var itemCount: Int { ids.count }

    func subset(_ positions: [Int]) -> Self {
        var copy = self
        copy.ids = positions.map { ids[$0] }
        return copy
    }

    func writeBody(to w: XMLWriter) {
        w.start("m:DeleteItem")
        w.attribute("DeleteType", deleteType.rawValue)
        if let cancellations { w.attribute("SendMeetingCancellations", cancellations.rawValue) }
        if suppressReadReceipts { w.attribute("SuppressReadReceipts", "true") }
        w.element("m:ItemIds") { for id in ids { w.itemId(id) } }
        w.end()
    }

    /// Each result carries the id it is about.
    func parse(_ response: XMLElement) throws(EWSError) -> [ItemResult<ItemId>] {
        zip(try ResponseMessage.all(in: response), ids).map { message, id in
            message.result { (_: XMLElement) throws(EWSError) -> ItemId in id }
        }
    }
}
