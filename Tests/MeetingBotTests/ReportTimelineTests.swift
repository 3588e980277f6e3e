import Foundation
import Testing

@testable import MeetingBot

/// The HTML report's timeline layout: which requests it shows, their lanes,
/// the hour axis and where labels go.
@Suite struct ReportTimelineTests {
    static func request(_ subject: String, _ day: Int, _ from: String, _ to: String, endDay: Int? = nil)
        -> MessageReport
    {
        ReportSamples.request(
            subject.count, subject, day, from, to, rule: "staff", "accept", reason: "r", .replied, endDay: endDay)
    }

    static func timeline(_ messages: [MessageReport]) -> ReportTimeline {
        ReportTimeline(messages, from: ReportSamples.started, weeks: 4)
    }

    @Test func overlappingMeetingsTakeSeparateLanesAndLaterOnesShareTheFirst() {
        let t = Self.timeline([
            Self.request("A", 4, "09:00", "10:00"), Self.request("B", 4, "09:30", "10:30"),
            Self.request("C", 4, "15:00", "16:00"),
        ])
        #expect(t.days.count == 1)
        #expect(t.days[0].bars.map(\.lane) == [0, 1, 0])
        #expect(t.days[0].lanes == 2)
    }

    @Test func aLabelBesideItsBarKeepsTheNextMeetingOffItsLane() {
        // A's label, some 40 characters beside its half-hour bar, reaches past 12:00 on the 10-hour axis of 900 px.
        let t = Self.timeline([
            Self.request("A long subject for a short meeting", 4, "09:00", "09:30"),
            Self.request("B", 4, "10:00", "11:00"),
        ])
        #expect(t.days[0].bars.map(\.place) == [.after, .inside])
        #expect(t.days[0].bars.map(\.lane) == [0, 1])
    }

    @Test func onlyRequestsStartingInTheWeeksFromTheRunsDayAreShown() {
        let messages = [
            Self.request("today, before the run", 2, "07:00", "07:30"),
            Self.request("last day", 29, "23:00", "23:30"),
            Self.request("a day too late", 30, "00:00", "01:00"),
            Self.request("yesterday", 1, "09:00", "10:00"),
            MessageReport(itemId: "x", kind: "request", action: "none", reason: "unreadable", result: .failed),
            MessageReport(
                itemId: "y", kind: "cancellation", start: ReportSamples.march(4, "09:00"), action: "remove",
                reason: "r", result: .removed),
        ]
        let t = Self.timeline(messages)
        #expect(t.bars.map(\.message.subject) == ["today, before the run", "last day"])
        #expect(t.outside == 3)
    }

    @Test func theAxisSpansWorkingHoursAndStretchesToTheMeetings() {
        #expect(Self.timeline([Self.request("A", 4, "09:00", "10:00")]).hours == 8...18)
        let early = Self.timeline([Self.request("A", 4, "06:30", "07:00")])
        #expect(early.hours == 6...18)
        #expect(early.bars[0].left == 0.5 / 12)
        let night = Self.timeline([Self.request("Night shift handover", 4, "22:00", "02:00", endDay: 5)])
        #expect(night.hours == 8...24)
        #expect(night.bars[0].continues)
        #expect(night.bars[0].left + night.bars[0].width == 1)
        // Near the axis's end a label stands before its bar.
        #expect(night.bars[0].place == .before)
    }

    @Test func aLongMeetingHoldsItsLabelAndARequestNotAnsweredSaysWhatBecameOfIt() {
        let t = Self.timeline([
            Self.request("Offsite", 4, "08:00", "17:00"),
            ReportSamples.request(
                9, "Moved", 5, "09:00", "10:00", rule: nil, "delete", reason: "r", .superseded),
        ])
        #expect(t.bars.map(\.place) == [.inside, .after])
        #expect(t.bars.map(\.label) == ["Offsite", "superseded: Moved"])
        #expect(t.bars.map(\.decision) == [.accepted, .other])
    }
}
