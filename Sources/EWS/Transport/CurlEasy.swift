internal import CCurl
import Foundation
import XML

/// How a `CurlEasy` authenticates each request it sends.
enum CurlAuthentication: Sendable {
    case none
    case basic(username: String, password: Secret)
    /// libcurl's NTLM: the handshake authenticates the connection, which the
    /// handle then keeps for the following requests.
    case ntlm(username: String, password: Secret)
}

/// One libcurl easy handle: the only code that touches libcurl. Not
/// thread-safe: one transfer at a time (`CurlTransport` serializes them).
///
/// The handle keeps its connections between transfers, so keep-alive and
/// NTLM's per-connection authentication carry over from request to request.
final class CurlEasy {
    private let handle: UnsafeMutableRawPointer  // CURL *
    private let errorBuffer: UnsafeMutablePointer<CChar>  // CURLOPT_ERRORBUFFER, alive as long as the handle
    private let maxResponseBytes: Int

    /// libcurl's global set-up is done once, before the first handle.
    private static let globalInit: CURLcode = curl_global_init(Int(CCURL_GLOBAL_DEFAULT))

    init(options: TransportOptions, authentication: CurlAuthentication) throws(TransportError) {
        guard Self.globalInit == CURLE_OK else {
            throw TransportError(
                .other, "libcurl failed to initialise: \(Self.describe(Self.globalInit))", requestSent: false)
        }
        guard let h = curl_easy_init() else {
            throw TransportError(.other, "libcurl could not create a handle", requestSent: false)
        }
        handle = h
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        maxResponseBytes = options.maxResponseBytes
        do throws(TransportError) {
            try configure(options, authentication)
        } catch {
            curl_easy_cleanup(h)
            errorBuffer.deallocate()
            throw error
        }
    }

    deinit {
        curl_easy_cleanup(handle)
        errorBuffer.deallocate()
    }

    /// Options that hold for every transfer of this handle.
    private func configure(_ options: TransportOptions, _ authentication: CurlAuthentication) throws(TransportError) {
        try set(CURLOPT_ERRORBUFFER, pointer: UnsafeMutableRawPointer(errorBuffer))
        try set(CURLOPT_NOSIGNAL, 1)  // threads: no SIGALRM for DNS timeouts
        try set(CURLOPT_FOLLOWLOCATION, 0)  // a 302 from EWS is an outage page, not content
        try set(CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_1_1)  // NTLM needs HTTP/1.1
        try set(CURLOPT_TCP_KEEPALIVE, 1)
        try set(CURLOPT_CONNECTTIMEOUT_MS, options.connectTimeout.milliseconds)
        try set(CURLOPT_TIMEOUT_MS, options.timeout.milliseconds)
        try set(CURLOPT_SSL_VERIFYPEER, 1)
        try set(CURLOPT_SSL_VERIFYHOST, 2)
        if let caFile = options.caFile { try set(CURLOPT_CAINFO, caFile) }
        // An empty proxy also stops libcurl from taking one from the environment.
        try set(CURLOPT_PROXY, options.proxy ?? "")
        try set(CURLOPT_NOPROXY, "localhost,127.0.0.1,::1")
        try set(CURLOPT_ACCEPT_ENCODING, "")  // every encoding libcurl can decode
        try check(
            ccurl_setopt_off(handle, CURLOPT_MAXFILESIZE_LARGE, curl_off_t(options.maxResponseBytes)),
            "CURLOPT_MAXFILESIZE_LARGE")
        try check(ccurl_setopt_callback(handle, CURLOPT_WRITEFUNCTION, Self.receiveBody), "CURLOPT_WRITEFUNCTION")
        try check(ccurl_setopt_callback(handle, CURLOPT_HEADERFUNCTION, Self.receiveHeader), "CURLOPT_HEADERFUNCTION")
        try check(ccurl_setopt_callback(handle, CURLOPT_READFUNCTION, Self.sendBody), "CURLOPT_READFUNCTION")
        switch authentication {
        case .none:
            break
        case .basic(let username, let password):
            try setCredentials(Int(CCURL_AUTH_BASIC), username, password)
        case .ntlm(let username, let password):
            try setCredentials(Int(CCURL_AUTH_NTLM), username, password)
        }
    }

