import EWS
import Foundation
import Synchronization

/// A fault the sandbox injects on demand, for reliability tests: by rate, on
/// given call numbers, or every Nth call, optionally only for some operations.
/// All randomness comes from one seeded generator, so a run is reproducible.
public struct FaultRule: Sendable, Codable, Equatable {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        /// SOAP fault ErrorServerBusy with BackOffMilliseconds = `value` (default 500).
        case busy
        /// HTTP 503 / 429 with Retry-After = `value` seconds (default 1).
        case http503 = "503"
        case http429 = "429"
        /// `value` milliseconds added before the answer (default 20).
        case latency
        /// The connection is closed without an answer.
        case drop
        /// The answer stops halfway, then the connection closes.
        case truncate
        /// HTTP 200 with a body that is not well-formed XML.
        case malformed
        /// One item of a batch fails with `code` (default ErrorInternalServerTransientError).
        case itemError = "item-error"
    }
    public var kind: Kind
    /// Probability per call (or per item, for item errors).
    public var rate: Double?
    /// 1-based call numbers on which it fires.
    public var calls: [Int]?
    /// Fires on every Nth call.
    public var every: Int?
    /// Only for these operations.
    public var operations: [String]?
    public var value: Int?
    public var code: String?

    public init(
        kind: Kind, rate: Double? = nil, calls: [Int]? = nil, every: Int? = nil, operations: [String]? = nil,
        value: Int? = nil, code: String? = nil
    ) {
        self.kind = kind
        self.rate = rate
        self.calls = calls
        self.every = every
        self.operations = operations
        self.value = value
        self.code = code
    }

    /// Parses `KIND[:key=value]…`, e.g. `busy:rate=0.1:value=500`,
    /// `503:calls=3,5:value=2`, `latency:value=20`, `item-error:rate=0.2:code=ErrorItemNotFound:ops=GetItem`.
    public init(parsing text: String) throws(FaultParseError) {
        let parts = text.split(separator: ":").map(String.init)
        guard let first = parts.first, let kind = Kind(rawValue: first) else {
            throw FaultParseError(
                "unknown fault kind in '\(text)' (kinds: \(Kind.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        self.init(kind: kind)
        for part in parts.dropFirst() {
            let pair = part.split(separator: "=", maxSplits: 1).map(String.init)
            guard pair.count == 2 else { throw FaultParseError("expected key=value, got '\(part)' in '\(text)'") }
            let (key, value) = (pair[0], pair[1])
            switch key {
            case "rate":
                guard let r = Double(value), (0...1).contains(r) else {
                    throw FaultParseError("rate must be 0…1 in '\(text)'")
                }
                rate = r
            case "calls":
                let numbers = value.split(separator: ",").compactMap { Int($0) }
                guard !numbers.isEmpty else { throw FaultParseError("calls must be numbers in '\(text)'") }
                calls = numbers
            case "every":
                guard let n = Int(value), n > 0 else {
                    throw FaultParseError("every must be a positive number in '\(text)'")
                }
                every = n
            case "value":
                guard let n = Int(value), n >= 0 else { throw FaultParseError("value must be a number in '\(text)'") }
                self.value = n
            case "ops": operations = value.split(separator: ",").map(String.init)
            case "code": code = value
            default:
                throw FaultParseError(
                    "unknown fault option '\(key)' in '\(text)' (rate, calls, every, value, ops, code)")
            }
        }
        if rate == nil, calls == nil, every == nil { rate = 1 }
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
        case http(Int, retryAfter: Int)
        case drop, truncate, malformed
    }
    var action: Action = .none
    var latencyMilliseconds = 0
    /// Per-item errors: index -> error.
    var itemFault: (Int) -> StoreError? = { _ in nil }
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
                if rule.kind == .itemError {
                    let rate = rule.rate ?? 1
                    let seed = state.rng.next()
                    let selected = rule.calls?.contains(call) ?? rule.every.map { call % $0 == 0 } ?? true
                    let code = ResponseCode(rawValue: rule.code ?? ResponseCode.internalServerTransientError.rawValue)
                    let previous = decision.itemFault
                    decision.itemFault = { index in
                        if let earlier = previous(index) { return earlier }
                        var rng = SplitMix64(seed: seed &+ UInt64(index))
                        guard selected, rng.nextDouble() < rate else { return nil }
                        return StoreError(code, "Injected per-item fault.")
                    }
                    continue
                }
                guard fires(rule, call: call, rng: &state.rng) else { continue }
                switch rule.kind {
                case .latency: decision.latencyMilliseconds += rule.value ?? 20
                case .busy: decision.action = .busy(rule.value ?? 500)
                case .http503: decision.action = .http(503, retryAfter: rule.value ?? 1)
                case .http429: decision.action = .http(429, retryAfter: rule.value ?? 1)
                case .drop: decision.action = .drop
                case .truncate: decision.action = .truncate
                case .malformed: decision.action = .malformed
                case .itemError: break
                }
            }
            return decision
        }
    }

    private func fires(_ rule: FaultRule, call: Int, rng: inout SplitMix64) -> Bool {
        if let calls = rule.calls { return calls.contains(call) }
        if let every = rule.every { return call % every == 0 }
        return rng.nextDouble() < (rule.rate ?? 1)
    }
}

/// A small, fast, seedable generator (SplitMix64), so faults and generated
/// loads are the same on every machine for the same seed.
struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func nextDouble() -> Double { Double(next() >> 11) / Double(1 << 53) }
}
