import Foundation

/// The header section of a message or of a MIME part (RFC 5322 §2.2), read from raw bytes.
///
/// Lines end with CRLF or LF. A line starting with a space or tab continues the field before it
/// (unfolding removes only the line break). The section ends at the first empty line.
struct HeaderSection {
    /// The fields in order.
    var fields: [InboundMessage.HeaderField] = []
    /// Lines that were neither a field nor a continuation, skipped.
    var junkLines = 0
    /// Where the body starts.
    var bodyStart: Int
    /// Whether a part's section was cut at the header limit (the rest was taken as body).
    var isTruncated = false

    /// Names of which a message has at least one; a section with none of them is not mail.
    static let mailFieldNames: Set = [
        "from", "sender", "to", "cc", "date", "subject", "message-id", "received", "return-path", "delivered-to",
        "mime-version", "reply-to", "in-reply-to", "references", "content-type",
    ]

    /// The header section of a whole message, starting at `range.lowerBound`.
    ///
    /// A leading mbox `From ` line is skipped, and so are junk lines after the first field.
    /// - Throws: ``InboundError/Code/notMail`` when the first line is not a field or no usual mail
    ///   field is present; ``InboundError/Code/headerTooLarge`` past `maxBytes`;
    ///   ``InboundError/Code/missingSeparator`` when no empty line ends the section.
    static func message(_ bytes: [UInt8], _ range: Range<Int>, maxBytes: Int) throws(InboundError) -> HeaderSection {
        var section = HeaderSection(bodyStart: range.upperBound)
        var position = range.lowerBound
        let first = ByteLines.line(in: bytes, from: position, to: range.upperBound)
        if ByteLines.hasPrefix(bytes, first.content, Array("From ".utf8)) { position = first.next }
        let start = position
        var pending: (name: String, value: [UInt8])?
        var separated = false
        while position < range.upperBound {
            let (content, next) = ByteLines.line(in: bytes, from: position, to: range.upperBound)
            if content.upperBound - start > maxBytes {
                throw InboundError(
                    .headerTooLarge,
                    "the header section is longer than the limit of \(maxBytes) bytes; the message is "
                        + "refused as not a reply a person wrote (raise inbound limits only if this is real mail)")
            }
            if content.isEmpty {
                section.bodyStart = next
                separated = true
                break
            }
            if bytes[content.lowerBound] == 0x20 || bytes[content.lowerBound] == 0x09 {
                if pending != nil { pending!.value += bytes[content] } else { section.junkLines += 1 }
            } else if let (name, valueStart) = fieldName(bytes, content) {
                if let field = pending { section.append(field) }
                pending = (name, Array(bytes[valueStart..<content.upperBound]))
            } else if pending == nil && section.fields.isEmpty {
                throw InboundError(.notMail, "the first line is not a header field (Name: value), so this is not mail")
            } else {
                section.junkLines += 1
            }
            position = next
        }
        if let field = pending { section.append(field) }
        guard section.fields.contains(where: { mailFieldNames.contains($0.name.lowercased()) }) else {
            throw InboundError(
                .notMail, "no From, To, Date, Subject, Message-ID or Received field was found, so this is not mail")
        }
        guard separated else {
            throw InboundError(
                .missingSeparator,
                "no empty line ends the header section: the message is cut short or is not mail")
        }
        return section
    }

    /// The header section of a MIME part in `range`: fields until an empty line or the first line
    /// that is not a field (which then starts the body). Past `maxBytes` the rest is body.
    static func part(_ bytes: [UInt8], _ range: Range<Int>, maxBytes: Int) -> HeaderSection {
        var section = HeaderSection(bodyStart: range.upperBound)
        var position = range.lowerBound
        var pending: (name: String, value: [UInt8])?
        while position < range.upperBound {
            let (content, next) = ByteLines.line(in: bytes, from: position, to: range.upperBound)
            if content.upperBound - range.lowerBound > maxBytes {
                section.bodyStart = position
                section.isTruncated = true
                break
            }
            if content.isEmpty {
                section.bodyStart = next
                break
            }
            if bytes[content.lowerBound] == 0x20 || bytes[content.lowerBound] == 0x09, pending != nil {
                pending!.value += bytes[content]
            } else if let (name, valueStart) = fieldName(bytes, content) {
                if let field = pending { section.append(field) }
                pending = (name, Array(bytes[valueStart..<content.upperBound]))
            } else {
                section.bodyStart = position
                break
            }
            position = next
        }
        if let field = pending { section.append(field) }
        return section
    }

    /// Adds a field whose value bytes are read as UTF-8, or Windows-1252 when they are not UTF-8.
    private mutating func append(_ field: (name: String, value: [UInt8])) {
        let text =
            String(validating: field.value, as: UTF8.self) ?? Charset.windows1252(field.value[...])
        fields.append(InboundMessage.HeaderField(name: field.name, rawValue: text))
    }

    /// The field name of a line `Name: value` (blanks allowed before the colon) and where its value starts.
    private static func fieldName(_ bytes: [UInt8], _ line: Range<Int>) -> (String, Int)? {
        var index = line.lowerBound
        while index < line.upperBound, bytes[index] != UInt8(ascii: ":") {
            guard bytes[index] > 0x20, bytes[index] < 0x7F else { break }
            index += 1
        }
        let nameEnd = index
        while index < line.upperBound, bytes[index] == 0x20 || bytes[index] == 0x09 { index += 1 }
        guard nameEnd > line.lowerBound, index < line.upperBound, bytes[index] == UInt8(ascii: ":") else {
            return nil
        }
        return (String(decoding: bytes[line.lowerBound..<nameEnd], as: UTF8.self), index + 1)
    }
}