    /// Exactly the configured scheme, never a set to choose from: an on-premises
    /// Exchange offers Negotiate first, and libcurl given a choice would take it
    /// and sign in with this machine's Kerberos ticket, not the configured account.
    private func setCredentials(_ scheme: Int, _ username: String, _ password: Secret) throws(TransportError) {
        try set(CURLOPT_HTTPAUTH, scheme)
        try set(CURLOPT_USERNAME, username)
        try set(CURLOPT_PASSWORD, password.reveal())
    }

    /// Sends `request` as a POST and returns the final answer.
    ///
    /// libcurl resends a request by itself when a reused connection closes
    /// before any answer arrives, which a write must never be. So a request
    /// that is not idempotent goes out over a new connection, with a body
    /// libcurl can read only once: a resend then fails (CURLE_SEND_FAIL_REWIND)
    /// instead of happening. NTLM needs this too: it always sends the body over
    /// the connection its handshake authenticated, a reused one.
    func post(_ request: HTTPRequest) throws(TransportError) -> HTTPResponse {
        errorBuffer[0] = 0
        var list: UnsafeMutablePointer<curl_slist>?
        defer { curl_slist_free_all(list) }
        // "Expect:" stops libcurl's 100-continue wait before larger bodies.
        for header in request.headers.map({ "\($0.name): \($0.value)" }) + ["Expect:"] {
            guard let appended = curl_slist_append(list, header) else {
                throw TransportError(.other, "libcurl could not build the request headers", requestSent: false)
            }
            list = appended
        }
        try set(CURLOPT_URL, request.url.absoluteString)
        try set(CURLOPT_POST, 1)
        try set(CURLOPT_FRESH_CONNECT, request.isIdempotent ? 0 : 1)
        try check(
            ccurl_setopt_off(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(request.body.count)),
            "CURLOPT_POSTFIELDSIZE_LARGE")
        let source = BodySource(request.body)
        if request.isIdempotent {
            // COPYPOSTFIELDS copies the bytes, so nothing points into Swift memory afterwards.
            let copied =
                request.body.isEmpty
                ? ccurl_setopt_string(handle, CURLOPT_COPYPOSTFIELDS, "")
                : request.body.withUnsafeBytes {
                    ccurl_setopt_pointer(
                        handle, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: $0.baseAddress))
                }
            try check(copied, "CURLOPT_COPYPOSTFIELDS")
        } else {
            // No post fields: libcurl reads the body through `sendBody`, which cannot rewind.
            try set(CURLOPT_POSTFIELDS, pointer: nil)
            try check(
                ccurl_setopt_off(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(request.body.count)),
                "CURLOPT_POSTFIELDSIZE_LARGE")
        }
        try set(CURLOPT_HTTPHEADER, pointer: list.map { UnsafeMutableRawPointer($0) })
        defer { _ = ccurl_setopt_pointer(handle, CURLOPT_HTTPHEADER, nil) }

        let sink = ResponseSink(limit: maxResponseBytes)
        let context = Unmanaged.passUnretained(sink).toOpaque()
        try set(CURLOPT_WRITEDATA, pointer: context)
        try set(CURLOPT_HEADERDATA, pointer: context)
        try set(CURLOPT_READDATA, pointer: Unmanaged.passUnretained(source).toOpaque())
        let rc = withExtendedLifetime((sink, source)) { curl_easy_perform(handle) }
        for option in [CURLOPT_WRITEDATA, CURLOPT_HEADERDATA, CURLOPT_READDATA] {
            _ = ccurl_setopt_pointer(handle, option, nil)
        }

