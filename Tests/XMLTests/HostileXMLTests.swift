import Foundation
import Synchronization
import TestSupport
import Testing
@testable import XML

#if canImport(Glibc)
    import Glibc
#endif

/// The XML layer against documents made to hurt it (HostileXML): each is
/// refused with its own clear error, early, without expanding or fetching
/// anything. Each runs under FuzzRun's generous time bound, so a parser that
/// goes quadratic or never ends fails the test instead of holding it up.
@Suite struct HostileXMLTests {
    /// Parses each document under the time bound; the error of each, in order.
    static func errors(_ documents: [[UInt8]], limits: ParseLimits = .default) -> [XMLError?] {
        let errors = Mutex<[XMLError?]>([])
        let report = FuzzRun.run(documents) { bytes in
            do throws(XMLError) {
                _ = try XMLDocument(bytes, limits: limits)
                errors.withLock { $0.append(nil) }
            } catch {
                errors.withLock { $0.append(error) }
            }
            return nil
        }
        #expect(report.hung == nil, "document \(report.hung ?? 0) did not finish")
        return errors.withLock { $0 }
    }

    @Test func entityBombsAreRefusedAtTheirDoctype() throws {
        let errors = Self.errors([HostileXML.billionLaughs(levels: 30), HostileXML.quadraticBlowup()])
        for error in errors {
            let error = try #require(error)
            #expect(XMLError.doctypeForbidden ~= error)
            #expect(error.description.hasSuffix("a DOCTYPE is not allowed") && error.line != nil)
        }
    }

    /// A FIFO stands for the file: opening it to read would block until a
    /// writer came, so a parser that tried would never finish. A listening
    /// socket stands for the server: it counts the connections made.
    @Test func externalEntitiesAndDTDsAreNeverFetched() throws {
        let fifo = FileManager.default.temporaryDirectory.appendingPathComponent("xxe-\(UUID().uuidString)")
        #expect(mkfifo(fifo.path, 0o600) == 0)
        defer { try? FileManager.default.removeItem(at: fifo) }
        let listener = try Listener()
        defer { listener.close() }
        let documents =
            HostileXML.externalEntities(fifo.absoluteString) + HostileXML.externalEntities(fifo.path)
            + HostileXML.externalEntities("http://127.0.0.1:\(listener.port)/x.dtd")
        for error in Self.errors(documents) {
            #expect(error.map { XMLError.doctypeForbidden ~= $0 } == true, "\(String(describing: error))")
        }
        #expect(listener.connections() == 0)
    }

    @Test func deepNestingStopsAtTheLimit() throws {
        let errors = Self.errors([HostileXML.deepNesting(levels: 100_000), HostileXML.deepNesting(levels: 65)])
        for error in errors {
            let error = try #require(error)
            #expect(XMLError.tooDeep ~= error)
            #expect(error.message == "elements nested 65 deep exceed the limit of 64")
            #expect(error.line == 1 && error.column != nil)
        }
        #expect(Self.errors([HostileXML.deepNesting(levels: 63)]) == [nil])
    }

