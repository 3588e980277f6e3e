import Foundation

/// What `meetingbot rules check|test|docs` do, as functions from files to text
/// and an exit status, so the command line stays thin and the behaviour is tested here.
public enum RulesTool {
    /// Text for standard output and the process's exit status.
    public struct Output: Sendable, Equatable {
        public let text: String
        public let status: Int32
    }

    /// Exit statuses, as in `meetingbot --help`.
    public static let clean: Int32 = 0, examplesFailed: Int32 = 1, invalid: Int32 = 2

    /// The files to work on: the arguments, or every `*.yml` in `directory`, sorted.
    public static func files(_ arguments: [String], directory: String = "rules") -> [String] {
        guard arguments.isEmpty else { return arguments }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.filter { $0.hasSuffix(".yml") }.sorted().map { (directory as NSString).appendingPathComponent($0) }
    }

    /// Checks each file: every diagnostic with its source line, then a summary.
    public static func check(_ paths: [String]) -> Output {
        guard !paths.isEmpty else { return noFiles }
        var lines: [String] = []
        var errors = 0
        var warnings = 0
        for path in paths {
            let report = Policy.check(contentsOf: path)
            errors += report.errors.count
            warnings += report.warnings.count
            lines.append(report.diagnostics.isEmpty ? "\(path): ok" : report.rendered)
        }
        lines.append("checked \(count(paths.count, "file")): \(count(errors, "error")), \(count(warnings, "warning"))")
        return Output(text: lines.joined(separator: "\n"), status: errors > 0 ? invalid : clean)
    }

    /// Runs each file's examples: each failure with the decision and reason it got, then a summary.
    public static func test(_ paths: [String]) -> Output {
        guard !paths.isEmpty else { return noFiles }
        var lines: [String] = []
        var status = clean
        for path in paths {
            let report = Policy.check(contentsOf: path)
            guard let policy = report.policy else {
                lines.append(report.rendered)
                lines.append("\(path): \(count(report.errors.count, "error")); examples not run")
                status = invalid
                continue
            }
            let results = policy.runExamples()
            let failed = results.filter { !$0.passed }
            lines += failed.map(\.description)
            lines.append("\(path): \(results.count - failed.count) of \(count(results.count, "example")) passed")
            if !failed.isEmpty, status == clean { status = examplesFailed }
        }
        return Output(text: lines.joined(separator: "\n"), status: status)
    }

    /// `rules/README.md` for the `*.yml` files in `directory`.
    public static func manual(directory: String = "rules") -> String {
        let shipped = files([], directory: directory).map { path in
            let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
            return Manual.ShippedFile(
                name: (path as NSString).lastPathComponent, summary: Manual.ShippedFile.summary(of: text))
        }
        return Manual.markdown(files: shipped)
    }

    private static var noFiles: Output {
        Output(text: "no rules files: give FILE arguments, or put *.yml files in ./rules", status: invalid)
    }

    private static func count(_ n: Int, _ noun: String) -> String { "\(n) \(noun)\(n == 1 ? "" : "s")" }
}
