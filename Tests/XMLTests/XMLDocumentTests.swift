import Testing
@testable import XML

@Suite struct XMLDocumentTests {
    let soap = """
        <?xml version="1.0"?>
        <s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/">
          <s:Body>
            <m:R xmlns:m="urn:m" xmlns:t="urn:t" Class="Success">
              <t:Code>
                 ErrorServerBusy
              </t:Code>
              <t:Item Id="a&amp;b"/><t:Item Id="2"/>
            </m:R>
          </s:Body>
        </s:Envelope>
        """

    @Test func readsElementsByLocalNameWhateverTheirOrder() throws {
        let doc = try XMLDocument(string: soap)
        let r = try #require(doc.root?.path("Body", "R"))
        #expect(r.namespaceURI == "urn:m")
        #expect(r.attribute("Class") == "Success")
        #expect(r.childText("Code") == "ErrorServerBusy")
        #expect(r.children("Item").map { $0.attribute("Id") } == ["a&b", "2"])
        #expect(r.child("Missing") == nil)
        #expect(r.children.count == 3)
        #expect(r.line == 4)
    }

    @Test func xpathUsesTheGivenPrefixes() throws {
        let doc = try XMLDocument(string: soap)
        let items = try doc.select("//t:Item[@Id='2']", namespaces: ["t": "urn:t"])
        #expect(items.count == 1)
        let r = try #require(doc.select("//m:R", namespaces: ["m": "urn:m"]).first)
        #expect(try r.select("t:Item", namespaces: ["t": "urn:t"]).count == 2)
        #expect(throws: XMLError.self) { try doc.select("//[", namespaces: [:]) }
    }

    @Test func refusesEntityBombsAndExternalEntities() {
        let bomb = """
            <?xml version="1.0"?>
            <!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
            <lolz>&lol2;</lolz>
            """
        let xxe = """
            <?xml version="1.0"?>
            <!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>
            """
        for text in [bomb, xxe] {
            #expect { try XMLDocument(string: text) } throws: { XMLError.doctypeForbidden ~= $0 }
        }
    }

    @Test func boundsSizeAndDepth() {
        let deep = String(repeating: "<a>", count: 100) + String(repeating: "</a>", count: 100)
        #expect { try XMLDocument(string: deep, limits: ParseLimits(maxDepth: 64)) } throws: { XMLError.tooDeep ~= $0 }
        #expect((try? XMLDocument(string: deep, limits: ParseLimits(maxDepth: 100))) != nil)
        #expect { try XMLDocument(string: "<a>hello</a>", limits: ParseLimits(maxBytes: 5)) } throws: {
            XMLError.tooLarge ~= $0
        }
    }

    @Test func reportsWhereMalformedInputBreaks() throws {
        do {
            _ = try XMLDocument(string: "<a>\n<b></a>")
            Issue.record("parsed malformed XML")
        } catch {
            #expect(XMLError.malformed ~= error)
            #expect(error.line == 2)
        }
        #expect { try XMLDocument([]) } throws: { XMLError.malformed ~= $0 }
        #expect { try XMLDocument(string: "<a>truncat") } throws: { XMLError.malformed ~= $0 }
    }
}
