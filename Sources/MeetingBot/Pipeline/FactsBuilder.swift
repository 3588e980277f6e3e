import EWS
import Foundation
import MeetingRules

/// The one place that sees both EWS values and the rules' facts (STYLE.md
/// layout): turns a meeting message and its context into `MeetingFacts`.
struct FactsBuilder {
    let mailbox: String
    let settings: Settings
    let now: Date

    /// The occurrences of a request the rules look at: a single meeting's
    /// one, or a series' occurrences from now up to the booking window
    /// (PRODUCT.md 2, step 3); a series with none left there is judged by
    /// its first occurrence.
    func occurrences(of message: MeetingMessage) -> [DateInterval] {
        guard let start = message.start else { return [] }
        let single = DateInterval(start: start, end: max(message.end ?? start, start))
        guard let series = message.recurrence else { return [single] }
        let horizon = now + TimeInterval(settings.bookingWindow.seconds)
        let found = series.occurrences(from: now, to: horizon, limit: Self.maxOccurrences)
            .map { DateInterval(start: $0.start, end: max($0.end, $0.start)) }
        if !found.isEmpty { return found }
        return series.firstOccurrence.map { [DateInterval(start: $0.start, end: max($0.end, $0.start))] } ?? [single]
    }

    /// More occurrences than this in one booking window (a daily series
    /// over five years has under 2,000) are not checked one by one.
    static let maxOccurrences = 5_000

    /// `answer` is the mailbox's current answer to the meeting, as the pass found it.
    func facts(
        for message: MeetingMessage, occurrences: [DateInterval], conflicting: Int, answer: EWS.ResponseType? = nil
    ) -> MeetingFacts {
        let kind: MessageKind =
            switch message.kind {
            case .response: .response
            case .cancellation: .cancellation
            default: .request
            }
        let organizer =
            kind == .response
            ? MeetingFacts.Mailbox(address: mailbox)
            : Self.person(message.organizer ?? message.from)
        let first = occurrences.first ?? DateInterval(start: message.start ?? now, duration: 0)
        return MeetingFacts(
            kind: kind, organizer: organizer, sender: Self.person(message.from ?? message.organizer),
            subject: message.subject, location: message.location ?? "", body: message.body,
            start: message.start ?? first.start, end: message.end ?? first.end, isAllDay: message.isAllDay,
            recurrence: message.recurrence.map {
                MeetingFacts.Recurrence(occurrences: $0.occurrenceCount, seriesEnd: $0.lastOccurrence?.end)
            },
            occurrences: occurrences.map { MeetingFacts.Occurrence(start: $0.start, end: $0.end) },
            currentAnswer: Self.currentAnswer(answer ?? message.myResponse),
            checkedOccurrences: max(occurrences.count, 1), conflictingOccurrences: conflicting,
            attendees: message.attendees.compactMap { $0.mailbox.smtpAddress ?? $0.mailbox.address },
            requestType: Self.requestType(message.requestType), sensitivity: Self.sensitivity(message.sensitivity),
            responseType: Self.responseType(message.responseType), proposedStart: message.proposedStart,
            proposedEnd: message.proposedEnd, received: message.received ?? now, now: now)
    }

    static func person(_ mailbox: EWS.Mailbox?) -> MeetingFacts.Mailbox {
        MeetingFacts.Mailbox(address: mailbox?.smtpAddress ?? mailbox?.address ?? "", name: mailbox?.name ?? "")
    }

    /// Every value Exchange sends keeps its meaning; an unknown one is new.
    static func requestType(_ type: MeetingRequestType?) -> MeetingFacts.RequestType {
        switch type {
        case .fullUpdate?: .fullUpdate
        case .informationalUpdate?: .informationalUpdate
        case .silentUpdate?: .silentUpdate
        case .principalWantsCopy?: .principalWantsCopy
        case .outdated?: .outdated
        case MeetingRequestType.none?: .untyped
        default: .new
        }
    }

    /// The mailbox's answer so far, from the request's MyResponseType.
    static func currentAnswer(_ response: EWS.ResponseType?) -> MeetingFacts.CurrentAnswer {
        switch response {
        case .accept?: .accepted
        case .tentative?: .tentative
        case .decline?: .declined
        default: .noAnswer
        }
    }

    static func sensitivity(_ value: EWS.Sensitivity?) -> MeetingFacts.Sensitivity {
        switch value {
        case .personal?: .personal
        case .private?: .private
        case .confidential?: .confidential
        default: .normal
        }
    }

    static func responseType(_ value: EWS.ResponseType?) -> MeetingFacts.ResponseType? {
        switch value {
        case .accept?: .accepted
        case .tentative?: .tentative
        case .decline?: .declined
        default: nil
        }
    }
}
