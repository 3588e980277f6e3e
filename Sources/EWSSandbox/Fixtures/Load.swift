import EWS
import Foundation
import SeededRandom

/// A generated load: `messages` meeting messages waiting in one mailbox,
/// sent by generated organizers, in a seeded mix of requests, responses (to
/// meetings the mailbox organizes) and cancellations, with a spread of
/// durations, times and recurrences. The same seed gives the same mailbox.
public struct LoadSpec: Codable, Sendable {
    public var seed: UInt64?
    /// The mailbox that receives the messages; created with password `secret` if missing.
    public var mailbox: String
    public var messages: Int
    public var organizers: Int?
    /// Shares of requests, responses and cancellations (default 0.7 / 0.2 / 0.1).
    public var requests: Double?
    public var responses: Double?
    public var cancellations: Double?
    /// First day a meeting may start (default: the fixture clock's day).
    public var from: String?
    /// Meetings start within this many days (default 90).
    public var days: Int?
    /// Share of the meetings that recur (default 0.15), with a seeded mix of
    /// patterns and ends.
    public var recurring: Double?

    enum CodingKeys: String, CodingKey {
        case seed, mailbox, messages, organizers, requests, responses, cancellations, from, days, recurring
    }
}

/// Plays a fixture into a store through the same organizer and attendee
/// paths EWS clients use, so its state is what those operations would make.
struct FixturePlayer {
    var store = StoreState()
    /// Each event happens one second after the previous one, ending before `now`.
    private var clock: Date

    init(eventCount: Int, now: Date) {
        clock = now - TimeInterval(eventCount + 1)
    }

    static func play(_ fixture: Fixture, now: Date) throws -> StoreState {
        let events =
            (fixture.meetings?.count ?? 0) * 8 + (fixture.appointments?.count ?? 0) + (fixture.load?.messages ?? 0) * 3
        var player = FixturePlayer(eventCount: events, now: now)
        for spec in fixture.mailboxes { try player.addMailbox(spec) }
        for appointment in fixture.appointments ?? [] { try player.addAppointment(appointment) }
        for meeting in fixture.meetings ?? [] { try player.playMeeting(meeting) }
        if let load = fixture.load { try player.generate(load, now: now) }
        player.store.runAttendant(now: now)
        return player.store
    }

    private mutating func tick() -> Date {
        clock += 1
        return clock
    }

    mutating func addMailbox(_ spec: Fixture.MailboxSpec) throws {
        let email = spec.address.lowercased()
        guard email.contains("@") else {
            throw FixtureError("mailbox address '\(spec.address)' is not an e-mail address")
        }
        guard store.mailbox(email) == nil else { throw FixtureError("mailbox \(email) is listed twice") }
        var mailbox = StoredMailbox(address: StoredAddress(email: email, name: spec.name))
        mailbox.password = spec.password
        mailbox.token = spec.token
        mailbox.attendant = spec.calendarAttendant ?? .autoUpdate
        mailbox.attendantDelay = spec.attendantDelay ?? 0
        mailbox.canImpersonate = spec.impersonation ?? false
        // A delegate who receives the meeting messages has delegate access too.
        mailbox.meetingDelegates = Set((spec.meetingDelegates ?? []).map { $0.lowercased() }).sorted()
        mailbox.delegates = Set((spec.delegates ?? []).map { $0.lowercased() } + mailbox.meetingDelegates).sorted()
        mailbox.meetingRequestDelivery = spec.deliverMeetingRequests ?? .delegatesAndSendInformationToMe
        mailbox.routingType = spec.routingType ?? .smtp
        store.addMailbox(mailbox)
    }

    private func date(_ text: String, _ what: String) throws -> Date {
        guard let date = EWSDateTime.parse(text) else {
            throw FixtureError("\(what): '\(text)' is not a date-time like 2026-03-02T09:00:00Z")
        }
        return date
    }

    private func existing(_ email: String, _ what: String) throws -> String {
        guard store.mailbox(email) != nil else { throw FixtureError("\(what): no mailbox \(email) in the fixture") }
        return email.lowercased()
    }

