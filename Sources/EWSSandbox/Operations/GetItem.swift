import EWS
import XML

/// GetItem: items by id (occurrences and masters of occurrences included)
/// with the properties the shape asks for.
/// https://learn.microsoft.com/en-us/exchange/client-developer/web-service-reference/getitem-operation
enum GetItem: SandboxOperation {
    static let name = "GetItem"

    static func run(
        _ request: XMLElement, _ context: OperationContext, _ store: inout StoreState,
        _ out: XMLWriter
    ) throws(SOAPFault) {
        let shape = ItemShape(request.child("ItemShape"), summary: false)
        ResponseMessage.response(name, to: out) {
            for (index, id) in (request.child("ItemIds")?.children ?? []).enumerated() {
                let result = Result { () throws(StoreError) -> StoredItem in
                    if let fault = context.itemFault(index) { throw fault }
                    let item = try store.resolveItem(id, context, allowingOccurrence: true)
                    store.prepareNeighbours(of: item)
                    return item
                }
                ResponseMessage.write(name, error: result.failure, warning: context.itemWarning(index), to: out) {
                    out.element("m:Items") {
                        if case .success(let item) = result { ItemWriter.write(item, shape: shape, in: store, to: out) }
                    }
                }
            }
        }
    }
}
