import Foundation

/// Makes and checks item and folder ids. Real EWS ids are opaque base64; so
/// are these, and a client cannot tell them apart by form. The id encodes a
/// store-wide serial number, which keeps runs with the same fixture and the
/// same requests byte-for-byte reproducible.
enum IDCodec {
    private static let prefix = "AAMkSBX"

    static func itemId(serial: Int) -> String { encode("item:\(serial)") }
    static func folderId(serial: Int) -> String { encode("folder:\(serial)") }

    static func changeKey(id: String, version: Int) -> String {
        Data("ck:\(version):\(id.suffix(6))".utf8).base64EncodedString()
    }

    /// Whether `id` has the form of an id this store issues (else the server
    /// answers ErrorInvalidIdMalformed rather than ErrorItemNotFound).
    static func isWellFormed(_ id: String) -> Bool {
        guard id.hasPrefix(prefix), let data = Data(base64Encoded: String(id.dropFirst(prefix.count))),
              let text = String(data: data, encoding: .utf8) else { return false }
        return text.hasPrefix("item:") || text.hasPrefix("folder:")
    }

    private static func encode(_ text: String) -> String {
        prefix + Data(text.utf8).base64EncodedString()
    }
}
