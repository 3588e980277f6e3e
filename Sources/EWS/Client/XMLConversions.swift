import Foundation
import XML

// The pieces of XML every operation writes or reads: ids, folders, mailboxes.

extension XMLWriter {
    /// `<t:ItemId Id=… ChangeKey=…/>` or another element of `t:ItemIdType`.
    func itemId(_ id: ItemId, element: String = "t:ItemId") {
        start(element)
        attribute("Id", id.id)
        if let changeKey = id.changeKey { attribute("ChangeKey", changeKey) }
        end()
    }

    /// A folder id; a distinguished folder names `mailbox` when one is given
    /// (delegate access, PROTOCOL.md 2.2).
    func folder(_ folder: Folder, mailbox: String?) {
        switch folder {
        case .distinguished(let name):
            element("t:DistinguishedFolderId", ["Id": name.rawValue]) {
                if let mailbox {
                    element("t:Mailbox") { element("t:EmailAddress", text: mailbox) }
                }
            }
        case .id(let id):
            start("t:FolderId")
            attribute("Id", id.id)
            if let changeKey = id.changeKey { attribute("ChangeKey", changeKey) }
            end()
        }
    }

    /// `m:ItemShape` with `IdOnly` and these properties.
    func itemShape(_ fieldURIs: [String], textBody: Bool = false) {
        element("m:ItemShape") {
            element("t:BaseShape", text: "IdOnly")
            if textBody { element("t:BodyType", text: "Text") }
            element("t:AdditionalProperties") {
                for uri in fieldURIs { element("t:FieldURI", ["FieldURI": uri]) }
            }
        }
    }

    func dateTime(_ name: String, _ date: Date) {
        element(name, text: EWSDateTime.format(date))
    }
}

extension XMLElement {
    /// An id from the `Id` and `ChangeKey` attributes of the child `name`.
    func itemId(_ name: String = "ItemId") -> ItemId? {
        guard let element = child(name), let id = element.attribute("Id")?.trimmed, !id.isEmpty else { return nil }
        return ItemId(id, changeKey: element.attribute("ChangeKey")?.trimmed)
    }

    /// The id of an item element, which every item must have.
    func requiredItemId() throws(EWSError) -> ItemId {
        guard let id = itemId() else { throw EWSError(.invalidResponse, "a \(localName) without an ItemId") }
        return id
    }

    /// The `t:Mailbox` inside the child `name` (`Organizer`, `From`), or inside this element.
    func mailbox(_ name: String? = nil) -> Mailbox? {
        guard let box = (name.map { child($0) } ?? self)?.child("Mailbox") else { return nil }
        return Mailbox(
            name: box.childText("Name"), address: box.childText("EmailAddress"),
            routingType: box.childText("RoutingType"))
    }

    /// The attendees of one list (`RequiredAttendees`, `OptionalAttendees`
    /// or `Resources`), each with the role that list gives it.
    func attendees(_ role: Attendee.Role) -> [Attendee] {
        let name =
            switch role {
            case .required: "RequiredAttendees"
            case .optional: "OptionalAttendees"
            case .resource: "Resources"
            }
        return (child(name)?.children("Attendee") ?? []).compactMap { a in
            a.mailbox().map {
                Attendee(
                    mailbox: $0, role: role, response: a.childText("ResponseType").map(ResponseType.init(rawValue:)),
                    lastResponseTime: a.date("LastResponseTime"),
                    proposedStart: a.date("ProposedStart"), proposedEnd: a.date("ProposedEnd"))
            }
        }
    }

    func date(_ name: String) -> Date? { childText(name).flatMap(EWSDateTime.parse) }

    /// xs:boolean: `true`/`1` or `false`/`0`.
    func bool(_ name: String) -> Bool? {
        switch childText(name) {
        case "true", "1": true
        case "false", "0": false
        default: nil
        }
    }

    func int(_ name: String) -> Int? { childText(name).flatMap { Int($0) } }

    /// The text of a child that is present and not empty.
    func string(_ name: String) -> String? {
        guard let text = childText(name), !text.isEmpty else { return nil }
        return text
    }
}