    mutating func addAppointment(_ spec: Fixture.AppointmentSpec) throws {
        let email = try existing(spec.mailbox, "appointment")
        let now = tick()
        var item = store.newItem(
            .calendarItem, itemClass: ItemClass.appointment,
            in: try store.folderId("calendar", of: email), now: now)
        item.subject = spec.subject ?? "Busy"
        item.start = try date(spec.start, "appointment start")
        item.end = try date(spec.end, "appointment end")
        item.freeBusy = spec.showAs ?? "Busy"
        try schedule(&item, timezone: spec.timezone, recurrence: spec.recurrence, "appointment '\(item.subject)'")
        _ = try store.createMeeting(item, invitations: "SendToNone", now: now)
    }

    /// Sets the item's time zone and recurrence; errors name the item.
    private func schedule(
        _ item: inout StoredItem, timezone: String?, recurrence: Fixture.RecurrenceSpec?,
        _ what: String
    ) throws {
        do {
            let zoneId = try Fixture.windowsTimeZone(timezone)
            item.timeZoneId = zoneId
            guard let recurrence, let start = item.start, let zone = WindowsTimeZones.timeZone(forWindowsId: zoneId)
            else { return }
            item.recurrence = try recurrence.recurrence(first: start, in: zone)
        } catch {
            throw FixtureError("\(what): \(error)")
        }
        do { try item.alignSeries() } catch { throw FixtureError("\(what): \(error.message)") }
    }

    mutating func playMeeting(_ spec: Fixture.MeetingSpec) throws {
        let organizer = try existing(spec.organizer, "meeting organizer")
        let now = tick()
        var item = store.newItem(
            .calendarItem, itemClass: ItemClass.appointment,
            in: try store.folderId("calendar", of: organizer), now: now)
        item.subject = spec.subject ?? "Meeting"
        item.body = spec.body ?? ""
        item.location = spec.location
        item.start = try date(spec.start, "meeting start")
        item.end = try date(spec.end, "meeting end")
        try schedule(&item, timezone: spec.timezone, recurrence: spec.recurrence, "meeting '\(item.subject)'")
        let roles: [(StoredAttendee.Role, [String]?)] = [
            (.required, spec.attendees), (.optional, spec.optional), (.resource, spec.resources),
        ]
        for (role, list) in roles {
            item.attendees += (list ?? []).map {
                StoredAttendee(address: store.mailbox($0)?.address ?? StoredAddress(email: $0), role: role)
            }
        }
        item.isResponseRequested = spec.responseRequested
        var meeting = try store.createMeeting(item, invitations: "SendToAllAndSaveCopy", now: now)
        for (attendee, answer) in (spec.responses ?? [:]).sorted(by: { $0.key < $1.key }) {
            guard let kind = MeetingAnswer(fixtureName: answer) else {
                throw FixtureError(
                    "meeting '\(item.subject)': response '\(answer)' for \(attendee) is not accept, tentative or decline"
                )
            }
            try answerRequest(of: meeting, by: try existing(attendee, "meeting response"), kind)
        }
        if let move = spec.moveTo {
            let now = tick()
            let before = meeting
            let start = try date(move.start, "move_to start")
            let end = try date(move.end, "move_to end")
            meeting = try store.update(meeting.id, now: now) {
                $0.start = start
                $0.end = end
            }
            try store.publishChanges(
                of: meeting.id, before: before, changed: ["calendar:Start", "calendar:End"],
                sending: "SendToAllAndSaveCopy", now: now)
        }
        if let update = spec.update {
            let now = tick()
            let before = meeting
            var changed: Set<String> = []
            if update.subject != nil { changed.insert("item:Subject") }
            if update.location != nil { changed.insert("calendar:Location") }
            meeting = try store.update(meeting.id, now: now) {
                $0.subject = update.subject ?? $0.subject
                $0.location = update.location ?? $0.location
            }
            try store.publishChanges(
                of: meeting.id, before: before, changed: changed, sending: "SendToAllAndSaveCopy", now: now)
        }
        if spec.cancelled == true {
            try store.cancelMeeting(meeting.id, note: nil, saveCopy: true, now: tick())
        }
    }

