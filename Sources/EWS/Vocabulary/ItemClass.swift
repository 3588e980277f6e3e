/// Message classes of meeting messages (PROTOCOL.md 3.1).
public enum ItemClass {
    public static let meetingRequest = "IPM.Schedule.Meeting.Request"
    /// Prefix of accepted (`Pos`), declined (`Neg`) and tentative (`Tent`) responses.
    public static let meetingResponsePrefix = "IPM.Schedule.Meeting.Resp."
    public static let meetingResponseAccepted = "IPM.Schedule.Meeting.Resp.Pos"
    public static let meetingResponseDeclined = "IPM.Schedule.Meeting.Resp.Neg"
    public static let meetingResponseTentative = "IPM.Schedule.Meeting.Resp.Tent"
    public static let meetingCancellation = "IPM.Schedule.Meeting.Canceled"
    public static let appointment = "IPM.Appointment"
    public static let note = "IPM.Note"
}
