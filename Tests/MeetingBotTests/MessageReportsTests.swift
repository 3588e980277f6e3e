import Foundation
import Testing
@testable import MeetingBot

/// The reports kept encoded, partly in a temporary file, read back exactly
/// as they were written.
@Suite struct MessageReportsTests {
    /// Every field set, none set, and text a byte-counting bug would cut.
    static func report(_ number: Int) -> MessageReport {
        let start = Date(timeIntervalSinceReferenceDate: 820_000_000 + Double(number) * 1800.25)
        guard number % 3 != 0 else {
            return MessageReport(
                itemId: "AAMk\(number)", kind: "cancellation", action: "remove", reason: "", result: .removed)
        }
        return MessageReport(
            itemId: String(repeating: "AAMkADU3", count: 18) + "\(number)=", kind: "request",
            subject: "Réunion n° \(number) 📅 — \u{0}nul", organizer: "organizer\(number % 7)@contoso.com",
            from: "delegate@contoso.com", start: start, end: start + 3600, uid: "040000008200E000\(number)",
            recurrenceId: number % 2 == 0 ? start : nil, sequence: number - 5, received: start - 86_400,
            rule: "rule \(number % 20)", action: "accept", reason: "free at that time", result: .replied,
            detail: number % 5 == 0 ? "ErrorServerBusy" : nil, occurrencesChecked: Int.max - number,
            conflicts: Int.min + number)
    }

    @Test func readsBackWhatWasAppendedAcrossTheTemporaryFile() {
        let originals = (0..<3000).map(Self.report)
        let reports = MessageReports(originals)
        #expect(reports.bytesInFile > 256 * 1024, "most of them went to the file")
        #expect(reports.count == originals.count)
        #expect(Array(reports) == originals)
        #expect(reports[1234] == originals[1234])
        #expect(reports.last == originals.last)
    }

    @Test func aCopyKeepsItsReportsWhenTheOriginalGrows() {
        var original = MessageReports((0..<1000).map(Self.report))
        let copy = original
        original.append(Self.report(5000))
        #expect(copy.count == 1000 && original.count == 1001)
        #expect(Array(copy) == (0..<1000).map(Self.report))
        #expect(original.last == Self.report(5000))
    }

    @Test func codesAsTheListOfReports() throws {
        let originals = (0..<50).map(Self.report)
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let data = try encoder.encode(MessageReports(originals))
        #expect(data == (try encoder.encode(originals)))
        #expect(try JSONDecoder().decode(MessageReports.self, from: data) == MessageReports(originals))
    }
}
