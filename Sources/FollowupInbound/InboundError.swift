import Foundation

/// Why the bytes of an inbound message could not be read as mail.
///
/// The daemon moves such a message to the inbound Maildir's `failed/` folder and writes the
/// ``message`` to the journal (SPEC §4.5); it never stops on bad mail. Everything short of these
/// failures is tolerated: junk header lines, broken MIME, bad base64, unknown charsets.
public struct InboundError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of failure this is; extensible, compared by value.
    public struct Code: Sendable, Hashable, RawRepresentable, CustomStringConvertible {
        /// The code's stable name (`not_mail`, …).
        public var rawValue: String
        /// A code by its stable name.
        public init(rawValue: String) { self.rawValue = rawValue }
        /// The stable name.
        public var description: String { rawValue }

        /// The file is empty.
        public static let empty = Code(rawValue: "empty")
        /// The bytes do not start with a header section (`Name: value` lines) of a mail message.
        public static let notMail = Code(rawValue: "not_mail")
        /// No empty line ends the header section, so the message is cut short or is not mail.
        public static let missingSeparator = Code(rawValue: "missing_separator")
        /// The header section is longer than ``ParseLimits/maxHeaderBytes``.
        public static let headerTooLarge = Code(rawValue: "header_too_large")
        /// Multiparts are nested deeper than ``ParseLimits/maxDepth``.
        public static let nestingTooDeep = Code(rawValue: "nesting_too_deep")
        /// The message has more MIME parts than ``ParseLimits/maxParts``.
        public static let tooManyParts = Code(rawValue: "too_many_parts")
    }

    /// The kind of failure.
    public var code: Code
    /// A sentence a person can act on: what is wrong and what the limit or expectation was.
    public var message: String

    /// An error of `code` saying `message`.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The message.
    public var description: String { message }
}
