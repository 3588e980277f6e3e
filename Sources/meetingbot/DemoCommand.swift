import ArgumentParser
import Foundation

/// `meetingbot demo`: the newcomer's tour (`make demo`), on a sandbox of its
/// own; `DemoTour` does the work.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "A tour: the bot's dry run and real run over demo mailboxes in a sandbox of its own.",
        discussion: """
            Starts the sandbox on a free port of 127.0.0.1 with the demo fixture (two rooms, two organizers' \
            mailboxes and the people who book them, with a few dozen meeting messages waiting), writes a \
            configuration for it that uses the shipped rules files, then runs the bot: first a dry run, then a \
            real run, printing each report, then the history the journal recorded, and writes the report to a \
            file. Then it stops the sandbox. Run it from the repository's root, or name the fixture and the \
            rules folder. Exits 0 when both runs did.
            """)

    @Option(help: "The sandbox fixture with the demo's mailboxes and messages.")
    var fixture = "scripts/demo-fixture.yml"

    @Option(help: "The folder with the shipped rules files room.yml and organizer.yml.")
    var rules = "rules"

    @Option(help: "Where to write the configuration, the journal and the report (default: a new temporary folder).")
    var directory: String?

    func validate() throws {
        let files =
            [fixture] + DemoTour.rulesFiles.sorted().map { URL(fileURLWithPath: rules).appendingPathComponent($0).path }
        if let missing = files.first(where: { !FileManager.default.fileExists(atPath: $0) }) {
            throw ValidationError(
                "\(missing) is not there: run the demo from the repository's root, or name --fixture and --rules")
        }
    }

    func run() async throws {
        let folder =
            directory.map { URL(fileURLWithPath: $0) }
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("meetingbot-demo-\(UUID().uuidString)")
        let tour = DemoTour(
            fixture: URL(fileURLWithPath: fixture), rules: URL(fileURLWithPath: rules), directory: folder)
        let status = try await tour.run { print($0) }
        throw ExitCode(status.rawValue)
    }
}
