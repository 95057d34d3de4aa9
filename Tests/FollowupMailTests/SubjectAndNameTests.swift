import FollowupMail
import Foundation
import Testing

@Suite("Subjects and display names, read back by Python's email package")
struct SubjectAndNameTests {
    static let subjects = [
        "[FU-12] Reenvio: verificação da integração — Padaria Pão Quente",
        "[FU-3] Resend: integration check",
        "[FU-7] Relatório de tentativas: o terceiro pediu contato direto",
        "[FU-41] Reenvio: solicitação de avaliação do certificado digital A1, da conexão com a SEFAZ-SP "
            + "(ambiente de homologação) e da emissão de NFC-e — Padaria Pão Quente, Açougue São João",
        "[FU-9] " + String(repeating: "ção", count: 40),
        "[FU-10] 認証の確認をお願いします。ご対応のほど、よろしくお願いいたします。本件は至急です。",
        "[FU-11] Emoji 👩🏽‍💻👨‍👩‍👧‍👦🇧🇷 e acentuação: é, ã, ç, ô",
        "[FU-13] Literal =?UTF-8?Q?not_an_encoded_word?= stays text",
        "[FU-14] Link https://portal.sieg.example/chamados/consultar?id=0193c2d4-7a1e-7c3b-9f00-5e2a1b3c4d5e&aba=historico",
        "[FU-15]    spaced\tout   words   ",
    ]

    @Test("the subject decodes to what was written", arguments: subjects)
    func subjectRoundTrip(subject: String) throws {
        let raw = RawMail(Fixture.message(subject: subject).rendered())
        let parsed = try Python.parse(raw.data)
        let expected = subject.split(whereSeparator: { $0 == " " || $0 == "\t" }).joined(separator: " ")
        #expect(parsed.value("Subject") == expected)
        #expect(parsed.defects.isEmpty, "\(parsed.defects)")
    }

    @Test("subject lines fold at 78 columns, between whole encoded words of at most 75 characters", arguments: subjects)
    func subjectFolding(subject: String) throws {
        let raw = RawMail(Fixture.message(subject: subject).rendered())
        let header = try #require(raw.rawHeader("Subject").first)
        for line in header.components(separatedBy: "\r\n") {
            #expect(line.utf8.count <= 78, "\(line)")
            for token in line.split(separator: " ") where token.contains("=?") {
                #expect(token.hasPrefix("=?") && token.hasSuffix("?=") && token.count <= 75, "\(token)")
            }
        }
        let tag = try #require(subject.split(separator: " ").first)
        #expect(header.hasPrefix("Subject: \(tag)"), "the [FU-n] tag stays readable: \(header)")
    }

    @Test("every encoded word is valid UTF-8 on its own (no split inside a character)", arguments: subjects)
    func encodedWordsAreWholeCharacters(subject: String) throws {
        let raw = RawMail(
            MailMessage(
                from: Fixture.desk, to: [Fixture.owner], subject: subject, date: Fixture.date, messageID: Fixture.id,
                autoSubmitted: true, text: "x"
            ).rendered())
        for word in raw.encodedWords(in: "Subject") {
            let bytes = try #require(RawMail.payload(ofEncodedWord: word), "malformed \(word)")
            #expect(String(bytes: bytes, encoding: .utf8) != nil, "\(word) cuts a UTF-8 sequence")
        }
        let needsEncoding =
            subject.unicodeScalars.contains { $0.value > 0x7E } || subject.contains("=?")
            || subject.split(separator: " ").contains { $0.count > 77 }
        #expect(raw.encodedWords(in: "Subject").isEmpty == !needsEncoding)
    }

    @Test("a plain ASCII subject is written as is")
    func asciiSubjectUnchanged() {
        let raw = RawMail(Fixture.message(subject: "[FU-3] Resend: integration check").rendered())
        #expect(raw.rawHeader("Subject") == ["Subject: [FU-3] Resend: integration check"])
    }

    @Test("Q or B, whichever is shorter")
    func shorterEncodingChosen() throws {
        let portuguese = RawMail(Fixture.message(subject: "[FU-1] Padaria Pão").rendered())
        #expect(portuguese.encodedWords(in: "Subject") == ["=?UTF-8?Q?P=C3=A3o?="])
        let japanese = RawMail(Fixture.message(subject: "[FU-1] 確認").rendered())
        #expect(japanese.encodedWords(in: "Subject") == ["=?UTF-8?B?56K66KqN?="])
    }

