import FollowupMail
import Foundation
import Testing

@Suite("Bodies, attachments and headers, read back by Python's email package")
struct MessageStructureTests {
    /// Python returns text parts with the CRLF line ends of the wire.
    static func unwired(_ text: String?) -> String? {
        text?.replacingOccurrences(of: "\r\n", with: "\n")
    }

    @Test("text alone is one text/plain part in quoted-printable")
    func textOnly() throws {
        let parsed = try Python.parse(Fixture.message().rendered())
        #expect(parsed.parts.map(\.contentType) == ["text/plain"])
        #expect(parsed.parts[0].charset == "utf-8")
        #expect(parsed.parts[0].transferEncoding == "quoted-printable")
        #expect(Self.unwired(parsed.parts[0].text) == Fixture.text + "\n")
        #expect(parsed.value("MIME-Version") == "1.0")
        #expect(parsed.defects.isEmpty, "\(parsed.defects)")
    }

    @Test("text and HTML become multipart/alternative, text first")
    func textAndHTML() throws {
        let parsed = try Python.parse(Fixture.message(html: Fixture.html).rendered())
        #expect(parsed.parts.map(\.contentType) == ["multipart/alternative", "text/plain", "text/html"])
        #expect(parsed.leaves.map(\.charset) == ["utf-8", "utf-8"])
        #expect(Self.unwired(parsed.leaves[0].text) == Fixture.text + "\n")
        #expect(Self.unwired(parsed.leaves[1].text) == Fixture.html + "\n")
        #expect(parsed.defects.isEmpty, "\(parsed.defects)")
    }

    static let filenames = [
        "relatório-FU-12.pdf",
        "report.pdf",
        "Relatório de tentativas — FU-12 (Padaria Pão Quente) versão final revisada pelo líder.pdf",
        "say \"hi\" there.pdf",
        "報告書.pdf",
        String(repeating: "a", count: 90) + ".pdf",
    ]

    @Test("an attachment keeps its name, type and bytes", arguments: filenames)
    func attachment(filename: String) throws {
        let bytes = Data((0..<3000).map { (index: Int) -> UInt8 in UInt8((index * 7 + index / 256) % 256) })
        let pdf = try MailAttachment(filename: filename, contentType: "application/pdf", bytes: bytes)
        let raw = RawMail(Fixture.message(attachments: [pdf]).rendered())
        let parsed = try Python.parse(raw.data)
        #expect(parsed.parts.map(\.contentType) == ["multipart/mixed", "text/plain", "application/pdf"])
        let part = parsed.parts[2]
        #expect(part.filename == filename)
        #expect(part.disposition == "attachment")
        #expect(part.transferEncoding == "base64")
        #expect(part.length == bytes.count)
        #expect(part.bytes == bytes)
        #expect(parsed.defects.isEmpty, "\(parsed.defects)")
        #expect(raw.lines.allSatisfy { $0.utf8.count <= 78 }, "every line folds, the file name's included")
        let plainName = filename.utf8.allSatisfy { (32...126).contains($0) } && filename.utf8.count < 60
        #expect(raw.text.contains("filename*") == !plainName, "RFC 2231 exactly when needed")
    }

