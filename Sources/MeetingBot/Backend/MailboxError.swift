/// Why a mailbox call failed, in the pipeline's own terms, so that a second
/// backend (Microsoft Graph, PRODUCT.md 11) maps its failures to the same
/// few kinds and the pipeline never looks at an EWS response code. The
/// server's own code is kept for reports only.
public struct MailboxError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable, Equatable {
        /// The server cannot be reached, or the connection failed.
        case unreachable
        /// The credentials were refused.
        case authentication
        /// The server kept asking to wait until the retry budget ran out.
        case throttled
        /// The item is gone (answered and moved, deleted, or never there).
        case notFound
        /// The server refused this item for good (a per-item error).
        case refused
        /// A write may or may not have been carried out: re-read before trying again (PRODUCT.md 7.3).
        case unknownOutcome
        /// Anything else: an answer that could not be read, a transient failure.
        case failed
    }

    public let kind: Kind
    /// What went wrong, for people; never a credential.
    public let message: String
    /// The server's code verbatim (`ErrorItemNotFound`), when it gave one.
    public let serverCode: String?

    public init(_ kind: Kind, _ message: String, serverCode: String? = nil) {
        self.kind = kind
        self.message = message
        self.serverCode = serverCode
    }

    /// The run stops for this server rather than per item (exit code 3).
    public var isConnectionProblem: Bool { kind == .unreachable || kind == .authentication }

    public var description: String {
        guard let serverCode, !message.contains(serverCode) else { return message }
        return "\(serverCode): \(message)"
    }
}
