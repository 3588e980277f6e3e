import ArgumentParser

/// The `meetingbot` command line. It only parses arguments and calls into the
/// library modules; no behaviour lives here.
@main
struct MeetingBotCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "meetingbot",
        abstract: "Processes Exchange meeting messages by rules an administrator writes.",
        discussion: """
            Exit codes: 0 all done; 1 some items failed; 2 configuration or rules invalid \
            (nothing was contacted); 3 server unreachable or authentication refused; \
            75 another run holds the lock.
            """,
        subcommands: [RulesCommand.self, SandboxCommand.self]
    )
}
