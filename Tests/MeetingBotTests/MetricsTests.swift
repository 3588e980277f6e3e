import EWSSandbox
import Foundation
import MeetingBot
import TestSupport
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif
#if canImport(Glibc)
    import Glibc
#endif

/// The metrics file (issue 9, item 5): written after each run for
/// node_exporter's textfile collector, checked with Prometheus's own parsers
/// (the Python client's, and node_exporter's collector itself), and its
/// counts equal to the run's report.
@Suite struct MetricsTests {
    /// A family as Prometheus's Python parser reads it (Tests/Tools/metrics_samples.py).
    struct Family: Decodable {
        struct Sample: Decodable {
            var name: String
            var labels: [String: String]
            var value: Double
            var timestamp: Double?
        }
        var name: String
        var type: String
        var help: String
        var samples: [Sample]
    }

    static let script = SharedFiles.packageRoot.appendingPathComponent("Tests/Tools/metrics_samples.py").path

    /// The file as Prometheus's Python client parses it, by family name.
    static func parse(_ path: String) throws -> [String: Family] {
        try #require(
            TestEnvironment.runs(needing: FileManager.default.isExecutableFile(atPath: ChildProcess.python)),
            "\(ChildProcess.python) is missing: run scripts/setup.sh")
        let run = try ChildProcess.run(ChildProcess.python, [script, path])
        try #require(run.status == 0, "the parser refused the file: \(run.error)")
        let families = try JSONDecoder().decode([Family].self, from: Data(run.output.utf8))
        return Dictionary(families.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
    }

    /// The samples of `family` as label sets (without `shard`) -> value.
    static func values(_ families: [String: Family], _ family: String) -> [[String: String]: Double] {
        Dictionary(
            (families[family]?.samples ?? []).map { ($0.labels.filter { $0.key != "shard" }, $0.value) },
            uniquingKeysWith: { a, _ in a })
    }

    static func harness(_ fixture: String = SafetyTests.fiveMeetings, faults: [FaultRule] = []) async throws
        -> BotHarness
    {
        try await SafetyTests.harness(fixture, extra: "metrics_file: meetingbot.prom", faults: faults)
    }

    static func metricsFile(_ harness: BotHarness) -> String {
        harness.directory.appendingPathComponent("meetingbot.prom").path
    }

