import FollowupCore
import Foundation

/// An e-mail address with an optional display name, such as `Ana Souza <ana@example.com>`.
///
/// The addr-spec is checked when the value is made: a dot-atom local part of at most 64 octets,
/// `@`, a host name of letters, digits and hyphens; printable ASCII only (internationalised
/// domains go in their `xn--` form), at most 254 octets. Quoted local parts, domain literals
/// and comments are refused. The display name is free text: it is normalised (every run of
/// white space and line breaks becomes one space, control characters are dropped), so it can
/// never break a header line.
public struct MailAddress: Sendable, Hashable, CustomStringConvertible {
    /// The display name, normalised; empty when there is none.
    public let displayName: String
    /// The addr-spec, `local@domain`.
    public let address: String

    /// An address from an addr-spec and an optional display name.
    ///
    /// - Throws: ``MailError/Code/invalidAddress`` when `address` is not a plain addr-spec.
    public init(_ address: String, displayName: String = "") throws {
        try Self.check(address)
        self.address = address
        self.displayName = HeaderText.normalized(displayName)
    }

    /// An address parsed from `Name <local@domain>`, `"Name, Quoted" <local@domain>`,
    /// `<local@domain>` or a bare `local@domain`.
    ///
    /// A quoted display name loses its quotes and backslash escapes. Encoded words in the input
    /// are not decoded: this reads configuration and command lines, not received mail.
    /// - Throws: ``MailError/Code/invalidAddress`` when no valid addr-spec is found.
    public init(parsing text: String) throws {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard trimmed.hasSuffix(">"), let open = trimmed.lastIndex(of: "<") else {
            try self.init(trimmed)
            return
        }
        let spec = String(trimmed[trimmed.index(after: open)..<trimmed.index(before: trimmed.endIndex)])
        var name = Substring(trimmed[..<open].trimmingCharacters(in: .whitespaces))
        if name.count >= 2, name.hasPrefix("\""), name.hasSuffix("\"") {
            name = name.dropFirst().dropLast()
            var unquoted = ""
            var escaped = false
            for character in name {
                if !escaped && character == "\\" {
                    escaped = true
                } else {
                    unquoted.append(character)
                    escaped = false
                }
            }
            name = Substring(unquoted)
        }
        try self.init(spec, displayName: String(name))
    }

    /// `Name <local@domain>`, or the bare addr-spec; for logs and messages, not for headers.
    public var description: String {
        displayName.isEmpty ? address : "\(displayName) <\(address)>"
    }

    /// The address as header pieces: the display name, then the angle-bracketed addr-spec; the
    /// bare addr-spec when there is no name.
    ///
    /// A short printable-ASCII name with specials becomes one quoted string (`"Silva, Ana"`).
    /// Otherwise the name is written word by word: atoms as they are, other ASCII words as
    /// quoted strings, and each run of words with non-ASCII characters (or `=?`, or too long
    /// for a line) as encoded words. Encoding only those runs keeps encoded words apart, which
    /// matters: decoders disagree on the space between two adjacent encoded words of a phrase.
    var headerPieces: [HeaderPiece] {
        guard !displayName.isEmpty else { return [.word(address)] }
        let angle = HeaderPiece.word("<\(address)>")
        let ascii = displayName.utf8.allSatisfy(HeaderText.isPrintable) && !displayName.contains("=?")
        if ascii && !displayName.utf8.allSatisfy({ HeaderText.isAtext($0) || $0 == 0x20 }) {
            let quoted = Self.quoted(displayName)
            if quoted.utf8.count <= Self.longestQuotedName { return [.word(quoted), angle] }
        }
        var pieces: [HeaderPiece] = []
        var pending: [Substring] = []
        for word in displayName.split(separator: " ") {
            let plain = word.utf8.allSatisfy(HeaderText.isAtext) ? String(word) : Self.quoted(word)
            if word.utf8.allSatisfy(HeaderText.isPrintable) && !word.contains("=?")
                && plain.utf8.count < HeaderField.foldWidth
            {
                if !pending.isEmpty { pieces.append(.encoded(pending.joined(separator: " "))) }
                pending = []
                pieces.append(.word(plain))
            } else {
                pending.append(word)
            }
        }
        if !pending.isEmpty { pieces.append(.encoded(pending.joined(separator: " "))) }
        return pieces + [angle]
    }

    /// Longer ASCII display names with specials are written word by word, so they can fold.
    static let longestQuotedName = 60

    /// `text` as an RFC 5322 quoted string.
    private static func quoted(_ text: some StringProtocol) -> String {
        var quoted = "\""
        for character in text {
            if character == "\"" || character == "\\" { quoted += "\\" }
            quoted.append(character)
        }
        return quoted + "\""
    }

    /// The shared grammar (``AddressSyntax``): validation accepts exactly what is written here.
    private static func check(_ address: String) throws {
        if let problem = AddressSyntax.problem(address) {
            throw MailError(.invalidAddress, "\"\(address)\" is not a usable e-mail address: \(problem)")
        }
    }
}
