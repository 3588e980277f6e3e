import ResponseChecks
import TestSupport

/// The XML layer and every EWS response parser under libFuzzer (`make fuzz`);
/// built plainly, it replays files: `swift run response-fuzzer crash-…`.
@main enum ResponseFuzzer {
    static func main() {
        FuzzMain.run { bytes in
            if case .problem(let problem) = ResponseChecks.check(bytes) { return problem }
            return nil
        }
    }
}