    static let names: [(name: String, form: String)] = [
        ("Joana Araújo", "Joana =?UTF-8?Q?Ara=C3=BAjo?= <"),
        ("Silva, Ana", "\"Silva, Ana\""),
        ("Ana \"Aninha\" Souza \\ N2", "\"Ana \\\"Aninha\\\" Souza \\\\ N2\""),
        ("Suporte SIEG", "Suporte SIEG"),
        ("J. R. R. Tolkien", "\"J. R. R. Tolkien\""),
        (
            "José da Conceição — Líder N2 do Suporte Técnico Fiscal e Contábil da Região Sudeste",
            "=?UTF-8?B?Sm9zw6k=?= da =?UTF-8?B?"
        ),
        ("Suporte Técnico (Fiscal), Contábil & Folha de Pagamento — plantão de sábado", "Suporte =?UTF-8?"),
        (
            "Central de Atendimento ao Cliente; Departamento Fiscal; Filial Campinas",
            "Central de Atendimento ao \"Cliente;\""
        ),
        ("=?UTF-8?Q?fake?=", "=?UTF-8?"),
    ]

    @Test("display names decode to what was written", arguments: names)
    func displayNames(name: String, form: String) throws {
        let person = try MailAddress("pessoa@cliente.example", displayName: name)
        let message = MailMessage(
            from: Fixture.desk, to: [person, Fixture.partner], cc: [person], replyTo: [person], subject: "[FU-2] x",
            date: Fixture.date, messageID: Fixture.id, autoSubmitted: false, text: "x")
        let raw = RawMail(message.rendered())
        let parsed = try Python.parse(raw.data)
        let expected = [ParsedMail.Address(name: name, address: "pessoa@cliente.example")]
        #expect(parsed.addresses["to"] == expected + [.init(name: "Suporte SIEG", address: "suporte@sieg.example")])
        #expect(parsed.addresses["cc"] == expected)
        #expect(parsed.addresses["reply-to"] == expected)
        #expect(parsed.defects.isEmpty, "\(parsed.defects)")
        let to = try #require(raw.rawHeader("To").first)
        #expect(to.hasPrefix("To: \(form)"), "\(to)")
        #expect(raw.headerLines.allSatisfy { $0.utf8.count <= 78 })
    }

    @Test("a name too long for one encoded word is split into several, decoded whole by RFC 2047")
    func nameAcrossEncodedWords() throws {
        let name = "株式会社サンパウロ会計事務所システム連携サポートセンター東日本第二課"
        let person = try MailAddress("centro@cliente.example", displayName: name)
        let raw = RawMail(Fixture.message(to: [person]).rendered())
        #expect(raw.encodedWords(in: "To").count > 1)
        #expect(raw.headerLines.allSatisfy { $0.utf8.count <= 78 })
        let parsed = try Python.parse(raw.data)
        #expect(parsed.rfc2047.first { $0[0] == "To" }?[1] == "\(name) <centro@cliente.example>")
        #expect(parsed.addresses["to"]?.map(\.address) == ["centro@cliente.example"])
        #expect(parsed.defects.isEmpty, "\(parsed.defects)")
    }

    @Test("an address without a display name is written bare")
    func bareAddress() throws {
        let message = MailMessage(
            from: try MailAddress("followup@desk.example"), to: [try MailAddress(parsing: "<a@x.example>")],
            subject: "[FU-2] x", date: Fixture.date, messageID: Fixture.id, autoSubmitted: true, text: "x")
        let raw = RawMail(message.rendered())
        #expect(raw.rawHeader("From") == ["From: followup@desk.example"])
        #expect(raw.rawHeader("To") == ["To: a@x.example"])
        #expect(try Python.parse(raw.data).addresses["to"] == [.init(name: "", address: "a@x.example")])
    }

    @Test("a long recipient list folds between addresses and keeps every address")
    func longRecipientList() throws {
        let people = try (1...12).map { try MailAddress("lider\($0)@desk.example", displayName: "Líder Número \($0)") }
        let raw = RawMail(Fixture.message(to: people).rendered())
        let parsed = try Python.parse(raw.data)
        #expect(parsed.addresses["to"]?.map(\.address) == people.map(\.address))
        #expect(parsed.addresses["to"]?.map(\.name) == people.map(\.displayName))
        #expect(raw.rawHeader("To").first?.components(separatedBy: "\r\n").count ?? 0 > 5)
        #expect(raw.headerLines.allSatisfy { $0.utf8.count <= 78 })
    }
}
