import GRDB

/// Why the journal could not be used. Every kind means the same to the bot:
/// stop before anything is sent (exit 2), because a run that cannot record
/// its intents cannot keep the promise of at most one reply (PRODUCT.md 7.3).
///
/// A struct around a private kind, so kinds can be added without breaking
/// callers; match kinds with `~=` (`error ~= .locked`). The message names the
/// file and says what to do; it never quotes SQL or stored values.
public struct JournalError: Error, Sendable, Equatable, CustomStringConvertible {
    enum Kind: Sendable, Equatable {
        case locked, corrupt, newerVersion, io, refused
    }
    let kind: Kind
    /// What went wrong and what to do, for people.
    public let message: String

    init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    /// Another connection holds the write lock and did not let go within the busy timeout.
    public static let locked = Self(.locked, "")
    /// The file is not an SQLite database, or it is damaged.
    public static let corrupt = Self(.corrupt, "")
    /// The file was migrated by a version of MeetingBot that knows migrations this one does not.
    public static let newerVersion = Self(.newerVersion, "")
    /// The file could not be created, read or written.
    public static let io = Self(.io, "")
    /// The journal refused a change that would break its rules (a sent reply
    /// settled as not sent, a reply settled that was never claimed, an unknown run).
    public static let refused = Self(.refused, "")

    /// Compares the kind only.
    public static func ~= (pattern: JournalError, value: any Error) -> Bool {
        (value as? JournalError)?.kind == pattern.kind
    }

    public var description: String { message }

    static func locked(_ location: String) -> Self {
        Self(
            .locked,
            "another process holds the journal \(location) (waited \(Journal.busyTimeoutSeconds) s for it to let go); "
                + "wait for the other meetingbot run or close the program that has it open, then try again")
    }

    static func corrupt(_ location: String, _ detail: String) -> Self {
        Self(.corrupt, "the journal \(location) is damaged: \(detail); move it aside to start a new one")
    }

    static func newerVersion(_ location: String, unknown: Set<String>) -> Self {
        let names = unknown.sorted().joined(separator: ", ")
        return Self(
            .newerVersion,
            "the journal \(location) was written by a newer MeetingBot (migration \(names) unknown); upgrade MeetingBot"
        )
    }

    /// A reader cannot migrate: the next `meetingbot run` does.
    static func outdated(_ location: String) -> Self {
        Self(
            .io,
            "the journal \(location) was written by an older MeetingBot; "
                + "the next meetingbot run upgrades it, then it can be read")
    }

    static func refused(_ location: String, _ detail: String) -> Self {
        Self(.refused, "the journal \(location) refused the change: \(detail)")
    }

    /// What SQLite said, classified. Only SQLite's own message is kept: the
    /// statement and its arguments (subjects, addresses) stay out of it.
    init(_ error: DatabaseError, location: String) {
        switch error.resultCode {
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            self = .locked(location)
        case .SQLITE_CORRUPT, .SQLITE_NOTADB:
            self = .corrupt(location, error.message ?? "SQLite error \(error.resultCode.rawValue)")
        case .SQLITE_CONSTRAINT:
            self = .refused(location, error.message ?? "a constraint failed")
        default:
            self.init(
                .io,
                "cannot use the journal \(location): \(error.message ?? "SQLite error \(error.resultCode.rawValue)")")
        }
    }
}
