import Foundation

/// Makes and checks item and folder ids. Real EWS ids are opaque base64; so
/// are these, and a client cannot tell them apart by form. The id encodes a
/// store-wide serial number, which keeps runs with the same fixture and the
/// same requests byte-for-byte reproducible. An occurrence's id encodes its
/// master's id and original start, as Exchange's do, so it stays the same
/// from one CalendarView to the next and GetItem can find the occurrence.
enum IDCodec {
    private static let prefix = "AAMkSBX"

    static func itemId(serial: Int) -> String { encode("item:\(serial)") }
    static func folderId(serial: Int) -> String { encode("folder:\(serial)") }

    static func occurrenceId(master: String, originalStart: Date) -> String {
        encode("occurrence:\(Int(originalStart.timeIntervalSince1970.rounded(.down))):\(master)")
    }

    /// The master id and original start an occurrence id encodes; nil for other ids.
    static func occurrence(_ id: String) -> (master: String, originalStart: Date)? {
        guard let text = decode(id), text.hasPrefix("occurrence:") else { return nil }
        let parts = text.dropFirst("occurrence:".count).split(separator: ":", maxSplits: 1)
        guard parts.count == 2, let seconds = Int(parts[0]) else { return nil }
        return (String(parts[1]), Date(timeIntervalSince1970: TimeInterval(seconds)))
    }

    static func changeKey(id: String, version: Int) -> String {
        Data("ck:\(version):\(id.suffix(6))".utf8).base64EncodedString()
    }

    /// Whether `id` has the form of an id this store issues (else the server
    /// answers ErrorInvalidIdMalformed rather than ErrorItemNotFound).
    static func isWellFormed(_ id: String) -> Bool {
        guard let text = decode(id) else { return false }
        return text.hasPrefix("item:") || text.hasPrefix("folder:") || occurrence(id) != nil
    }

    private static func decode(_ id: String) -> String? {
        guard id.hasPrefix(prefix), let data = Data(base64Encoded: String(id.dropFirst(prefix.count))) else {
            return nil
        }
        return String(data: data, encoding: .utf8)
    }

    private static func encode(_ text: String) -> String {
        prefix + Data(text.utf8).base64EncodedString()
    }
}
