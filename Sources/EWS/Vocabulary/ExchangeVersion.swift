/// A `RequestServerVersion` value. Exchange2013_SP1 is the lowest that has
/// everything the bot uses (ProposedStart/End): PROTOCOL.md 2.1.
public struct ExchangeVersion: RawRepresentable, Hashable, Sendable {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    public static let exchange2013SP1 = Self(rawValue: "Exchange2013_SP1")
    public static let exchange2016 = Self(rawValue: "Exchange2016")

    /// Whether this is `other` or a later version. A value missing from `all`
    /// counts as later: it can only be a name newer than this code.
    public func isAtLeast(_ other: Self) -> Bool {
        guard let mine = Self.all.firstIndex(of: self) else { return true }
        return Self.all.firstIndex(of: other).map { mine >= $0 } ?? false
    }

    /// Every value `t:ExchangeVersionType` allows (types.xsd).
    public static let all: [Self] = [
        "Exchange2007", "Exchange2007_SP1", "Exchange2009", "Exchange2010", "Exchange2010_SP1", "Exchange2010_SP2",
        "Exchange2012",
        "Exchange2013", "Exchange2013_SP1", "Exchange2015", "Exchange2016",
        "V2015_10_05", "V2016_01_06", "V2016_04_13", "V2016_07_13", "V2016_10_10", "V2017_01_07", "V2017_04_14",
        "V2017_07_11",
    ].map(Self.init(rawValue:))
}
