import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Writes a file whole or not at all: into a temporary file in the same
/// folder (a dot name ending in the process id and `.tmp`, so no collector's
/// glob and no other run takes it), synced, then renamed over the old one, so
/// that a reader never sees half a file. What fails leaves the old file and
/// no temporary one.
public enum FileReplacement {
    /// Writes what `body` hands to its `write`, in order, to `path`.
    public static func write(
        to path: String, permissions: Int? = nil, _ body: (_ write: (Data) throws -> Void) throws -> Void
    ) throws {
        let url = URL(fileURLWithPath: path)
        let temporary = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).\(getpid()).tmp")
        guard FileManager.default.createFile(atPath: temporary.path, contents: nil) else {
            throw FileReplacementError(path: path, reason: String(cString: strerror(errno)))
        }
        do {
            let file = try FileHandle(forWritingTo: temporary)
            defer { try? file.close() }
            try body { try file.write(contentsOf: $0) }
            try file.synchronize()
            if let permissions {
                try FileManager.default.setAttributes([.posixPermissions: permissions], ofItemAtPath: temporary.path)
            }
            guard rename(temporary.path, url.path) == 0 else {
                throw FileReplacementError(path: path, reason: String(cString: strerror(errno)))
            }
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw error
        }
    }
}

/// A file could not be put in place.
public struct FileReplacementError: Error, CustomStringConvertible {
    public let path: String
    public let reason: String
    public var description: String { "\(path) cannot be written: \(reason)" }
}
