import Foundation

extension InboundMessage {
    /// One header field as received, unfolded.
    public struct HeaderField: Sendable, Hashable {
        /// The field name as written (`Subject`, `X-Autoreply`, …); compare it case-insensitively.
        public var name: String
        /// The value with RFC 2047 encoded words decoded and surrounding white space removed;
        /// control characters (even encoded ones) are spaces.
        public var value: String
        /// The value unfolded but not decoded (8-bit bytes read as UTF-8, else Windows-1252);
        /// control characters (NUL, a lone CR, tab, escape, DEL, C1) are spaces.
        public var rawValue: String

        /// A field of `name` whose undecoded value is `rawValue`; ``value`` is decoded from it.
        public init(name: String, rawValue: String) {
            self.name = name
            self.rawValue = rawValue.withoutControlCharacters.trimmingCharacters(in: .whitespaces)
            self.value = EncodedWords.decode(self.rawValue).withoutControlCharacters
                .trimmingCharacters(in: .whitespaces)
        }
    }
}

extension [InboundMessage.HeaderField] {
    /// The decoded value of the first field called `name` (any case).
    func first(_ name: String) -> InboundMessage.HeaderField? {
        first { $0.name.caseInsensitiveCompare(name) == .orderedSame }
    }

    /// Every field called `name` (any case), in order.
    func all(_ name: String) -> [InboundMessage.HeaderField] {
        filter { $0.name.caseInsensitiveCompare(name) == .orderedSame }
    }
}
