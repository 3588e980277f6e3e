import XML

/// CreateItem with a RemoveItem for each of one or more cancellations: takes
/// the cancelled meetings off the calendar and removes the cancellations.
/// Valid only for a MeetingCancellation; sent without MessageDisposition, as
/// the EWS Managed API does (PROTOCOL.md 5.2). Never resent after an unknown
/// outcome.
/// https://learn.microsoft.com/en-us/exchange/client-developer/web-service-reference/removeitem
struct RemoveItem: PerItemOperation {
    typealias Element = [ItemId]
    static let name = "CreateItem"
    static let isIdempotent = false

    var cancellations: [ItemId]

    var itemCount: Int { cancellations.count }
    func subset(_ positions: [Int]) -> Self { Self(cancellations: positions.map { cancellations[$0] }) }

    func writeBody(to w: XMLWriter) {
        w.element("m:CreateItem") {
            w.element("m:Items") {
                for cancellation in cancellations {
                    w.element("t:RemoveItem") { w.itemId(cancellation, element: "t:ReferenceItemId") }
                }
            }
        }
    }

    func parse(_ response: XMLElement) throws(EWSError) -> [ItemResult<[ItemId]>] {
        try RespondToMeeting.createdItems(response)
    }
}
