import EWS
import XML

/// GetFolder: the folders named by id or distinguished id.
/// https://learn.microsoft.com/en-us/exchange/client-developer/web-service-reference/getfolder-operation
enum GetFolder: SandboxOperation {
    static let name = "GetFolder"

    static func run(
        _ request: XMLElement, _ context: OperationContext, _ store: inout StoreState,
        _ out: XMLWriter
    ) throws(SOAPFault) {
        ResponseMessage.response(name, to: out) {
            for (index, id) in (request.child("FolderIds")?.children ?? []).enumerated() {
                let result = Result { () throws(StoreError) in
                    if let fault = context.itemFault(index) { throw fault }
                    return try store.resolveFolder(id, context)
                }
                ResponseMessage.write(name, error: result.failure, to: out) {
                    guard case .success(let folder) = result else { return }
                    out.element("m:Folders") { FolderWriter.write(folder, store: store, to: out) }
                }
            }
        }
    }
}

/// FindFolder: the subfolders of a folder, shallow or deep.
/// https://learn.microsoft.com/en-us/exchange/client-developer/web-service-reference/findfolder-operation
enum FindFolder: SandboxOperation {
    static let name = "FindFolder"

    static func run(
        _ request: XMLElement, _ context: OperationContext, _ store: inout StoreState,
        _ out: XMLWriter
    ) throws(SOAPFault) {
        let deep = request.attribute("Traversal") == "Deep"
        ResponseMessage.response(name, to: out) {
            for parentId in request.child("ParentFolderIds")?.children ?? [] {
                let result = Result { () throws(StoreError) in try store.resolveFolder(parentId, context) }
                ResponseMessage.write(name, error: result.failure, to: out) {
                    guard case .success(let parent) = result else { return }
                    let found = descendants(of: parent.id, deep: deep, in: store)
                    out.element(
                        "m:RootFolder", ["TotalItemsInView": String(found.count), "IncludesLastItemInRange": "true"]
                    ) {
                        out.element("t:Folders") { for f in found { FolderWriter.write(f, store: store, to: out) } }
                    }
                }
            }
        }
    }

    private static func descendants(of id: String, deep: Bool, in store: StoreState) -> [StoredFolder] {
        let children = store.folders.values.filter { $0.parentId == id }.sorted { $0.displayName < $1.displayName }
        guard deep else { return children }
        return children.flatMap { [$0] + descendants(of: $0.id, deep: true, in: store) }
    }
}

/// Writes `t:Folder` / `t:CalendarFolder` in BaseFolderType order.
enum FolderWriter {
    static func write(_ folder: StoredFolder, store: StoreState, to out: XMLWriter) {
        let isCalendar = folder.folderClass == "IPF.Appointment"
        let items = store.folderItems[folder.id]?.count ?? 0
        let children = store.folders.values.filter { $0.parentId == folder.id }.count
        out.element(isCalendar ? "t:CalendarFolder" : "t:Folder") {
            out.element("t:FolderId", ["Id": folder.id, "ChangeKey": folder.changeKey])
            if let parent = folder.parentId, let p = store.folders[parent] {
                out.element("t:ParentFolderId", ["Id": p.id, "ChangeKey": p.changeKey])
            }
            if let folderClass = folder.folderClass { out.element("t:FolderClass", text: folderClass) }
            out.element("t:DisplayName", text: folder.displayName)
            out.element("t:TotalCount", text: String(items))
            out.element("t:ChildFolderCount", text: String(children))
            if !isCalendar {
                out.element("t:UnreadCount", text: String(store.unreadCount(folder.id)))
            }
        }
    }
}

extension Result {
    /// The error, if this is a failure.
    var failure: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}
