import FollowupInbound
import Foundation
import Testing

@Suite("The reply's own text, without the quoted history")
struct QuotedHistoryTests {
    @Test(
        "every marker style is cut, and only the history",
        arguments: [
            ("quote-gmail-pt", "Pode fechar, já resolvemos.", "Prezados"),
            ("quote-en-wrote", "Fixed on our side.", "resending"),
            ("quote-unquoted-attribution", "Segue resposta.", "Prezados"),
            ("quote-outlook-pt", "Ok, concluído.", "Enviado"),
            ("quote-outlook-en", "Done.", "Sent:"),
            ("quote-original-message", "Recebido.", "Old text"),
            ("quote-mensagem-original", "Recebido, obrigado.", "Texto antigo"),
            ("quote-zimbra", "Tudo certo.", "Texto antigo"),
            ("quote-bottom-post", "Sim, está ok.", "integração está ok?"),
            ("quote-gt-only", "Resposta nova.", "Pergunta antiga"),
        ])
    func markers(name: String, own: String, history: String) throws {
        let message = try InboundMessage.parse(try InboundCorpus.message(name))
        #expect(message.text.contains(history), "\(name): the history is in the text")
        #expect(message.newText == own, "\(name): \(message.newText)")
        #expect(!message.newText.contains(history))
    }

    @Test("text without history is all the reply's own")
    func noHistory() throws {
        let message = try InboundMessage.parse(try InboundCorpus.message("reply-pt-utf8"))
        #expect(message.newText == message.text)
    }

    @Test("a line that merely says someone wrote something stays when no history follows")
    func wroteInPassing() throws {
        let message = try InboundMessage.parse(
            rawMail(
                "From: a@sieg.example", "Subject: x", "", "Conferi o que o cliente escreveu:",
                "o certificado venceu ontem."))
        #expect(message.newText == "Conferi o que o cliente escreveu:\no certificado venceu ontem.")
    }

    @Test("an Outlook HTML reply: the De:/Enviado: block below a rule is cut")
    func outlookHTML() throws {
        let html =
            "<html><body><p class=MsoNormal>Prezados, conclu&iacute;do.<o:p></o:p></p><p>&nbsp;</p>"
            + "<div style='border:none'><hr><p><b>De:</b> Suporte &lt;suporte@desk.example&gt;<br>"
            + "<b>Enviado:</b> quinta-feira, 13 de fevereiro de 2025 14:05<br><b>Para:</b> SIEG<br>"
            + "<b>Assunto:</b> [FU-12] Reenvio</p></div><p>Texto antigo</p></body></html>"
        let message = try InboundMessage.parse(
            rawMail("From: a@sieg.example", "Subject: RE: [FU-12] Reenvio", "Content-Type: text/html", "", html))
        #expect(message.text.contains("De: Suporte <suporte@desk.example>\nEnviado: quinta-feira"))
        #expect(message.newText == "Prezados, concluído.")
    }

    @Test("the excerpt collapses white space, prefers the reply's own text and cuts at a word with …")
    func excerpt() throws {
        let message = try InboundMessage.parse(try InboundCorpus.message("quote-gmail-pt"))
        #expect(message.excerpt(maxCharacters: 200) == "Pode fechar, já resolvemos.")
        let short = message.excerpt(maxCharacters: 20)
        #expect(short == "Pode fechar, já…")
        #expect(short.count <= 20)
        #expect(message.excerpt(maxCharacters: 0) == "")
        let spaced = try InboundMessage.parse(
            rawMail("From: a@sieg.example", "Subject: x", "", "  Linha  um\n\n\tlinha   dois  "))
        #expect(spaced.excerpt(maxCharacters: 100) == "Linha um linha dois")
    }
}
