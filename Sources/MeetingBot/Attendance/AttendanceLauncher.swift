import EWS
import Foundation
import Logging

/// What `meetingbot attendance` does: the configuration checked (a bad one:
/// exit 2, nothing contacted), the secret read, then for each mailbox one
/// calendar view and GetItem of the meetings it organizes. It only reads: no
/// run lock, no journal, no writer.
public struct AttendanceLauncher: Sendable {
    public var configPath: String
    public var mailboxes: [String]
    /// The window's start (default now) and end (default 90 days later).
    public var from: Date?
    public var to: Date?
    public var days: Int
    public var logger: Logger
    public var clock: any BotClock
    /// Where problems before the first mailbox is read are written (standard error).
    public var problems: @Sendable (String) -> Void

    public init(
        configPath: String, mailboxes: [String] = [], from: Date? = nil, to: Date? = nil, days: Int = 90,
        logger: Logger, clock: any BotClock = SystemClock(),
        problems: @escaping @Sendable (String) -> Void = { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }
    ) {
        self.configPath = configPath
        self.mailboxes = mailboxes
        self.from = from
        self.to = to
        self.days = days
        self.logger = logger
        self.clock = clock
        self.problems = problems
    }

    /// Reads every chosen mailbox's attendance and hands it to `deliver`;
    /// returns the exit status: 3 when a server could not be reached, 1 when
    /// a mailbox or meeting could not be read, else 0.
    public func launch(deliver: (AttendanceReport) throws -> Void) async -> BotExitCode {
        let start = from ?? clock.now
        let window = to.map { DateInterval(start: start, end: max($0, start)) } ?? .attendance(from: start, days: days)
        let setup: BotSetup
        let transports: TransportPool
        do {
            setup = try BotSetup(configPath: configPath, mailboxes: mailboxes)
            transports = try setup.transports(authentication: try setup.authentication())
        } catch {
            problems("\(error)")
            return .invalidConfiguration
        }
        var status = BotExitCode.success
        var results: [MailboxAttendance] = []
        // One server for all: once it cannot be reached, the others are not
        // tried, each of which would wait out the client's retries.
        var unreachable: MailboxError?
        for mailbox in setup.mailboxes {
            if let unreachable {
                results.append(.unread(mailbox.address, window, "not tried: \(unreachable)"))
                continue
            }
            do {
                let client = setup.client(for: mailbox, transports: transports, logger: logger)
                let reader = EWSMailboxReader(client, options: setup.configuration.mailboxOptions)
                let attendance = try await MailboxAttendance.read(from: EWSMeetingSource(reader), window: window)
                if attendance.error != nil, status == .success { status = .itemsFailed }
                results.append(attendance)
            } catch {
                logger.error("\(mailbox.address): \(error)")
                if error.isConnectionProblem {
                    status = .serverUnreachable
                    unreachable = error
                } else if status == .success {
                    status = .itemsFailed
                }
                results.append(.unread(mailbox.address, window, error.description))
            }
        }
        do {
            try deliver(AttendanceReport(from: window.start, to: window.end, mailboxes: results))
        } catch {
            problems("\(error)")
            return .itemsFailed
        }
        return status
    }
}
