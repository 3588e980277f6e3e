import Foundation
import Testing
@testable import MeetingBot

/// The busy-time index finds exactly what a pass over every value finds.
@Suite struct TimeIndexTests {
    @Test func overlapsMatchABruteForceSearch() {
        var random = SystemRandomNumberGenerator()
        var index = TimeIndex<Int>()
        var all: [(Date, Date, Int)] = []
        let origin = Date(timeIntervalSince1970: 1_780_000_000)
        for value in 0..<500 {
            let start = origin + Double(Int.random(in: 0..<(30 * 24), using: &random)) * 3600
            // Mostly an hour or two, now and then a whole week, and some of no length at all.
            let hours = [0, 1, 1, 2, 2, 3, 168][Int.random(in: 0..<7, using: &random)]
            let end = start + Double(hours) * 3600
            index.insert(value, start: start, end: end)
            all.append((start, end, value))
        }
        for _ in 0..<500 {
            let start = origin + Double(Int.random(in: -48..<(32 * 24), using: &random)) * 1800
            let interval = DateInterval(start: start, duration: Double(Int.random(in: 1...12, using: &random)) * 1800)
            let expected = all.filter { $0.0 < interval.end && interval.start < $0.1 }.map(\.2).sorted()
            #expect(index.overlapping(interval).sorted() == expected)
        }
    }
}