    /// The Show of item 5: the file parses, and its counts equal the run's.
    @Test func theFileParsesAndItsCountsEqualTheRuns() async throws {
        let harness = try await PipelineTests.mixedHarness()
        defer { Task { await harness.stop() } }
        let file = harness.directory.appendingPathComponent("meetingbot.prom").path
        try harness.configuration(mailboxes: PipelineTests.mixedMailboxes, extra: "metrics_file: meetingbot.prom")
            .write(to: harness.configFile, atomically: true, encoding: .utf8)
        let (status, delivered, problems) = await harness.run()
        let report = try #require(delivered, "\(problems)")
        let families = try Self.parse(file)

        var expected: [[String: String]: Double] = [:]
        for mailbox in report.mailboxes {
            for message in mailbox.messages {
                let key = [
                    "mailbox": mailbox.address, "kind": message.kind, "action": message.action,
                    "result": message.result.rawValue,
                ]
                expected[key, default: 0] += 1
            }
        }
        #expect(Self.values(families, "meetingbot_last_run_messages") == expected)
        #expect(expected.values.reduce(0, +) == Double(report.messages.count))
        #expect(
            Self.values(families, "meetingbot_last_run_ews_calls")
                == Dictionary(uniqueKeysWithValues: report.calls.map { (["operation": $0.key], Double($0.value)) }))
        #expect(!report.calls.isEmpty)
        func perMailbox(_ results: Set<MessageReport.Result>) -> [[String: String]: Double] {
            Dictionary(
                uniqueKeysWithValues: report.mailboxes.map { mailbox in
                    (["mailbox": mailbox.address], Double(mailbox.messages.count { results.contains($0.result) }))
                })
        }
        #expect(Self.values(families, "meetingbot_pending") == perMailbox([.pending]))
        #expect(perMailbox([.pending]).values.reduce(0, +) > 0, "the chair's attendant is late: responses wait")
        #expect(Self.values(families, "meetingbot_stuck") == perMailbox([.stuck, .stuckPending]))
        #expect(Self.values(families, "meetingbot_last_run_failures") == perMailbox([.failed, .unknownOutcome]))
        #expect(
            Self.values(families, "meetingbot_last_run_mailbox_status")
                == Dictionary(
                    uniqueKeysWithValues: report.mailboxes.map {
                        (["mailbox": $0.address, "status": $0.status.rawValue], 1.0)
                    }))
        #expect(Self.values(families, "meetingbot_last_run_exit_code") == [[:]: Double(status.rawValue)])
        #expect(Self.values(families, "meetingbot_last_run_ews_retries") == [[:]: 0])
        #expect(Self.values(families, "meetingbot_last_run_dry_run") == [[:]: 0])
        let now = harness.server.sandbox.now.timeIntervalSince1970
        #expect(Self.values(families, "meetingbot_last_success_timestamp_seconds") == [[:]: now])
        #expect(Self.values(families, "meetingbot_last_run_timestamp_seconds") == [[:]: now])
        let duration = try #require(families["meetingbot_last_run_duration_seconds"]?.samples.first?.value)
        #expect(duration > 0 && duration < 60)
        // Every family is a gauge with help; none carries a timestamp.
        for family in families.values {
            #expect(family.type == "gauge" && !family.help.isEmpty, "\(family.name)")
            #expect(family.samples.allSatisfy { $0.timestamp == nil })
        }
        // Readable by node_exporter's user; no temporary file left behind.
        let mode = try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int
        #expect(mode == 0o644)
        let names = try FileManager.default.contentsOfDirectory(atPath: harness.directory.path)
        #expect(names.filter { $0.hasSuffix(".tmp") }.isEmpty, "\(names)")
    }

    /// A run that fails writes its exit code and keeps the last success of
    /// the file before it, so that an alert on the age of the last success fires.
    @Test func aFailedRunKeepsTheLastSuccessAndCountsItsFailures() async throws {
        // Every reply is refused.
        let faults = [try FaultRule(parsing: "item-error:ops=CreateItem:code=ErrorInternalServerError")]
        let harness = try await Self.harness(faults: faults)
        defer { Task { await harness.stop() } }
        let file = Self.metricsFile(harness)
        try
            "# TYPE meetingbot_last_success_timestamp_seconds gauge\nmeetingbot_last_success_timestamp_seconds 1700000000\n"
            .write(toFile: file, atomically: true, encoding: .utf8)
        let (status, report, _) = await harness.run()
        #expect(status == .itemsFailed)
        let failed = try #require(report).messages.count { $0.result == .failed || $0.result == .unknownOutcome }
        #expect(failed == 5)
        var families = try Self.parse(file)
        #expect(Self.values(families, "meetingbot_last_run_exit_code") == [[:]: 1])
        #expect(Self.values(families, "meetingbot_last_success_timestamp_seconds") == [[:]: 1_700_000_000])
        #expect(Self.values(families, "meetingbot_last_run_failures") == [["mailbox": "room@contoso.com"]: 5])

        // A configuration that cannot be used: exit 2, no counts, the same last success.
        try "concurency: 2\n".write(to: harness.configFile, atomically: true, encoding: .utf8)
        let (broken, _, _) = await harness.run(metricsFile: file)
        #expect(broken == .invalidConfiguration)
        families = try Self.parse(file)
        #expect(Self.values(families, "meetingbot_last_run_exit_code") == [[:]: 2])
        #expect(Self.values(families, "meetingbot_last_run_messages").isEmpty)
        #expect(Self.values(families, "meetingbot_last_success_timestamp_seconds") == [[:]: 1_700_000_000])
    }

    @Test func retriesAreCounted() async throws {
        let harness = try await Self.harness(faults: [try FaultRule(parsing: "busy:calls=1,2:value=10")])
        defer { Task { await harness.stop() } }
        let (status, report, _) = await harness.run()
        #expect(status == .success)
        let families = try Self.parse(Self.metricsFile(harness))
        #expect(Self.values(families, "meetingbot_last_run_ews_retries") == [[:]: 2])
        // The calls count every request, the two refused ones included.
        let calls = try #require(report?.calls.values.reduce(0, +))
        #expect(Self.values(families, "meetingbot_last_run_ews_calls").values.reduce(0, +) == Double(calls))
    }

    @Test func aRunThatFindsTheLockHeldWritesNothing() async throws {
        let harness = try await Self.harness()
        defer { Task { await harness.stop() } }
        try FileManager.default.createDirectory(at: harness.stateDirectory, withIntermediateDirectories: true)
        let lock = try RunLock(directory: harness.stateDirectory)
        let (status, _, _) = await harness.run()
        #expect(status == .locked)
        #expect(
            !FileManager.default.fileExists(atPath: Self.metricsFile(harness)), "the run holding the lock writes it")
        withExtendedLifetime(lock) {}
    }

    /// Trying rules by hand with --dry-run leaves cron's metrics alone, unless asked.
    @Test func aDryRunWritesOnlyTheFileTheCommandLineNames() async throws {
        let harness = try await Self.harness()
        defer { Task { await harness.stop() } }
        _ = await harness.run(dryRun: true)
        #expect(!FileManager.default.fileExists(atPath: Self.metricsFile(harness)))
        let asked = harness.directory.appendingPathComponent("dry.prom").path
        _ = await harness.run(dryRun: true, metricsFile: asked)
        let families = try Self.parse(asked)
        #expect(Self.values(families, "meetingbot_last_run_dry_run") == [[:]: 1])
        #expect(Self.values(families, "meetingbot_last_run_messages").keys.allSatisfy { $0["result"] == "planned" })
    }

    /// Shards on one host write one file each, every sample labelled with its shard.
    @Test func aShardWritesItsOwnFileWithItsLabel() async throws {
        let harness = try await Self.harness()
        defer { Task { await harness.stop() } }
        let shard = try #require(Shard(index: 0, count: 1))
        _ = await harness.run(shard: shard)
        let file = harness.directory.appendingPathComponent("meetingbot.shard-0-of-1.prom").path
        let families = try Self.parse(file)
        #expect(!FileManager.default.fileExists(atPath: Self.metricsFile(harness)))
        #expect(families.values.allSatisfy { $0.samples.allSatisfy { $0.labels["shard"] == "0/1" } })
        #expect(Self.values(families, "meetingbot_last_run_messages").values.reduce(0, +) == 5)
    }

    @Test func theConfigurationKeyIsAPromFileRelativeToTheConfiguration() throws {
        let good = try Config.load(Config.with(auth: Self.auth) + "metrics_file: textfile/meetingbot.prom\n")
        #expect(good.metricsFile == "/etc/meetingbot/textfile/meetingbot.prom")
        #expect(try Config.load(Config.with(auth: Self.auth)).metricsFile == nil)
        let bad = Config.diagnostics(Config.with(auth: Self.auth) + "metrics_file: meetingbot.txt\n")
        #expect(bad.count == 1 && bad[0].contains("'metrics_file' expects a file name ending in .prom"), "\(bad)")
    }

    static let auth = "{ type: basic, username: room@contoso.com, password_env: MEETINGBOT_PASSWORD }"

    /// Label values and help text that need every escape the format has.
    static let awkward = [
        MetricFamily(
            "meetingbot_test_awkward", help: "a backslash \\ and a\nline break",
            samples: [
                .init([.init("mailbox", "back\\slash\"quote\nnewline"), .init("kind", "üñí €")], 3),
                .init([.init("mailbox", "{}=,\" "), .init("kind", "")], 0.25),
            ]),
        MetricFamily(
            "meetingbot_test_timestamp_seconds", help: "Unix time", samples: [.init([], 1_796_173_850.5)]),
    ]

    @Test func escapingSurvivesPrometheusParsers() throws {
        let folder = try TemporaryFolder()
        let file = try folder.write("awkward.prom", MetricFamily.render(Self.awkward), mode: 0o644)
        let families = try Self.parse(file)
        let parsed = try #require(families["meetingbot_test_awkward"])
        #expect(parsed.help == "a backslash \\ and a\nline break")
        #expect(
            Self.values(families, "meetingbot_test_awkward") == [
                ["mailbox": "back\\slash\"quote\nnewline", "kind": "üñí €"]: 3,
                ["mailbox": "{}=,\" ", "kind": ""]: 0.25,
            ])
        #expect(Self.values(families, "meetingbot_test_timestamp_seconds") == [[:]: 1_796_173_850.5])
    }

    /// node_exporter's textfile collector, the file's real reader, takes both
    /// the awkward file and a run's file without a scrape error, and exposes
    /// the same samples.
    @Test func nodeExportersTextfileCollectorReadsTheFiles() async throws {
        try #require(
            TestEnvironment.runs(needing: FileManager.default.isExecutableFile(atPath: NodeExporter.path)),
            "\(NodeExporter.path) is missing: run scripts/setup.sh")
        let harness = try await Self.harness()
        defer { Task { await harness.stop() } }
        let textfiles = harness.directory.appendingPathComponent("textfile")
        try FileManager.default.createDirectory(at: textfiles, withIntermediateDirectories: true)
        try harness.configuration(
            mailboxes: "  - { address: room@contoso.com, rules: room.yml }", extra: "metrics_file: textfile/run.prom",
            user: "room@contoso.com"
        ).write(to: harness.configFile, atomically: true, encoding: .utf8)
        let (status, _, _) = await harness.run()
        #expect(status == .success)
        try MetricFamily.render(Self.awkward).write(
            to: textfiles.appendingPathComponent("awkward.prom"), atomically: true, encoding: .utf8)

        let exposed = try await NodeExporter.scrape(textfiles)
        #expect(exposed.contains("\nnode_textfile_scrape_error 0\n"), "\(exposed)")
        let scraped = harness.directory.appendingPathComponent("scraped.txt")
        try exposed.write(to: scraped, atomically: true, encoding: .utf8)
        let seen = try Self.parse(scraped.path)
        var written = try Self.parse(textfiles.appendingPathComponent("run.prom").path)
        written.merge(try Self.parse(textfiles.appendingPathComponent("awkward.prom").path)) { a, _ in a }
        #expect(written.count > 10)
        for name in written.keys.sorted() {
            #expect(Self.values(seen, name) == Self.values(written, name), "node_exporter shows \(name) otherwise")
        }
    }
}

