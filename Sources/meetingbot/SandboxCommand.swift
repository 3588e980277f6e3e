import ArgumentParser
import EWS
import EWSSandbox
import Foundation

/// `meetingbot sandbox`: runs the local Exchange on 127.0.0.1 until interrupted.
struct SandboxCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sandbox",
        abstract: "Runs the local Exchange sandbox (EWS on http://127.0.0.1:PORT/EWS/Exchange.asmx).",
        discussion: """
            Faults (--fault, repeatable) are KIND[:key=value]…, with KIND one of \
            \(FaultRule.Kind.allCases.map(\.rawValue).joined(separator: ", ")) and keys rate (0…1), \
            calls (1-based call numbers, comma-separated), every (N), value (back-off ms, Retry-After s, \
            latency ms), ops (operations, comma-separated), and for item-error and item-warning code \
            (response code) and items (1-based positions in a batch). 503 and 429 refuse a call before \
            any work; 503-after does the work, then answers 503. item-warning answers a Warning; with \
            its default code ErrorBatchProcessingStopped the item and the rest of the batch are not done. \
            Example: --fault busy:calls=1:value=250 --fault latency:value=20
            """
    )

    @Option(help: "YAML fixture with mailboxes, appointments, meetings and an optional generated load.")
    var fixture: String?

    @Option(help: "Port on 127.0.0.1 (0 picks a free one, printed on start).")
    var port: Int = 8080

    @Option(help: "Folder with messages.xsd and types.xsd: validate every request against it.")
    var schema: String?

    @Option(name: .customLong("fault"), help: "A fault to inject (see above); repeatable.")
    var faults: [String] = []

    @Option(
        help: """
            What the 401 offers: on-premises (Negotiate, NTLM, Basic), basic (Basic only) or online \
            (Bearer, as Exchange Online; Basic refused). The sandbox checks Basic and Bearer only.
            """)
    var auth: SandboxAuthentication = .onPremises

    @Option(help: "Seed for faults, so runs are reproducible.")
    var seed: UInt64 = 1

    @Option(help: "A fixed clock, e.g. 2026-03-02T08:00:00Z (moves only by POST /_sandbox/clock?advance=SECONDS).")
    var clock: String?

    @Option(help: "Write the store as JSON to this file when the sandbox stops.")
    var dumpOnExit: String?

    @Option(
        help: """
            EWSMaxConcurrency: requests one account may have in flight at once; more get the SOAP fault \
            ErrorExceededConnectionCount, as Exchange answers. Off by default.
            """)
    var maxConcurrency: Int?

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be 0…65535") }
        for fault in faults {
            do { _ = try FaultRule(parsing: fault) } catch { throw ValidationError("--fault \(fault): \(error)") }
        }
        if let maxConcurrency, maxConcurrency < 1 { throw ValidationError("--max-concurrency must be 1 or more") }
        if let clock, EWSDateTime.parse(clock) == nil {
            throw ValidationError("--clock: '\(clock)' is not a date-time")
        }
    }

    func run() async throws {
        var options = SandboxOptions()
        options.schemaDirectory = schema
        options.faults = try faults.map { try FaultRule(parsing: $0) }
        options.seed = seed
        options.authentication = auth
        options.fixedClock = clock.flatMap(EWSDateTime.parse)
        options.maxConcurrency = maxConcurrency
        let sandbox: Sandbox
        do {
            if let fixture {
                sandbox = try Sandbox(options: options, fixture: try Fixture.load(path: fixture))
            } else {
                sandbox = try Sandbox(options: options)
            }
        } catch {
            throw ValidationError("\(error)")
        }
        let server = try await SandboxServer.start(sandbox, port: port)
        // Unbuffered, so a parent process reading the port sees it at once.
        FileHandle.standardOutput.write(Data("Sandbox listening on \(server.url)\n".utf8))
        await Signals.waitForTermination()
        try await server.stop()
        // What a test of the client reads to check it kept to its concurrency.
        let peaks = sandbox.concurrencyPeaks.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        FileHandle.standardOutput.write(
            Data("Sandbox stopped; most requests at once per account: \(peaks.joined(separator: " "))\n".utf8))
        if let dumpOnExit { try sandbox.dumpJSON().write(to: URL(fileURLWithPath: dumpOnExit)) }
    }
}

extension SandboxAuthentication: ExpressibleByArgument {}

/// Waits for SIGINT or SIGTERM, so the server can stop cleanly.
enum Signals {
    static func waitForTermination() async {
        let (stream, continuation) = AsyncStream<Void>.makeStream()
        let queue = DispatchQueue(label: "meetingbot.signals")
        let sources = [SIGINT, SIGTERM].map { sig in
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: queue)
            source.setEventHandler { continuation.yield() }
            source.resume()
            return source
        }
        for await _ in stream { break }
        sources.forEach { $0.cancel() }
    }
}
