import EWS
import EWSSandbox
import Foundation

// Two measures of the sandbox on loopback, so that a benchmark of the bot
// measures the bot. Run: swift run -c release sandbox-benchmark [seconds] [clients] [messages…]
//
// 1. Throughput: small GetItem calls per second over keep-alive HTTP from
//    several concurrent libcurl clients, as the bot's benchmark drives it.
// 2. Scale: how long a generated load takes to be ready, and what the bot's
//    own calls cost, at each load size (by default 2,000 and 50,000 messages):
//    an Inbox page of 100 with the bot's ItemClass restriction (FindItem),
//    10 meeting requests with the bot's shape (GetItem) and an AcceptItem
//    (CreateItem), in rounds of page, read, answer as the bot goes. The
//    meetings are spread over days in proportion to the messages, so a
//    request has as many conflicts at every size and the answers are alike:
//    what differs is only the size of the store.
// Client and server share this machine's cores, so the figures are floors.

let arguments = CommandLine.arguments.dropFirst().compactMap { Int($0) }
let seconds = arguments.first ?? 5
let clients = arguments.dropFirst().first ?? 4
let sizes = arguments.count > 2 ? Array(arguments.dropFirst(2)) : [2_000, 50_000]
let mailbox = "room@contoso.com"

struct BenchmarkError: Error, CustomStringConvertible {
    let description: String
}

/// A sandbox holding a generated load of `messages` meeting messages, served on loopback;
/// `recurring` is the share of recurring meetings (the load's default when nil).
func serve(messages: Int, recurring: Double? = nil, daysPerThousand: Double = 45) async throws -> (
    SandboxServer, Duration
) {
    let days = max(1, Int((Double(messages) / 1000 * daysPerThousand).rounded()))
    let fixture = """
        clock: "2026-03-02T08:00:00Z"
        mailboxes:
          - { address: organizer@contoso.com, password: secret }
          - { address: \(mailbox), password: secret }
        load: { seed: 1, mailbox: \(mailbox), messages: \(messages), days: \(days)\(recurring.map { ", recurring: \($0)" } ?? "") }
        """
    let clock = ContinuousClock()
    let started = clock.now
    let sandbox = try Sandbox(options: SandboxOptions(), fixture: try Fixture.parse(fixture))
    let server = try await SandboxServer.start(sandbox, port: 0)
    return (server, clock.now - started)
}

func client(_ server: SandboxServer) throws -> EWSClient {
    guard let url = URL(string: server.url) else { throw BenchmarkError(description: "bad URL \(server.url)") }
    return try EWSClient(
        url: url, account: MailboxAccount(address: mailbox),
        authentication: .basic(username: mailbox, password: Secret("secret")))
}

// MARK: Throughput

func throughput() async throws {
    let (server, _) = try await serve(messages: 200)
    let ids = server.sandbox.withStore { store in
        store.items.values.filter { $0.mailbox == mailbox && $0.kind == .meetingRequest }.map(\.id).sorted()
    }
    guard let url = URL(string: server.url), !ids.isEmpty else {
        throw BenchmarkError(description: "the fixture made no meeting requests")
    }
    func getItem(_ id: String) -> [UInt8] {
        Array(
            """
            <?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" \
            xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages" xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types">\
            <soap:Header><t:RequestServerVersion Version="Exchange2013_SP1"/></soap:Header><soap:Body><m:GetItem><m:ItemShape>\
            <t:BaseShape>IdOnly</t:BaseShape><t:AdditionalProperties><t:FieldURI FieldURI="item:ItemClass"/>\
            <t:FieldURI FieldURI="item:Subject"/></t:AdditionalProperties></m:ItemShape><m:ItemIds><t:ItemId Id="\(id)"/></m:ItemIds>\
            </m:GetItem></soap:Body></soap:Envelope>
            """.utf8)
    }
    let deadline = ContinuousClock.now + .seconds(seconds)
    let counts = try await withThrowingTaskGroup(of: Int.self) { group in
        for client in 0..<clients {
            group.addTask {
                let transport = try CurlTransport(
                    authentication: .basic(username: mailbox, password: Secret("secret")))
                var done = 0
                while ContinuousClock.now < deadline {
                    let response = try await transport.send(
                        HTTPRequest(
                            url: url, headers: [("Content-Type", "text/xml; charset=utf-8")],
                            body: getItem(ids[(done + client) % ids.count])))
                    guard response.status == 200 else {
                        throw BenchmarkError(description: "GetItem answered HTTP \(response.status)")
                    }
                    done += 1
                }
                return done
            }
        }
        var total = 0
        for try await count in group { total += count }
        return total
    }
    let peak = server.sandbox.peakConcurrency(account: mailbox)
    try await server.stop()
    print(
        "sandbox: \(counts) GetItem calls in \(seconds) s from \(clients) clients: \(counts / max(1, seconds)) calls/s"
            + " (at most \(peak) at once)")
}

// MARK: Scale

/// What one load size measured: ready time and the median time of each call.
struct Scale {
    var messages: Int
    var ready: Duration
    var findItem: Duration = .zero
    var getItem: Duration = .zero
    var createItem: Duration = .zero
    var conflicts: Double = 0
}

func median(_ samples: [Duration]) -> Duration {
    let sorted = samples.sorted()
    return sorted.isEmpty ? .zero : sorted[sorted.count / 2]
}

