/// The id of an item in a mailbox. `changeKey` names the version the id was
/// read at; writes send it so the server can refuse a stale one (PROTOCOL.md 5.1).
public struct ItemId: Sendable, Hashable, CustomStringConvertible {
    public var id: String
    public var changeKey: String?

    public init(_ id: String, changeKey: String? = nil) {
        self.id = id
        self.changeKey = changeKey
    }

    public var description: String { id }
}

/// The id of a folder, as FindFolder or GetFolder return it.
public struct FolderId: Sendable, Hashable {
    public var id: String
    public var changeKey: String?

    public init(_ id: String, changeKey: String? = nil) {
        self.id = id
        self.changeKey = changeKey
    }
}

/// A well-known folder name (`t:DistinguishedFolderIdNameType`). Microsoft
/// Graph uses the same names for its well-known mail folders.
public struct DistinguishedFolderName: RawRepresentable, Hashable, Sendable {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    public static let inbox = Self(rawValue: "inbox")
    public static let calendar = Self(rawValue: "calendar")
    public static let deletedItems = Self(rawValue: "deleteditems")
    public static let sentItems = Self(rawValue: "sentitems")
    public static let drafts = Self(rawValue: "drafts")
    public static let root = Self(rawValue: "root")
}

/// A folder of the mailbox being worked on: a well-known one or one by id.
/// The mailbox itself is not part of the value: the client adds it where the
/// access mode needs it (delegate access names the mailbox in the folder id,
/// PROTOCOL.md 2.2).
public enum Folder: Sendable, Hashable {
    case distinguished(DistinguishedFolderName)
    case id(FolderId)

    public static let inbox = Folder.distinguished(.inbox)
    public static let calendar = Folder.distinguished(.calendar)
    public static let deletedItems = Folder.distinguished(.deletedItems)
    public static let sentItems = Folder.distinguished(.sentItems)
}
