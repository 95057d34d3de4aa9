import Foundation

extension InboundMessage {
    /// Reads the raw bytes of one message (a Maildir file) without I/O.
    ///
    /// Tolerant of what real mail does wrong: bare LF line ends, junk header lines, 8-bit
    /// headers, broken MIME (missing closing boundary, bad base64), unknown charsets. Bounded by
    /// `limits`: the body past ``ParseLimits/maxBodyBytes`` and text past
    /// ``ParseLimits/maxTextBytes`` are ignored (``isTruncated``); attachments are measured, never
    /// decoded, so a 20 MB message costs little more than a walk over its lines.
    ///
    /// - Throws: ``InboundError`` when the bytes are empty or not mail (no header section, no
    ///   empty line after it), or exceed ``ParseLimits/maxHeaderBytes``, ``ParseLimits/maxDepth``
    ///   or ``ParseLimits/maxParts``.
    public static func parse(_ data: Data, limits: ParseLimits = .standard) throws(InboundError) -> InboundMessage {
        guard !data.isEmpty else { throw InboundError(.empty, "the file is empty: there is no message to read") }
        let bytes = [UInt8](data)
        let section = try HeaderSection.message(bytes, 0..<bytes.count, maxBytes: limits.maxHeaderBytes)
        let available = bytes.count - section.bodyStart
        let bodyEnd = section.bodyStart + min(available, limits.maxBodyBytes)
        var tree = MIMETree(bytes: bytes, limits: limits)
        let root = try tree.entity(header: section.fields, body: section.bodyStart..<bodyEnd, depth: 1)
        let content = MessageContent(root, bytes: bytes, limits: limits)
        let fields = section.fields
        let text = content.text
        let reportType = content.report?.contentType.parameter("report-type")?.lowercased()
        let deliveryReport = content.report.flatMap { report in
            reportType == "delivery-status" ? Self.deliveryReport(report, bytes, limits) : nil
        }
        func addresses(_ name: String) -> [Address] {
            fields.all(name).flatMap { AddressList.parse($0.rawValue) }
        }
        let subject = fields.first("Subject")?.value.split(whereSeparator: { $0.isWhitespace })
            .joined(separator: " ")
        return InboundMessage(
            messageID: fields.first("Message-ID").flatMap { MessageIDList.messageID(in: $0.rawValue) },
            inReplyTo: fields.all("In-Reply-To").flatMap { MessageIDList.ids(in: $0.rawValue) },
            references: fields.all("References").flatMap { MessageIDList.ids(in: $0.rawValue) },
            from: addresses("From"), to: addresses("To"), cc: addresses("Cc"), replyTo: addresses("Reply-To"),
            subject: subject ?? "", date: fields.first("Date").flatMap { DateField.parse($0.value) },
            headers: fields, contentType: root.contentType, text: text, newText: QuotedHistory.ownText(of: text),
            attachments: content.attachments, isMultipartReport: content.report != nil, reportType: reportType,
            deliveryReport: deliveryReport, fingerprint: SHA256.hex(data), size: bytes.count,
            isTruncated: available > limits.maxBodyBytes || tree.isTruncated || content.isTruncated)
    }

    /// The delivery-status report in the parts of `report`.
    private static func deliveryReport(_ report: MessagePart, _ bytes: [UInt8], _ limits: ParseLimits)
        -> DeliveryReport
    {
        var result = DeliveryReport(reportingMTA: nil, recipients: [], originalMessageID: nil)
        for part in report.children {
            switch part.contentType.mimeType {
            case "message/delivery-status", "message/global-delivery-status":
                guard result.recipients.isEmpty else { continue }
                let body = part.body.prefix(limits.maxHeaderBytes)
                let (mta, recipients) = DeliveryReport.fields(of: part.transferEncoding.decode(bytes[body]))
                result.reportingMTA = mta
                result.recipients = recipients
            case "message/rfc822", "text/rfc822-headers", "message/global", "message/global-headers":
                guard result.originalMessageID == nil else { continue }
                let body = part.body.prefix(limits.maxHeaderBytes)
                let decoded = part.transferEncoding.decode(bytes[body])
                let header = HeaderSection.part(decoded, 0..<decoded.count, maxBytes: limits.maxHeaderBytes)
                result.originalMessageID = header.fields.first("Message-ID").flatMap {
                    MessageIDList.messageID(in: $0.rawValue)
                }
            default:
                continue
            }
        }
        return result
    }
}
