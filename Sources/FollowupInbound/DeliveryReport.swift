import Foundation

/// The machine-readable part of a bounce: a `message/delivery-status` report (RFC 3464) and the
/// Message-ID of the message it is about.
public struct DeliveryReport: Sendable, Hashable {
    /// What the report says about one recipient.
    public struct Recipient: Sendable, Hashable {
        /// `Final-Recipient`, lower case, its address type (`rfc822;`) and brackets removed.
        public var finalRecipient: String?
        /// `Original-Recipient`, as above: the address as it was given, before any forwarding.
        public var originalRecipient: String?
        /// `Action` in lower case: `failed`, `delayed`, `delivered`, `relayed` or `expanded`.
        public var action: String
        /// `Status`, the enhanced status code (`5.1.1`).
        public var status: String?
        /// `Diagnostic-Code` without its type (`550 5.1.1 User unknown`).
        public var diagnostic: String?

        /// A recipient as described.
        public init(
            finalRecipient: String?, originalRecipient: String?, action: String, status: String?, diagnostic: String?
        ) {
            self.finalRecipient = finalRecipient
            self.originalRecipient = originalRecipient
            self.action = action
            self.status = status
            self.diagnostic = diagnostic
        }

        /// The address the desk wrote to: the original recipient when given, else the final one.
        public var address: String? { originalRecipient ?? finalRecipient }
    }

    /// `Reporting-MTA` without its type, if given.
    public var reportingMTA: String?
    /// One entry per recipient, in order.
    public var recipients: [Recipient]
    /// The Message-ID (without brackets) of the message the report is about, from its
    /// `message/rfc822` or `text/rfc822-headers` part.
    public var originalMessageID: String?

    /// A report as described.
    public init(reportingMTA: String?, recipients: [Recipient], originalMessageID: String?) {
        self.reportingMTA = reportingMTA
        self.recipients = recipients
        self.originalMessageID = originalMessageID
    }

    /// The fields of a `message/delivery-status` body (decoded bytes): blocks of fields separated
    /// by empty lines, the first about the message, the others one per recipient.
    static func fields(of bytes: [UInt8]) -> (reportingMTA: String?, recipients: [Recipient]) {
        var reportingMTA: String?
        var recipients: [Recipient] = []
        var position = 0
        while position < bytes.count {
            let block = HeaderSection.part(bytes, position..<bytes.count, maxBytes: bytes.count)
            let fields = block.fields
            if let mta = fields.first("Reporting-MTA") { reportingMTA = reportingMTA ?? typed(mta.value) }
            let final = fields.first("Final-Recipient").map { address(typed($0.value)) }
            let original = fields.first("Original-Recipient").map { address(typed($0.value)) }
            if final != nil || original != nil {
                let status = fields.first("Status").map { HeaderParameters.withoutComments($0.value) }
                recipients.append(
                    Recipient(
                        finalRecipient: final ?? nil, originalRecipient: original ?? nil,
                        action: fields.first("Action")?.value.lowercased() ?? "",
                        status: status.flatMap { $0.split(separator: " ").first.map(String.init) },
                        diagnostic: fields.first("Diagnostic-Code").map { typed($0.value) }))
            }
            if block.bodyStart > position {
                position = block.bodyStart
            } else {
                position = ByteLines.line(in: bytes, from: position, to: bytes.count).next
            }
        }
        return (reportingMTA, recipients)
    }

    /// A `type; value` field's value (`rfc822; a@b` → `a@b`), or the whole text when it has no type.
    private static func typed(_ value: String) -> String {
        guard let semicolon = value.firstIndex(of: ";") else { return value }
        return value[value.index(after: semicolon)...].trimmingCharacters(in: .whitespaces)
    }

    /// An address in lower case without brackets, or nil when empty.
    private static func address(_ text: String) -> String? {
        let bare = text.trimmingCharacters(in: CharacterSet(charactersIn: "<> \t")).lowercased()
        return bare.isEmpty ? nil : bare
    }
}
