import Foundation
import Testing
@testable import MeetingBot

/// The busy-time index finds exactly what a pass over every value finds.
@Suite struct TimeIndexTests {
    @Test func overlapsMatchABruteForceSearch() {
        var random = SystemRandomNumberGenerator()
        var index = TimeIndex<Int>()
        var inserted: [(Date, Date, Int)] = []
        let origin = Date(timeIntervalSince1970: 1_780_000_000)
        // Checked as it grows, so that values not yet merged in (added before the latest) are asked for too.
        func check() {
            for _ in 0..<20 {
                let start = origin + Double(Int.random(in: -48..<(32 * 24), using: &random)) * 1800
                let interval = DateInterval(
                    start: start, duration: Double(Int.random(in: 1...12, using: &random)) * 1800)
                let expected = inserted.filter { $0.0 < interval.end && interval.start < $0.1 }.map(\.2).sorted()
                #expect(index.overlapping(interval).sorted() == expected)
            }
        }
        var batch: [TimeIndex<Int>.Entry] = []
        var batchSpans: [(Date, Date, Int)] = []
        for value in 0..<2000 {
            let start = origin + Double(Int.random(in: 0..<(30 * 24), using: &random)) * 3600
            // Mostly an hour or two, now and then a whole week, and some of no length at all.
            let hours = [0, 1, 1, 2, 2, 3, 168][Int.random(in: 0..<7, using: &random)]
            let end = start + Double(hours) * 3600
            // One at a time, or in batches of up to 40 (a calendar view's, a series' occurrences).
            batch.append(.init(value, start: start, end: end))
            batchSpans.append((start, end, value))
            if value < 500 || Int.random(in: 0..<40, using: &random) == 0 || value == 1999 {
                index.insert(contentsOf: batch)
                inserted += batchSpans
                (batch, batchSpans) = ([], [])
                if value % 7 == 0 { check() }
            }
        }
        check()
    }
}
