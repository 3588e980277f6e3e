import Foundation
import TestSupport
import Testing

/// `make bench`'s harness (scripts/bench.py, docs/benchmarks.md) in its quick mode: 100 messages of
/// the sandbox's generated load at 0 ms, one run of the built `meetingbot` and one of the exchangelib
/// baseline (bench/baseline.py) on fresh copies of the load. It proves the harness, the rules file
/// and the baseline's mirror of it work end to end: the table comes out and no decision differs.
/// No timing is asserted; the numbers are only printed.
@Suite struct BenchTests {
    static let script = SharedFiles.packageRoot.appendingPathComponent("scripts/bench.py").path

    @Test func theQuickBenchPrintsItsTableAndBothSidesDecideAlike() throws {
        try #require(
            FileManager.default.isExecutableFile(atPath: ChildProcess.python),
            "\(ChildProcess.python) is missing: run `make test` (or scripts/setup.sh), which installs exchangelib")
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("bench-\(UUID().uuidString).md")
        defer { try? FileManager.default.removeItem(at: output) }
        let run = try ChildProcess.run(
            ChildProcess.python, [Self.script, "--binary", HelpTests.binary.path], in: SharedFiles.packageRoot,
            environment: ["PATH": "/usr/bin:/bin", "BENCH_QUICK": "1", "BENCH_OUTPUT": output.path], timeout: 120)
        #expect(run.status == 0, "bench.py exited \(run.status):\n\(run.output)\n\(run.error)")
        #expect(run.output.contains("### 100 messages, 0 ms per call"), "\(run.output)")
        #expect(run.output.contains("| decisions that differ | 0 |"), "\(run.output)\n\(run.error)")
        // Every kind of message reached the bot, and it answered requests and removed cancellations.
        let load = try #require(
            run.output.firstMatch(
                of: /Load: ([\d,]+) messages, (\d+) requests answered \(Q\), (\d+) cancellations removed/))
        #expect((Int(load.1) ?? 0) >= 100, "\(run.output)")
        #expect((Int(load.2) ?? 0) > 0 && (Int(load.3) ?? 0) > 0, "\(run.output)")
        let written = try String(contentsOf: output, encoding: .utf8)
        #expect(written.contains("| decisions that differ | 0 |"))
    }

    /// The least-round-trips formula's own examples (its docstring), which the tables rely on.
    @Test func theFormulaKeepsItsExamples() throws {
        let run = try ChildProcess.run(
            ChildProcess.python, ["-m", "doctest", "-v", Self.script], in: SharedFiles.packageRoot)
        #expect(run.status == 0, "\(run.output)\(run.error)")
        #expect(run.output.contains("passed and 0 failed"), "\(run.output)")
    }
}
