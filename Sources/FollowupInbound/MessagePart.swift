import Foundation

/// One entity of a message's MIME tree (RFC 2045, RFC 2046): its header, media type and where its
/// body lies in the raw bytes. Bodies are never copied here; only what is needed is decoded later.
struct MessagePart {
    /// The entity's own header fields (for the root, the message's).
    var header: [InboundMessage.HeaderField]
    /// The media type; `text/plain` when missing or unreadable (`message/rfc822` in a digest).
    var contentType: ContentType
    /// How the body is encoded.
    var transferEncoding: TransferEncoding
    /// `attachment` or `inline` (lower case) from `Content-Disposition`, if given.
    var disposition: String?
    /// The file name from `Content-Disposition` or the `name` of `Content-Type`.
    var fileName: String?
    /// The body's bytes in the message.
    var body: Range<Int>
    /// The parts of a multipart, in order; empty for other types.
    var children: [MessagePart] = []
}
