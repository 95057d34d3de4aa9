import Foundation

/// A file attached to a message (the attempts report, SPEC §4.4), sent in base64.
///
/// The file name may be any Unicode text without path separators or control characters; it is
/// written with RFC 2231 encoding when it is not short printable ASCII. The content type is a
/// MIME `type/subtype` with optional `; name=value` parameters (`text/markdown; charset=utf-8`).
public struct MailAttachment: Sendable, Hashable {
    /// The file name the recipient sees.
    public let filename: String
    /// The content type, normalised: `type/subtype` lower-cased, then `; name=value` parameters
    /// with lower-cased names.
    public var contentType: String { contentTypeWords.joined(separator: "; ") }
    /// The file's content.
    public let bytes: Data
    /// The media type and each `name=value` parameter.
    private let contentTypeWords: [String]

    /// The longest file name accepted, in UTF-8 octets.
    public static let longestFilename = 255

    /// An attachment named `filename` of `contentType` holding `bytes`.
    ///
    /// - Throws: ``MailError/Code/invalidAttachment`` when the file name is empty, longer than
    ///   255 octets, or has `/`, `\` or a control character (line breaks included), or when
    ///   the content type is not `type/subtype` followed by `; name=value` parameters whose
    ///   values are tokens or quoted strings of printable ASCII (200 octets in all at most).
    public init(filename: String, contentType: String, bytes: Data) throws {
        let unsafe = filename.unicodeScalars.contains {
            $0.value < 0x20 || (0x7F...0x9F).contains($0.value) || $0 == "/" || $0 == "\\" || $0 == "\u{2028}"
                || $0 == "\u{2029}"
        }
        guard !filename.isEmpty, filename.utf8.count <= Self.longestFilename, !unsafe else {
            throw MailError(
                .invalidAttachment,
                "\"\(filename)\" is not a usable attachment name (1–255 octets, no /, \\ or control characters)")
        }
        self.contentTypeWords = try Self.parse(contentType)
        self.filename = filename
        self.bytes = bytes
    }

    /// The `Content-Type` field's pieces, folded between parameters.
    var contentTypePieces: [HeaderPiece] {
        let words = contentTypeWords
        return words.enumerated().map { index, word in .word(index < words.count - 1 ? word + ";" : word) }
    }

    private static func parse(_ contentType: String) throws -> [String] {
        func refuse(_ why: String) -> MailError {
            MailError(.invalidAttachment, "\"\(contentType)\" is not a usable content type: \(why)")
        }
        guard contentType.utf8.allSatisfy(HeaderText.isPrintable), contentType.utf8.count <= 200 else {
            throw refuse("only printable ASCII is allowed, at most 200 octets")
        }
        var sections: [String] = []
        var current = ""
        var quoted = false
        var escaped = false
        for character in contentType {
            if escaped {
                escaped = false
            } else if quoted && character == "\\" {
                escaped = true
            } else if character == "\"" {
                quoted.toggle()
            } else if character == ";" && !quoted {
                sections.append(current)
                current = ""
                continue
            }
            current.append(character)
        }
        guard !quoted && !escaped else { throw refuse("a quoted string is not closed") }
        sections.append(current)
        let media = sections.removeFirst().trimmingCharacters(in: .whitespaces).lowercased()
        let halves = media.split(separator: "/", omittingEmptySubsequences: false)
        guard halves.count == 2, halves.allSatisfy(HeaderText.isToken) else {
            throw refuse("it must start with type/subtype")
        }
        var words = [media]
        for section in sections {
            let text = section.trimmingCharacters(in: .whitespaces)
            guard let equals = text.firstIndex(of: "=") else { throw refuse("parameter \"\(text)\" has no =") }
            let name = text[..<equals].lowercased()
            let value = String(text[text.index(after: equals)...])
            let isQuoted = value.count >= 2 && value.hasPrefix("\"") && value.hasSuffix("\"")
            guard HeaderText.isToken(name), isQuoted || HeaderText.isToken(value), value.utf8.count <= 70 else {
                throw refuse("parameter \"\(text)\" must be name=token or name=\"text\" (at most 70 octets)")
            }
            words.append("\(name)=\(value)")
        }
        return words
    }
}
