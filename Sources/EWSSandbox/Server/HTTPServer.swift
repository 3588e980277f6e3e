import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// Serves a `Sandbox` over HTTP/1.1 with keep-alive, on loopback only.
/// Faults that concern the connection (latency, dropped connections,
/// truncated bodies) are carried out here.
public final class SandboxServer: Sendable {
    public let sandbox: Sandbox
    public let port: Int
    private let channel: any Channel
    private let group: MultiThreadedEventLoopGroup

    private init(sandbox: Sandbox, port: Int, channel: any Channel, group: MultiThreadedEventLoopGroup) {
        self.sandbox = sandbox
        self.port = port
        self.channel = channel
        self.group = group
    }

    /// The EWS endpoint URL.
    public var url: String { "http://127.0.0.1:\(port)/EWS/Exchange.asmx" }

    /// Starts listening on 127.0.0.1 (`port` 0 picks a free one).
    public static func start(_ sandbox: Sandbox, port: Int = 0, threads: Int = System.coreCount) async throws
        -> SandboxServer
    {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: max(1, threads))
        let maxBytes = sandbox.options.maxRequestBytes
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(ChannelOptions.backlog, value: 256)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(ChannelOptions.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(HTTPHandler(sandbox: sandbox, maxBytes: maxBytes))
                }
            }
        do {
            let channel = try await bootstrap.bind(host: "127.0.0.1", port: port).get()
            guard let bound = channel.localAddress?.port else { throw SandboxServerError.noPort }
            return SandboxServer(sandbox: sandbox, port: bound, channel: channel, group: group)
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }
    }

    /// Stops listening and closes every connection.
    public func stop() async throws {
        try? await channel.close()
        try await group.shutdownGracefully()
    }
}

enum SandboxServerError: Error { case noPort }

/// One connection: collects a request, lets the sandbox answer, writes the
/// answer as the sandbox's faults say.
private final class HTTPHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let sandbox: Sandbox
    private let maxBytes: Int
    private var head: HTTPRequestHead?
    private var body: [UInt8] = []
    private var tooLarge = false

    init(sandbox: Sandbox, maxBytes: Int) {
        self.sandbox = sandbox
        self.maxBytes = maxBytes
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let h):
            head = h
            body.removeAll(keepingCapacity: true)
            tooLarge = false
        case .body(var buffer):
            if body.count + buffer.readableBytes > maxBytes {
                tooLarge = true
            } else if let bytes = buffer.readBytes(length: buffer.readableBytes) {
                body += bytes
            }
        case .end:
            guard let head else { return }
            self.head = nil
            let response: SandboxResponse
            if tooLarge {
                response = SandboxResponse(status: 413, headers: [("Content-Length", "0")], body: [])
            } else {
                let request = SandboxRequest(
                    method: head.method.rawValue, path: head.uri,
                    headers: head.headers.map { ($0.name, $0.value) }, body: body)
                response = sandbox.respond(to: request)
            }
            let keepAlive = head.isKeepAlive && response.delivery == .normal
            if response.latencyMilliseconds > 0 {
                let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
                context.eventLoop.scheduleTask(in: .milliseconds(Int64(response.latencyMilliseconds))) {
                    let (handler, context) = loopBound.value
                    handler.write(response, version: head.version, keepAlive: keepAlive, context: context)
                }
            } else {
                write(response, version: head.version, keepAlive: keepAlive, context: context)
            }
        }
    }

    private func write(
        _ response: SandboxResponse, version: HTTPVersion, keepAlive: Bool, context: ChannelHandlerContext
    ) {
        // Written now, so no longer in flight for the account.
        sandbox.delivered(response)
        if response.delivery == .drop {
            context.close(promise: nil)
            return
        }
        var headers = HTTPHeaders(response.headers.filter { $0.0.lowercased() != "content-length" })
        headers.replaceOrAdd(name: "Content-Length", value: String(response.body.count))
        headers.replaceOrAdd(name: "Connection", value: keepAlive ? "keep-alive" : "close")
        let status = HTTPResponseStatus(statusCode: response.status)
        context.write(
            wrapOutboundOut(.head(HTTPResponseHead(version: version, status: status, headers: headers))), promise: nil)
        // A truncated answer stops halfway and the connection closes.
        let bytes =
            response.delivery == .truncate ? Array(response.body.prefix(response.body.count / 2)) : response.body
        var buffer = context.channel.allocator.buffer(capacity: bytes.count)
        buffer.writeBytes(bytes)
        let channel = context.channel
        if response.delivery == .truncate {
            context.writeAndFlush(wrapOutboundOut(.body(.byteBuffer(buffer)))).whenComplete { _ in
                channel.close(promise: nil)
            }
            return
        }
        context.write(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
        let done = context.writeAndFlush(wrapOutboundOut(.end(nil)))
        if !keepAlive { done.whenComplete { _ in channel.close(promise: nil) } }
    }
}
