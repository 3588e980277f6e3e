import EWS
import Foundation
import XML

/// What a FindItem asks of a folder's items: its restriction and its sort
/// order, compiled once per request. A property the store does not model
/// fails the request's response message (ErrorUnsupportedPathForQuery,
/// ErrorUnsupportedPathForSortGroup), as Exchange answers for paths it cannot
/// query or sort on, rather than matching or ordering nothing.
/// https://learn.microsoft.com/en-us/exchange/client-developer/web-service-reference/responsecode
struct ItemQuery {
    var restriction: Restriction?
    /// FieldURI (or extended-property key) and whether ascending, in order.
    var sort: [(String, Bool)]

    init(_ request: XMLElement) throws(StoreError) {
        restriction = try request.child("Restriction")?.children.first.map { (e) throws(StoreError) in
            try Restriction(e)
        }
        sort = try (request.child("SortOrder")?.children ?? []).map { (order) throws(StoreError) in
            (
                try FieldValue.path(in: order, unsupported: .unsupportedPathForSortGroup),
                order.attribute("Order") != "Descending"
            )
        }
    }
}

/// A FindItem restriction compiled once per request and evaluated per item:
/// And, Or, Not, IsEqualTo, IsNotEqualTo, the four comparisons (with a
/// constant), Contains and Exists, on the properties of `FieldValue.properties`.
/// https://learn.microsoft.com/en-us/exchange/client-developer/web-service-reference/restriction
indirect enum Restriction: Sendable {
    case and([Restriction])
    case or([Restriction])
    case not(Restriction)
    case compare(Comparison, field: String, constant: String)
    case contains(field: String, constant: String, mode: ContainmentMode, folding: String.CompareOptions)
    case exists(field: String)

    enum Comparison: String {
        case equal = "IsEqualTo", notEqual = "IsNotEqualTo", greater = "IsGreaterThan"
        case greaterOrEqual = "IsGreaterThanOrEqualTo", less = "IsLessThan", lessOrEqual = "IsLessThanOrEqualTo"
    }

    /// ContainmentMode (the Contains element reference).
    enum ContainmentMode: String {
        case fullString = "FullString"
        case prefixed = "Prefixed"
        case substring = "Substring"
        case prefixOnWords = "PrefixOnWords"
        case exactPhrase = "ExactPhrase"
    }

    /// Compiles `m:Restriction`'s single child.
    init(_ element: XMLElement) throws(StoreError) {
        let name = element.localName
        switch name {
        case "And", "Or":
            var parts: [Restriction] = []
            for child in element.children { parts.append(try Restriction(child)) }
            self = name == "And" ? .and(parts) : .or(parts)
        case "Not":
            guard let inner = element.children.first else { throw StoreError(.invalidRequest, "Not needs a child.") }
            self = .not(try Restriction(inner))
        case "Exists":
            self = .exists(field: try FieldValue.path(in: element))
        case "Contains":
            let field = try FieldValue.path(in: element)
            guard FieldValue.properties[field]?.isText == true else {
                throw StoreError(
                    ResponseCode(rawValue: "ErrorContainsFilterWrongType"),
                    "The property \(field) in a Contains filter is not a string.")
            }
            let comparison = element.attribute("ContainmentComparison") ?? "Exact"
            var folding: String.CompareOptions = []
            if comparison.contains("IgnoreCase") { folding.insert(.caseInsensitive) }
            if comparison.contains("NonSpacing") || comparison.contains("NonSpace") {
                folding.insert(.diacriticInsensitive)
            }
            self = .contains(
                field: field, constant: element.child("Constant")?.attribute("Value") ?? "",
                mode: element.attribute("ContainmentMode").flatMap(ContainmentMode.init(rawValue:)) ?? .substring,
                folding: folding)
        default:
            guard let comparison = Comparison(rawValue: name) else {
                throw StoreError(.invalidRequest, "The sandbox does not support the restriction \(name).")
            }
            guard let constant = element.path("FieldURIOrConstant", "Constant")?.attribute("Value") else {
                throw StoreError(.invalidRequest, "The sandbox compares a property with a constant only.")
            }
            self = .compare(comparison, field: try FieldValue.path(in: element), constant: constant)
        }
    }

    func matches(_ item: StoredItem) -> Bool {
        switch self {
        case .and(let parts): return parts.allSatisfy { $0.matches(item) }
        case .or(let parts): return parts.contains { $0.matches(item) }
        case .not(let inner): return !inner.matches(item)
        case .exists(let field): return FieldValue.of(field, item) != nil
        case .contains(let field, let constant, let mode, let folding):
            guard case .text(let text)? = FieldValue.of(field, item) else { return false }
            return Self.contains(
                text.folding(options: folding, locale: nil), constant.folding(options: folding, locale: nil), mode)
        case .compare(_, let field, _): return admits(FieldValue.of(field, item))
        }
    }

    /// Whether a comparison admits an item with this value of its field (false for other restrictions).
    func admits(_ value: FieldValue?) -> Bool {
        guard case .compare(let comparison, _, let constant) = self else { return false }
        guard let order = value?.compare(to: constant) else { return comparison == .notEqual }
        switch comparison {
        case .equal: return order == .orderedSame
        case .notEqual: return order != .orderedSame
        case .greater: return order == .orderedDescending
        case .greaterOrEqual: return order != .orderedAscending
        case .less: return order == .orderedAscending
        case .lessOrEqual: return order != .orderedDescending
        }
    }

    /// A lower bound on `field` among the terms of an And, and the other terms:
    /// the items it admits are the last in ascending order of `field`, the
    /// first in descending order, so they are found by a binary search.
    func lowerBound(on field: String) -> (bound: Restriction, rest: Restriction?)? {
        guard case .and(var terms) = self,
            let at = terms.firstIndex(where: {
                guard case .compare(let comparison, let bounded, _) = $0 else { return false }
                return bounded == field && (comparison == .greater || comparison == .greaterOrEqual)
            })
        else { return nil }
        let bound = terms.remove(at: at)
        return (bound, terms.isEmpty ? nil : terms.count == 1 ? terms[0] : .and(terms))
    }

    /// PrefixOnWords matches where a word starts ("a prefix on any individual
    /// word"); ExactPhrase only whole words, from a word's start to a word's end.
    private static func contains(_ text: String, _ needle: String, _ mode: ContainmentMode) -> Bool {
        switch mode {
        case .fullString: return text == needle
        case .prefixed: return text.hasPrefix(needle)
        case .substring: return text.contains(needle)
        case .prefixOnWords, .exactPhrase:
            guard !needle.isEmpty else { return false }
            func isWord(_ c: Character?) -> Bool { c.map { $0.isLetter || $0.isNumber } ?? false }
            return text.ranges(of: needle).contains { range in
                let before = range.lowerBound == text.startIndex ? nil : text[text.index(before: range.lowerBound)]
                let after = range.upperBound == text.endIndex ? nil : text[range.upperBound]
                return !isWord(before) && (mode == .prefixOnWords || !isWord(after))
            }
        }
    }
}

