import EWS
import XML

/// MoveItem: items to another folder; each moved item gets a new id.
/// https://learn.microsoft.com/en-us/exchange/client-developer/web-service-reference/moveitem-operation
enum MoveItem: SandboxOperation {
    static let name = "MoveItem"

    static func run(
        _ request: XMLElement, _ context: OperationContext, _ store: inout StoreState,
        _ out: XMLWriter
    ) throws(SOAPFault) {
        let returnIds = request.childText("ReturnNewItemIds") != "false"
        guard let target = request.child("ToFolderId")?.children.first else {
            throw SOAPFault(.invalidRequest, "ToFolderId is required.")
        }
        ResponseMessage.response(name, to: out) {
            for (index, id) in (request.child("ItemIds")?.children ?? []).enumerated() {
                let result = Result { () throws(StoreError) -> StoredItem in
                    if let fault = context.itemFault(index) { throw fault }
                    let item = try store.resolveItem(id, context, allowingOccurrence: true)
                    guard item.occurrenceOf == nil else {
                        throw StoreError(
                            ResponseCode(rawValue: "ErrorCalendarCannotMoveOrCopyOccurrence"),
                            "An occurrence of a recurring meeting cannot be moved.")
                    }
                    let folder = try store.resolveFolder(target, context)
                    return try store.move(item.id, to: folder.id, now: context.now)
                }
                ResponseMessage.write(name, error: result.failure, warning: context.itemWarning(index), to: out) {
                    out.element("m:Items") {
                        if returnIds, case .success(let moved) = result { ItemWriter.writeId(moved, to: out) }
                    }
                }
            }
        }
    }
}
