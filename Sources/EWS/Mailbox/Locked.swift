import Synchronization

/// A value that tasks running side by side change in turn: what a Mutex
/// holds, in a class, so that escaping closures (the parts of a calendar
/// view read at once) can share it.
public final class Locked<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>

    public init(_ value: Value) { mutex = Mutex(value) }

    public func withLock<T: Sendable>(_ body: (inout Value) -> T) -> T {
        mutex.withLock { body(&$0) }
    }
}