    /// The attendee answers the newest request of the meeting in their inbox.
    private mutating func answerRequest(
        of meeting: StoredItem, by attendee: String, _ answer: MeetingAnswer,
        proposed: (Date, Date)? = nil
    ) throws {
        let now = tick()
        store.runAttendant(now: now)
        guard let request = store.inboxRequests(uid: meeting.uid, of: attendee).first(where: { !$0.isOutOfDate })
        else { throw FixtureError("\(attendee) has no request for '\(meeting.subject)' to answer") }
        _ = try store.answer(
            request.id, answer, AnswerOptions(proposedStart: proposed?.0, proposedEnd: proposed?.1), now: now)
    }

    // MARK: Load

    private static let durations: [TimeInterval] = [15, 30, 45, 60, 60, 60, 90, 120, 180, 240, 300].map { $0 * 60 }

    mutating func generate(_ load: LoadSpec, now: Date) throws {
        var rng = SplitMix64(seed: load.seed ?? 1)
        // A stream of its own, so that recurrences leave the rest of a seed's mix as it was.
        var recurrenceRng = SplitMix64(seed: (load.seed ?? 1) ^ 0x5EED_0F_5E81E5)
        let recurringShare = load.recurring ?? 0.15
        let target = load.mailbox.lowercased()
        if store.mailbox(target) == nil {
            try addMailbox(Fixture.MailboxSpec(address: target, password: "secret"))
        }
        let domain = target.split(separator: "@").last.map(String.init) ?? "contoso.com"
        let organizers = (1...max(1, load.organizers ?? 20)).map { "organizer\($0)@\(domain)" }
        for email in organizers where store.mailbox(email) == nil {
            try addMailbox(
                Fixture.MailboxSpec(
                    address: email, name: "Organizer \(email.prefix(while: { $0 != "@" }))", password: "secret"))
        }
        let firstDay = try load.from.map { try date($0, "load from") } ?? now
        let days = max(1, load.days ?? 90)
        let requests = load.requests ?? 0.7
        let responses = load.responses ?? 0.2
        let cancellations = load.cancellations ?? 0.1
        guard requests >= 0, responses >= 0, cancellations >= 0, requests + responses + cancellations > 0 else {
            throw FixtureError("load: requests, responses and cancellations must be ≥ 0 and not all 0")
        }
        // Events, not messages, are drawn: a cancelled meeting leaves a request and a
        // cancellation, a meeting the mailbox organizes 2.5 responses on average.
        let weights = (plain: max(0, requests - cancellations), cancelled: cancellations, organized: responses / 2.5)
        let total = weights.plain + weights.cancelled + weights.organized

        var produced = 0
        var serial = 0
        while produced < load.messages {
            serial += 1
            let pick = rng.nextDouble() * total
            let organizer = organizers[Int(rng.next() % UInt64(organizers.count))]
            let day = Double(rng.next() % UInt64(days)) * 86_400
            let minute = Double(7 * 60 + Int(rng.next() % 24) * 30) * 60
            let start = Calendar.utcStartOfDay(firstDay) + day + minute
            let end = start + Self.durations[Int(rng.next() % UInt64(Self.durations.count))]
            let recurrence =
                recurrenceRng.nextDouble() < recurringShare ? Self.recurrence(from: start, &recurrenceRng) : nil
            if pick < weights.plain + weights.cancelled {
                // A request to the mailbox, cancelled later for the cancellation share.
                let spec = Fixture.MeetingSpec(
                    organizer: organizer, subject: "Load meeting \(serial)",
                    start: EWSDateTime.format(start), end: EWSDateTime.format(end),
                    location: "Room", attendees: [target], cancelled: pick >= weights.plain,
                    recurrence: recurrence)
                try playMeeting(spec)
                produced += pick >= weights.plain ? 2 : 1
            } else {
                // The mailbox organizes; attendees answer into its inbox.
                let count = min(organizers.count, 1 + Int(rng.next() % 4), load.messages - produced)
                let attendees = (0..<count).map { organizers[($0 + serial) % organizers.count] }
                let now = tick()
                var item = store.newItem(
                    .calendarItem, itemClass: ItemClass.appointment,
                    in: try store.folderId("calendar", of: target), now: now)
                item.subject = "Load meeting \(serial)"
                item.start = start
                item.end = end
                try schedule(&item, timezone: nil, recurrence: recurrence, "load meeting \(serial)")
                item.attendees = attendees.map {
                    StoredAttendee(address: store.mailbox($0)?.address ?? StoredAddress(email: $0))
                }
                let meeting = try store.createMeeting(item, invitations: "SendToAllAndSaveCopy", now: now)
                for attendee in attendees {
                    let roll = rng.next() % 10
                    let answer: MeetingAnswer = roll < 6 ? .accept : (roll < 8 ? .tentative : .decline)
                    let proposed = roll == 7 ? (start + 3600, end + 3600) : nil
                    try answerRequest(of: meeting, by: attendee, answer, proposed: proposed)
                }
                produced += count
            }
        }
    }
}

