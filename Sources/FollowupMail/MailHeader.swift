/// A header the caller adds to a message, such as `X-Followup-Case: FU-12`.
///
/// The value is written as unstructured text: printable ASCII words as they are, anything else
/// as RFC 2047 encoded words; it is folded between words. Unlike the subject, a value is
/// *refused* when it holds a line break or another control character (tab aside): extra headers
/// are built by code, and a line break there is a bug to surface, not prose to tidy.
public struct MailHeader: Sendable, Hashable {
    /// The field name, as given.
    public let name: String
    /// The field value, as given.
    public let value: String

    /// Names the message writes itself and that cannot be added again (compared without case);
    /// every `Content-*` name is also reserved.
    public static let reservedNames: Set<String> = [
        "date", "from", "sender", "to", "cc", "bcc", "reply-to", "subject", "message-id", "in-reply-to",
        "references", "auto-submitted", "mime-version",
    ]

    /// The longest value accepted, in UTF-8 octets (keeps every line under 998 octets).
    public static let longestValue = 900
    /// The longest name accepted.
    public static let longestName = 60

    /// A header `name: value`.
    ///
    /// - Throws: ``MailError/Code/invalidHeader`` when the name is not 1–60 printable ASCII
    ///   characters without `:` or space, is reserved, or when the value has CR, LF or another
    ///   control character or is longer than 900 octets.
    public init(_ name: String, _ value: String) throws {
        guard (1...Self.longestName).contains(name.utf8.count),
            name.utf8.allSatisfy({ (33...126).contains($0) && $0 != UInt8(ascii: ":") })
        else {
            throw MailError(.invalidHeader, "\"\(name)\" is not a header name (1–60 printable characters, no colon)")
        }
        let lowered = name.lowercased()
        guard !Self.reservedNames.contains(lowered), !lowered.hasPrefix("content-") else {
            throw MailError(.invalidHeader, "\(name) is written by the message itself and cannot be added")
        }
        let control = value.unicodeScalars.contains {
            ($0.value < 0x20 && $0 != "\t") || (0x7F...0x9F).contains($0.value) || $0 == "\u{2028}"
                || $0 == "\u{2029}"
        }
        guard !control else {
            throw MailError(.invalidHeader, "the value of \(name) has a line break or control character")
        }
        guard value.utf8.count <= Self.longestValue else {
            throw MailError(.invalidHeader, "the value of \(name) is longer than \(Self.longestValue) octets")
        }
        self.name = name
        self.value = value
    }

    /// The header laid out for folding (long ASCII words are kept whole).
    var field: HeaderField {
        HeaderField.unstructured(name, value, encodingLongWords: false)
    }
}
