import Foundation
import XML

/// FindItem for meeting messages: one page of a folder, shallow, oldest
/// first, restricted to the meeting classes and, when given, to what arrived
/// at or after a time; ids with item class and arrival time only
/// (PROTOCOL.md 3; PRODUCT.md 2, step 1).
/// https://learn.microsoft.com/en-us/exchange/client-developer/web-service-reference/finditem-operation
struct FindItem: EWSOperation {
    static let name = "FindItem"
    static let isIdempotent = true
    /// The server's limit for a restricted find (EWSFindCountLimit, PROTOCOL.md 3.2).
    static let maxPageSize = 250
    /// Request, responses (Pos, Neg, Tent and the `Ten` spelling one page
    /// uses) and cancellation, by prefix (PROTOCOL.md 3.1).
    static let meetingClassPrefixes = [
        ItemClass.meetingRequest, ItemClass.meetingResponsePrefix, ItemClass.meetingCancellation,
    ]

    var folder: Folder
    var mailbox: String?
    /// Only messages that arrived at or after this time.
    var receivedFrom: Date?
    var offset: Int
    var pageSize: Int
    var classPrefixes: [String] = meetingClassPrefixes

    func writeBody(to w: XMLWriter) {
        w.element("m:FindItem", ["Traversal": "Shallow"]) {
            w.itemShape(["item:ItemClass", "item:DateTimeReceived"])
            w.element(
                "m:IndexedPageItemView",
                ["MaxEntriesReturned": "\(pageSize)", "Offset": "\(offset)", "BasePoint": "Beginning"])
            w.element("m:Restriction") {
                if let receivedFrom {
                    w.element("t:And") {
                        writeClasses(to: w)
                        w.element("t:IsGreaterThanOrEqualTo") {
                            w.element("t:FieldURI", ["FieldURI": "item:DateTimeReceived"])
                            w.element("t:FieldURIOrConstant") {
                                w.element("t:Constant", ["Value": EWSDateTime.format(receivedFrom)])
                            }
                        }
                    }
                } else {
                    writeClasses(to: w)
                }
            }
            w.element("m:SortOrder") {
                w.element("t:FieldOrder", ["Order": "Ascending"]) {
                    w.element("t:FieldURI", ["FieldURI": "item:DateTimeReceived"])
                }
            }
            w.element("m:ParentFolderIds") { w.folder(folder, mailbox: mailbox) }
        }
    }

    private func writeClasses(to w: XMLWriter) {
        // Or needs two or more children.
        if classPrefixes.count == 1 {
            writePrefix(classPrefixes[0], to: w)
        } else {
            w.element("t:Or") { for prefix in classPrefixes { writePrefix(prefix, to: w) } }
        }
    }

    private func writePrefix(_ prefix: String, to w: XMLWriter) {
        w.element("t:Contains", ["ContainmentMode": "Prefixed", "ContainmentComparison": "IgnoreCase"]) {
            w.element("t:FieldURI", ["FieldURI": "item:ItemClass"])
            w.element("t:Constant", ["Value": prefix])
        }
    }

    func parse(_ response: XMLElement) throws(EWSError) -> MessagePage {
        guard let root = try ResponseMessage.single(in: response).child("RootFolder") else {
            throw EWSError(.invalidResponse, "FindItem answered without a RootFolder")
        }
        var messages: [MessageSummary] = []
        for item in root.child("Items")?.children ?? [] {
            messages.append(
                MessageSummary(
                    id: try item.requiredItemId(), itemClass: item.childText("ItemClass") ?? "",
                    received: item.date("DateTimeReceived")))
        }
        let total = root.attribute("TotalItemsInView").flatMap { Int($0.trimmed) }
        let isLast = root.attribute("IncludesLastItemInRange")?.trimmed.lowercased()
        let next = root.attribute("IndexedPagingOffset").flatMap { Int($0.trimmed) } ?? offset + messages.count
        let more = isLast.map { $0 == "false" || $0 == "0" } ?? (messages.count >= pageSize)
        // A next offset that does not move on would page forever.
        guard !more || next > offset else {
            throw EWSError(.invalidResponse, "FindItem says more items follow but gives no next offset past \(offset)")
        }
        return MessagePage(messages: messages, nextOffset: more ? next : nil, total: total)
    }
}