/// One load served, with the bot's reader and writer on it and what they measured.
final class Subject {
    let server: SandboxServer
    let requests: [String]
    let reader: EWSMailboxReader
    let writer: EWSMailboxWriter
    var scale: Scale
    var find: [Duration] = []
    var get: [Duration] = []
    var create: [Duration] = []
    var conflictCount = 0
    var conflictSamples = 0
    var offset = 0

    init(messages: Int, recurring: Double?, rounds: Int) async throws {
        let (server, ready) = try await serve(messages: messages, recurring: recurring)
        self.server = server
        scale = Scale(messages: messages, ready: ready)
        // Requests the mailbox can still answer, in a fixed order: one accepted per round, ten read.
        requests = server.sandbox.withStore { store in
            store.items.values.filter {
                $0.mailbox == mailbox && $0.kind == .meetingRequest && !$0.isOutOfDate && !$0.isCancelled
                    && store.folders[$0.folderId]?.distinguishedId == "inbox"
            }
            .map(\.id).sorted()
        }
        guard requests.count >= rounds * 2 else {
            throw BenchmarkError(description: "\(messages) messages gave only \(requests.count) open requests")
        }
        let ews = try client(server)
        reader = EWSMailboxReader(ews, options: EWSMailboxOptions(pageSize: 100))
        writer = EWSMailboxWriter(ews)
    }

    /// One round as the bot goes: a page of the Inbox, ten requests read, one answered.
    func round(_ round: Int, of rounds: Int) async throws {
        let clock = ContinuousClock()
        var started = clock.now
        let page = try await reader.findMeetingMessages(in: .inbox, receivedFrom: nil, offset: offset, known: 0)
        find.append(clock.now - started)
        // The bot reads on through the Inbox and starts over at its end.
        offset = page.nextOffset ?? 0

        let batch = (0..<10).map { ItemId(requests[(rounds + round * 10 + $0) % requests.count]) }
        started = clock.now
        let messages = try await reader.meetingMessages(batch)
        get.append(clock.now - started)
        for case .success(let message) in messages {
            conflictCount += message.conflictingMeetingCount ?? 0
            conflictSamples += 1
        }

        started = clock.now
        _ = try await writer.respond(to: ItemId(requests[round]), with: MeetingReply(.accept))
        create.append(clock.now - started)
    }

    func finish() async throws -> Scale {
        try await server.stop()
        scale.findItem = median(find)
        scale.getItem = median(get)
        scale.createItem = median(create)
        scale.conflicts = Double(conflictCount) / Double(max(1, conflictSamples))
        return scale
    }
}

/// Loads every size, then runs the rounds on them in turn, so that what else
/// the machine does weighs on every size alike.
func measure(sizes: [Int], recurring: Double?, rounds: Int = 100) async throws -> [Scale] {
    var subjects: [Subject] = []
    for messages in sizes {
        subjects.append(try await Subject(messages: messages, recurring: recurring, rounds: rounds))
    }
    for round in 0..<rounds {
        for subject in subjects { try await subject.round(round, of: rounds) }
    }
    var results: [Scale] = []
    for subject in subjects { results.append(try await subject.finish()) }
    return results
}

func milliseconds(_ d: Duration) -> String {
    let ms = Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15
    return ms >= 1000 ? String(format: "%.2f s", ms / 1000) : String(format: "%.2f ms", ms)
}

func table(_ results: [Scale]) {
    guard let base = results.first else { return }
    func ratio(_ value: Duration, _ reference: Duration) -> String {
        reference == .zero ? "-" : String(format: "×%.2f", value / reference)
    }
    let headers =
        [""] + results.map { "\($0.messages) messages" }
        + results.dropFirst().map { "ratio \($0.messages)/\(base.messages)" }
    let rows: [(String, (Scale) -> Duration)] = [
        ("load ready", \.ready), ("FindItem (Inbox page of 100)", \.findItem),
        ("GetItem (10 requests)", \.getItem), ("CreateItem (AcceptItem)", \.createItem),
    ]
    var lines = [headers]
    for (name, value) in rows {
        lines.append(
            [name] + results.map { milliseconds(value($0)) }
                + results.dropFirst().map { ratio(value($0), value(base)) })
    }
    lines.append(
        ["conflicts per request"] + results.map { String(format: "%.1f", $0.conflicts) }
            + results.dropFirst().map { _ in "" })
    let widths = (0..<headers.count).map { column in lines.map { $0[column].count }.max() ?? 0 }
    for line in lines {
        print(
            zip(line, widths).enumerated().map { index, cell in
                let pad = String(repeating: " ", count: cell.1 - cell.0.count)
                return index == 0 ? cell.0 + pad : pad + cell.0
            }.joined(separator: "  "))
    }
}

do {
    try await throughput()
    print(
        "median per call over 100 rounds of page, read, answer, the sizes in turn; "
            + "the load's meetings spread over 45 days a 1,000 messages.")
    print("The load's mix (15% of the meetings recurring, a quarter of those without end):")
    table(try await measure(sizes: sizes, recurring: nil))
    // Series without end pile up as the days grow, so each request conflicts with more of them;
    // without recurring meetings a request meets as many meetings at every size.
    print("Without recurring meetings:")
    table(try await measure(sizes: sizes, recurring: 0))
} catch {
    print("sandbox-benchmark: \(error)")
    exit(1)
}
