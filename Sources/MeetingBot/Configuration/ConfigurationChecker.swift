import CheckedYAML
import EWS
import Foundation

/// One key of a mapping in the configuration file: its name, whether it must
/// be there, and how its value is read into the draft of its section.
struct ConfigurationKey<Draft>: Sendable {
    let key: String
    let required: Bool
    let read: @Sendable (YAMLNode, ConfigurationChecker, inout Draft) -> Void

    init(
        _ key: String, required: Bool = false,
        read: @escaping @Sendable (YAMLNode, ConfigurationChecker, inout Draft) -> Void
    ) {
        self.key = key
        self.required = required
        self.read = read
    }
}

/// Reads one configuration file: the shared checker, the folder that relative
/// paths start from, and readers for the configuration's own kinds of value.
final class ConfigurationChecker: YAMLChecker {
    /// The configuration file's folder, absolute.
    let directory: URL

    init(file: String, directory: URL) {
        self.directory = directory
        super.init(file: file)
    }

    /// Reads a mapping whose keys are `keys` into `draft`; `required` replaces
    /// the keys' own flags where what is required depends on another key.
    @discardableResult
    func read<Draft>(
        _ node: YAMLNode, as what: String, keys: [ConfigurationKey<Draft>], required: [String]? = nil,
        refused: [String: String] = [:], into draft: inout Draft
    ) -> Bool {
        let required = required ?? keys.filter(\.required).map(\.key)
        return readMapping(node, as: what, keys: keys.map(\.key), required: required, refused: refused) {
            index, _, value in keys[index].read(value, self, &draft)
        }
    }

    /// Text that is not empty.
    func nonEmptyText(_ node: YAMLNode, _ key: String) -> String? {
        guard let text = text(node, key) else { return nil }
        guard !text.isEmpty else {
            expected(node, key, "text that is not empty")
            return nil
        }
        return text
    }

    /// A path, made absolute against the configuration file's folder.
    func path(_ node: YAMLNode, _ key: String) -> String? {
        guard node.scalarType == .text, let text = node.scalarText, !text.isEmpty, !text.contains("\0") else {
            expected(node, key, "a path such as /var/lib/meetingbot")
            return nil
        }
        return URL(fileURLWithPath: text, relativeTo: directory).standardizedFileURL.path
    }

    /// A URL the bot may send credentials to: https, or http to this machine
    /// (`EndpointPolicy`, PRODUCT.md 5).
    func endpoint(_ node: YAMLNode, _ key: String) -> URL? {
        guard let text = text(node, key) else { return nil }
        guard let url = URL(string: text) else {
            expected(node, key, "a URL such as https://mail.contoso.com/EWS/Exchange.asmx")
            return nil
        }
        do {
            try EndpointPolicy.check(url)
        } catch {
            self.error(node, "\(quoted(key)): \(error.message)")
            return nil
        }
        return url
    }

    /// A proxy URL as libcurl takes it: `http://proxy.contoso.com:3128`.
    func proxy(_ node: YAMLNode, _ key: String) -> String? {
        guard let text = text(node, key) else { return nil }
        // Not quoted back: what is before the @ would be a password.
        guard !text.contains("@") else {
            error(
                node,
                "\(quoted(key)) may not hold a user name or password: a secret is never written in the configuration")
            return nil
        }
        let schemes = ["http", "https", "socks4", "socks4a", "socks5", "socks5h"]
        guard let parts = URLComponents(string: text), let scheme = parts.scheme?.lowercased(),
            schemes.contains(scheme), let host = parts.host, !host.isEmpty
        else {
            expected(node, key, "a proxy URL such as http://proxy.contoso.com:3128")
            return nil
        }
        return text
    }

    /// An SMTP address such as `room@contoso.com`.
    func address(_ node: YAMLNode, _ key: String) -> String? {
        guard let text = text(node, key) else { return nil }
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty,
            !text.contains(where: { $0.isWhitespace || ",;<>\"*?".contains($0) })
        else {
            expected(node, key, "an address such as room@contoso.com")
            return nil
        }
        return text
    }

    /// A distinguished folder name such as `inbox`.
    func folder(_ node: YAMLNode, _ key: String) -> Folder? {
        if node.scalarType == .text, let text = node.scalarText, Self.folderNames.contains(text) {
            return .distinguished(DistinguishedFolderName(rawValue: text))
        }
        let hint = node.scalarText.map { Suggestion.hint(for: $0, among: Self.folderNames) } ?? ""
        expected(node, key, "a distinguished folder name such as inbox, deleteditems or junkemail", hint: hint)
        return nil
    }

