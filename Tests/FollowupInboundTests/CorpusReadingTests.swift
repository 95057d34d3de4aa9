import FollowupCore
import FollowupInbound
import Foundation
import Testing

@Suite("The corpus written by Python's email package, read back")
struct CorpusReadingTests {
    @Test("subject, sender, Message-ID, date, plain text and attachments agree with Python's own reading")
    func agreesWithPython() throws {
        let readings = try InboundCorpus.pythonReadings()
        #expect(readings.count >= 20)
        for (name, python) in readings.sorted(by: { $0.key < $1.key }) {
            let message = try InboundMessage.parse(try InboundCorpus.message(name))
            #expect(message.subject == collapsed(python.subject), "\(name)")
            #expect(message.from.map(\.address) == python.from, "\(name)")
            #expect(message.from.map { $0.name ?? "" } == python.fromNames, "\(name)")
            #expect(message.messageID == (python.messageID.isEmpty ? nil : python.messageID), "\(name)")
            #expect(message.date?.timeIntervalSince1970 == python.date, "\(name)")
            if let plain = python.plain {
                #expect(collapsed(message.text) == collapsed(plain), "\(name)")
            }
            let ours = message.attachments.map { "\($0.name ?? "-") \($0.contentType) \($0.size)" }
            let theirs = python.attachments.map { triple in
                triple.map { element -> String in
                    switch element {
                    case .text(let text): return text ?? "-"
                    case .number(let number): return String(number)
                    }
                }.joined(separator: " ")
            }
            #expect(ours == theirs, "\(name)")
        }
    }

    @Test("a Portuguese reply: UTF-8 encoded subject with accents, 8-bit body, thread headers")
    func portugueseReply() throws {
        let message = try InboundMessage.parse(try InboundCorpus.message("reply-pt-utf8"))
        #expect(message.subject == "Re: [FU-12] Verificação da integração — Padaria Pão Quente")
        #expect(message.text == "Olá, a integração já está funcionando.\nAtenciosamente,\nJoão")
        #expect(message.from == [InboundMessage.Address(address: "joao.silva@sieg.example", name: "João da Silva")])
        #expect(message.to.map(\.address) == ["suporte@desk.example"])
        #expect(message.inReplyTo == ["FU-12.resend.0193c2d5-0000@desk.example"])
        #expect(
            message.references == [
                "FU-12.request.0193c2d4-7a1e@desk.example", "FU-12.resend.0193c2d5-0000@desk.example",
            ])
        #expect(message.date == Date(timeIntervalSince1970: 1_739_466_309))
        #expect(message.contentType.mimeType == "text/plain")
        #expect(message.header("content-transfer-encoding") == "8bit")
        #expect(message.headers.contains { $0.name == "Subject" && $0.rawValue.contains("=?utf-8?") })
        #expect(!message.isTruncated)
    }

    @Test("a subject in ISO-8859-1 encoded words, folded over two lines")
    func latin1Subject() throws {
        let message = try InboundMessage.parse(try InboundCorpus.message("subject-latin1"))
        #expect(message.subject == "Re: [FU-7] Avaliação do certificado, ação necessária")
        #expect(message.text == "Bom dia,\nsegue a avaliação do certificado.")
    }

    @Test("quoted-printable ISO-8859-1 and base64 Windows-1252 bodies become UTF-8")
    func bodyCharsets() throws {
        let latin1 = try InboundMessage.parse(try InboundCorpus.message("qp-latin1"))
        #expect(
            latin1.text == "Prezados, a configuração do módulo fiscal foi concluída às 15h. Não há pendências.")
        let windows = try InboundMessage.parse(try InboundCorpus.message("base64-cp1252"))
        #expect(windows.text == "“Certificado” renovado — custo de €\u{A0}120,00; até sexta…")
    }

    @Test("an HTML-only reply is reduced to text; the quoted history in a blockquote is not the reply's own")
    func htmlOnly() throws {
        let message = try InboundMessage.parse(try InboundCorpus.message("html-only"))
        let lines = message.text.components(separatedBy: "\n")
        #expect(lines.first == "Olá, equipe!")
        #expect(lines.contains("A integração está ok é ☺ & pronto."))
        #expect(lines.contains("Linha 2"))
        #expect(lines.contains("Item um") && lines.contains("Item dois"))
        #expect(lines.contains("> Texto antigo citado"))
        #expect(!message.text.contains("alert") && !message.text.contains("color") && !message.text.contains("Ignore"))
        #expect(!message.newText.contains("Texto antigo") && !message.newText.contains("escreveu"))
        #expect(message.newText.hasSuffix("Item dois"))
    }

    @Test("multipart/alternative: the plain text is chosen over the HTML")
    func alternative() throws {
        let message = try InboundMessage.parse(try InboundCorpus.message("alternative"))
        #expect(message.contentType.mimeType == "multipart/alternative")
        #expect(message.text == "Texto simples da resposta.")
        #expect(message.attachments.isEmpty)
    }

    @Test("attachments: RFC 2231 file names continued over three parameters; sizes without decoding")
    func attachments() throws {
        let message = try InboundMessage.parse(try InboundCorpus.message("attachment-rfc2231"))
        #expect(message.text == "Segue o relatório em anexo.")
        #expect(
            message.attachments == [
                .init(
                    name: "relatório de ação — integração fiscal da padaria pão quente 2025.pdf",
                    contentType: "application/pdf", size: 1300),
                .init(name: "print.png", contentType: "image/png", size: 9),
            ])
    }

    @Test("a broken message (no closing boundary, bad base64) still gives its text and attachment")
    func brokenMIME() throws {
        let message = try InboundMessage.parse(try InboundCorpus.message("broken-mime"))
        #expect(message.text == "Texto que deve sobreviver, mesmo com base64 estragado.")
        #expect(message.attachments.count == 1)
        #expect(message.attachments.first?.name == "a.bin")
    }

    @Test("a reply with the tag but no thread headers and no Message-ID")
    func tagOnly() throws {
        let data = try InboundCorpus.message("tag-only")
        let message = try InboundMessage.parse(data)
        #expect(message.threadIDs.isEmpty)
        #expect(message.messageID == nil)
        #expect(CaseTag.find(in: message.subject)?.description == "FU-42")
        #expect(message.fingerprint.count == 64)
    }
}
