import FollowupMail
import Foundation
import Testing

/// Messages and raw-text helpers shared by the tests.
enum Fixture {
    /// 2025-03-14 13:05:09 UTC, a Friday.
    static let date = Date(timeIntervalSince1970: 1_741_957_509)
    static let desk = try! MailAddress("followup@desk.example", displayName: "Mesa de Suporte — Followup")
    static let owner = try! MailAddress("joana.araujo@desk.example", displayName: "Joana Araújo")
    static let partner = try! MailAddress("suporte@sieg.example", displayName: "Suporte SIEG")
    static let id = try! MailMessageID.followup(
        caseNumber: 12, stage: "resend.1", notificationID: "0193c2d4-7a1e-7c3b-9f00-5e2a1b3c4d5e", host: "desk.example")
    static let original = try! MailMessageID("<CAB1x=Yq+first-request@mail.gmail.com>")

    static let text = """
        Prezados,

        Sou o técnico de suporte da Padaria Pão Quente e reenvio a solicitação de verificação.
        Tentativa nº 2; a primeira foi enviada em 13/03/2025 às 09:00.
        """

    static let html = """
        <p>Prezados,</p>
        <p>Sou o técnico de suporte da <b>Padaria Pão Quente</b> e reenvio a solicitação de verificação.</p>
        """

    /// A message to the desk (Auto-Submitted on) with `subject`, the other fields set plainly.
    static func message(
        subject: String = "[FU-12] Reenvio: verificação da integração — Padaria Pão Quente",
        to: [MailAddress] = [owner], autoSubmitted: Bool = true, html: String? = nil,
        attachments: [MailAttachment] = []
    ) -> MailMessage {
        MailMessage(
            from: desk, to: to, subject: subject, date: date, messageID: id, autoSubmitted: autoSubmitted,
            text: text, html: html, attachments: attachments)
    }
}

/// The rendered message as lines (CRLF removed), and its header block.
struct RawMail {
    let data: Data
    let text: String

    init(_ data: Data) {
        self.data = data
        self.text = String(decoding: data, as: UTF8.self)
    }

    /// Every line, split on CRLF (the final empty piece after the last CRLF dropped).
    var lines: [Substring] {
        var lines = text.split(separator: "\r\n", omittingEmptySubsequences: false)
        if lines.last == "" { lines.removeLast() }
        return lines
    }

    /// The top-level header lines, folded lines kept apart.
    var headerLines: [Substring] { Array(lines.prefix { !$0.isEmpty }) }

    /// The raw (still folded) text of each top-level header called `name`, continuation lines included.
    func rawHeader(_ name: String) -> [String] {
        var found: [String] = []
        var current: String?
        for line in headerLines {
            if line.first == " " || line.first == "\t" {
                if current != nil { current! += "\r\n" + line }
                continue
            }
            if let current { found.append(current) }
            current = line.lowercased().hasPrefix(name.lowercased() + ":") ? String(line) : nil
        }
        if let current { found.append(current) }
        return found
    }

    /// The bytes an RFC 2047 encoded word carries, or nil when it is malformed or not UTF-8 Q/B.
    static func payload(ofEncodedWord word: String) -> [UInt8]? {
        let parts = word.split(separator: "?", omittingEmptySubsequences: false)
        guard parts.count == 5, parts[0] == "=", parts[1].uppercased() == "UTF-8", parts[4] == "=" else { return nil }
        switch parts[2].uppercased() {
        case "B":
            return Data(base64Encoded: String(parts[3])).map { Array($0) }
        case "Q":
            var bytes: [UInt8] = []
            var text = Substring(parts[3])
            while let first = text.first {
                if first == "=" {
                    guard let byte = UInt8(text.dropFirst().prefix(2), radix: 16) else { return nil }
                    bytes.append(byte)
                    text = text.dropFirst(3)
                } else {
                    bytes.append(first == "_" ? 0x20 : first.asciiValue ?? 0)
                    text = text.dropFirst()
                }
            }
            return bytes
        default:
            return nil
        }
    }

    /// The RFC 2047 encoded words of the top-level header `name`.
    func encodedWords(in name: String) -> [String] {
        rawHeader(name).flatMap { header in
            header.split(whereSeparator: { $0 == " " || $0 == "\r\n" }).filter { $0.hasPrefix("=?") }.map(String.init)
        }
    }
}