/// A property value of a stored item, for restrictions and sorting.
enum FieldValue: Equatable {
    case text(String)
    case date(Date)
    case bool(Bool)
    case number(Int)
    case binary([UInt8])

    /// How the store reads one property.
    struct Property: Sendable {
        let isText: Bool
        let read: @Sendable (StoredItem) -> FieldValue?

        static func text(_ read: @escaping @Sendable (StoredItem) -> String?) -> Self {
            Self(isText: true) { read($0).map(FieldValue.text) }
        }
        static func date(_ read: @escaping @Sendable (StoredItem) -> Date?) -> Self {
            Self(isText: false) { read($0).map(FieldValue.date) }
        }
        static func bool(_ read: @escaping @Sendable (StoredItem) -> Bool) -> Self {
            Self(isText: false) { .bool(read($0)) }
        }
        static func number(_ read: @escaping @Sendable (StoredItem) -> Int) -> Self {
            Self(isText: false) { .number(read($0)) }
        }
        static func binary(_ read: @escaping @Sendable (StoredItem) -> [UInt8]?) -> Self {
            Self(isText: false) { read($0).map(FieldValue.binary) }
        }
    }

    /// The properties the store models, by FieldURI, or by the key of an
    /// extended property (`extendedKey`).
    static let properties: [String: Property] = [
        "item:ItemClass": .text { $0.itemClass },
        "item:Subject": .text { $0.subject },
        "item:Body": .text { $0.body },
        "item:Importance": .text { $0.importance },
        "item:Sensitivity": .text { $0.sensitivity },
        "item:DateTimeReceived": .date { $0.received },
        "item:DateTimeCreated": .date { $0.created },
        "item:LastModifiedTime": .date { $0.lastModified },
        "item:DateTimeSent": .date { $0.sent },
        "message:IsRead": .bool { $0.isRead },
        "message:From": .text { $0.from?.email },
        "message:Sender": .text { $0.from?.email },
        "calendar:Start": .date { $0.start },
        "calendar:End": .date { $0.end },
        "calendar:UID": .text { $0.uid },
        "calendar:Location": .text { $0.location },
        "calendar:IsCancelled": .bool { $0.isCancelled },
        "calendar:IsMeeting": .bool { $0.isMeeting },
        "calendar:IsAllDayEvent": .bool { $0.isAllDay },
        "calendar:IsRecurring": .bool { $0.isRecurring },
        "calendar:IsOrganizer": .bool { $0.isOrganizer },
        "calendar:LegacyFreeBusyStatus": .text { $0.freeBusy },
        "calendar:MyResponseType": .text { $0.isOrganizer ? "Organizer" : $0.myResponseType },
        "calendar:CalendarItemType": .text { $0.calendarItemType },
        "calendar:Organizer": .text { $0.organizer?.email },
        "calendar:AppointmentSequenceNumber": .number { $0.sequence },
        "meeting:IsOutOfDate": .bool { $0.isOutOfDate },
        "meeting:HasBeenProcessed": .bool { $0.hasBeenProcessed },
        "meeting:ResponseType": .text { $0.responseType },
        "meetingRequest:MeetingRequestType": .text { $0.meetingRequestType },
        extendedKey(meeting: StoredGlobalObjectId.propertyId): .binary { StoredGlobalObjectId.of($0, clean: false) },
        extendedKey(meeting: StoredGlobalObjectId.cleanPropertyId): .binary {
            StoredGlobalObjectId.of($0, clean: true)
        },
    ]

