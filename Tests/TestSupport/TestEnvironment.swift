import Foundation

/// Where the tests run. On a developer's machine a suite that needs a tool
/// that is missing (python3, jsonschema) may skip itself; under CI
/// (`CI=true`) it runs anyway and fails, so a missing install step cannot
/// pass as a green run.
public enum TestEnvironment {
    public static let isCI: Bool = {
        guard let value = ProcessInfo.processInfo.environment["CI"]?.lowercased() else { return false }
        return ["true", "1", "yes"].contains(value)
    }()

    /// Whether a suite that needs something runs: when it is there, and always under CI.
    public static func runs(needing available: Bool) -> Bool { available || isCI }
}
