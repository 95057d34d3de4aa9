import FollowupMail
import Foundation
import Testing

@Suite("Addresses, Message-IDs and attachments as values")
struct MailValueTests {
    @Test(
        "addresses parse from the usual forms",
        arguments: [
            ("Ana Souza <ana@example.com>", "Ana Souza", "ana@example.com"),
            ("\"Silva, Ana\" <ana@x.example>", "Silva, Ana", "ana@x.example"),
            ("\"Ana \\\"Aninha\\\" Souza\" <ana@x.example>", "Ana \"Aninha\" Souza", "ana@x.example"),
            ("<suporte@sieg.example>", "", "suporte@sieg.example"),
            ("suporte@sieg.example", "", "suporte@sieg.example"),
            (
                "  José   da\tSilva  <jose.silva+fu12@cliente.example.com.br>  ", "José da Silva",
                "jose.silva+fu12@cliente.example.com.br"
            ),
            ("root@localhost", "", "root@localhost"),
            ("o'brien@xn--caf-dma.example", "", "o'brien@xn--caf-dma.example"),
        ])
    func parse(text: String, name: String, address: String) throws {
        let parsed = try MailAddress(parsing: text)
        #expect(parsed.displayName == name)
        #expect(parsed.address == address)
        #expect(parsed.description == (name.isEmpty ? address : "\(name) <\(address)>"))
    }

    @Test(
        "malformed addresses are refused",
        arguments: [
            "", "sem-arroba", "ana@", "@x.example", "ana..souza@x.example", ".ana@x.example", "ana.@x.example",
            "ana souza@x.example", "ação@x.example", "ana@ação.example", "ana@-x.example", "ana@x_y.example",
            "ana@x..example", "ana@[192.0.2.1]", "\"ana\"@x.example", "ana@x.example (Ana)", "Ana <ana@x.example",
            String(repeating: "a", count: 65) + "@x.example", "a@" + String(repeating: "b", count: 64) + ".example",
        ])
    func refused(text: String) {
        let error = #expect(throws: MailError.self) { try MailAddress(parsing: text) }
        #expect(error?.code == .invalidAddress)
    }

    @Test("our Message-IDs are FU-<n>.<stage>.<notification id>@<host>")
    func followupID() throws {
        let id = try MailMessageID.followup(
            caseNumber: 12, stage: "owner_reminder.2", notificationID: "0193c2d4-7a1e", host: "desk.example")
        #expect(id.value == "FU-12.owner_reminder.2.0193c2d4-7a1e@desk.example")
        #expect(id.description == "<FU-12.owner_reminder.2.0193c2d4-7a1e@desk.example>")
        #expect(try MailMessageID(id.description) == id)
        #expect(try MailMessageID(" FU-12.owner_reminder.2.0193c2d4-7a1e@desk.example ") == id)
    }

    @Test(
        "unusable Message-ID parts are refused",
        arguments: [
            (0, "resend", "n1", "desk.example"), (1, "re send", "n1", "desk.example"),
            (1, "resend", "n/1@x", "desk.example"),
            (1, "resend", "n1", "desk example"), (1, "", "n1", "desk.example"), (1, "resend", "n1", ".desk.example"),
            (1, "resend", "n<1>", "desk.example"),
        ])
    func followupIDRefused(caseNumber: Int, stage: String, notification: String, host: String) {
        let error = #expect(throws: MailError.self) {
            try MailMessageID.followup(caseNumber: caseNumber, stage: stage, notificationID: notification, host: host)
        }
        #expect(error?.code == .invalidMessageID)
    }

    @Test(
        "malformed Message-IDs are refused",
        arguments: ["", "<>", "no-at-sign", "@right", "left@", "<a b@c>", "<a@b>>"])
    func messageIDRefused(text: String) {
        #expect(throws: MailError.self) { try MailMessageID(text) }
    }

    @Test("content types are normalised; parameters keep their values")
    func contentType() throws {
        let attachment = try MailAttachment(
            filename: "r.md", contentType: " Text/Markdown ;  Charset=utf-8; variant=\"Original; v2\"", bytes: Data())
        #expect(attachment.contentType == "text/markdown; charset=utf-8; variant=\"Original; v2\"")
        let message = Fixture.message(attachments: [attachment])
        let parsed = try Python.parse(message.rendered())
        #expect(parsed.leaves.last?.contentType == "text/markdown")
        #expect(parsed.leaves.last?.charset == "utf-8")
    }
}
