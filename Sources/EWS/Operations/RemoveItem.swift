import XML

/// CreateItem with RemoveItem: takes a cancelled meeting off the calendar
/// and removes the cancellation. Valid only for a MeetingCancellation; sent
/// without MessageDisposition, as the EWS Managed API does (PROTOCOL.md 5.2).
/// Never resent after an unknown outcome.
/// https://learn.microsoft.com/en-us/exchange/client-developer/web-service-reference/removeitem
struct RemoveItem: PerItemOperation {
    typealias Element = [ItemId]
    static let name = "CreateItem"
    static let isIdempotent = false

    var cancellation: ItemId

    var itemCount: Int { 1 }
    func subset(_ positions: [Int]) -> Self { self }

    func writeBody(to w: XMLWriter) {
        w.element("m:CreateItem") {
            w.element("m:Items") {
                w.element("t:RemoveItem") { w.itemId(cancellation, element: "t:ReferenceItemId") }
            }
        }
    }

    func parse(_ response: XMLElement) throws(EWSError) -> [ItemResult<[ItemId]>] {
        try RespondToMeeting.createdItems(response)
    }
}
