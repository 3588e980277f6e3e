// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "MeetingBot",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "meetingbot", targets: ["meetingbot"]),
        .executable(name: "rules-benchmark", targets: ["RulesBenchmark"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
    ],
    targets: [
        // C libraries: declarations only (STYLE.md example 1).
        .systemLibrary(name: "CLibXML2", pkgConfig: "libxml-2.0", providers: [.apt(["libxml2-dev"])]),
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        // glibc's mallopt, for the bot's memory arenas (BotLauncher).
        .systemLibrary(name: "CMalloc"),

        // SplitMix64: seeded randomness for faults, generated loads, workloads and fuzzing.
        .target(name: "SeededRandom"),
        // libxml2 wrapper: the only importer of CLibXML2.
        .target(name: "XML", dependencies: ["CLibXML2"]),
        // EWS vocabulary and client: Transport is the only importer of CCurl.
        .target(name: "EWS", dependencies: ["XML", "CCurl", .product(name: "Logging", package: "swift-log")]),
        // Closed key sets, file:line:column errors, did-you-mean: shared by the rules and configuration files.
        .target(name: "CheckedYAML", dependencies: ["Yams"]),
        // The rules: pure (facts in, decisions out); imports neither EWS nor the sandbox.
        .target(name: "MeetingRules", dependencies: ["CheckedYAML"]),
        // The bot's journal: SQLite through GRDB; imports neither EWS nor the rules.
        .target(name: "MeetingJournal", dependencies: [.product(name: "GRDB", package: "GRDB.swift")]),
        // The bot: configuration, pipeline, reports and runtime; talks to
        // mailboxes through its own seam, which EWS implements.
        .target(
            name: "MeetingBot",
            dependencies: [
                "EWS", "MeetingRules", "MeetingJournal", "CheckedYAML", "CMalloc",
                .product(name: "Logging", package: "swift-log"),
            ]),
        // The local Exchange used by tests and the demo.
        .target(
            name: "EWSSandbox",
            dependencies: [
                "EWS", "XML", "Yams", "SeededRandom",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]),
        // The command line: thin.
        .executableTarget(
            name: "meetingbot",
            dependencies: [
                "EWSSandbox",
                "MeetingRules",
                "MeetingBot",
                "MeetingJournal",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]),

        // Throughput of the sandbox: swift run -c release sandbox-benchmark
        .executableTarget(
            name: "sandbox-benchmark", dependencies: ["EWSSandbox", "EWS"], path: "Benchmarks/SandboxBenchmark"),

        // Test helpers shared by the test targets (paths to ../shared).
        .target(name: "TestSupport", dependencies: ["SeededRandom", "CLibFuzzer"], path: "Tests/TestSupport"),
        // libFuzzer's driver, declared for the fuzz targets (docs/FUZZING.md).
        .target(name: "CLibFuzzer", path: "Tests/Fuzz/CLibFuzzer"),
        .testTarget(name: "XMLTests", dependencies: ["XML", "SeededRandom", "TestSupport"]),
        // Servers/ holds the Python loopback servers the transport tests start.
        .testTarget(
            name: "EWSTests",
            dependencies: ["EWS", "EWSSandbox", "XML", "ResponseChecks", "SeededRandom", "TestSupport"],
            exclude: ["Servers"]),
        // Runs the built `meetingbot` binary; depends on it only through the build.
        .testTarget(name: "meetingbotTests", dependencies: ["TestSupport"], exclude: ["Help"]),
        .testTarget(
            name: "EWSSandboxTests", dependencies: ["EWSSandbox", "EWS", "XML", "SeededRandom", "TestSupport"]),
        .testTarget(
            name: "MeetingRulesTests",
            dependencies: [
                "MeetingRules", "CheckedYAML", "RulesWorkload", "FileChecks", "SeededRandom", "TestSupport",
            ],
            exclude: ["Fixtures"]),
        .testTarget(name: "CheckedYAMLTests", dependencies: ["CheckedYAML"]),
        // Snapshots/ holds the reports' pinned renderings.
        .testTarget(
            name: "MeetingBotTests",
            dependencies: [
                "MeetingBot", "MeetingJournal", "MeetingRules", "CheckedYAML", "EWS", "EWSSandbox", "FileChecks",
                "SeededRandom", "TestSupport",
            ],
            exclude: ["Snapshots"]),
        .testTarget(
            name: "MeetingJournalTests",
            dependencies: ["MeetingJournal", .product(name: "GRDB", package: "GRDB.swift")]),

        // Fuzzing (docs/FUZZING.md): the checks of one input, shared by the seeded
        // tests and the libFuzzer targets of `make fuzz`; they read internals, so
        // they build in debug or with -enable-testing, as `make fuzz` builds them.
        .target(name: "ResponseChecks", dependencies: ["XML", "EWS"], path: "Tests/Fuzz/ResponseChecks"),
        .target(
            name: "FileChecks", dependencies: ["MeetingRules", "MeetingBot", "CheckedYAML", "RulesWorkload"],
            path: "Tests/Fuzz/FileChecks"),
        .executableTarget(
            name: "response-fuzzer", dependencies: ["ResponseChecks", "TestSupport"],
            path: "Tests/Fuzz/ResponseFuzzer"),
        .executableTarget(
            name: "file-fuzzer", dependencies: ["FileChecks", "TestSupport"], path: "Tests/Fuzz/FileFuzzer"),

        // Benchmarks: `swift run -c release rules-benchmark`.
        // The workload is a library so that a unit test can run it with a tiny count.
        .target(
            name: "RulesWorkload", dependencies: ["MeetingRules", "SeededRandom"], path: "Benchmarks/RulesWorkload"),
        .executableTarget(name: "RulesBenchmark", dependencies: ["RulesWorkload"], path: "Benchmarks/RulesBenchmark"),
    ],
    swiftLanguageModes: [.v6]
)
