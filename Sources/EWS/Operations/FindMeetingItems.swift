import Foundation
import XML

/// FindItem on a calendar folder for the items of one meeting, by its
/// identity rather than its times: the meeting's global object id
/// (PidLidGlobalObjectId, PSETID_Meeting 0x3) or, to find a series from a
/// message about one of its occurrences, the clean id that the series and
/// all its instances share (PidLidCleanGlobalObjectId, 0x23) (PROTOCOL.md 6.4).
/// Single items and recurring masters only: there is no CalendarView.
/// https://learn.microsoft.com/en-us/exchange/client-developer/web-service-reference/finditem-operation
struct FindMeetingItems: EWSOperation {
    static let name = "FindItem"
    static let isIdempotent = true
    /// A meeting has one item in a calendar; a few more would be duplicates.
    static let maxEntries = 10

    var folder: Folder
    var mailbox: String?
    var uid: String

    func writeBody(to w: XMLWriter) {
        let id = GlobalObjectId(uid: uid)
        w.element("m:FindItem", ["Traversal": "Shallow"]) {
            w.itemShape(["item:ItemClass"])
            w.element(
                "m:IndexedPageItemView",
                ["MaxEntriesReturned": "\(Self.maxEntries)", "Offset": "0", "BasePoint": "Beginning"])
            w.element("m:Restriction") {
                w.element("t:Or") {
                    writeEquals(propertyId: GlobalObjectId.propertyId, id.bytes, to: w)
                    writeEquals(propertyId: GlobalObjectId.cleanPropertyId, id.clean, to: w)
                }
            }
            w.element("m:ParentFolderIds") { w.folder(folder, mailbox: mailbox) }
        }
    }

    private func writeEquals(propertyId: Int, _ value: [UInt8], to w: XMLWriter) {
        w.element("t:IsEqualTo") {
            w.element(
                "t:ExtendedFieldURI",
                ["DistinguishedPropertySetId": "Meeting", "PropertyId": "\(propertyId)", "PropertyType": "Binary"])
            w.element("t:FieldURIOrConstant") { w.element("t:Constant", ["Value": Data(value).base64EncodedString()]) }
        }
    }

    func parse(_ response: XMLElement) throws(EWSError) -> [ItemId] {
        guard let root = try ResponseMessage.single(in: response).child("RootFolder") else {
            throw EWSError(.invalidResponse, "FindItem (by global object id) answered without a RootFolder")
        }
        var ids: [ItemId] = []
        for item in root.child("Items")?.children ?? [] { ids.append(try item.requiredItemId()) }
        return ids
    }
}

/// The global object id an EWS UID stands for, read as MS-OXCICAL
/// 2.1.3.1.1.20.26 reads a UID: the hex form of the blob when the UID is 82
/// or more hex digits, even in number, starting with the byte array id
/// (what Exchange gives its own meetings); any other UID is a third-party
/// one, wrapped behind "vCal-Uid" (MS-OXOCAL 2.2.1.27).
struct GlobalObjectId: Equatable {
    static let propertyId = 3
    static let cleanPropertyId = 35
    static let byteArrayId: [UInt8] = [0x04, 0, 0, 0, 0x82, 0, 0xE0, 0, 0x74, 0xC5, 0xB7, 0x10, 0x1A, 0x82, 0xE0, 0x08]

    let bytes: [UInt8]

    init(uid: String) {
        if uid.count >= 82, let bytes = Self.bytes(hex: uid), bytes.starts(with: Self.byteArrayId) {
            self.bytes = bytes
            return
        }
        let data = Array("vCal-Uid".utf8) + [1, 0, 0, 0] + Array(uid.utf8) + [0]
        let size = UInt32(data.count)
        // No instance date, creation time or reserved bytes; the size is little-endian.
        bytes =
            Self.byteArrayId + [UInt8](repeating: 0, count: 20)
            + [UInt8(size & 0xFF), UInt8(size >> 8 & 0xFF), UInt8(size >> 16 & 0xFF), UInt8(size >> 24)] + data
    }

    /// The clean form: the instance date (bytes 16-19, YH YL M D) zero.
    var clean: [UInt8] {
        var clean = bytes
        clean.replaceSubrange(16..<20, with: [0, 0, 0, 0])
        return clean
    }

    /// The bytes an even number of hex digits stand for.
    private static func bytes(hex: String) -> [UInt8]? {
        let digits = hex.compactMap(\.hexDigitValue)
        guard digits.count == hex.count, digits.count % 2 == 0 else { return nil }
        return stride(from: 0, to: digits.count, by: 2).map { UInt8(digits[$0] << 4 | digits[$0 + 1]) }
    }
}
