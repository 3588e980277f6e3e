import FileChecks
import TestSupport

/// The rules and configuration readers under libFuzzer (`make fuzz`): each
/// input goes through both. Built plainly, it replays files: `swift run file-fuzzer crash-…`.
@main enum FileFuzzer {
    static func main() {
        FuzzMain.run { bytes in
            let text = String(decoding: bytes, as: UTF8.self)
            for (reader, outcome) in [
                ("rules", FileChecks.rules(text)), ("configuration", FileChecks.configuration(text)),
            ] {
                if case .problem(let problem) = outcome { return "\(reader): \(problem)" }
            }
            return nil
        }
    }
}
