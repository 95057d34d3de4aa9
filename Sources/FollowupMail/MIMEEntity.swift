import Foundation

/// A MIME entity (RFC 2045/2046): its `Content-*` fields, a blank line, then its body.
///
/// Every body is 7-bit: text in quoted-printable, attachments in base64. Boundaries start with
/// `=_`, which neither encoding can produce, and no part header line can start with `--`, so a
/// delimiter line can never occur inside a part, whatever the content.
indirect enum MIMEEntity {
    /// A single part: its fields and its already encoded body.
    case leaf(fields: [HeaderField], body: [UInt8])
    /// Parts under a `multipart/<subtype>` with `boundary`.
    case multipart(subtype: String, boundary: String, parts: [MIMEEntity])

    /// A `text/<subtype>; charset=utf-8` part in quoted-printable; the text always ends with a
    /// line break (one is added when missing).
    static func text(_ text: String, subtype: String) -> MIMEEntity {
        let ended = text.hasSuffix("\n") || text.hasSuffix("\r") ? text : text + "\n"
        return .leaf(
            fields: [
                HeaderField(name: "Content-Type", pieces: [.word("text/\(subtype);"), .word("charset=utf-8")]),
                HeaderField(name: "Content-Transfer-Encoding", pieces: [.word("quoted-printable")]),
            ],
            body: QuotedPrintable.encode(ended))
    }

    /// An attachment part in base64 (76-character lines) with `Content-Disposition: attachment`.
    static func attachment(_ attachment: MailAttachment) -> MIMEEntity {
        let base64 = Array(attachment.bytes.base64EncodedData())
        var body: [UInt8] = []
        body.reserveCapacity(base64.count + base64.count / 38)
        for start in stride(from: 0, to: base64.count, by: 76) {
            if start > 0 { body += [13, 10] }
            body += base64[start..<min(start + 76, base64.count)]
        }
        return .leaf(
            fields: [
                HeaderField(name: "Content-Type", pieces: attachment.contentTypePieces),
                HeaderField(name: "Content-Transfer-Encoding", pieces: [.word("base64")]),
                HeaderField(
                    name: "Content-Disposition",
                    pieces: [.word("attachment;")] + MIMEParameter.pieces("filename", attachment.filename)),
            ],
            body: body)
    }

    /// A boundary for a multipart of the message identified by `seed`: `=_FU_<hash>_<kind>`.
    ///
    /// Derived from the Message-ID so that rendering the same message twice gives the same
    /// bytes (a re-delivered notification replaces its spool file with an identical one).
    static func boundary(seed: String, kind: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in seed.utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x0100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        return "=_FU_" + String(repeating: "0", count: 16 - hex.count) + hex + "_" + kind
    }

    /// Appends the entity's fields, the blank line and the body to `out`.
    func write(into out: inout [UInt8]) {
        switch self {
        case .leaf(let fields, let body):
            for field in fields { out += Array(field.rendered().utf8) }
            out += [13, 10]
            out += body
        case .multipart(let subtype, let boundary, let parts):
            let field = HeaderField(
                name: "Content-Type", pieces: [.word("multipart/\(subtype);"), .word("boundary=\"\(boundary)\"")])
            out += Array(field.rendered().utf8)
            out += [13, 10]
            let delimiter = Array("--\(boundary)".utf8)
            for part in parts {
                out += delimiter + [13, 10]
                part.write(into: &out)
                out += [13, 10]
            }
            out += delimiter + Array("--".utf8) + [13, 10]
        }
    }
}
