import Testing
@testable import XML

@Suite struct XMLWriterTests {
    @Test func escapesTextAndAttributesSoTheyRoundTrip() throws {
        let hostile = "</t:Body><t:Evil a=\"1\">&amp; ' \" <![CDATA[x]]>"
        let w = try XMLWriter()
        w.element("t:Body", ["BodyType": "Text"]) {
            w.namespace("t", "urn:t")
            w.attribute("Note", hostile)
            w.text(hostile)
        }
        let doc = try XMLDocument(w.finish())
        let body = try #require(doc.root)
        #expect(body.localName == "Body")
        #expect(body.namespaceURI == "urn:t")
        #expect(body.text == hostile)
        #expect(body.attribute("Note") == hostile)
        #expect(body.children.isEmpty)
    }

    @Test func replacesCharactersXMLCannotCarry() throws {
        let w = try XMLWriter()
        w.element("a", text: "bell\u{07}nul\u{00}ok\ttab")
        let doc = try XMLDocument(w.finish())
        #expect(doc.root?.text == "bell\u{FFFD}nul\u{FFFD}ok\ttab")
    }

    @Test func nestsElements() throws {
        let w = try XMLWriter()
        w.element("r") {
            for i in 0..<3 { w.element("i", ["n": "\(i)"]) }
        }
        let text = try w.finishString()
        #expect(text.contains("<r><i n=\"0\"/><i n=\"1\"/><i n=\"2\"/></r>"))
    }
}
