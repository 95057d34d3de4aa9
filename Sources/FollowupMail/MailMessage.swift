import Foundation

/// One e-mail (RFC 5322 with MIME), as a value; ``rendered()`` gives the bytes to spool.
///
/// Shape of the output: `Date`, `From`, `To`, `Cc`, `Reply-To`, `Subject`, `Message-ID`,
/// `In-Reply-To`, `References`, `Auto-Submitted`, the extra headers, `MIME-Version: 1.0`,
/// then the body: `text/plain` alone, `multipart/alternative` (text, then HTML) when there is
/// HTML, inside `multipart/mixed` (body, then the attachments) when there are attachments.
/// Every line ends in CRLF, every byte is 7-bit ASCII, headers are folded at 78 columns.
///
/// Header injection cannot happen: identifiers are checked when their values are made
/// (``MailAddress``, ``MailMessageID``, ``MailHeader``, ``MailAttachment`` throw on CR, LF
/// and other unsafe characters), and the free text held here, ``subject``, is normalised when
/// rendered: every run of white space and line breaks becomes one space, other control
/// characters are dropped, and non-ASCII text goes into RFC 2047 encoded words.
public struct MailMessage: Sendable, Hashable {
    /// The author (`From`).
    public var from: MailAddress
    /// The recipients (`To`); the header is left out when empty.
    public var to: [MailAddress]
    /// Copies (`Cc`); on mail to partners and clients, the owner (SPEC §4.3).
    public var cc: [MailAddress]
    /// Where replies go (`Reply-To`); on mail to partners and clients, the owner.
    public var replyTo: [MailAddress]
    /// The subject, carrying the case tag `[FU-<n>]`; free text (see the type's notes).
    public var subject: String
    /// When the message was written (`Date`).
    public var date: Date
    /// The zone `Date` is written in; its offset at ``date`` is the one shown.
    public var timeZone: TimeZone
    /// The message's own id (`Message-ID`).
    public var messageID: MailMessageID
    /// The message this one answers (`In-Reply-To`), for a resend the original request.
    public var inReplyTo: MailMessageID?
    /// The thread (`References`), oldest first. ``inReplyTo`` is appended when missing, so
    /// setting only ``inReplyTo`` still threads the message.
    public var references: [MailMessageID]
    /// Whether to write `Auto-Submitted: auto-generated` (RFC 3834).
    ///
    /// True for notifications to the desk; false for mail to partners and clients, which is
    /// ordinary correspondence (helpdesks suspend automated mail, SPEC §4.3).
    public var autoSubmitted: Bool
    /// More headers, written in order after the standard ones.
    public var extraHeaders: [MailHeader]
    /// The plain-text body; it always ends with a line break in the output.
    public var text: String
    /// The HTML body, sent as the preferred alternative to ``text`` when present.
    public var html: String?
    /// Files attached after the body.
    public var attachments: [MailAttachment]

    /// A message; `autoSubmitted` has no default, so every caller decides who it writes to.
    public init(
        from: MailAddress, to: [MailAddress], cc: [MailAddress] = [], replyTo: [MailAddress] = [],
        subject: String, date: Date, timeZone: TimeZone = .gmt, messageID: MailMessageID,
        inReplyTo: MailMessageID? = nil, references: [MailMessageID] = [], autoSubmitted: Bool,
        extraHeaders: [MailHeader] = [], text: String, html: String? = nil, attachments: [MailAttachment] = []
    ) {
        self.from = from
        self.to = to
        self.cc = cc
        self.replyTo = replyTo
        self.subject = subject
        self.date = date
        self.timeZone = timeZone
        self.messageID = messageID
        self.inReplyTo = inReplyTo
        self.references = references
        self.autoSubmitted = autoSubmitted
        self.extraHeaders = extraHeaders
        self.text = text
        self.html = html
        self.attachments = attachments
    }

    /// The message as RFC 5322 bytes with CRLF line endings, ready for a Maildir or `sendmail`.
    ///
    /// Rendering is deterministic: the same value always gives the same bytes.
    public func rendered() -> Data {
        var out: [UInt8] = []
        for field in headerFields { out += Array(field.rendered().utf8) }
        out += Array("MIME-Version: 1.0\r\n".utf8)
        body.write(into: &out)
        return Data(out)
    }

    /// The header fields before `MIME-Version`, in order.
    var headerFields: [HeaderField] {
        var fields = [
            HeaderField(name: "Date", pieces: [.word(MailDate.format(date, in: timeZone))]),
            HeaderField.addresses("From", [from]),
        ]
        for (name, list) in [("To", to), ("Cc", cc), ("Reply-To", replyTo)] where !list.isEmpty {
            fields.append(HeaderField.addresses(name, list))
        }
        fields.append(HeaderField.unstructured("Subject", subject, encodingLongWords: true))
        fields.append(HeaderField(name: "Message-ID", pieces: [.word(messageID.description)]))
        var thread = references
        if let inReplyTo {
            fields.append(HeaderField(name: "In-Reply-To", pieces: [.word(inReplyTo.description)]))
            if !thread.contains(inReplyTo) { thread.append(inReplyTo) }
        }
        if !thread.isEmpty {
            fields.append(HeaderField(name: "References", pieces: thread.map { .word($0.description) }))
        }
        if autoSubmitted {
            fields.append(HeaderField(name: "Auto-Submitted", pieces: [.word("auto-generated")]))
        }
        return fields + extraHeaders.map(\.field)
    }

    /// The MIME body: text, text and HTML as alternatives, and attachments around them.
    var body: MIMEEntity {
        var entity = MIMEEntity.text(text, subtype: "plain")
        if let html {
            entity = .multipart(
                subtype: "alternative", boundary: MIMEEntity.boundary(seed: messageID.value, kind: "alt"),
                parts: [entity, .text(html, subtype: "html")])
        }
        if !attachments.isEmpty {
            entity = .multipart(
                subtype: "mixed", boundary: MIMEEntity.boundary(seed: messageID.value, kind: "mixed"),
                parts: [entity] + attachments.map(MIMEEntity.attachment))
        }
        return entity
    }
}