    @Test("text, HTML and two attachments: mixed around alternative")
    func everything() throws {
        let report = try MailAttachment(
            filename: "relatório.md", contentType: "Text/Markdown; Charset=utf-8",
            bytes: Data("# Relatório\n\nTentativas: 3\n".utf8))
        let json = try MailAttachment(filename: "relatório.json", contentType: "application/json", bytes: Data())
        let parsed = try Python.parse(Fixture.message(html: Fixture.html, attachments: [report, json]).rendered())
        #expect(
            parsed.parts.map(\.contentType) == [
                "multipart/mixed", "multipart/alternative", "text/plain", "text/html", "text/markdown",
                "application/json",
            ])
        #expect(parsed.parts[4].charset == "utf-8")
        #expect(parsed.parts[4].disposition == "attachment")
        #expect(parsed.parts[4].text == nil, "an attached text stays an attachment")
        #expect(parsed.parts[4].length == report.bytes.count)
        #expect(parsed.parts[5].length == 0)
        #expect(parsed.leaves.compactMap(\.filename) == ["relatório.md", "relatório.json"])
        #expect(parsed.defects.isEmpty, "\(parsed.defects)")
    }

    @Test("a text body that looks like our boundaries cannot end a part early")
    func boundaryLookalikes() throws {
        let plain = Fixture.message(
            html: "x", attachments: [try MailAttachment(filename: "a", contentType: "a/b", bytes: Data())])
        let boundaries = RawMail(plain.rendered()).lines.filter { $0.hasPrefix("--") }.map(String.init)
        #expect(Set(boundaries).count == 4, "two opening and two closing delimiters: \(boundaries)")
        var message = plain
        message.text = (boundaries + ["--", "-- ", "=_FU_", ""]).joined(separator: "\n")
        message.html = message.text
        let parsed = try Python.parse(message.rendered())
        #expect(parsed.leaves.count == 3)
        #expect(Self.unwired(parsed.leaves[0].text) == message.text)
        #expect(Self.unwired(parsed.leaves[1].text) == message.text)
    }

    @Test("threading headers point at the original request")
    func threading() throws {
        let earlier = try MailMessageID("<FU-12.first.0193c2d4@desk.example>")
        var message = Fixture.message(autoSubmitted: false)
        message.inReplyTo = Fixture.original
        let onlyReply = try Python.parse(message.rendered())
        #expect(onlyReply.value("In-Reply-To") == "<CAB1x=Yq+first-request@mail.gmail.com>")
        #expect(onlyReply.value("References") == "<CAB1x=Yq+first-request@mail.gmail.com>")

        message.references = [earlier, Fixture.original]
        let chain = try Python.parse(message.rendered())
        #expect(
            chain.value("References") == "<FU-12.first.0193c2d4@desk.example> <CAB1x=Yq+first-request@mail.gmail.com>")
        #expect(chain.value("Message-ID") == "<FU-12.resend.1.0193c2d4-7a1e-7c3b-9f00-5e2a1b3c4d5e@desk.example>")

        message.inReplyTo = nil
        message.references = []
        let fresh = try Python.parse(message.rendered())
        #expect(fresh.value("In-Reply-To") == nil && fresh.values("References").isEmpty)
    }

    @Test("mail to a partner: Reply-To and Cc the owner, no Auto-Submitted")
    func partnerMail() throws {
        let message = MailMessage(
            from: Fixture.desk, to: [Fixture.partner], cc: [Fixture.owner], replyTo: [Fixture.owner],
            subject: "[FU-12] Reenvio", date: Fixture.date, messageID: Fixture.id, inReplyTo: Fixture.original,
            autoSubmitted: false, text: Fixture.text)
        let parsed = try Python.parse(message.rendered())
        let owner = ParsedMail.Address(name: "Joana Araújo", address: "joana.araujo@desk.example")
        #expect(parsed.addresses["reply-to"] == [owner])
        #expect(parsed.addresses["cc"] == [owner])
        #expect(parsed.addresses["to"] == [.init(name: "Suporte SIEG", address: "suporte@sieg.example")])
        #expect(
            parsed.headerNames == [
                "Date", "From", "To", "Cc", "Reply-To", "Subject", "Message-ID", "In-Reply-To", "References",
                "MIME-Version", "Content-Type", "Content-Transfer-Encoding",
            ])
    }

    @Test("Auto-Submitted: auto-generated only when asked", arguments: [true, false])
    func autoSubmitted(on: Bool) throws {
        let parsed = try Python.parse(Fixture.message(autoSubmitted: on).rendered())
        #expect(parsed.values("Auto-Submitted") == (on ? ["auto-generated"] : []))
    }

    @Test(
        "Date is RFC 5322 in the chosen zone",
        arguments: [
            ("GMT", "Fri, 14 Mar 2025 13:05:09 +0000"),
            ("America/Sao_Paulo", "Fri, 14 Mar 2025 10:05:09 -0300"),
            ("Asia/Kolkata", "Fri, 14 Mar 2025 18:35:09 +0530"),
            ("Pacific/Kiritimati", "Sat, 15 Mar 2025 03:05:09 +1400"),
        ])
    func date(zone: String, expected: String) throws {
        var message = Fixture.message()
        message.timeZone = try #require(TimeZone(identifier: zone))
        message.date = Fixture.date.addingTimeInterval(0.75)
        #expect(try Python.parse(message.rendered()).value("Date") == expected)
    }

    @Test("extra headers follow the standard ones; non-ASCII values are encoded")
    func extraHeaders() throws {
        var message = Fixture.message()
        message.extraHeaders = [
            try MailHeader("X-Followup-Case", "FU-12"),
            try MailHeader("X-Followup-Client", "Padaria Pão Quente\tLtda"),
        ]
        let raw = RawMail(message.rendered())
        let parsed = try Python.parse(raw.data)
        #expect(parsed.value("X-Followup-Case") == "FU-12")
        #expect(parsed.value("X-Followup-Client") == "Padaria Pão Quente Ltda")
        #expect(
            parsed.headerNames.firstIndex(of: "X-Followup-Case") == parsed.headerNames.firstIndex(of: "MIME-Version")!
                - 2)
        #expect(raw.text.utf8.allSatisfy { $0 < 0x80 }, "7-bit on the wire")
    }

    @Test("rendering is deterministic; boundaries differ between messages")
    func deterministic() throws {
        let pdf = try MailAttachment(filename: "r.pdf", contentType: "application/pdf", bytes: Data([1, 2, 3]))
        let message = Fixture.message(html: Fixture.html, attachments: [pdf])
        #expect(message.rendered() == message.rendered())
        var other = message
        other.messageID = try MailMessageID("<FU-13.report.x@desk.example>")
        let boundaries = { (m: MailMessage) in RawMail(m.rendered()).lines.filter { $0.hasPrefix("--") } }
        #expect(Set(boundaries(message)).isDisjoint(with: Set(boundaries(other))))
    }
}