    @Test func textAndAttributesAreBounded() throws {
        let limit = ParseLimits().maxTextBytes
        let errors = Self.errors([
            HostileXML.hugeText(bytes: limit + 1), HostileXML.hugeText(bytes: 2 * limit),
            HostileXML.hugeAttribute(bytes: limit + 1),
        ])
        let text = try #require(errors[0])
        #expect(XMLError.tooLarge ~= text)
        #expect(text.message == "more than 10000000 bytes of text in one run")
        #expect(errors[1]?.message == text.message)
        #expect(errors[2]?.message == "an attribute value of 10000001 bytes exceeds the limit of 10000000")
        // At the limit the text is read; so is a lower limit's.
        #expect(Self.errors([HostileXML.hugeText(bytes: limit)]) == [nil])
        let lower = ParseLimits(maxTextBytes: 1_000)
        let small = Self.errors(
            [HostileXML.hugeText(bytes: 1_001), HostileXML.hugeAttribute(bytes: 1_001)], limits: lower)
        #expect(
            small.map { $0?.message } == [
                "more than 1000 bytes of text in one run", "an attribute value of 1001 bytes exceeds the limit of 1000",
            ])
    }

    /// libxml2 2.9 without XML_PARSE_HUGE stopped with "internal error: Huge
    /// input lookup" 10 to 20 MB into documents with texts of 100 KB and more:
    /// a batch of long message bodies, well within the 32 MB a response may have.
    @Test func largeDocumentsWithLongTextsAreRead() throws {
        let texts = (0..<200).map { _ in
            HostileXML.hugeText(bytes: 100_000, in: HostileXML.Frame(before: "<a>", after: "</a>"))
        }
        let runs = Array("<r>".utf8) + texts.joined() + Array("</r>".utf8)
        let split = HostileXML.hugeText(bytes: 6_000_000) + HostileXML.hugeText(bytes: 6_000_000)
        #expect(Self.errors([runs, Array("<a>".utf8) + split + Array("</a>".utf8)]) == [nil, nil])
    }

    /// Before the scan, 150,000 attributes took libxml2 over a minute (80,000 took 15 s), past FuzzRun's bound.
    @Test func manyAttributesAreRefusedBeforeLibxml2ReadsThem() throws {
        let errors = Self.errors([
            HostileXML.manyAttributes(150_000), HostileXML.manyAttributes(150_000, namespaces: true),
            HostileXML.manyAttributes(257),
        ])
        for error in errors {
            let error = try #require(error)
            #expect(XMLError.tooLarge ~= error)
            #expect(error.description == "line 1: a tag with more than 256 attributes")
        }
        #expect(
            Self.errors([HostileXML.manyAttributes(256), HostileXML.manyAttributes(256, namespaces: true)]) == [
                nil, nil,
            ])
        // Equals signs in text, comments, quoted values and end tags are not attributes.
        let text = String(repeating: "a=b ", count: 1_000)
        let quoted = "<r v=\"\(String(repeating: "=", count: 1_000))\">\(text)<!-- \(text) --></r>"
        #expect(Self.errors([Array(quoted.utf8)]) == [nil])
    }

    @Test func invalidUTF8IsMalformed() throws {
        for (document, error) in zip(HostileXML.invalidUTF8(), Self.errors(HostileXML.invalidUTF8())) {
            let error = try #require(error, "accepted \(FuzzRun.show(document))")
            #expect(XMLError.malformed ~= error)
            #expect(!error.message.isEmpty && error.line == 1)
        }
    }

    /// Names are bounded by the document's size alone: libxml2's limit of 50,000 bytes goes with XML_PARSE_HUGE.
    @Test func longNamesAreRead() throws {
        #expect(Self.errors([HostileXML.longName(bytes: 100_000)]) == [nil])
    }

    /// libxml2 takes an Int32 length: a larger buffer used to trap in the conversion.
    @Test func aBufferPastTwoGigabytesIsTooLarge() throws {
        let byte = UnsafeMutableRawPointer.allocate(byteCount: 1, alignment: 1)
        defer { byte.deallocate() }
        // Only the count is read before the size check.
        let huge = UnsafeRawBufferPointer(start: byte, count: Int(Int32.max) + 1)
        #expect { try XMLDocument(bytes: huge, limits: ParseLimits(maxBytes: .max)) } throws: {
            XMLError.tooLarge ~= $0
        }
    }
}

/// A listening TCP socket on 127.0.0.1 that only counts who connects.
final class Listener {
    let socket: Int32
    let port: Int

    init() throws {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(socket, pointer, length) == 0 && listen(socket, 16) == 0
                    && getsockname(socket, pointer, &length) == 0
            }
        }
        guard socket >= 0, bound else { throw POSIXError(.EADDRNOTAVAIL) }
        _ = fcntl(socket, F_SETFL, fcntl(socket, F_GETFL) | O_NONBLOCK)
        self.socket = socket
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    /// Connections waiting to be accepted (each accepted and closed).
    func connections() -> Int {
        var count = 0
        while case let client = accept(socket, nil, nil), client >= 0 {
            Glibc.close(client)
            count += 1
        }
        return count
    }

    func close() { Glibc.close(socket) }
}