    /// A `RequestServerVersion` the bot can work with: Exchange2013_SP1 or later (PROTOCOL.md 2.1).
    func version(_ node: YAMLNode, _ key: String) -> ExchangeVersion? {
        let usable = ExchangeVersion.all.filter { $0.isAtLeast(.exchange2013SP1) }
        if node.scalarType == .text, let text = node.scalarText,
            let version = usable.first(where: { $0.rawValue == text })
        {
            return version
        }
        let text = node.scalarText ?? ""
        let hint =
            ExchangeVersion.all.contains(ExchangeVersion(rawValue: text))
            ? " (the bot needs Exchange2013_SP1 or later)"
            : Suggestion.hint(for: text, among: usable.map(\.rawValue))
        expected(node, key, "one of " + usable.map(\.rawValue).joined(separator: ", "), hint: hint)
        return nil
    }

    /// A length of time such as `30s`, `4m`, `24h` or `7d`, from `range` (in seconds).
    func duration(_ node: YAMLNode, _ key: String, in range: ClosedRange<Int>) -> Duration? {
        duration(node, key, .seconds, in: range).map { .seconds($0) }
    }

    /// A secret's file, named by `key`.
    func secretFile(_ node: YAMLNode, _ key: String, kind: String) -> SecretSource? {
        path(node, key).map { SecretSource(origin: .file(path: $0), kind: kind, location: node.location) }
    }

    /// A secret's environment variable, named by `key`.
    func secretVariable(_ node: YAMLNode, _ key: String, kind: String) -> SecretSource? {
        guard let name = text(node, key) else { return nil }
        guard let first = name.first, first == "_" || first.isASCIILetter,
            name.allSatisfy({ $0 == "_" || $0.isASCIILetter || $0.isASCIIDigit })
        else {
            expected(node, key, "the name of an environment variable such as MEETINGBOT_PASSWORD")
            return nil
        }
        return SecretSource(origin: .environment(name: name), kind: kind, location: node.location)
    }

    /// A secret key as given: the source it names (nil when that was wrong) and its value's node.
    typealias GivenSecret = (source: SecretSource?, node: YAMLNode)

    /// The one source among `given`, the values of the keys `file` and
    /// `variable` of `node`: there must be exactly one. Nil, after reporting it,
    /// when there is none, both, or the one given is wrong.
    func oneSecret(_ given: [GivenSecret], file: String, variable: String, in node: YAMLNode, as what: String)
        -> SecretSource?
    {
        switch given.count {
        case 1:
            return given[0].source
        case 0:
            error(node, "\(what) needs \(quoted(file)) or \(quoted(variable))")
        default:
            error(given[1].node, "give \(quoted(file)) or \(quoted(variable)), not both")
        }
        return nil
    }

    /// Every `t:DistinguishedFolderIdNameType` (types.xsd).
    static let folderNames = [
        "calendar", "contacts", "deleteditems", "drafts", "inbox", "journal", "notes", "outbox", "sentitems", "tasks",
        "msgfolderroot", "publicfoldersroot", "root", "junkemail", "searchfolders", "voicemail",
        "recoverableitemsroot", "recoverableitemsdeletions", "recoverableitemsversions", "recoverableitemspurges",
        "recoverableitemsdiscoveryholds", "archiveroot", "archivemsgfolderroot", "archivedeleteditems",
        "archiveinbox", "archiverecoverableitemsroot", "archiverecoverableitemsdeletions",
        "archiverecoverableitemsversions", "archiverecoverableitemspurges", "archiverecoverableitemsdiscoveryholds",
        "syncissues", "conflicts", "localfailures", "serverfailures", "recipientcache", "quickcontacts",
        "conversationhistory", "adminauditlogs", "todosearch", "mycontacts", "directory", "imcontactlist",
        "peopleconnect", "favorites", "mecontact", "personmetadata", "teamspaceactivity", "teamspacemessaging",
        "teamspaceworkitems", "scheduled", "orionnotes", "tagitems", "alltaggeditems", "externalcontacts", "teamchat",
        "teamchathistory", "yammerroot", "yammerinbound", "yammeroutbound", "yammerfeeds", "onedriveroot",
        "onedriverecylebin", "onedrivesystem", "onedrivevolume", "important", "starred", "archive",
    ]
}

extension Character {
    fileprivate var isASCIILetter: Bool { isASCII && isLetter }
}
