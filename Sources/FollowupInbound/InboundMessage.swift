import Foundation

/// One message from the inbound Maildir, read into what the daemon needs (SPEC §4.5).
///
/// Made by ``parse(_:limits:)`` from the raw bytes alone (no I/O). Values are decoded: header
/// text from RFC 2047 encoded words, bodies from their transfer encoding and charset into UTF-8
/// with line breaks as LF. Message-IDs are held without angle brackets.
public struct InboundMessage: Sendable, Hashable {
    /// The `Message-ID`, without brackets; nil when missing (then ``fingerprint`` is the key).
    public var messageID: String?
    /// The ids of `In-Reply-To`, in order.
    public var inReplyTo: [String]
    /// The ids of `References`, in order.
    public var references: [String]
    /// The mailboxes of `From`.
    public var from: [Address]
    /// The mailboxes of `To` (all `To` fields together).
    public var to: [Address]
    /// The mailboxes of `Cc`.
    public var cc: [Address]
    /// The mailboxes of `Reply-To`.
    public var replyTo: [Address]
    /// The subject, decoded, with runs of white space made one space; "" when missing.
    public var subject: String
    /// When the message says it was written, or nil when `Date` is missing or unreadable.
    public var date: Date?
    /// Every header field of the message, in order.
    public var headers: [HeaderField]
    /// The media type of the message as a whole.
    public var contentType: ContentType
    /// The text a person reads: the `text/plain` body (all inline `text/plain` parts, joined), or
    /// else the HTML body reduced to text; "" when there is neither.
    public var text: String
    /// The reply's own text: ``text`` without the quoted history below it, where recognisable.
    public var newText: String
    /// Parts that are not the text: their name, type and size (content is never kept).
    public var attachments: [Attachment]
    /// Whether the message is a `multipart/report` (RFC 6522) or has one among its MIME parts.
    public var isMultipartReport: Bool
    /// The `report-type` of that report in lower case (`delivery-status`, `disposition-notification`).
    public var reportType: String?
    /// The delivery-status report (RFC 3464) of a bounce, when there is one.
    public var deliveryReport: DeliveryReport?
    /// SHA-256 of the raw bytes, 64 lower-case hex digits: the message's key when it has no Message-ID.
    public var fingerprint: String
    /// The size of the raw message in bytes.
    public var size: Int
    /// Whether some of the message was not read because of ``ParseLimits`` (body or text cut).
    public var isTruncated: Bool

    /// The ids that say which conversation this message continues: ``inReplyTo`` then
    /// ``references``, each once, in order.
    public var threadIDs: [String] {
        var seen: Set<String> = []
        return (inReplyTo + references).filter { seen.insert($0).inserted }
    }

    /// The decoded value of the first header field called `name` (any case), or nil.
    public func header(_ name: String) -> String? {
        headers.first(name)?.value
    }

    /// Every decoded value of the header fields called `name` (any case), in order.
    public func headers(named name: String) -> [String] {
        headers.all(name).map(\.value)
    }

    /// A short extract of ``newText`` (or of ``text`` when the reply has no text of its own) for
    /// notices: white space collapsed to single spaces, at most `maxCharacters` characters, ending
    /// with `…` where cut (at a word boundary when one is near).
    public func excerpt(maxCharacters: Int) -> String {
        let source = newText.isEmpty ? text : newText
        let words = source.split(whereSeparator: { $0.isWhitespace })
        let collapsed = words.joined(separator: " ")
        guard maxCharacters > 0 else { return "" }
        guard collapsed.count > maxCharacters else { return collapsed }
        guard maxCharacters > 1 else { return "…" }
        var cut = collapsed.prefix(maxCharacters - 1)
        if let space = cut.lastIndex(of: " "), cut.distance(from: cut.startIndex, to: space) >= maxCharacters / 2 {
            cut = cut[..<space]
        }
        return cut.trimmingCharacters(in: .whitespaces) + "…"
    }
}
