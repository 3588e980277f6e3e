import Foundation

/// One of `count` parts of the configured mailboxes (`meetingbot run --shard
/// INDEX/COUNT`), so that several processes, pods or hosts share thousands of
/// mailboxes with no coordination: each mailbox belongs to exactly one shard,
/// the same one in every process and on every machine, by a hash of its
/// lowercased address. Indexes start at 0, as a Kubernetes Indexed Job's
/// `JOB_COMPLETION_INDEX` does.
///
/// Swift's `Hasher` is seeded per process, so it must never decide a shard:
/// two pods would disagree about who owns a mailbox.
public struct Shard: Sendable, Hashable, CustomStringConvertible {
    public let index: Int
    public let count: Int

    /// Nil unless `0 <= index < count`.
    public init?(index: Int, count: Int) {
        guard count >= 1, (0..<count).contains(index) else { return nil }
        self.index = index
        self.count = count
    }

    /// `INDEX/COUNT`, such as `0/4`; nil when it is not that or out of range.
    public init?(parsing text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isASCII && $0.isNumber } }),
            let index = Int(parts[0]), let count = Int(parts[1])
        else { return nil }
        self.init(index: index, count: count)
    }

    public var description: String { "\(index)/\(count)" }

    /// The shard's own folder in the state directory, so that shards sharing
    /// one state directory keep separate locks, journals and reply ledgers.
    public var directoryName: String { "shard-\(index)-of-\(count)" }

    /// Whether `address` belongs to this shard.
    public func contains(_ address: String) -> Bool { Self.index(of: address, among: count) == index }

    /// The shard of `address` among `count`: FNV-1a (64 bits) of the
    /// lowercased address's UTF-8, modulo `count`.
    public static func index(of address: String, among count: Int) -> Int {
        Int(fnv1a(address.lowercased().utf8) % UInt64(count))
    }

    /// FNV-1a, 64 bits (the offset basis and prime of the FNV reference,
    /// IETF draft-eastlake-fnv): stable across processes, machines and releases.
    static func fnv1a(_ bytes: some Sequence<UInt8>) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return hash
    }
}
