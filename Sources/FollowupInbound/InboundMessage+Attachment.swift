import Foundation

extension InboundMessage {
    /// A part of a message that is not its text: a file, an image, a forwarded message.
    public struct Attachment: Sendable, Hashable {
        /// The file name (RFC 2231 and encoded-word names decoded), or nil when the part has none.
        public var name: String?
        /// The media type, `type/subtype` in lower case.
        public var contentType: String
        /// The decoded size in bytes, counted without decoding (exact for base64 and unencoded
        /// parts). For a part cut by ``ParseLimits/maxBodyBytes``, the size of what was read.
        public var size: Int

        /// An attachment as described.
        public init(name: String?, contentType: String, size: Int) {
            self.name = name
            self.contentType = contentType
            self.size = size
        }
    }
}
