import EWS
import Foundation
import SeededRandom
import Synchronization

/// A fault the sandbox injects on demand, for reliability tests: by rate, on
/// given call numbers, or every Nth call, optionally only for some operations.
/// All randomness comes from one seeded generator, so a run is reproducible.
public struct FaultRule: Sendable, Codable, Equatable {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        /// SOAP fault ErrorServerBusy with BackOffMilliseconds = `value` (default 500).
        case busy
        /// HTTP 503 / 429 with Retry-After = `value` seconds (default 1), before
        /// any work: "EWS requests are queuing with IIS" (PROTOCOL.md 9.1).
        case http503 = "503"
        case http429 = "429"
        /// HTTP 503 after the operation was carried out, as a failing proxy or
        /// front end answers when the server behind it did the work.
        case http503After = "503-after"
        /// `value` milliseconds added before the answer (default 20).
        case latency
        /// The connection is closed without an answer.
        case drop
        /// The answer stops halfway, then the connection closes.
        case truncate
        /// HTTP 200 with a body that is not well-formed XML.
        case malformed
        /// Items of a batch fail with `code` (default ErrorInternalServerTransientError).
        case itemError = "item-error"
        /// Items of a batch are answered ResponseClass="Warning" with `code`
        /// (default ErrorBatchProcessingStopped). ErrorBatchProcessingStopped
        /// leaves the item and the rest of the batch undone, as Exchange does
        /// ("subsequent items could not be processed", PROTOCOL.md 9.1); any
        /// other code is a remark on an item that was carried out.
        case itemWarning = "item-warning"

        /// Whether the fault concerns items of a batch rather than the whole call.
        var isPerItem: Bool { self == .itemError || self == .itemWarning }

        /// Whether `value` means something for this kind.
        var takesValue: Bool { [.busy, .http503, .http429, .http503After, .latency].contains(self) }

        var defaultCode: ResponseCode {
            self == .itemWarning ? .batchProcessingStopped : .internalServerTransientError
        }
    }
    public var kind: Kind
    /// Probability per call (or per item, for item errors and warnings).
    public var rate: Double?
    /// 1-based call numbers on which it fires.
    public var calls: [Int]?
    /// Fires on every Nth call.
    public var every: Int?
    /// Only for these operations.
    public var operations: [String]?
    public var value: Int?
    public var code: String?
    /// For item errors and warnings: only the items at these 1-based positions of a batch.
    public var items: [Int]?

    public init(
        kind: Kind, rate: Double? = nil, calls: [Int]? = nil, every: Int? = nil, operations: [String]? = nil,
        value: Int? = nil, code: String? = nil, items: [Int]? = nil
    ) {
        self.kind = kind
        self.rate = rate
        self.calls = calls
        self.every = every
        self.operations = operations
        self.value = value
        self.code = code
        self.items = items
    }

    /// Parses `KIND[:key=value]…`, e.g. `busy:rate=0.1:value=500`,
    /// `503:calls=3,5:value=2`, `latency:value=20`, `item-error:rate=0.2:code=ErrorItemNotFound:ops=GetItem`,
    /// `item-warning:calls=2:items=3`. Anything it cannot use whole is an
    /// error, never dropped: a test that meant a fault must not run without it.
    public init(parsing text: String) throws(FaultParseError) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard let kind = Kind(rawValue: parts[0]) else {
            throw FaultParseError(
                "unknown fault kind in '\(text)' (kinds: \(Kind.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        self.init(kind: kind)
        var given: Set<String> = []
        for part in parts.dropFirst() {
            let pair = part.split(separator: "=", maxSplits: 1).map(String.init)
            guard pair.count == 2, !pair[1].isEmpty else {
                throw FaultParseError("expected key=value, got '\(part)' in '\(text)'")
            }
            let (key, value) = (pair[0], pair[1])
            guard given.insert(key).inserted else { throw FaultParseError("\(key) is given twice in '\(text)'") }
            switch key {
            case "rate":
                guard let r = Double(value), (0...1).contains(r) else {
                    throw FaultParseError("rate must be 0…1 in '\(text)'")
                }
                rate = r
            case "calls": calls = try Self.positions(value, key, in: text)
            case "items": items = try Self.positions(value, key, in: text)
            case "every":
                guard let n = Int(value), n > 0 else {
                    throw FaultParseError("every must be a positive number in '\(text)'")
                }
                every = n
            case "value":
                guard let n = Int(value), n >= 0 else { throw FaultParseError("value must be a number in '\(text)'") }
                self.value = n
            case "ops":
                let names = value.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
                guard !names.contains("") else { throw FaultParseError("ops has an empty name in '\(text)'") }
                operations = names
            case "code": code = value
            default:
                throw FaultParseError(
                    "unknown fault option '\(key)' in '\(text)' (rate, calls, every, items, value, ops, code)")
            }
        }
        try checkCombination(of: given, in: text)
        if rate == nil, calls == nil, every == nil { rate = 1 }
    }

    /// Refuses options the kind would ignore, so a spec never means less than it says.
    private func checkCombination(of given: Set<String>, in text: String) throws(FaultParseError) {
        if !kind.isPerItem, let key = ["code", "items"].first(where: given.contains) {
            throw FaultParseError("\(key) applies to item-error and item-warning only, not to '\(text)'")
        }
        if !kind.takesValue, given.contains("value") {
            throw FaultParseError("\(kind.rawValue) takes no value, in '\(text)'")
        }
        // calls, every and rate choose the calls; for item faults rate is per item.
        let selectors = given.intersection(kind.isPerItem ? ["calls", "every"] : ["calls", "every", "rate"])
        guard selectors.count <= 1 else {
            throw FaultParseError("\(selectors.sorted().joined(separator: " and ")) exclude each other in '\(text)'")
        }
    }

    /// A comma-separated list of 1-based positions.
    private static func positions(_ value: String, _ key: String, in text: String) throws(FaultParseError) -> [Int] {
        let numbers = value.split(separator: ",", omittingEmptySubsequences: false).map { Int($0) }
        guard numbers.allSatisfy({ ($0 ?? 0) > 0 }) else {
            throw FaultParseError("\(key) must be positive numbers, comma-separated, in '\(text)'")
        }
        return numbers.compactMap { $0 }
    }
}

