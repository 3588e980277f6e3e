import Foundation

/// Where the tests find `../shared` (the EWS schema and samples): the
/// `MEETINGBOT_SHARED` environment variable, else the folder beside the checkout.
public enum SharedFiles {
    public static let root: URL = {
        if let env = ProcessInfo.processInfo.environment["MEETINGBOT_SHARED"], !env.isEmpty {
            return URL(fileURLWithPath: env)
        }
        return packageRoot.deletingLastPathComponent().appendingPathComponent("shared")
    }()

    /// The checkout this test file belongs to.
    public static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    public static var schemaDirectory: String { root.appendingPathComponent("ews/schema").path }
    public static var samplesDirectory: URL { root.appendingPathComponent("ews/samples") }

    /// The sample files whose names end in `suffix`, sorted.
    public static func samples(endingIn suffix: String, broken: Bool = false) throws -> [URL] {
        let dir = broken ? samplesDirectory.appendingPathComponent("broken") : samplesDirectory
        return try FileManager.default.contentsOfDirectory(at: dir, includingPropertiesForKeys: nil)
            .filter { $0.lastPathComponent.hasSuffix(suffix) }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
    }
}
