import XML

/// FindFolder: the folders directly under a folder, with their display
/// names, for cleanup into a folder named in the configuration (PRODUCT.md 2,
/// step 6). Names are compared by the caller: a restriction on
/// folder:DisplayName would work as well, but a mailbox has few folders.
/// https://learn.microsoft.com/en-us/exchange/client-developer/web-service-reference/findfolder-operation
struct FindFolder: EWSOperation {
    static let name = "FindFolder"
    static let isIdempotent = true

    var parent: Folder
    var mailbox: String?

    struct Found: Sendable, Equatable {
        var id: FolderId
        var displayName: String
    }

    func writeBody(to w: XMLWriter) {
        w.element("m:FindFolder", ["Traversal": "Shallow"]) {
            w.element("m:FolderShape") {
                w.element("t:BaseShape", text: "IdOnly")
                w.element("t:AdditionalProperties") { w.element("t:FieldURI", ["FieldURI": "folder:DisplayName"]) }
            }
            w.element("m:ParentFolderIds") { w.folder(parent, mailbox: mailbox) }
        }
    }

    func parse(_ response: XMLElement) throws(EWSError) -> [Found] {
        guard let root = try ResponseMessage.single(in: response).child("RootFolder") else {
            throw EWSError(.invalidResponse, "FindFolder answered without a RootFolder")
        }
        return (root.child("Folders")?.children ?? []).compactMap { folder in
            guard let element = folder.child("FolderId"), let id = element.attribute("Id")?.trimmed else { return nil }
            return Found(
                id: FolderId(id, changeKey: element.attribute("ChangeKey")?.trimmed),
                displayName: folder.childText("DisplayName") ?? "")
        }
    }
}