    static func of(_ path: String, _ item: StoredItem) -> FieldValue? { properties[path]?.read(item) }

    /// The key of the property `expression` names by its FieldURI or
    /// ExtendedFieldURI child; a path the store does not model (an
    /// IndexedFieldURI among them) is refused with `code`.
    static func path(
        in expression: XMLElement, unsupported code: ResponseCode = .unsupportedPathForQuery
    ) throws(StoreError) -> String {
        let element = expression.children.first {
            ["FieldURI", "ExtendedFieldURI", "IndexedFieldURI"].contains($0.localName)
        }
        let key: String? =
            switch element?.localName {
            case "FieldURI": element?.attribute("FieldURI")
            case "ExtendedFieldURI": element.flatMap(extendedKey)
            default: nil
            }
        if let key, properties[key] != nil { return key }
        let named = element.map { e in
            [
                "FieldURI", "FieldIndex", "DistinguishedPropertySetId", "PropertySetId", "PropertyTag", "PropertyName",
                "PropertyId", "PropertyType",
            ].compactMap { name in e.attribute(name).map { "\(name)=\"\($0)\"" } }
        }
        let use = code == .unsupportedPathForQuery ? "restrictions" : "sorting"
        throw StoreError(
            code,
            "The property path \(element?.localName ?? "") \(named?.joined(separator: " ") ?? "") is not supported for \(use): the sandbox does not model it."
        )
    }

    /// The key of an ExtendedFieldURI of PSETID_Meeting
    /// {6ED8DA90-450B-101B-98DA-00AA003F1305}, named either way (MS-OXPROPS).
    private static func extendedKey(_ element: XMLElement) -> String? {
        guard
            element.attribute("DistinguishedPropertySetId") == "Meeting"
                || element.attribute("PropertySetId")?.uppercased() == "6ED8DA90-450B-101B-98DA-00AA003F1305",
            let id = element.attribute("PropertyId").flatMap({ Int($0) })
        else { return nil }
        return extendedKey(meeting: id, type: element.attribute("PropertyType") ?? "")
    }

    /// The key of a PSETID_Meeting property, by its long id and type.
    static func extendedKey(meeting id: Int, type: String = "Binary") -> String { "PSETID_Meeting:\(id):\(type)" }

    /// Compares with a restriction constant, read as this value's type
    /// (binary constants are base64).
    func compare(to constant: String) -> ComparisonResult? {
        switch self {
        case .text(let value):
            return value.lowercased() == constant.lowercased()
                ? .orderedSame
                : (value.lowercased() < constant.lowercased() ? .orderedAscending : .orderedDescending)
        case .date(let value):
            return EWSDateTime.parse(constant).map {
                value == $0 ? .orderedSame : (value < $0 ? .orderedAscending : .orderedDescending)
            }
        case .bool(let value):
            return RequestValue.bool(constant).map {
                value == $0 ? .orderedSame : (value ? .orderedDescending : .orderedAscending)
            }
        case .number(let value):
            return Int(constant).map {
                value == $0 ? .orderedSame : (value < $0 ? .orderedAscending : .orderedDescending)
            }
        case .binary(let value):
            return Data(base64Encoded: constant).map { Array($0) }.map {
                value == $0
                    ? .orderedSame : (value.lexicographicallyPrecedes($0) ? .orderedAscending : .orderedDescending)
            }
        }
    }

