import EWSSandbox
import Foundation

/// The sandbox's state dump (`GET /_sandbox/state`, the same JSON as
/// `Sandbox.dumpJSON()`), read back for assertions on outcomes.
struct StateDump: Decodable {
    struct Item: Decodable, Hashable {
        var id: String
        var mailbox: String
        var folderId: String
        var kind: String
        var itemClass: String
        var subject: String
        var uid: String?
        var sequence: Int
        var myResponseType: String?
        var responseType: String?
        var isCancelled: Bool
        var sent: Date?
        var from: Address?

        /// Who sent a message: its address.
        struct Address: Decodable, Hashable { var email: String }
    }

    struct Mailbox: Decodable {
        var folders: [String: String]
    }

    var items: [String: Item]
    var mailboxes: [String: Mailbox]

    init(_ data: Data) throws {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        self = try decoder.decode(StateDump.self, from: data)
    }

    /// The items of a mailbox's distinguished folder, by subject.
    func items(_ mailbox: String, _ folder: String) -> [Item] {
        let id = mailboxes[mailbox]?.folders[folder]
        return items.values.filter { $0.folderId == id }.sorted { ($0.subject, $0.id) < ($1.subject, $1.id) }
    }

    func subjects(_ mailbox: String, _ folder: String, kind: String? = nil) -> [String] {
        items(mailbox, folder).filter { kind == nil || $0.kind == kind }.map(\.subject)
    }

    /// What a mailbox holds, without ids: two stores that went through the
    /// same changes in another order of ids compare equal.
    func projection(_ mailboxes: [String]) -> [String: [String]] {
        var out: [String: [String]] = [:]
        for mailbox in mailboxes {
            for folder in ["inbox", "calendar", "deleteditems", "sentitems", "drafts"] {
                out[mailbox + "/" + folder] = items(mailbox, folder).map {
                    [
                        $0.kind, $0.itemClass, $0.subject, $0.myResponseType ?? "-", $0.responseType ?? "-",
                        String($0.isCancelled),
                    ].joined(separator: "|")
                }.sorted()
            }
        }
        return out
    }
}
