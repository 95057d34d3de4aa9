import Foundation

/// What a message's MIME tree holds for the desk: its text, its attachments and any report.
///
/// Text parts are decoded (at most ``ParseLimits/maxTextBytes`` each); attachments only measured.
struct MessageContent {
    /// Inline `text/plain` bodies, decoded, in order.
    var plainTexts: [String] = []
    /// Inline `text/html` bodies, decoded, in order.
    var htmlTexts: [String] = []
    /// Parts that are not text.
    var attachments: [InboundMessage.Attachment] = []
    /// The first `multipart/report` met.
    var report: MessagePart?
    /// Whether a text was cut.
    var isTruncated = false

    /// Media types of the machine-readable parts of reports, which are neither text nor attachments.
    static let reportPartTypes: Set = [
        "message/delivery-status", "message/global-delivery-status", "text/rfc822-headers",
        "message/disposition-notification", "message/feedback-report", "message/global-headers",
    ]

    /// The content of the tree rooted at `root`.
    init(_ root: MessagePart, bytes: [UInt8], limits: ParseLimits) {
        visit(root, bytes, limits)
    }

    /// The text a person reads: the plain bodies, else the HTML ones reduced to text.
    var text: String {
        let plain = LineText.tidied(plainTexts.joined(separator: "\n\n"))
        if !plain.isEmpty || htmlTexts.isEmpty { return plain }
        return LineText.tidied(htmlTexts.map(HTMLText.text(from:)).joined(separator: "\n\n"))
    }

    private mutating func visit(_ part: MessagePart, _ bytes: [UInt8], _ limits: ParseLimits) {
        if part.contentType.isMultipart {
            if part.contentType.subtype == "report" && report == nil { report = part }
            if part.contentType.subtype == "alternative" {
                visitAlternative(part, bytes, limits)
            } else {
                for child in part.children { visit(child, bytes, limits) }
            }
            return
        }
        let type = part.contentType.mimeType
        if Self.reportPartTypes.contains(type) { return }
        let isBodyText =
            (type == "text/plain" || type == "text/html") && part.disposition != "attachment" && part.fileName == nil
        if isBodyText {
            let text = decodedText(part, bytes, limits)
            if type == "text/plain" { plainTexts.append(text) } else { htmlTexts.append(text) }
        } else {
            let encoded = bytes[part.body]
            attachments.append(
                InboundMessage.Attachment(
                    name: part.fileName, contentType: type, size: part.transferEncoding.decodedSize(of: encoded)))
        }
    }

    /// The alternative with plain text if any (the first), else the first with HTML, else the first.
    private mutating func visitAlternative(_ part: MessagePart, _ bytes: [UInt8], _ limits: ParseLimits) {
        var choices: [MessageContent] = []
        for child in part.children {
            var choice = MessageContent()
            choice.visit(child, bytes, limits)
            choices.append(choice)
        }
        let hasPlain = { (choice: MessageContent) in choice.plainTexts.contains { !$0.isEmpty } }
        guard
            let chosen = choices.first(where: hasPlain) ?? choices.first(where: { !$0.htmlTexts.isEmpty })
                ?? choices.first
        else { return }
        plainTexts += chosen.plainTexts
        htmlTexts += chosen.htmlTexts
        attachments += chosen.attachments
        report = report ?? chosen.report
        isTruncated = isTruncated || choices.contains(where: \.isTruncated)
    }

    private init() {}

    /// A text part's body in UTF-8 with LF line breaks, cut at the text limit.
    private mutating func decodedText(_ part: MessagePart, _ bytes: [UInt8], _ limits: ParseLimits) -> String {
        let encodedLimit = limits.maxTextBytes > Int.max / 4 ? Int.max : limits.maxTextBytes * 3 + 4096
        var body = part.body
        if body.count > encodedLimit {
            body = body.lowerBound..<(body.lowerBound + encodedLimit)
            isTruncated = true
        }
        var decoded = part.transferEncoding.decode(bytes[body])
        if decoded.count > limits.maxTextBytes {
            decoded.removeSubrange(limits.maxTextBytes...)
            isTruncated = true
        }
        var text = LineText.normalizedBreaks(Charset.decode(decoded, charset: part.contentType.parameter("charset")))
        if part.contentType.subtype == "plain" && part.contentType.parameter("format")?.lowercased() == "flowed" {
            text = LineText.unflowed(text, deleteSpace: part.contentType.parameter("delsp")?.lowercased() == "yes")
        }
        return text
    }
}
