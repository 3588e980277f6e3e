import ArgumentParser
import MeetingRules

/// `meetingbot rules …`: check, test and document rules files.
struct RulesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rules",
        abstract: "Check rules files, run their examples, and print their reference and JSON Schema.",
        subcommands: [Check.self, Test.self, Docs.self, SchemaCommand.self]
    )

    /// The files a subcommand works on.
    struct Files: ParsableArguments {
        @Argument(help: "Rules files (default: every *.yml in ./rules).")
        var files: [String] = []

        var paths: [String] { RulesTool.files(files) }
    }

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check rules files and report every problem with its place.",
            discussion: "Exit codes: 0 no errors (warnings may be shown); 2 errors.")

        @OptionGroup var files: Files

        func run() throws { try finish(RulesTool.check(files.paths)) }
    }

    struct Test: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run the examples in rules files and show each mismatch with the decision and reason it got.",
            discussion: "Exit codes: 0 every example passed; 1 an example got another decision; 2 a file has errors.")

        @OptionGroup var files: Files

        func run() throws { try finish(RulesTool.test(files.paths)) }
    }

    struct Docs: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the rules reference (rules/README.md) for the files in a directory.")

        @Option(help: "The directory whose *.yml files the reference lists.")
        var directory = "rules"

        func run() { print(RulesTool.manual(directory: directory), terminator: "") }
    }

    struct SchemaCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "schema",
            abstract: "Print the JSON Schema of rules files (rules/meetingbot-rules.schema.json).")

        func run() { print(Schema.json, terminator: "") }
    }
}

/// Prints a tool's output and exits with its status.
private func finish(_ output: RulesTool.Output) throws {
    print(output.text)
    if output.status != RulesTool.clean { throw ExitCode(output.status) }
}