/// node_exporter with only its textfile collector, on a free port of 127.0.0.1.
enum NodeExporter {
    /// Where scripts/setup.sh puts it.
    static let path = SharedFiles.packageRoot.appendingPathComponent(".build/tools/prometheus-node-exporter").path

    /// What node_exporter exposes for the `.prom` files in `folder`.
    static func scrape(_ folder: URL) async throws -> String {
        let port = try freePort()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = [
            "--web.listen-address=127.0.0.1:\(port)", "--collector.disable-defaults", "--collector.textfile",
            "--collector.textfile.directory=\(folder.path)",
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer {
            process.terminate()
            process.waitUntilExit()
        }
        let url = try #require(URL(string: "http://127.0.0.1:\(port)/metrics"))
        for _ in 0..<100 {
            if let (data, _) = try? await URLSession.shared.data(from: url) {
                return String(decoding: data, as: UTF8.self)
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw CocoaError(.fileReadUnknown, userInfo: [NSLocalizedDescriptionKey: "node_exporter did not answer"])
    }

    /// A port that was free a moment ago: bind port 0, read what the kernel chose, close.
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EMFILE) }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(fd, pointer, length) == 0 && getsockname(fd, pointer, &length) == 0
            }
        }
        guard bound else { throw POSIXError(.EADDRINUSE) }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
