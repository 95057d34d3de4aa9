/// A bounce: mail the desk sent could not be delivered (SPEC §4.5 marks the attempt to those
/// addresses failed and tells the owner).
public struct DeliveryFailure: Sendable, Hashable {
    /// The addresses that failed, lower case, in report order.
    public var recipients: [String]
    /// The enhanced status code of the first failed recipient (`5.1.1`), if given.
    public var status: String?
    /// The diagnostic of the first failed recipient (`550 5.1.1 User unknown`), if given.
    public var diagnostic: String?
    /// The Message-ID (without brackets) of the message that bounced, when the report carries it.
    public var originalMessageID: String?

    /// A failure as described.
    public init(recipients: [String], status: String?, diagnostic: String?, originalMessageID: String?) {
        self.recipients = recipients
        self.status = status
        self.diagnostic = diagnostic
        self.originalMessageID = originalMessageID
    }
}
