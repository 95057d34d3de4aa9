import FollowupMail
import Foundation
import Testing

@Suite("Line discipline: CRLF, line lengths, 7-bit, quoted-printable")
struct LineDisciplineTests {
    static func gallery() throws -> [(String, MailMessage)] {
        let pdf = try MailAttachment(
            filename: "Relatório de tentativas — FU-12 (Padaria Pão Quente).pdf", contentType: "application/pdf",
            bytes: Data(repeating: 0xA5, count: 5000))
        let people = try (1...8).map { try MailAddress("tecnico\($0)@desk.example", displayName: "Técnico Nº \($0)") }
        var threaded = Fixture.message(autoSubmitted: false)
        threaded.inReplyTo = Fixture.original
        threaded.references = try (1...6).map {
            try MailMessageID("<FU-12.resend.\($0).0193c2d4-7a1e-7c3b@desk.example>")
        }
        return [
            ("text only", Fixture.message()),
            ("text and HTML", Fixture.message(html: Fixture.html)),
            ("attachment", Fixture.message(html: Fixture.html, attachments: [pdf])),
            ("many recipients", Fixture.message(to: people)),
            ("long thread", threaded),
            (
                "long subject",
                Fixture.message(subject: "[FU-41] " + String(repeating: "Verificação pendente — ", count: 12))
            ),
        ]
    }

    @Test("CRLF only, every line at most 78 octets, 7-bit, ends with CRLF", arguments: 0..<6)
    func lines(index: Int) throws {
        let (name, message) = try Self.gallery()[index]
        let data = message.rendered()
        let bytes = Array(data)
        for (offset, byte) in bytes.enumerated() {
            if byte == 13 {
                #expect(offset + 1 < bytes.count && bytes[offset + 1] == 10, "\(name): bare CR at \(offset)")
            }
            if byte == 10 { #expect(offset > 0 && bytes[offset - 1] == 13, "\(name): bare LF at \(offset)") }
        }
        #expect(bytes.allSatisfy { $0 < 0x80 && ($0 >= 0x20 || $0 == 13 || $0 == 10) }, "\(name): 7-bit text")
        #expect(bytes.suffix(2) == [13, 10])
        let raw = RawMail(data)
        let long = raw.lines.filter { $0.utf8.count > 78 }
        #expect(long.isEmpty, "\(name): \(long)")
        #expect(raw.lines.contains(""), "\(name): a blank line ends the header")
        #expect(try Python.parse(data).defects.isEmpty)
    }

    @Test("an unfoldable Message-ID stays on one line, under 998 octets")
    func longMessageID() throws {
        let id = try MailMessageID("<\(String(repeating: "x", count: 230))@desk.example>")
        var message = Fixture.message()
        message.messageID = id
        message.inReplyTo = id
        let raw = RawMail(message.rendered())
        #expect(raw.lines.allSatisfy { $0.utf8.count <= 998 })
        #expect(raw.lines.contains { $0.utf8.count > 78 })
        #expect(try Python.parse(raw.data).value("Message-ID") == id.description)
        #expect(throws: MailError.self) { try MailMessageID("<\(String(repeating: "x", count: 250))@desk.example>") }
    }

    static let bodies = [
        "linha com espaço no fim   \ne tab no fim\t\nfim",
        "a=b, 100% = certo; =41 não é A; =\n=",
        String(repeating: "x", count: 200),
        String(repeating: "ação ", count: 60),
        String(repeating: "ç", count: 100) + "\n" + String(repeating: "🇧🇷", count: 30),
        ".\n.linha com ponto\nFrom the desk\nFrom\n" + String(repeating: "y", count: 75) + ".ponto",
        "CRLF\r\nline\rCR only\nLF\n\n\n",
        "",
        String(repeating: "z", count: 75) + " \n" + String(repeating: "z", count: 76) + "\n"
            + String(repeating: "z", count: 77),
        "\u{0}\u{1}\u{7F} controles",
    ]

    @Test("quoted-printable bodies decode to the text, lines ≤ 76, no trailing white space", arguments: bodies)
    func quotedPrintable(body: String) throws {
        var message = Fixture.message()
        message.text = body
        let raw = RawMail(message.rendered())
        let bodyLines = raw.lines.drop { !$0.isEmpty }.dropFirst()
        for line in bodyLines {
            #expect(line.utf8.count <= 76, "\(line)")
            #expect(line.last != " " && line.last != "\t", "trailing white space in \(line)")
            #expect(!line.hasPrefix(".") && !line.hasPrefix("From "), "unsafe line start \(line)")
        }
        let lineBreaksAsLF = body.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(
            of: "\r", with: "\n")
        let expected = lineBreaksAsLF.hasSuffix("\n") ? lineBreaksAsLF : lineBreaksAsLF + "\n"
        let parsed = try Python.parse(raw.data)
        #expect(parsed.leaves.first?.text?.replacingOccurrences(of: "\r\n", with: "\n") == expected)
    }

    @Test("soft breaks never cut an =XX escape")
    func softBreaksKeepEscapes() {
        var message = Fixture.message()
        message.text = String(repeating: "é", count: 300)
        let raw = RawMail(message.rendered())
        let bodyLines = raw.lines.drop { !$0.isEmpty }.dropFirst().filter { !$0.isEmpty }
        #expect(bodyLines.count > 5)
        for line in bodyLines {
            let content = line.hasSuffix("=") ? line.dropLast() : line[...]
            #expect(content.count % 3 == 0 && content.allSatisfy { "=0123456789ABCDEF".contains($0) }, "\(line)")
        }
    }
}
