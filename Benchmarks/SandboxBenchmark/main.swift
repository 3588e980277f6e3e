import EWS
import EWSSandbox
import Foundation

// Throughput of the sandbox on loopback: small GetItem calls per second over
// keep-alive HTTP from several concurrent libcurl clients, as the bot's
// benchmark will drive it. Run: swift run -c release sandbox-benchmark [seconds] [clients]
// Client and server share this machine's cores, so the figure is a floor.

let arguments = CommandLine.arguments.dropFirst().compactMap { Int($0) }
let seconds = arguments.first ?? 5
let clients = arguments.dropFirst().first ?? 4

let fixture = """
    mailboxes:
      - { address: organizer@contoso.com, password: secret }
      - { address: room@contoso.com, password: secret }
    load: { seed: 1, mailbox: room@contoso.com, messages: 200 }
    """
let sandbox = try Sandbox(options: SandboxOptions(), fixture: try Fixture.parse(fixture))
let server = try await SandboxServer.start(sandbox, port: 0)
let ids = sandbox.withStore { store in
    store.items.values.filter { $0.mailbox == "room@contoso.com" && $0.kind == .meetingRequest }.map(\.id).sorted()
}
guard let url = URL(string: server.url), !ids.isEmpty else {
    print("sandbox-benchmark: the fixture made no meeting requests")
    exit(1)
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
                authentication: .basic(username: "room@contoso.com", password: Secret("secret")))
            var done = 0
            while ContinuousClock.now < deadline {
                let response = try await transport.send(
                    HTTPRequest(
                        url: url, headers: [("Content-Type", "text/xml; charset=utf-8")],
                        body: getItem(ids[(done + client) % ids.count])))
                guard response.status == 200 else { throw CocoaError(.coderInvalidValue) }
                done += 1
            }
            return done
        }
    }
    var total = 0
    for try await count in group { total += count }
    return total
}
try await server.stop()
print("sandbox: \(counts) GetItem calls in \(seconds) s from \(clients) clients: \(counts / max(1, seconds)) calls/s")
