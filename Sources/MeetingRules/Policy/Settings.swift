import CheckedYAML
import Foundation

/// The settings at the top of a rules file, checked. The pipeline reads the
/// booking window (how far to expand a series) and whether tentative items count
/// as busy from here.
public struct Settings: Sendable {
    /// The wall clock for weekdays, working hours and the times in examples.
    public internal(set) var timeZone: TimeZone = TimeZone(identifier: "UTC") ?? .current
    /// The domains whose addresses are `internal` (subdomains included).
    public internal(set) var internalDomains: [String] = [] {
        didSet { internalSet = DomainSet(internalDomains) }
    }
    /// The working days and hours, if the file defines them.
    public internal(set) var workingHours: WorkingHours?
    /// How far ahead the mailbox takes bookings (180 days unless the file says otherwise).
    public internal(set) var bookingWindow = TimeSpan(seconds: 180 * 86_400)
    /// Whether calendar items shown Tentative count as busy when looking for conflicts.
    public internal(set) var tentativeIsBusy = false
    /// The named lists of addresses, wildcards and domains, as written.
    public internal(set) var lists: [String: [String]] = [:]

    private(set) var internalSet = DomainSet([])
    /// The named lists as patterns, and where each is defined.
    var listPatterns: [String: (patterns: [AddressPattern], location: SourceLocation)] = [:]
}
