/// A small HTML tree that escapes by construction: tag and attribute names
/// and the page's own stylesheet are `StaticString`s, so only literals in
/// this module's source can become markup; every `String` (server text
/// included) is a text node or an attribute value, escaped when rendered.
///
/// Plot (PRODUCT.md 10) was weighed and not taken: its 0.14.0 writes
/// attribute values unescaped (`title` with `"><script>` breaks out) and
/// passes entities in text through (`AT&amp;T` shows as `AT&T`), and it has
/// no SVG; this covers what the report needs in a page of code.
struct HTMLNode: Sendable {
    fileprivate enum Content: Sendable {
        case element(StaticString, [HTMLAttribute], [HTMLNode])
        case text(String)
        case trusted(StaticString)
    }

    fileprivate let content: Content

    /// An element; `children` are empty for void elements such as `meta`.
    static func element(_ tag: StaticString, _ attributes: [HTMLAttribute] = [], _ children: [HTMLNode] = [])
        -> HTMLNode
    {
        HTMLNode(content: .element(tag, attributes, children))
    }

    static func element(_ tag: StaticString, _ attributes: [HTMLAttribute] = [], text: String) -> HTMLNode {
        element(tag, attributes, [.text(text)])
    }

    static func text(_ text: String) -> HTMLNode { HTMLNode(content: .text(text)) }

    /// Markup written as is: only literals (the stylesheet), never data.
    static func trusted(_ markup: StaticString) -> HTMLNode { HTMLNode(content: .trusted(markup)) }

    /// The document: the doctype and this node, one block element a line.
    func document() -> String {
        var out = "<!DOCTYPE html>\n"
        render(into: &out)
        return out + "\n"
    }

    private static let void: Set<String> = ["meta", "br"]
    /// Elements followed by a line break, so that snapshots diff line by line
    /// (the break is whitespace between blocks, which does not render).
    private static let blocks: Set<String> = [
        "html", "head", "meta", "title", "style", "body", "header", "section", "h1", "h2", "h3", "p", "ul", "li",
        "table", "thead", "tbody", "tr", "div", "dl", "footer",
    ]

    private func render(into out: inout String) {
        switch content {
        case .text(let text):
            out += Self.escape(text, quotes: false)
        case .trusted(let markup):
            out += markup.description
        case .element(let tag, let attributes, let children):
            let name = tag.description
            out += "<" + name
            for attribute in attributes {
                out += " " + attribute.name.description + "=\"" + Self.escape(attribute.value, quotes: true) + "\""
            }
            out += ">"
            if Self.void.contains(name) {
                out += "\n"
                return
            }
            if Self.blocks.contains(name), children.contains(where: \.isBlock) { out += "\n" }
            for child in children { child.render(into: &out) }
            out += "</" + name + ">"
            if Self.blocks.contains(name) { out += "\n" }
        }
    }

    private var isBlock: Bool {
        if case .element(let tag, _, _) = content { return Self.blocks.contains(tag.description) }
        return false
    }

    /// `&`, `<` and `>` always, quotes in attribute values; the control
    /// characters HTML forbids (all but tab, LF, CR) and the bidirectional
    /// controls that show text in another order than it reads (CVE-2021-42574)
    /// become U+FFFD, visibly.
    static func escape(_ text: String, quotes: Bool) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"" where quotes: out += "&quot;"
            case "'" where quotes: out += "&#39;"
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            case _ where scalar.properties.generalCategory == .control || scalar.properties.isBidiControl:
                out += "\u{FFFD}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}

struct HTMLAttribute: Sendable {
    let name: StaticString
    let value: String

    init(_ name: StaticString, _ value: String) {
        self.name = name
        self.value = value
    }

    static func `class`(_ names: String...) -> HTMLAttribute {
        HTMLAttribute("class", names.filter { !$0.isEmpty }.joined(separator: " "))
    }
}
