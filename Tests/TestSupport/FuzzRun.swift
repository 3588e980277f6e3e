import Foundation
import Synchronization

/// The corpora in Tests/Fuzz/Corpus: the seeds of the short runs in the tests
/// and of the libFuzzer runs of `make fuzz`, and the inputs that once found a bug.
public enum FuzzCorpus {
    public static let root = SharedFiles.packageRoot.appendingPathComponent("Tests/Fuzz/Corpus")

    /// The files of one corpus folder (`responses`, `rules` …), sorted by name.
    public static func files(_ folder: String) throws -> [URL] {
        try FileManager.default.contentsOfDirectory(
            at: root.appendingPathComponent(folder), includingPropertiesForKeys: nil
        )
        .filter { !$0.lastPathComponent.hasPrefix(".") }
        .sorted { $0.lastPathComponent < $1.lastPathComponent }
    }

    /// The contents of one corpus folder's files, by file name.
    public static func inputs(_ folder: String) throws -> [(name: String, bytes: [UInt8])] {
        try files(folder).map { ($0.lastPathComponent, Array(try Data(contentsOf: $0))) }
    }
}

/// Runs a check over many inputs on a thread of its own and waits for each
/// input at most a generous `perInput` time, so that an input that never
/// finishes fails the test, naming the input, instead of holding up the run.
/// A check returns nil when the outcome is acceptable, else what is wrong.
public enum FuzzRun {
    public struct Report: Sendable {
        /// How many inputs were checked to the end.
        public var checked = 0
        /// Inputs whose outcome was wrong: position and problem.
        public var findings: [(index: Int, problem: String)] = []
        /// The position of the input still running when its time was up.
        public var hung: Int?

        public var isClean: Bool { findings.isEmpty && hung == nil }
    }

    public static func run<Input: Sendable>(
        _ inputs: [Input], perInput limit: Duration = .seconds(30), _ check: @escaping @Sendable (Input) -> String?
    ) -> Report {
        let report = Mutex(Report())
        let finished = DispatchSemaphore(value: 0)
        let worker = Thread {
            for (index, input) in inputs.enumerated() {
                let problem = check(input)
                report.withLock { report in
                    report.checked += 1
                    if let problem { report.findings.append((index, problem)) }
                }
                finished.signal()
            }
        }
        // The default 512 KiB is little for a debug build reading a deeply nested document.
        worker.stackSize = 16 << 20
        worker.start()
        let seconds = Double(limit.components.seconds) + Double(limit.components.attoseconds) / 1e18
        for index in inputs.indices {
            guard finished.wait(timeout: .now() + seconds) == .success else {
                // The worker cannot be stopped; it is left to finish or not, and the test fails.
                return report.withLock { report in
                    report.hung = index
                    return report
                }
            }
        }
        return report.withLock { $0 }
    }

    /// Bytes for a failure message: as text where they are UTF-8, escaped, cut at `limit` characters.
    public static func show(_ bytes: [UInt8], limit: Int = 1_500) -> String {
        let text = String(decoding: bytes.prefix(limit), as: UTF8.self).debugDescription
        return bytes.count > limit ? "\(text)… (\(bytes.count) bytes)" : text
    }
}
