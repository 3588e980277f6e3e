import EWS
import Foundation
import XML

/// ConvertId between EwsId, EwsLegacyId, EntryId and HexEntryId. exchangelib
/// calls it first, with a dummy id, only to read ServerVersionInfo.
/// https://learn.microsoft.com/en-us/exchange/client-developer/web-service-reference/convertid-operation
enum ConvertId: SandboxOperation {
    static let name = "ConvertId"
    private static let xsi = "http://www.w3.org/2001/XMLSchema-instance"

    static func run(
        _ request: XMLElement, _ context: OperationContext, _ store: inout StoreState,
        _ out: XMLWriter
    ) throws(SOAPFault) {
        let destination = request.attribute("DestinationFormat") ?? "EwsId"
        ResponseMessage.response(name, to: out) {
            for source in request.child("SourceIds")?.children ?? [] {
                let result = Result { () throws(StoreError) -> String in
                    guard let id = decode(source.attribute("Id") ?? "", format: source.attribute("Format") ?? ""),
                        IDCodec.isWellFormed(id)
                    else {
                        throw StoreError(.invalidIdMalformed, "Id is malformed.")
                    }
                    guard let converted = encode(id, format: destination) else {
                        throw StoreError(.invalidRequest, "The sandbox cannot convert to \(destination).")
                    }
                    return converted
                }
                ResponseMessage.write(name, error: result.failure, to: out) {
                    guard case .success(let converted) = result else { return }
                    out.element(
                        "m:AlternateId",
                        [
                            "xmlns:xsi": xsi, "xsi:type": "t:AlternateIdType", "Format": destination,
                            "Id": converted, "Mailbox": source.attribute("Mailbox") ?? context.mailbox,
                        ])
                }
            }
        }
    }

    private static func decode(_ id: String, format: String) -> String? {
        switch format {
        case "EwsId", "EwsLegacyId": id
        case "EntryId": Data(base64Encoded: id).flatMap { String(data: $0, encoding: .utf8) }
        case "HexEntryId": hexDecode(id)
        default: nil
        }
    }

    private static func encode(_ id: String, format: String) -> String? {
        switch format {
        case "EwsId", "EwsLegacyId": id
        case "EntryId": Data(id.utf8).base64EncodedString()
        case "HexEntryId": id.utf8.map { String(format: "%02X", $0) }.joined()
        default: nil
        }
    }

    private static func hexDecode(_ hex: String) -> String? {
        let bytes = Array(hex.utf8)
        guard bytes.count % 2 == 0 else { return nil }
        var out: [UInt8] = []
        for i in stride(from: 0, to: bytes.count, by: 2) {
            guard let byte = UInt8(String(decoding: bytes[i..<i + 2], as: UTF8.self), radix: 16) else { return nil }
            out.append(byte)
        }
        return String(bytes: out, encoding: .utf8)
    }
}
