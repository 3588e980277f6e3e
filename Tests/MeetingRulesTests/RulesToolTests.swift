import Foundation
import Testing
@testable import MeetingRules

/// What `meetingbot rules check|test` print and how they exit.
@Suite struct RulesToolTests {
    /// A fresh directory with `files` in it, removed afterwards by the caller.
    func directory(_ files: [String: String]) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rules-tool-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        for (name, text) in files {
            try text.write(to: dir.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        return dir
    }

    let clean =
        "version: 1\ntimezone: UTC\nrequests:\n  - { name: all, then: accept }\nexamples:\n  - { request: {}, expect: { action: accept } }\n"

    @Test func checkIsCleanOrExitsWithTwo() throws {
        let dir = try directory([
            "a.yml": clean,
            "b.yml": "version: 1\ntimezone: UTC\nlists: { x: [a@b.c] }\n",
            "c.yml": "version: 1\ntimezone: UTC\nrequests: [{ then: acept }]\n",
            "notes.txt": "not a rules file",
        ])
        defer { try? FileManager.default.removeItem(at: dir) }
        let files = RulesTool.files([], directory: dir.path)
        #expect(files.map { URL(fileURLWithPath: $0).lastPathComponent } == ["a.yml", "b.yml", "c.yml"])

        let ok = RulesTool.check(Array(files.prefix(2)))
        #expect(ok.status == 0)
        #expect(
            ok.text == """
                \(files[0]): ok
                \(files[1]):3:10: warning: the list 'x' is never used
                    lists: { x: [a@b.c] }
                             ^
                checked 2 files: 0 errors, 1 warning
                """)
        let bad = RulesTool.check(files)
        #expect(bad.status == 2)
        #expect(
            bad.text.hasSuffix(
                """
                \(files[2]):3:20: error: 'then' expects one of accept, tentative, decline, skip, found 'acept' (did you mean 'accept'?)
                    requests: [{ then: acept }]
                                       ^
                checked 3 files: 1 error, 1 warning
                """))
    }

    @Test func testRunsExamplesAndExitsWithOneOnAMismatch() throws {
        let wrong = clean.replacingOccurrences(of: "expect: { action: accept }", with: "expect: { action: decline }")
        let dir = try directory(["a.yml": clean, "b.yml": wrong, "c.yml": "version: 2\n"])
        defer { try? FileManager.default.removeItem(at: dir) }
        let files = RulesTool.files([], directory: dir.path)
        let passed = RulesTool.test([files[0]])
        #expect(passed == RulesTool.Output(text: "\(files[0]): 1 of 1 example passed", status: 0))
        let failed = RulesTool.test(Array(files.prefix(2)))
        #expect(failed.status == 1)
        #expect(
            failed.text == """
                \(files[0]): 1 of 1 example passed
                \(files[1]):6:5: example 1 failed: expected action decline, got accept (decided by rule 'all': no earlier rule matched)
                \(files[1]): 0 of 1 example passed
                """)
        let invalid = RulesTool.test(files)
        #expect(invalid.status == 2)
        #expect(invalid.text.hasSuffix("\(files[2]): 1 error; examples not run"))
    }

    @Test func noFilesIsAnError() throws {
        let dir = try directory([:])
        defer { try? FileManager.default.removeItem(at: dir) }
        let output = RulesTool.check(RulesTool.files([], directory: dir.path))
        #expect(
            output
                == RulesTool.Output(
                    text: "no rules files: give FILE arguments, or put *.yml files in ./rules", status: 2))
        #expect(RulesTool.files(["x.yml"], directory: dir.path) == ["x.yml"])
        #expect(RulesTool.check(["/nonexistent.yml"]).status == 2)
    }
}