    /// Orders two values of the same field; missing values sort first.
    static func ascending(_ a: FieldValue?, _ b: FieldValue?) -> Bool {
        switch (a, b) {
        case (nil, nil): false
        case (nil, _): true
        case (_, nil): false
        case (.text(let x)?, .text(let y)?): x.lowercased() < y.lowercased()
        case (.date(let x)?, .date(let y)?): x < y
        case (.bool(let x)?, .bool(let y)?): !x && y
        case (.number(let x)?, .number(let y)?): x < y
        case (.binary(let x)?, .binary(let y)?): x.lexicographicallyPrecedes(y)
        default: false
        }
    }
}

/// The meeting's global object id, PidLidGlobalObjectId (PSETID_Meeting
/// 0x3), and its clean form PidLidCleanGlobalObjectId (0x23), which the
/// series and all its instances share (MS-OXOCAL 2.2.1.27, 2.2.1.28). The
/// EWS UID stands for it as MS-OXCICAL 2.1.3.1.1.20.26 reads a UID: the hex
/// form of the blob (EncodedGlobalId), or any other string wrapped as a
/// third-party id behind "vCal-Uid".
enum StoredGlobalObjectId {
    static let propertyId = 3
    static let cleanPropertyId = 35
    static let byteArrayId: [UInt8] = [0x04, 0, 0, 0, 0x82, 0, 0xE0, 0, 0x74, 0xC5, 0xB7, 0x10, 0x1A, 0x82, 0xE0, 0x08]
    /// Bytes 16-19: YH, YL, M, D, the original date of an exception's instance.
    static let instanceDate = 16..<20

    /// The item's id. Its instance date is that of the one occurrence an
    /// item is about (its RecurrenceId, in UTC like
    /// PidLidExceptionReplaceTime); the clean form has none.
    static func of(_ item: StoredItem, clean: Bool) -> [UInt8]? {
        guard let uid = item.uid else { return nil }
        var blob = blob(uid: uid)
        if clean {
            blob.replaceSubrange(instanceDate, with: [0, 0, 0, 0])
        } else if let original = item.recurrenceId {
            let day = utc.dateComponents([.year, .month, .day], from: original)
            let year = day.year ?? 0
            blob.replaceSubrange(
                instanceDate,
                with: [UInt8(year >> 8 & 0xFF), UInt8(year & 0xFF), UInt8(day.month ?? 0), UInt8(day.day ?? 0)])
        }
        return blob
    }

    /// The blob a UID stands for: an EncodedGlobalId is 82 hex digits or
    /// more, starting with the byte array id.
    static func blob(uid: String) -> [UInt8] {
        if uid.count >= 82, let bytes = bytes(hex: uid), bytes.starts(with: byteArrayId) { return bytes }
        let data = Array("vCal-Uid".utf8) + [1, 0, 0, 0] + Array(uid.utf8) + [0]
        let size = UInt32(data.count)
        // Instance date, creation time and the reserved X are zero, then the size, little-endian.
        return byteArrayId + [UInt8](repeating: 0, count: 20)
            + [UInt8(size & 0xFF), UInt8(size >> 8 & 0xFF), UInt8(size >> 16 & 0xFF), UInt8(size >> 24)] + data
    }

    /// The bytes an even number of hex digits stand for.
    private static func bytes(hex: String) -> [UInt8]? {
        let digits = hex.compactMap(\.hexDigitValue)
        guard digits.count == hex.count, digits.count % 2 == 0 else { return nil }
        return stride(from: 0, to: digits.count, by: 2).map { UInt8(digits[$0] << 4 | digits[$0 + 1]) }
    }

    private static let utc: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .gmt
        return calendar
    }()
}

extension ResponseCode {
    static let unsupportedPathForQuery = Self(rawValue: "ErrorUnsupportedPathForQuery")
    static let unsupportedPathForSortGroup = Self(rawValue: "ErrorUnsupportedPathForSortGroup")
}
