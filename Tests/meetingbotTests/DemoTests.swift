import Foundation
import TestSupport
import Testing

/// `meetingbot demo`, which `make demo` runs (issue 9, item 4): on a fresh
/// folder, with no configuration, it prints the dry run's and the real run's
/// decisions and the history, writes the report, and exits 0 in under a minute.
@Suite struct DemoTests {
    @Test func theDemoPrintsDecisionsAndTheHistoryAndExits0InAMinute() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("demo-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let run = try ChildProcess.run(
            HelpTests.binary.path, ["demo", "--directory", folder.path], in: SharedFiles.packageRoot, timeout: 60)
        #expect(!run.timedOut && run.seconds < 60, "\(run.seconds) s")
        #expect(run.status == 0, "\(run.error)")
        #expect(run.error.isEmpty, "a clean demo writes nothing on standard error: \(run.error)")
        let output = run.output
        let sections = ["== 1. The dry run", "== 2. The real run", "== 3. The history", "== 4. The report"]
        let positions = sections.compactMap { output.range(of: $0)?.lowerBound }
        #expect(positions.count == 4 && positions == positions.sorted(), "\(output)")
        guard positions.count == 4 else { return }
        let dry = output[positions[0]..<positions[1]]
        let real = output[positions[1]..<positions[2]]
        let history = output[positions[2]..<positions[3]]
        // The dry run plans, the real run acts: every kind of outcome the fixture promises.
        #expect(dry.contains("planned ") && !dry.contains("replied "))
        for result in ["replied", "recorded", "removed", "applied", "pending", "superseded", "kept"] {
            #expect(real.contains("  \(result) "), "the real run shows \(result)")
        }
        #expect(real.contains(", 0 problems"))
        for rule in ["staff", "busy", "outside-hours", "too-long", "too-far-ahead", "past", "facilities", "record"] {
            #expect(real.contains(" \(rule) "), "rule \(rule) decided something")
        }

        // The report on file is the real run's HTML page.
        let file = folder.appendingPathComponent("report.html")
        #expect(output.contains("is in \(file.path)."))
        let page = try String(contentsOf: file, encoding: .utf8)
        #expect(page.hasPrefix("<!DOCTYPE html>"))
        #expect(page.contains("Accepted: Town hall"))
        // The history holds both runs' decisions, message by message: the dry run's messages, and in
        // the real run those too, with the room's own reply that reached the organizer's mailbox meanwhile.
        let lines = history.split(separator: "\n")
        let dryEntries = lines.filter { $0.contains("  run 1 (dry run") }.count
        let realEntries = lines.filter { $0.contains("  run 2  ") }.count
        #expect(realEntries >= 30, "a few dozen messages: \(realEntries)")
        #expect(dryEntries >= 30 && realEntries >= dryEntries)
        // The journal stays for `meetingbot history`.
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("state/journal.sqlite").path))
    }

    @Test func withoutItsFixtureTheDemoSaysWhatIsMissing() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("demo-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let run = try ChildProcess.run(
            HelpTests.binary.path, ["demo", "--directory", folder.path], in: folder.deletingLastPathComponent())
        #expect(run.status == 64)
        #expect(run.error.contains("scripts/demo-fixture.yml is not there: run the demo from the repository's root"))
        #expect(!FileManager.default.fileExists(atPath: folder.path), "nothing written")
    }
}
