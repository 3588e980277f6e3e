import CheckedYAML
import EWS
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Where a secret is: a file or an environment variable, never the
/// configuration itself (PRODUCT.md 5). Reading it is a step of its own, taken
/// just before connecting, and what it reads is a `Secret`, which never prints.
public struct SecretSource: Sendable, Hashable, CustomStringConvertible {
    public enum Origin: Sendable, Hashable {
        /// A file that holds the secret alone, readable by its owner only.
        case file(path: String)
        /// An environment variable.
        case environment(name: String)
    }

    public let origin: Origin
    /// What the secret is, for messages: `password`, `client secret`.
    public let kind: String
    /// Where the configuration names it.
    public let location: SourceLocation

    /// A secret file larger than this cannot be one.
    static let maxFileBytes = 64 << 10

    /// `the password file '/etc/meetingbot/room.pw'`, `the environment variable 'MEETINGBOT_PASSWORD'`.
    public var description: String {
        switch origin {
        case .file(let path): "the \(kind) file \(quoted(path))"
        case .environment(let name): "the environment variable \(quoted(name))"
        }
    }

    /// Reads the secret. Errors name the file or variable, never what it holds.
    public func load(environment: [String: String] = ProcessInfo.processInfo.environment)
        throws(ConfigurationError) -> Secret
    {
        let text: String
        switch origin {
        case .file(let path):
            text = try readFile(path)
        case .environment(let name):
            guard let value = environment[name] else { throw problem("\(self) is not set") }
            text = value
        }
        let secret = text.trimmingTrailingNewlines()
        guard !secret.isEmpty else { throw problem("\(self) is empty") }
        guard !secret.contains(where: \.isNewline) else {
            throw problem("\(self) holds more than one line; it must hold the \(kind) alone")
        }
        return Secret(secret)
    }

    /// The file's text, read through one descriptor so that the mode checked is
    /// the mode of the file read.
    private func readFile(_ path: String) throws(ConfigurationError) -> String {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw problem("cannot read \(self): \(String(cString: strerror(errno)))") }
        let handle = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw problem("cannot read \(self): \(String(cString: strerror(errno)))") }
        guard info.st_mode & mode_t(S_IFMT) == mode_t(S_IFREG) else { throw problem("\(self) is not a regular file") }
        let mode = String(info.st_mode & 0o777, radix: 8)
        guard info.st_mode & 0o077 == 0 else {
            throw problem(
                "\(self) is open to group or others (mode \(String(repeating: "0", count: 4 - mode.count) + mode)); "
                    + "it must be readable by its owner only: chmod 600 \(quoted(path))")
        }
        let data: Data?
        do {
            data = try handle.read(upToCount: Self.maxFileBytes + 1)
        } catch {
            throw problem("cannot read \(self): \(error.localizedDescription)")
        }
        guard (data?.count ?? 0) <= Self.maxFileBytes else {
            throw problem("\(self) is larger than \(Self.maxFileBytes >> 10) KiB; it must hold the \(kind) alone")
        }
        guard let text = String(data: data ?? Data(), encoding: .utf8) else {
            throw problem("\(self) is not UTF-8 text")
        }
        return text
    }

    private func problem(_ message: String) -> ConfigurationError {
        ConfigurationError(file: location.file, diagnostics: [Diagnostic(.error, at: location, message)])
    }
}

extension String {
    /// Without the line break(s) an editor or `echo` leaves at the end.
    fileprivate func trimmingTrailingNewlines() -> String {
        var text = Substring(self)
        while let last = text.last, last.isNewline { text = text.dropLast() }
        return String(text)
    }
}
