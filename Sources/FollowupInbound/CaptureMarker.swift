import Foundation

/// The marker a technician puts in the subject or body of a request written from their own
/// mail client, to name the client and the ticket of the case it opens:
/// `[SSC-1234 Padaria Pão Quente]` — a ticket reference (letters, a dash, digits), a space,
/// the client's name (docs/capture.md).
public struct CaptureMarker: Sendable, Hashable {
    /// The ticket reference, as written (`SSC-1234`).
    public var ticket: String
    /// The client's name, its white space made single spaces.
    public var client: String

    public init(ticket: String, client: String) {
        self.ticket = ticket
        self.client = client
    }

    /// The longest client name a marker carries.
    static let maxClient = 200
    /// How much of the body is searched for a marker.
    static let bodySearched = 4_000

    /// The first marker in `subject`, or else near the start of `body`; nil when neither has one.
    public static func find(subject: String, body: String) -> CaptureMarker? {
        markers(in: subject).first?.marker ?? markers(in: String(body.prefix(bodySearched))).first?.marker
    }

    /// `subject` without its markers and `[FU-n]` tags, white space tidied: the case's subject.
    public static func subject(_ subject: String) -> String {
        var text = subject
        for found in markers(in: subject).reversed() { text.removeSubrange(found.range) }
        if let tag = CaseTag.find(in: text) {
            text = text.replacingOccurrences(of: "[\(tag)]", with: "")
        }
        return text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    /// The first paragraph of `body` that says something (a lone greeting such as "Olá," or
    /// "Prezados," is passed over), without markers, as one line of at most `limit` characters.
    public static func firstParagraph(of body: String, limit: Int = 2_000) -> String {
        let paragraphs = body.replacingOccurrences(of: "\r\n", with: "\n")
            .components(separatedBy: "\n\n")
            .map { paragraph -> String in
                var text = paragraph
                for found in markers(in: paragraph).reversed() { text.removeSubrange(found.range) }
                return text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
            }
            .filter { !$0.isEmpty }
        let chosen = paragraphs.first { !isGreeting($0) } ?? paragraphs.first ?? ""
        return String(chosen.prefix(limit))
    }

    /// A short line that only greets ("Olá,", "Bom dia!", "Prezados,").
    static func isGreeting(_ line: String) -> Bool {
        line.count <= 40 && (line.hasSuffix(",") || line.hasSuffix("!") || line.hasSuffix(":"))
    }

    /// Every marker of `text` with where it stands.
    static func markers(in text: String) -> [(marker: CaptureMarker, range: Range<String.Index>)] {
        var found: [(CaptureMarker, Range<String.Index>)] = []
        var index = text.startIndex
        while let open = text[index...].firstIndex(of: "[") {
            guard let close = text[open...].firstIndex(of: "]") else { break }
            let inside = text[text.index(after: open)..<close]
            if let marker = parse(inside) {
                found.append((marker, open..<text.index(after: close)))
                index = text.index(after: close)
            } else {
                index = text.index(after: open)
            }
        }
        return found
    }

    /// `SSC-1234 Padaria Pão Quente` as a marker; nil for anything else (`FU-12`, `EXTERNO`).
    static func parse(_ inside: Substring) -> CaptureMarker? {
        guard !inside.contains(where: \.isNewline), let space = inside.firstIndex(where: \.isWhitespace) else {
            return nil
        }
        let ticket = inside[..<space]
        let client = inside[space...].split(whereSeparator: \.isWhitespace).joined(separator: " ")
        guard isTicket(ticket), !client.isEmpty, client.count <= maxClient,
            !client.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
        else { return nil }
        return CaptureMarker(ticket: String(ticket), client: client)
    }

    /// Letters (at least one), a dash and digits (at least one), at most 40 characters; not
    /// one of our own `FU-n` tags.
    static func isTicket(_ text: Substring) -> Bool {
        guard text.count <= 40, let dash = text.lastIndex(of: "-") else { return false }
        let prefix = text[..<dash]
        let number = text[text.index(after: dash)...]
        guard !prefix.isEmpty, !number.isEmpty, prefix.uppercased() != "FU" else { return false }
        return prefix.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }
            && prefix.first?.isLetter == true && number.allSatisfy { $0.isASCII && $0.isNumber }
    }
}