public struct FaultParseError: Error, CustomStringConvertible, Sendable {
    public let description: String
    init(_ description: String) { self.description = description }
}

/// What happens to one call.
struct FaultDecision {
    enum Action {
        case none
        case busy(Int)
        /// An HTTP status with Retry-After, before any work or after it.
        case http(Int, retryAfter: Int, afterActing: Bool)
        case drop, truncate, malformed
    }
    var action: Action = .none
    var latencyMilliseconds = 0
    /// Per-item refusals: index -> the error answered instead of doing the item.
    var itemFault: (Int) -> StoreError? = { _ in nil }
    /// Per-item warnings: index -> the remark answered for an item that was done.
    var itemWarning: (Int) -> StoreError? = { _ in nil }
}

/// Decides faults call by call from the rules and a seeded generator.
final class FaultInjector: Sendable {
    private let rules: [FaultRule]
    private let state: Mutex<(rng: SplitMix64, calls: Int)>

    init(rules: [FaultRule], seed: UInt64) {
        self.rules = rules
        state = Mutex((SplitMix64(seed: seed), 0))
    }

    func decide(operation: String) -> FaultDecision {
        guard !rules.isEmpty else { return FaultDecision() }
        return state.withLock { state in
            state.calls += 1
            let call = state.calls
            var decision = FaultDecision()
            for rule in rules where rule.operations?.contains(operation) ?? true {
                if rule.kind.isPerItem {
                    add(rule, to: &decision, hits: itemSelection(rule, call: call, seed: state.rng.next()))
                    continue
                }
                guard fires(rule, call: call, rng: &state.rng) else { continue }
                switch rule.kind {
                case .latency: decision.latencyMilliseconds += rule.value ?? 20
                case .busy: decision.action = .busy(rule.value ?? 500)
                case .http503: decision.action = .http(503, retryAfter: rule.value ?? 1, afterActing: false)
                case .http429: decision.action = .http(429, retryAfter: rule.value ?? 1, afterActing: false)
                case .http503After: decision.action = .http(503, retryAfter: rule.value ?? 1, afterActing: true)
                case .drop: decision.action = .drop
                case .truncate: decision.action = .truncate
                case .malformed: decision.action = .malformed
                case .itemError, .itemWarning: break
                }
            }
            return decision
        }
    }

    /// Which items of this call a per-item rule hits: those at its positions
    /// (all without), each with the rule's rate, from a generator seeded per item.
    private func itemSelection(_ rule: FaultRule, call: Int, seed: UInt64) -> (Int) -> Bool {
        let selected = rule.calls?.contains(call) ?? rule.every.map { call % $0 == 0 } ?? true
        return { index in
            var rng = SplitMix64(seed: seed &+ UInt64(index))
            return selected && (rule.items?.contains(index + 1) ?? true) && rng.nextDouble() < (rule.rate ?? 1)
        }
    }

    /// Adds a per-item rule after the earlier ones, which win for an item they hit.
    private func add(_ rule: FaultRule, to decision: inout FaultDecision, hits: @escaping (Int) -> Bool) {
        let code = ResponseCode(rawValue: rule.code ?? rule.kind.defaultCode.rawValue)
        func after(_ previous: @escaping (Int) -> StoreError?, _ hit: @escaping (Int) -> Bool, _ message: String)
            -> (Int) -> StoreError?
        {
            { index in previous(index) ?? (hit(index) ? StoreError(code, message) : nil) }
        }
        switch (rule.kind, code) {
        case (.itemWarning, .batchProcessingStopped):
            // Exchange stops at the item: it and every later item of the batch are left undone.
            decision.itemFault = after(
                decision.itemFault, { index in (0...index).contains(where: hits) },
                "Injected: the batch stopped before this item; it was not processed.")
        case (.itemWarning, _):
            decision.itemWarning = after(decision.itemWarning, hits, "Injected per-item warning.")
        default:
            decision.itemFault = after(decision.itemFault, hits, "Injected per-item fault.")
        }
    }

    private func fires(_ rule: FaultRule, call: Int, rng: inout SplitMix64) -> Bool {
        if let calls = rule.calls { return calls.contains(call) }
        if let every = rule.every { return call % every == 0 }
        return rng.nextDouble() < (rule.rate ?? 1)
    }
}