        var sentBytes = 0
        let sent = ccurl_getinfo_long(handle, CURLINFO_REQUEST_SIZE, &sentBytes) != CURLE_OK || sentBytes > 0
        guard rc == CURLE_OK else { throw failure(rc, sink, requestSent: sent) }
        var status = 0
        try check(ccurl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status), "CURLINFO_RESPONSE_CODE")
        return HTTPResponse(status: status, headers: sink.headers, body: sink.body)
    }

    /// A transport error for a failed transfer, with libcurl's detailed
    /// message (which names hosts and certificate problems, never credentials).
    private func failure(_ rc: CURLcode, _ sink: ResponseSink, requestSent: Bool) -> TransportError {
        let detail = errorBuffer[0] != 0 ? String(cString: errorBuffer) : Self.describe(rc)
        switch rc {
        case CURLE_WRITE_ERROR where sink.exceeded, CURLE_FILESIZE_EXCEEDED:
            return TransportError(
                .tooLarge, "the response is larger than the limit of \(maxResponseBytes) bytes", requestSent: true)
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY, CURLE_COULDNT_CONNECT:
            return TransportError(.connect, "cannot connect: \(detail)", requestSent: false)
        case CURLE_OPERATION_TIMEDOUT:
            return TransportError(.timeout, "timed out: \(detail)", requestSent: requestSent)
        case CURLE_GOT_NOTHING, CURLE_RECV_ERROR, CURLE_SEND_ERROR, CURLE_PARTIAL_FILE, CURLE_SEND_FAIL_REWIND:
            return TransportError(
                .dropped, "the connection closed before the answer was complete: \(detail)", requestSent: requestSent)
        case CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CONNECT_ERROR, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_CERTPROBLEM:
            return TransportError(
                .tls, "TLS failed (check the server certificate or the configured CA file): \(detail)",
                requestSent: false)
        default:
            return TransportError(.other, "HTTP transfer failed: \(detail)", requestSent: requestSent)
        }
    }

    private func set(_ option: CURLoption, _ value: Int) throws(TransportError) {
        try check(ccurl_setopt_long(handle, option, value), "option \(option.rawValue)")
    }

    private func set(_ option: CURLoption, _ value: String) throws(TransportError) {
        try check(ccurl_setopt_string(handle, option, value), "option \(option.rawValue)")
    }

    private func set(_ option: CURLoption, pointer: UnsafeMutableRawPointer?) throws(TransportError) {
        try check(ccurl_setopt_pointer(handle, option, pointer), "option \(option.rawValue)")
    }

    private func check(_ rc: CURLcode, _ what: String) throws(TransportError) {
        guard rc == CURLE_OK else {
            throw TransportError(.configuration, "libcurl refused \(what): \(Self.describe(rc))", requestSent: false)
        }
    }

    private static func describe(_ rc: CURLcode) -> String {
        curl_easy_strerror(rc).map { String(cString: $0) } ?? "libcurl error \(rc.rawValue)"
    }

    /// Collects one answer; reached from the C callbacks through `Unmanaged`.
    private final class ResponseSink {
        let limit: Int
        var body: [UInt8] = []
        var headers: ResponseHeaders = [:]
        var exceeded = false
        init(limit: Int) { self.limit = limit }
    }

    /// A request body that libcurl reads once, front to back.
    private final class BodySource {
        let bytes: [UInt8]
        var offset = 0
        init(_ bytes: [UInt8]) { self.bytes = bytes }
    }

    private static let sendBody: curl_read_callback = { buffer, size, count, context in
        guard let buffer, let context else { return 0 }
        let source = Unmanaged<BodySource>.fromOpaque(context).takeUnretainedValue()
        let n = min(size * count, source.bytes.count - source.offset)
        guard n > 0 else { return 0 }
        source.bytes.withUnsafeBytes { all in
            if let base = all.baseAddress {
                UnsafeMutableRawPointer(buffer).copyMemory(from: base + source.offset, byteCount: n)
            }
        }
        source.offset += n
        return n
    }

    private static let receiveBody: curl_write_callback = { data, size, count, context in
        guard let data, let context else { return 0 }
        let sink = Unmanaged<ResponseSink>.fromOpaque(context).takeUnretainedValue()
        let n = size * count
        guard sink.body.count + n <= sink.limit else {
            sink.exceeded = true
            return 0  // makes libcurl stop with CURLE_WRITE_ERROR
        }
        sink.body.append(contentsOf: UnsafeRawBufferPointer(start: data, count: n))
        return n
    }

    private static let receiveHeader: curl_write_callback = { data, size, count, context in
        guard let data, let context else { return 0 }
        let sink = Unmanaged<ResponseSink>.fromOpaque(context).takeUnretainedValue()
        let n = size * count
        let line = String(decoding: UnsafeRawBufferPointer(start: data, count: n), as: UTF8.self)
        if line.hasPrefix("HTTP/") {
            sink.headers = [:]  // a new response (after a 401 or 100 Continue)
        } else if let colon = line.firstIndex(of: ":") {
            sink.headers.append(
                line[..<colon].trimmed, line[line.index(after: colon)...].trimmed)
        }
        return n
    }
}

extension Duration {
    /// Whole milliseconds, rounded down; what libcurl's `_MS` options take.
    var milliseconds: Int {
        let (seconds, attoseconds) = components
        return Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000)
    }
}
