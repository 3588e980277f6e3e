import XML

/// ResolveNames for one name (one per request is all the operation takes),
/// in the directory only, so a personal contact cannot stand in for a
/// mailbox: the candidates' primary SMTP addresses, at most 100. Used to
/// turn the legacy DN of an internal sender into its SMTP address
/// (PROTOCOL.md 6.5).
/// https://learn.microsoft.com/en-us/exchange/client-developer/web-service-reference/resolvenames-operation
struct ResolveNames: EWSOperation {
    static let name = "ResolveNames"
    static let isIdempotent = true

    var entry: String

    func writeBody(to w: XMLWriter) {
        w.element("m:ResolveNames", ["ReturnFullContactData": "false", "SearchScope": "ActiveDirectory"]) {
            w.element("m:UnresolvedEntry", text: entry)
        }
    }

    /// One candidate (Success), several (Warning with
    /// ErrorNameResolutionMultipleResults) or none (ErrorNameResolutionNoResults,
    /// an Error, answered as no candidates). Other errors are thrown.
    func parse(_ response: XMLElement) throws(EWSError) -> [Mailbox] {
        guard let message = try ResponseMessage.all(in: response).first else {
            throw EWSError(.invalidResponse, "ResolveNames answered no response message")
        }
        if let error = message.error, !message.isWarning {
            guard error.responseCode == .nameResolutionNoResults else { throw error }
            return []
        }
        return (message.element.child("ResolutionSet")?.children("Resolution") ?? []).compactMap { $0.mailbox() }
    }
}

extension ResponseCode {
    public static let nameResolutionNoResults = Self(rawValue: "ErrorNameResolutionNoResults")
    public static let nameResolutionMultipleResults = Self(rawValue: "ErrorNameResolutionMultipleResults")
}
