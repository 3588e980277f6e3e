import ArgumentParser
import MeetingBot

/// The `meetingbot` command line. It only parses arguments and calls into the
/// library modules; no behaviour lives here.
@main
struct MeetingBotCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "meetingbot",
        abstract: "Processes Exchange meeting messages by rules an administrator writes.",
        discussion: BotExitCode.helpText,
        subcommands: [
            RunCommand.self, HistoryCommand.self, AttendanceCommand.self, RulesCommand.self, DemoCommand.self,
            SandboxCommand.self,
        ]
    )
}
