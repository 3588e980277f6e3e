/// The XML namespaces of SOAP 1.1 and EWS (PROTOCOL.md section 1).
public enum Namespace {
    public static let soap = "http://schemas.xmlsoap.org/soap/envelope/"
    /// Operation elements and their direct children (`m:`).
    public static let messages = "http://schemas.microsoft.com/exchange/services/2006/messages"
    /// Everything else, SOAP headers included (`t:`).
    public static let types = "http://schemas.microsoft.com/exchange/services/2006/types"
    /// Details of SOAP faults (`e:`).
    public static let errors = "http://schemas.microsoft.com/exchange/services/2006/errors"
}
