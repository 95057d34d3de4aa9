import FollowupMail
import Foundation
import Testing

/// Free text (subject, display names) has its line breaks turned into spaces; identifiers and
/// extra header values with line breaks are refused when made.
@Suite("Header injection")
struct HeaderInjectionTests {
    static let standardHeaders = [
        "Date", "From", "To", "Subject", "Message-ID", "Auto-Submitted", "MIME-Version", "Content-Type",
        "Content-Transfer-Encoding",
    ]

    static let subjects = [
        "[FU-12] Reenvio\r\nBcc: vitima@evil.example",
        "[FU-12] Reenvio\nBcc: vitima@evil.example\n\nCorpo falso",
        "[FU-12] Reenvio\rX-Injected: yes",
        "[FU-12] Reenvio\r\n\r\nContent-Type: text/html",
        "[FU-12] Reenvio\u{85}X-Next-Line: yes\u{2028}X-Separator: yes",
        "[FU-12] Verificação\r\n Bcc: folded@evil.example",
    ]

    @Test("line breaks in a subject become spaces and add no header", arguments: subjects)
    func subject(subject: String) throws {
        let raw = RawMail(Fixture.message(subject: subject).rendered())
        let parsed = try Python.parse(raw.data)
        #expect(parsed.headerNames == Self.standardHeaders)
        let expected = subject.components(separatedBy: .newlines).flatMap { $0.split(separator: " ") }
            .joined(separator: " ")
        #expect(parsed.value("Subject") == expected)
        #expect(parsed.leaves.count == 1)
        #expect(MessageStructureTests.unwired(parsed.leaves[0].text) == Fixture.text + "\n", "the body is ours")
    }

    @Test("line breaks in a display name become spaces and add no header")
    func displayName() throws {
        let sneaky = try MailAddress("ana@x.example", displayName: "Ana\r\nBcc: vitima@evil.example")
        let parsed = try Python.parse(Fixture.message(to: [sneaky]).rendered())
        #expect(parsed.headerNames == Self.standardHeaders)
        #expect(parsed.addresses["to"] == [.init(name: "Ana Bcc: vitima@evil.example", address: "ana@x.example")])
    }

    @Test(
        "identifiers with line breaks are refused",
        arguments: [
            "ana@x.example\r\nBcc: vitima@evil.example", "ana@x.example\n", "\r\nana@x.example", "ana\r@x.example",
        ])
    func addressRefused(text: String) {
        #expect(throws: MailError.self) { try MailAddress(text) }
        #expect(throws: MailError.self) { try MailAddress(parsing: "Ana <\(text)>") }
        #expect(throws: MailError.self) { try MailMessageID("<\(text)>") }
    }

    @Test(
        "extra headers with a line break, a bad name or a reserved name are refused",
        arguments: [
            ("X-Case", "FU-12\r\nBcc: vitima@evil.example"), ("X-Case", "FU-12\n"), ("X-Case", "a\u{0}b"),
            ("X-Case\r\nBcc", "x"), ("X Case", "x"), ("X-Case:", "x"), ("", "x"), ("Bcc", "x"), ("subject", "x"),
            ("Content-Type", "text/html"), ("MIME-Version", "2.0"), ("Auto-Submitted", "no"),
            ("X-Long", String(repeating: "a", count: 901)),
        ])
    func extraHeaderRefused(name: String, value: String) {
        let error = #expect(throws: MailError.self) { try MailHeader(name, value) }
        #expect(error?.code == .invalidHeader)
    }

    @Test(
        "attachment names and types with line breaks are refused",
        arguments: [
            ("a\r\nContent-Type: text/html", "application/pdf"), ("a\nb.pdf", "application/pdf"),
            ("../etc/passwd", "application/pdf"), ("a\\b", "application/pdf"), ("", "application/pdf"),
            ("a.pdf", "application/pdf\r\nX-Injected: yes"), ("a.pdf", "application"),
            ("a.pdf", "text/plain; charset"), ("a.pdf", "text/plain; charset=\"utf-8"), ("a.pdf", "text/plain; ção=x"),
        ])
    func attachmentRefused(filename: String, contentType: String) {
        let error = #expect(throws: MailError.self) {
            try MailAttachment(filename: filename, contentType: contentType, bytes: Data())
        }
        #expect(error?.code == .invalidAttachment)
    }
}
