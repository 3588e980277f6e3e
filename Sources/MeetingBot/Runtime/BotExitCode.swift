/// The exit codes of `meetingbot run` (PRODUCT.md 6), documented once here:
/// the help text and the README are made from this table.
public enum BotExitCode: Int32, Sendable, CaseIterable {
    case success = 0
    case itemsFailed = 1
    case invalidConfiguration = 2
    case serverUnreachable = 3
    case locked = 75

    /// What the code means, for `--help` and the README.
    public var meaning: String {
        switch self {
        case .success: "all done"
        case .itemsFailed: "some items failed (the report says which); the next run retries them"
        case .invalidConfiguration: "configuration, rules or journal invalid: nothing contacted, nothing sent"
        case .serverUnreachable: "the server could not be reached or refused the credentials"
        case .locked: "another run holds the lock (overlapping cron runs exit at once, quietly)"
        }
    }

    /// The table as the help text shows it.
    public static var helpText: String {
        "Exit codes:\n"
            + allCases.map {
                let code = String($0.rawValue)
                return String(repeating: " ", count: 4 - code.count) + code + "  " + $0.meaning
            }.joined(separator: "\n")
    }

    /// The code a finished run exits with: 3 when a mailbox's server could not
    /// be reached, else 1 when any item or mailbox failed, else 0.
    public init(_ report: RunReport) {
        if report.mailboxes.contains(where: { $0.status == .unreachable }) {
            self = .serverUnreachable
        } else if report.mailboxes.contains(where: { $0.status == .failed })
            || report.messages.contains(where: { $0.result.isProblem })
        {
            self = .itemsFailed
        } else {
            self = .success
        }
    }

    public var summary: String { "\(rawValue): \(meaning)" }
}
