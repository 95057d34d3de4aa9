import FollowupConfig
import FollowupCore
import FollowupDelivery
import FollowupMail
import Foundation
import Testing

/// Composed messages read back by Python's `email` package: headers, parts, attachments.
struct MailComposerTests {
    static let report = try! MailAttachment(
        filename: "relatório-FU-12.txt", contentType: "text/plain; charset=utf-8",
        bytes: Data("Relatório de tentativas — FU-12\nTentativa 1: 27/11/2026\n".utf8))

    @Test func deskMailCarriesTheTitleFactsAndAck() async throws {
        let message = try MailComposer.desk(
            Fixture.report(needsAck: true), id: "01jddesk", to: Fixture.leader, from: Fixture.desk,
            host: "desk.example", language: .ptBR, timeZone: Fixture.saoPaulo, attachments: [Self.report])
        let mail = try await ReadMail.parse(message.rendered())
        #expect(mail.defects.isEmpty, "\(mail.defects)")
        #expect(mail.value("Subject") == "[FU-12] Relatório de tentativas gerado")
        #expect(mail.addresses["from"] == [.init(name: "Suporte — Followup", address: "followup@desk.example")])
        #expect(mail.addresses["to"] == [.init(name: "Ana", address: "ana@desk.example")])
        #expect(!mail.has("Cc") && !mail.has("Reply-To") && !mail.has("In-Reply-To"))
        #expect(mail.value("Message-ID") == "<FU-12.case.report_generated.01jddesk@desk.example>")
        #expect(mail.value("Auto-Submitted") == "auto-generated")
        #expect(mail.value("Date") == "Fri, 27 Nov 2026 14:05:00 -0300")
        #expect(mail.parts.map(\.contentType) == ["text/plain", "text/html", "text/plain"])

        let text = try #require(mail.text("text/plain"))
        #expect(text.hasPrefix("Relatório de tentativas gerado — FU-12\n"))
        for line in [
            "Cliente: Padaria Pão Quente", "Chamado: SSC-4711", "Parceiro: SIEG", "Responsável: Joana",
            "Tentativas: 3", "Prazo do cliente: 28/11/2026 às 14:05", Fixture.report().data.summary,
            "    followupctl ack 01jd0000000000000000000000",
        ] {
            #expect(text.contains(line + "\n"), "\(line)")
        }
        let html = try #require(mail.text("text/html"))
        #expect(html.contains("<code style=\"font-size: 15px\">followupctl ack 01jd0000000000000000000000</code>"))
        #expect(html.contains("<td style=\"padding: 2px 0\">Padaria Pão Quente</td>"))

        let attachment = try #require(mail.parts.first { $0.disposition == "attachment" })
        #expect(attachment.filename == "relatório-FU-12.txt")
        #expect(attachment.bytes == Self.report.bytes)
    }

