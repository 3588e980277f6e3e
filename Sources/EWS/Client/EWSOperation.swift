import XML

/// One EWS operation: it writes its request element and reads the answer,
/// and does no I/O (STYLE.md example 6). `EWSClient` sends it.
protocol EWSOperation: Sendable {
    associatedtype Response: Sendable
    /// The element name of the request, such as "FindItem".
    static var name: String { get }
    /// False when sending the request twice could do it twice (a meeting
    /// reply): such a request is never resent after an unknown outcome.
    static var isIdempotent: Bool { get }
    /// Writes the request element (`m:FindItem` …) inside the SOAP Body.
    func writeBody(to xml: XMLWriter)
    /// Reads the response element (`m:FindItemResponse` …).
    func parse(_ response: XMLElement) throws(EWSError) -> Response
}

/// An operation with one response message per item, in request order
/// (GetItem, DeleteItem, MoveItem, a CreateItem of one response object). The
/// client resends just the items the server was too busy for.
protocol PerItemOperation: EWSOperation where Response == [ItemResult<Element>] {
    associatedtype Element: Sendable
    var itemCount: Int { get }
    /// The same request for only the items at `positions`.
    func subset(_ positions: [Int]) -> Self
}
