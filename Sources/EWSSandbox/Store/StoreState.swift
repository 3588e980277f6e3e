import EWS
import Foundation

/// Why a store operation failed: an EWS response code and its message text.
struct StoreError: Error, Sendable {
    let code: ResponseCode
    let message: String
    init(_ code: ResponseCode, _ message: String) {
        self.code = code
        self.message = message
    }
    static func itemNotFound(_ id: String) -> StoreError {
        StoreError(.itemNotFound, "The specified object was not found in the store.")
    }
}

/// Work the Calendar Attendant does after a message is delivered, when its delay is over.
struct AttendantTask: Codable, Sendable {
    enum Action: String, Codable, Sendable { case placeRequest, recordResponse, markCancelled }
    var due: Date
    var itemId: String
    var action: Action
}

/// Everything the sandbox holds: mailboxes, folders, items and the Calendar
/// Attendant's queue. A value mutated only under the sandbox's lock, so an
/// operation sees and leaves a consistent store; it is dumped as JSON.
public struct StoreState: Encodable, Sendable {
    public internal(set) var mailboxes: [String: StoredMailbox] = [:]
    public internal(set) var folders: [String: StoredFolder] = [:]
    public internal(set) var items: [String: StoredItem] = [:]
    var folderItems: [String: Set<String>] = [:]
    var serial = 0
    /// In delivery order. Only `enqueue` and `runAttendant` change it: they keep `earliestDue`.
    var attendantQueue: [AttendantTask] = []
    /// The first due time in the queue, so a call with nothing due costs nothing.
    var earliestDue: Date?
    /// Lookups by UID, time, unread state and FindItem query (StoreState+Indexes.swift).
    var indexes = StoreIndexes()

    public init() {}

    // The folder index and the other lookups are derived from the items and,
    // being sets, would make dumps of equal stores differ: they are left out.
    enum CodingKeys: String, CodingKey { case mailboxes, folders, items, serial, attendantQueue }

    /// The distinguished folders every mailbox has, with their classes.
    static let standardFolders: [(id: String, name: String, folderClass: String?, parent: String?)] = [
        ("root", "Root", nil, nil),
        ("msgfolderroot", "Top of Information Store", "IPF.Note", "root"),
        ("inbox", "Inbox", "IPF.Note", "msgfolderroot"),
        ("calendar", "Calendar", "IPF.Appointment", "msgfolderroot"),
        ("sentitems", "Sent Items", "IPF.Note", "msgfolderroot"),
        ("deleteditems", "Deleted Items", "IPF.Note", "msgfolderroot"),
        ("drafts", "Drafts", "IPF.Note", "msgfolderroot"),
        ("outbox", "Outbox", "IPF.Note", "msgfolderroot"),
    ]

    // MARK: Mailboxes and folders

    mutating func addMailbox(_ mailbox: StoredMailbox) {
        var mailbox = mailbox
        let email = mailbox.address.email
        for spec in Self.standardFolders {
            serial += 1
            let id = IDCodec.folderId(serial: serial)
            folders[id] = StoredFolder(
                id: id, mailbox: email, distinguishedId: spec.id, displayName: spec.name,
                parentId: spec.parent.flatMap { mailbox.folders[$0] }, folderClass: spec.folderClass)
            folderItems[id] = []
            mailbox.folders[spec.id] = id
        }
        mailboxes[email] = mailbox
    }

    func mailbox(_ email: String) -> StoredMailbox? { mailboxes[email.lowercased()] }

    /// The id of a distinguished folder of a mailbox.
    func folderId(_ distinguished: String, of email: String) throws(StoreError) -> String {
        guard let mailbox = mailbox(email) else {
            throw StoreError(.nonExistentMailbox, "The SMTP address has no mailbox associated with it.")
        }
        guard let id = mailbox.folders[distinguished] else {
            throw StoreError(.folderNotFound, "The specified folder could not be found in the store.")
        }
        return id
    }

    func folder(_ id: String) throws(StoreError) -> StoredFolder {
        guard IDCodec.isWellFormed(id) else { throw StoreError(.invalidIdMalformed, "Id is malformed.") }
        guard let folder = folders[id] else {
            throw StoreError(.folderNotFound, "The specified folder could not be found in the store.")
        }
        return folder
    }

    func isFolder(_ folderId: String, _ distinguished: String) -> Bool {
        folders[folderId]?.distinguishedId == distinguished
    }

    /// The items of a folder, unordered.
    func items(in folderId: String) -> [StoredItem] {
        (folderItems[folderId] ?? []).compactMap { items[$0] }
    }

    // MARK: Items

    func item(_ id: String) throws(StoreError) -> StoredItem {
        guard IDCodec.isWellFormed(id) else { throw StoreError(.invalidIdMalformed, "Id is malformed.") }
        guard let item = items[id] else { throw .itemNotFound(id) }
        return item
    }

    /// A new item, not yet stored.
    mutating func newItem(_ kind: ItemKind, itemClass: String, in folderId: String, now: Date) -> StoredItem {
        var item = draft(kind, itemClass: itemClass, in: folderId, now: now)
        item.id = newItemId()
        return item
    }

    /// A new item without an id yet, for a request that may still be refused:
    /// a refused request leaves the store, its serial included, as it was.
    func draft(_ kind: ItemKind, itemClass: String, in folderId: String, now: Date) -> StoredItem {
        StoredItem(
            id: "", mailbox: folders[folderId]?.mailbox ?? "", folderId: folderId, kind: kind, itemClass: itemClass,
            now: now)
    }

    mutating func newItemId() -> String {
        serial += 1
        return IDCodec.itemId(serial: serial)
    }

    /// Stores a new item or replaces a stored one in place.
    mutating func put(_ item: StoredItem) {
        let old = items[item.id]
        if let old, old.folderId != item.folderId {
            folderItems[old.folderId]?.remove(item.id)
        }
        items[item.id] = item
        folderItems[item.folderId, default: []].insert(item.id)
        reindex(old, item)
    }

    /// Changes a stored item; its ChangeKey changes too.
    @discardableResult
    mutating func update(_ id: String, now: Date, _ change: (inout StoredItem) -> Void) throws(StoreError) -> StoredItem
    {
        var item = try item(id)
        change(&item)
        item.version += 1
        item.lastModified = now
        put(item)
        return item
    }

    /// A copy of `source` under a fresh id in `folderId` (not yet stored), as
    /// a new item: version 1, created, received and modified `now`.
    mutating func copy(
        _ source: StoredItem, to folderId: String, kind: ItemKind? = nil, itemClass: String? = nil,
        now: Date
    ) -> StoredItem {
        var copy = source
        copy.id = newItemId()
        copy.version = 1
        copy.mailbox = folders[folderId]?.mailbox ?? ""
        copy.folderId = folderId
        copy.kind = kind ?? source.kind
        copy.itemClass = itemClass ?? source.itemClass
        copy.created = now
        copy.received = now
        copy.lastModified = now
        return copy
    }

    /// Moves an item to another folder. Exchange gives a moved item a new id
    /// (PROTOCOL.md 7), so the item is re-created under a fresh one.
    @discardableResult
    mutating func move(_ id: String, to folderId: String, now: Date) throws(StoreError) -> StoredItem {
        let old = try item(id)
        remove(id)
        var moved = copy(old, to: folderId, now: now)
        moved.created = old.created
        moved.received = old.received
        put(moved)
        return moved
    }

    /// Deletes an item for good.
    mutating func remove(_ id: String) {
        guard let item = items.removeValue(forKey: id) else { return }
        folderItems[item.folderId]?.remove(id)
        reindex(item, nil)
    }
}
