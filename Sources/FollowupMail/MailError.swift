import Foundation

/// Why a piece of mail could not be built or delivered.
///
/// Identifiers (addresses, Message-IDs, header names, content types, attachment file names,
/// Maildir names) are checked when they are made, so a value that reaches ``MailMessage`` can
/// always be rendered; delivery errors carry the `errno` of the system call that failed.
public struct MailError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of failure this is; extensible, compared by value.
    public struct Code: Sendable, Hashable, RawRepresentable, CustomStringConvertible {
        /// The code's stable name (`invalid_address`, …).
        public var rawValue: String
        /// A code by its stable name.
        public init(rawValue: String) { self.rawValue = rawValue }
        /// The stable name.
        public var description: String { rawValue }

        /// An e-mail address that is not a plain `local@domain` addr-spec.
        public static let invalidAddress = Code(rawValue: "invalid_address")
        /// A Message-ID that is not `<left@right>` in printable ASCII.
        public static let invalidMessageID = Code(rawValue: "invalid_message_id")
        /// A header name or value that cannot be written safely.
        public static let invalidHeader = Code(rawValue: "invalid_header")
        /// An attachment whose file name or content type is refused.
        public static let invalidAttachment = Code(rawValue: "invalid_attachment")
        /// A Maildir file name with `/`, `:`, a leading `.` or a control character.
        public static let invalidMaildirName = Code(rawValue: "invalid_maildir_name")
        /// The Maildir could not be written (the message says which step; see ``MailError/errno``).
        public static let maildirUnavailable = Code(rawValue: "maildir_unavailable")
    }

    /// The kind of failure.
    public var code: Code
    /// A sentence a person can act on; it quotes the offending value.
    public var message: String
    /// The `errno` of the failed system call, for ``Code/maildirUnavailable``.
    public var errno: Int32?

    /// An error of `code` saying `message`.
    public init(_ code: Code, _ message: String, errno: Int32? = nil) {
        self.code = code
        self.message = message
        self.errno = errno
    }

    /// The message, followed by the system's wording of ``errno`` when there is one.
    public var description: String {
        guard let errno else { return message }
        return "\(message): \(String(cString: strerror(errno)))"
    }
}
