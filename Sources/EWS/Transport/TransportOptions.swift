import Foundation

/// Connection settings of `CurlTransport`, from the configuration file.
public struct TransportOptions: Sendable {
    /// PEM file of the CAs to trust instead of the system's. Verification is
    /// always on; there is no option to turn it off.
    public var caFile: String?
    /// Proxy URL (`http://proxy.example.com:3128`). Without one no proxy is
    /// used, whatever the environment says.
    public var proxy: String?
    public var connectTimeout: Duration
    /// Limit for one whole request. EWS stops a batch after a minute, so the
    /// default leaves room for that plus the transfer.
    public var timeout: Duration
    /// Larger answers are refused (PRODUCT.md 7.8).
    public var maxResponseBytes: Int

    public init(
        caFile: String? = nil, proxy: String? = nil, connectTimeout: Duration = .seconds(15),
        timeout: Duration = .seconds(100), maxResponseBytes: Int = 32 << 20
    ) {
        self.caFile = caFile
        self.proxy = proxy
        self.connectTimeout = connectTimeout
        self.timeout = timeout
        self.maxResponseBytes = maxResponseBytes
    }

    /// Refuses settings that cannot work, before anything is sent.
    func validate() throws(TransportError) {
        if let caFile, !FileManager.default.isReadableFile(atPath: caFile) {
            throw TransportError(.configuration, "the CA file \(caFile) cannot be read", requestSent: false)
        }
        guard connectTimeout > .zero, timeout > .zero, maxResponseBytes > 0 else {
            throw TransportError(
                .configuration, "timeouts and the response size limit must be positive", requestSent: false)
        }
    }
}

/// Which URLs the bot may talk to: https anywhere, plain http only to this
/// machine, where nothing crosses a network (PRODUCT.md 5).
public enum EndpointPolicy {
    public static func check(_ url: URL) throws(TransportError) {
        guard let scheme = url.scheme?.lowercased(), let host = url.host, !host.isEmpty else {
            throw TransportError(
                .configuration, "'\(redacted(url))' is not an http or https URL with a host", requestSent: false)
        }
        guard url.user == nil, url.password == nil else {
            throw TransportError(
                .configuration, "credentials in the URL are not allowed; configure them in the auth section",
                requestSent: false)
        }
        switch scheme {
        case "https":
            return
        case "http" where isLoopback(host):
            return
        case "http":
            throw TransportError(
                .configuration,
                "plain http is refused for \(host): credentials and mail would cross the network unencrypted; use https (http is allowed only for 127.0.0.0/8, ::1 and localhost)",
                requestSent: false)
        default:
            throw TransportError(
                .configuration, "'\(redacted(url))' uses \(scheme); only https (and http to loopback) is allowed",
                requestSent: false)
        }
    }

    /// 127.0.0.0/8, ::1 and localhost.
    public static func isLoopback(_ host: String) -> Bool {
        let h = host.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        if h == "localhost" || h == "::1" || h == "0:0:0:0:0:0:0:1" { return true }
        let octets = h.split(separator: ".", omittingEmptySubsequences: false)
        guard octets.count == 4, octets.allSatisfy({ UInt8($0) != nil }) else { return false }
        return octets[0] == "127"
    }

    /// The URL without user information, which may hold a password.
    static func redacted(_ url: URL) -> String {
        guard var parts = URLComponents(url: url, resolvingAgainstBaseURL: false) else { return "(unparseable URL)" }
        parts.user = nil
        parts.password = nil
        return parts.string ?? "(unparseable URL)"
    }
}
