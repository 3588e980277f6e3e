import Foundation
import Testing
@testable import EWS

@Suite struct EWSDateTimeTests {
    @Test(arguments: [
        ("2026-03-02T08:00:00Z", 1_772_438_400.0),
        ("1970-01-01T00:00:00Z", 0),
        ("1969-12-31T23:59:59Z", -1),
        ("2024-02-29T12:00:00Z", 1_709_208_000),
    ])
    func formatsAndParsesUTC(_ text: String, _ seconds: Double) {
        #expect(EWSDateTime.parse(text) == Date(timeIntervalSince1970: seconds))
        #expect(EWSDateTime.format(Date(timeIntervalSince1970: seconds)) == text)
    }

    @Test func acceptsFractionsOffsetsAndNoZone() {
        let utc = EWSDateTime.parse("2026-03-02T08:00:00Z")
        #expect(EWSDateTime.parse("2026-03-02T09:00:00+01:00") == utc)
        #expect(EWSDateTime.parse("2026-03-02T03:00:00-05:00") == utc)
        #expect(EWSDateTime.parse("2026-03-02T08:00:00") == utc)
        #expect(EWSDateTime.parse("2026-03-02T08:00:00.5Z") == utc.map { $0 + 0.5 })
    }

    @Test(arguments: [
        "", "2026-03-02", "2026-13-02T08:00:00Z", "2026-03-02T08:00:00Q", "2026-03-02T08:00:00.Z",
        "2026-03-02 08:00:00Z", "x026-03-02T08:00:00Z",
    ])
    func rejectsMalformedText(_ text: String) {
        #expect(EWSDateTime.parse(text) == nil)
    }

    @Test func parsesDatesWithOrWithoutOffset() {
        #expect(EWSDateTime.parseDate("2026-03-02") == DateComponents(year: 2026, month: 3, day: 2))
        #expect(EWSDateTime.parseDate("2026-03-02+01:00") == DateComponents(year: 2026, month: 3, day: 2))
        #expect(EWSDateTime.parseDate("2026-3-2") == nil)
    }
}