    @Test func theLeadersMailLinksTheTicketWhenTicketsHaveAnAddress() async throws {
        let linked = try await ReadMail.parse(
            MailComposer.desk(
                Fixture.report(), id: "01jddesk", to: Fixture.leader, from: Fixture.desk, host: "desk.example",
                language: .ptBR, timeZone: Fixture.saoPaulo,
                tickets: TicketSettings(url: "https://ssc.example/ssc/{ticket}?a=1&b=2", name: "SSC")
            ).rendered())
        #expect(
            try #require(linked.text("text/plain")).contains(
                "Chamado: SSC-4711 <https://ssc.example/ssc/SSC-4711?a=1&b=2>\n"))
        #expect(
            try #require(linked.text("text/html")).contains(
                "<a href=\"https://ssc.example/ssc/SSC-4711?a=1&amp;b=2\">SSC-4711</a>"))
        let plain = try await ReadMail.parse(
            MailComposer.desk(
                Fixture.report(), id: "01jddesk", to: Fixture.leader, from: Fixture.desk, host: "desk.example",
                language: .ptBR, timeZone: Fixture.saoPaulo
            ).rendered())
        #expect(try #require(plain.text("text/plain")).contains("Chamado: SSC-4711\n"))
        #expect(try #require(plain.text("text/html")).contains("<a ") == false)
    }

    @Test func urgentDeskMailWithoutACaseHasNoTag() async throws {
        let message = try MailComposer.desk(
            Fixture.escalation(), id: "01jdurgent", to: Fixture.leader, from: Fixture.desk, host: "desk.example",
            language: .ptBR, timeZone: Fixture.saoPaulo)
        let mail = try await ReadMail.parse(message.rendered())
        #expect(mail.value("Subject") == "URGENTE: Escalonamento urgente")
        #expect(mail.value("Message-ID") == "<escalation.urgent.01jdurgent@desk.example>")
        #expect(mail.parts.map(\.contentType) == ["text/plain", "text/html"])
        #expect(mail.text("text/plain")?.contains("followupctl ack 01jdescalation0000000000000") == true)

        let urgentCase = try MailComposer.desk(
            Fixture.report(urgent: true), id: "01jdu2", to: Fixture.owner, from: Fixture.desk, host: "desk.example",
            language: .en, timeZone: .gmt)
        let english = try await ReadMail.parse(urgentCase.rendered())
        #expect(english.value("Subject") == "[FU-12] URGENT: Attempts report generated")
        #expect(english.text("text/plain")?.contains("Client: Padaria Pão Quente\n") == true)
        #expect(english.text("text/plain")?.contains("followupctl ack") == false)
    }

    @Test func aDigestListsItsItems() async throws {
        let message = try MailComposer.desk(
            Fixture.digest(), id: "01jddigest", to: Fixture.owner, from: Fixture.desk, host: "desk.example",
            language: .ptBR, timeZone: Fixture.saoPaulo)
        let mail = try await ReadMail.parse(message.rendered())
        #expect(mail.value("Subject") == "Resumo de notificações")
        let text = try #require(mail.text("text/plain"))
        #expect(text.contains("Notificações agrupadas (3)\n- 27/11/2026 às 14:05 — Solicitação reenviada ao parceiro"))
        #expect(text.contains("- 27/11/2026 às 14:07 — Relatório de tentativas gerado: FU-3: relatório gerado\n"))
        #expect(mail.text("text/html")?.components(separatedBy: "<li>").count == 4)
    }

    @Test func theResendIsOrdinaryCorrespondenceInTheOriginalThread() async throws {
        let message = try MailComposer.partnerResend(
            Fixture.resend(), id: "01jdresend00000000000000000", from: Fixture.desk, owner: Fixture.owner,
            ownerName: "Joana Araújo", host: "desk.example", language: .ptBR, timeZone: Fixture.saoPaulo)
        let mail = try await ReadMail.parse(message.rendered())
        #expect(mail.defects.isEmpty, "\(mail.defects)")
        #expect(mail.value("Subject") == "Re: Verificação do XML de NF-e [FU-12]")
        #expect(
            mail.addresses["to"] == [
                .init(name: "", address: "suporte@sieg.example"),
                .init(name: "Plantão SIEG", address: "plantao@sieg.example"),
            ])
        #expect(mail.addresses["cc"] == [.init(name: "Joana Araújo", address: "joana.araujo@desk.example")])
        #expect(mail.addresses["reply-to"] == mail.addresses["cc"])
        #expect(mail.value("Message-ID") == "<FU-12.resend.01jdresend00000000000000000@desk.example>")
        #expect(mail.value("In-Reply-To") == "<CAB1x=Yq+first-request@mail.gmail.com>")
        #expect(mail.value("References") == "<CAB1x=Yq+first-request@mail.gmail.com>")
        #expect(!mail.has("Auto-Submitted"), "helpdesks suspend automated mail")
        #expect(mail.value("Date") == "Sat, 28 Nov 2026 14:05:00 -0300")
        #expect(mail.parts.map(\.contentType) == ["text/plain", "text/html"])
        let text = try #require(mail.text("text/plain"))
        #expect(text.hasPrefix("Prezados(as) da equipe SIEG,\n\nMeu nome é Joana Araújo e sou do suporte técnico"))
        #expect(text.contains("nosso cliente Padaria Pão Quente"))
        #expect(text.contains("Verificação necessária:\n- Confirmar se o certificado A1 foi aceito\n"))
        #expect(
            text.contains(
                "Esta é a tentativa nº 2 de contato; a primeira solicitação foi enviada em 27/11/2026 às 14:05."))
        #expect(mail.text("text/html")?.contains("<li>Confirmar se o certificado A1 foi aceito</li>") == true)
    }

    @Test func resendThreadingIsNormalisedAndNothingIsAddedTwice() async throws {
        var document = Fixture.resend()
        document.subject = "RE: Verificação [FU-12]"
        document.references = ["first@mail.example", "<FU-12.resend.old@desk.example>", "not an id"]
        document.inReplyTo = "<FU-12.resend.old@desk.example>"
        document.firstRequestAt = nil
        let message = try MailComposer.partnerResend(
            document, id: "x", from: Fixture.desk, owner: nil, ownerName: "", host: "desk.example", language: .en,
            timeZone: .gmt)
        let mail = try await ReadMail.parse(message.rendered())
        #expect(mail.value("Subject") == "RE: Verificação [FU-12]")
        #expect(mail.value("References") == "<first@mail.example> <FU-12.resend.old@desk.example>")
        #expect(mail.value("In-Reply-To") == "<FU-12.resend.old@desk.example>")
        #expect(!mail.has("Cc") && !mail.has("Reply-To"), "no owner address known")
        let text = try #require(mail.text("text/plain"))
        #expect(text.contains("This is contact attempt no. 2.\n"))
        #expect(!text.contains("first request"))

        document.to = ["not an address"]
        #expect(throws: MailError.self) {
            try MailComposer.partnerResend(
                document, id: "x", from: Fixture.desk, owner: nil, ownerName: "", host: "desk.example",
                language: .ptBR, timeZone: .gmt)
        }
    }

    @Test func theClientIsAskedForAnotherRouteWithTheReport() async throws {
        var document = Fixture.report()
        document.data.attempts = 3
        let message = try MailComposer.client(
            document, id: "01jdclient", to: Fixture.client, from: Fixture.desk, owner: Fixture.owner,
            ownerName: "Joana Araújo", host: "desk.example", language: .ptBR, timeZone: Fixture.saoPaulo,
            attachments: [Self.report], closingNote: "OBS: Os dados de acesso serão utilizados apenas para visualizar.")
        let mail = try await ReadMail.parse(message.rendered())
        #expect(mail.defects.isEmpty, "\(mail.defects)")
        #expect(mail.value("Subject") == "[FU-12] Verificação com SIEG: precisamos da sua ajuda")
        #expect(mail.addresses["to"] == [.init(name: "Padaria Pão Quente", address: "contato@padaria.example")])
        #expect(mail.addresses["cc"] == [.init(name: "Joana Araújo", address: "joana.araujo@desk.example")])
        #expect(mail.addresses["reply-to"] == mail.addresses["cc"])
        #expect(!mail.has("Auto-Submitted"))
        #expect(mail.value("Message-ID") == "<FU-12.client.01jdclient@desk.example>")
        let text = try #require(mail.text("text/plain"))
        #expect(text.contains("Fizemos 3 tentativas de contato com SIEG e não obtivemos retorno."))
        #expect(text.contains("outra forma de contato com SIEG"))
        #expect(text.contains("segue em anexo"))
        #expect(text.hasSuffix("OBS: Os dados de acesso serão utilizados apenas para visualizar.\n"))
        #expect(mail.parts.first { $0.disposition == "attachment" }?.bytes == Self.report.bytes)

        document.data.reason = "partner_refused"
        let refusal = try await ReadMail.parse(
            MailComposer.client(
                document, id: "01jdclient2", to: Fixture.client, from: Fixture.desk, owner: nil, ownerName: "Joana",
                host: "desk.example", language: .ptBR, timeZone: Fixture.saoPaulo
            ).rendered())
        let refusalText = try #require(refusal.text("text/plain"))
        #expect(refusalText.contains("SIEG recusou-se a tratar o assunto conosco e pediu, por iniciativa própria"))
        #expect(!refusalText.contains("tentativas de contato com SIEG e"))
        #expect(!refusal.has("Cc"))
    }
}
