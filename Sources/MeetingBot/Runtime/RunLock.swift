import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The lock that keeps two runs from working on the same state directory at
/// once (PRODUCT.md 7.9): an OS file lock (flock) on `meetingbot.lock`,
/// which the kernel releases when the process ends however it ends, so a
/// killed run never leaves a stale lock the way a PID file would.
public final class RunLock: Sendable {
    private let descriptor: Int32

    public enum Failure: Error, Equatable, CustomStringConvertible {
        /// Another process holds the lock.
        case held(path: String)
        case cannotOpen(path: String, reason: String)

        public var description: String {
            switch self {
            case .held(let path): "another run holds the lock \(path)"
            case .cannotOpen(let path, let reason): "cannot open the lock file \(path): \(reason)"
            }
        }
    }

    /// Takes the lock at once or fails; it never waits.
    public init(directory: URL) throws(Failure) {
        let path = directory.appendingPathComponent("meetingbot.lock").path
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw .cannotOpen(path: path, reason: String(cString: strerror(errno))) }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let error = errno
            close(fd)
            if error == EWOULDBLOCK { throw .held(path: path) }
            throw .cannotOpen(path: path, reason: String(cString: strerror(error)))
        }
        descriptor = fd
    }

    deinit {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}
