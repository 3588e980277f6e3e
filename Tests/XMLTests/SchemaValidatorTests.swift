import Foundation
import TestSupport
import Testing
@testable import XML

@Suite struct SchemaValidatorTests {
    static let validator = Result { try SchemaValidator(directory: SharedFiles.schemaDirectory) }

    @Test(arguments: try SharedFiles.samples(endingIn: ".request.xml") + SharedFiles.samples(endingIn: ".response.xml"))
    func samplesValidate(_ file: URL) throws {
        let doc = try XMLDocument(Array(Data(contentsOf: file)))
        #expect(try Self.validator.get().violations(ofEnvelope: doc) == [], "\(file.lastPathComponent)")
    }

    @Test(arguments: try SharedFiles.samples(endingIn: ".xml", broken: true))
    func brokenSamplesAreRejectedWithALocation(_ file: URL) throws {
        let doc = try XMLDocument(Array(Data(contentsOf: file)))
        let violations = try Self.validator.get().violations(ofEnvelope: doc)
        #expect(!violations.isEmpty)
        #expect(violations.allSatisfy { $0.line != nil })
    }

    @Test func wrongOrderNamesTheExpectedElements() throws {
        let file = SharedFiles.samplesDirectory.appendingPathComponent(
            "broken/CreateItem-Respond-wrong-order.request.xml")
        let doc = try XMLDocument(Array(Data(contentsOf: file)))
        let first = try #require(Self.validator.get().violations(ofEnvelope: doc).first)
        #expect(first.message.contains("This element is not expected"))
    }

    @Test func aMissingDirectoryIsAClearError() {
        #expect { try SchemaValidator(directory: "/nonexistent") } throws: { error in
            "\(error)".contains("messages.xsd")
        }
    }
}