extension FixturePlayer {
    private static let patterns = ["daily", "weekly", "weekly", "weekly", "monthly", "monthly", "yearly"]
    private static let indexes = ["first", "second", "third", "fourth", "last"]

    /// A seeded recurrence for a generated meeting starting at `start`: every
    /// pattern, absolute and relative, ending by count, by date or never.
    static func recurrence(from start: Date, _ rng: inout SplitMix64) -> Fixture.RecurrenceSpec {
        func pick(_ n: Int) -> Int { Int(rng.next() % UInt64(n)) }
        let pattern = patterns[pick(patterns.count)]
        var spec = Fixture.RecurrenceSpec(pattern: pattern, interval: pattern == "yearly" ? nil : 1 + pick(2))
        if pattern == "monthly" || pattern == "yearly", pick(2) == 0 { spec.index = indexes[pick(indexes.count)] }
        switch pick(4) {
        case 0, 1: spec.count = 2 + pick(19)
        case 2:
            // Far enough for the first occurrence of a relative pattern, which may fall a period later.
            let minimum = ["daily": 7, "weekly": 14, "monthly": 62][pattern] ?? 400
            spec.until = String(EWSDateTime.format(start + Double(minimum + pick(365)) * 86_400).prefix(10))
        default: break
        }
        return spec
    }
}

extension MeetingAnswer {
    init?(fixtureName: String) {
        switch fixtureName.lowercased() {
        case "accept", "accepted": self = .accept
        case "tentative", "tentatively_accept": self = .tentative
        case "decline", "declined": self = .decline
        default: return nil
        }
    }
}

extension Calendar {
    /// Midnight UTC of the day of `date`.
    static func utcStartOfDay(_ date: Date) -> Date {
        Date(timeIntervalSince1970: (date.timeIntervalSince1970 / 86_400).rounded(.down) * 86_400)
    }
}

extension Fixture.MailboxSpec {
    init(address: String, name: String? = nil, password: String?) {
        self.init(
            address: address, name: name, password: password, token: nil, calendarAttendant: nil,
            attendantDelay: nil, impersonation: nil, delegates: nil, meetingDelegates: nil, deliverMeetingRequests: nil)
    }
}

extension Fixture.MeetingSpec {
    init(
        organizer: String, subject: String, start: String, end: String, location: String?, attendees: [String],
        cancelled: Bool, recurrence: Fixture.RecurrenceSpec?
    ) {
        self.init(
            organizer: organizer, subject: subject, start: start, end: end, location: location, body: nil,
            attendees: attendees, optional: nil, resources: nil, responses: nil, moveTo: nil, cancelled: cancelled,
            timezone: nil, recurrence: recurrence)
    }
}

extension Sandbox {
    /// A sandbox holding the fixture's mailboxes and messages. The fixture's
    /// `clock`, if set, becomes the fixed clock unless `options` set one.
    public convenience init(options: SandboxOptions, fixture: Fixture) throws {
        var options = options
        if options.fixedClock == nil, let clock = fixture.clock {
            guard let date = EWSDateTime.parse(clock) else {
                throw FixtureError("clock: '\(clock)' is not a date-time")
            }
            options.fixedClock = date
        }
        let store = try FixturePlayer.play(fixture, now: options.fixedClock ?? Date())
        try self.init(options: options, store: store)
    }
}
