import CheckedYAML
import Foundation
import MeetingJournal

/// What `meetingbot history` asks of the journal: what was decided, when,
/// by which rule and why, dry runs included unless told otherwise.
public struct HistoryQuery: Sendable, Equatable {
    /// Which runs' entries: a dry run records what a real run would have done.
    public enum DryRuns: String, Sendable, CaseIterable {
        case include, exclude, only
    }

    public var since: HistorySince
    public var mailbox: String?
    public var organizer: String?
    public var uid: String?
    public var action: String?
    public var dryRuns: DryRuns
    /// At most this many entries, the newest.
    public var limit: Int?

    public init(
        since: HistorySince = .ago(seconds: 7 * 86_400), mailbox: String? = nil, organizer: String? = nil,
        uid: String? = nil, action: String? = nil, dryRuns: DryRuns = .include, limit: Int? = nil
    ) {
        self.since = since
        self.mailbox = mailbox
        self.organizer = organizer
        self.uid = uid
        self.action = action
        self.dryRuns = dryRuns
        self.limit = limit
    }

    /// The journal's filter at `now`: the newest entries first, one more
    /// than the limit, to tell whether the limit cut any off.
    func filter(now: Date) -> HistoryFilter {
        let dryRun: Bool? =
            switch dryRuns {
            case .include: nil
            case .exclude: false
            case .only: true
            }
        return HistoryFilter(
            since: since.date(now: now), mailbox: mailbox, organizer: organizer, uid: uid, action: action,
            dryRun: dryRun, limit: limit.map { $0 + 1 }, order: .newestFirst)
    }

    /// Reads the journal of the configuration at `configPath`. Throws
    /// `ConfigurationError` or `JournalError`: either is exit 2.
    public func read(configPath: String, now: Date) throws -> HistoryListing {
        try read(stateDirectory: try BotConfiguration.load(contentsOf: configPath).stateDirectory, now: now)
    }

    /// Reads the journal in `stateDirectory` without taking the run lock or
    /// writing anything, so it works beside a run as well as without one.
    /// A directory where no run recorded anything gives no entries.
    public func read(stateDirectory: String, now: Date) throws(JournalError) -> HistoryListing {
        let filter = filter(now: now)
        var listing = HistoryListing(since: filter.since, entries: [])
        guard let journal = try Journal.openForReading(directory: URL(fileURLWithPath: stateDirectory)) else {
            listing.emptyStateDirectory = stateDirectory
            return listing
        }
        var entries = try journal.entries(filter)
        if let limit, entries.count > limit {
            entries.removeLast(entries.count - limit)
            listing.limited = limit
        }
        listing.entries = entries.reversed()
        return listing
    }
}

/// `--since`: how far back the history goes.
public enum HistorySince: Sendable, Equatable {
    /// The whole journal.
    case all
    /// This long before now.
    case ago(seconds: Int)
    /// From this moment.
    case moment(Date)

    /// `7d`, `24h`, `90m`, `1h30m` (the configuration's durations), a day
    /// (`2026-03-01`, from 00:00 UTC), a moment (`2026-03-01T08:00:00Z`), or `all`.
    public init?(_ text: String) {
        if text == "all" {
            self = .all
        } else if let seconds = DurationSyntax.seconds.seconds(in: text) {
            self = .ago(seconds: seconds)
        } else if let date = ListingDate.parse(text) {
            self = .moment(date)
        } else {
            return nil
        }
    }

    public func date(now: Date) -> Date? {
        switch self {
        case .all: nil
        case .ago(let seconds): now.addingTimeInterval(-TimeInterval(seconds))
        case .moment(let date): date
        }
    }
}

/// Dates on the command line: a day (`2026-03-01`, 00:00 UTC) or a moment in
/// ISO 8601 (`2026-03-01T08:00:00Z`, `2026-03-01T09:00:00+01:00`).
public enum ListingDate {
    public static func parse(_ text: String) -> Date? {
        if let moment = try? Date.ISO8601FormatStyle().parse(text) { return moment }
        return try? Date.ISO8601FormatStyle(timeZone: .gmt).year().month().day().parse(text)
    }
}

/// The entries a history query found, oldest first.
public struct HistoryListing: Sendable, Codable, Equatable {
    /// The version of these fields (docs/HISTORY.md); grows when fields are added.
    public static let formatVersion = 1

    public var formatVersion = Self.formatVersion
    /// The query's start; nil for the whole journal.
    public var since: Date?
    public var entries: [JournalEntry]
    /// Set when more entries matched than `--limit`: the newest this many are listed.
    public var limited: Int?
    /// Set when no run has recorded anything in this state directory yet.
    public var emptyStateDirectory: String?

    public init(since: Date?, entries: [JournalEntry], limited: Int? = nil, emptyStateDirectory: String? = nil) {
        self.since = since
        self.entries = entries
        self.limited = limited
        self.emptyStateDirectory = emptyStateDirectory
    }
}
