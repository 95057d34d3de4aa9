import Foundation

/// A Message-ID (RFC 5322 §3.6.4), held without its angle brackets.
///
/// Ours look like `FU-12.resend.0193c2d4-…@desk.example` (SPEC §6.7, see
/// ``followup(caseNumber:stage:notificationID:host:)``); others' come from the mail a
/// technician sent, to thread resends under it. Either way the value is printable ASCII with
/// one `@` between non-empty sides, no space, `<` or `>`, at most 250 octets, so it can sit in
/// `Message-ID`, `In-Reply-To` and `References` without breaking a line.
public struct MailMessageID: Sendable, Hashable, CustomStringConvertible {
    /// The id without brackets, `left@right`.
    public let value: String

    /// The longest id accepted, in octets.
    public static let longest = 250

    /// An id from `left@right` or `<left@right>` (surrounding white space ignored).
    ///
    /// - Throws: ``MailError/Code/invalidMessageID`` when the text is not such an id.
    public init(_ text: String) throws {
        var value = Substring(text.trimmingCharacters(in: .whitespaces))
        if value.hasPrefix("<") && value.hasSuffix(">") && value.count >= 2 {
            value = value.dropFirst().dropLast()
        }
        func refuse(_ why: String) -> MailError {
            MailError(.invalidMessageID, "\"\(text)\" is not a usable Message-ID: \(why)")
        }
        guard value.utf8.allSatisfy({ (33...126).contains($0) && $0 != UInt8(ascii: "<") && $0 != UInt8(ascii: ">") })
        else { throw refuse("only printable ASCII without spaces, < or > is allowed") }
        guard value.utf8.count <= Self.longest else { throw refuse("it is longer than \(Self.longest) octets") }
        guard let at = value.lastIndex(of: "@"), at != value.startIndex, value.index(after: at) != value.endIndex
        else { throw refuse("it must be left@right") }
        self.value = String(value)
    }

    /// The id of one of our notifications: `FU-<n>.<stage>.<notification id>@<host>`.
    ///
    /// `stage` (such as `resend.2` or `report`), `notificationID` and `host` must be dot-atoms
    /// (letters, digits, dots and ``!#$%&'*+-/=?^_`{|}~``), so the id reads back unambiguously.
    /// - Throws: ``MailError/Code/invalidMessageID`` when a part is not usable.
    public static func followup(caseNumber: Int, stage: String, notificationID: String, host: String) throws
        -> MailMessageID
    {
        guard caseNumber >= 1 else {
            throw MailError(.invalidMessageID, "case number \(caseNumber) is not FU-<n> with n ≥ 1")
        }
        for (part, text) in [("stage", stage), ("notification id", notificationID), ("host", host)]
        where !HeaderText.isDotAtom(text) {
            throw MailError(
                .invalidMessageID, "\(part) \"\(text)\" must be letters, digits and dots for a Message-ID")
        }
        return try MailMessageID("FU-\(caseNumber).\(stage).\(notificationID)@\(host)")
    }

    /// `<left@right>`, as it appears in headers.
    public var description: String { "<\(value)>" }
}
