import FollowupConfig
import FollowupCore
import FollowupDelivery
import Foundation
import Testing

/// Webhook bodies, parsed back: the standard document, the Teams card, the Slack message, and
/// the titles of every event.
struct WebhookBodyTests {
    static let events = [
        "case.resent", "case.partner_replied", "case.resend_failed", "case.manual_resend_requested",
        "case.report_generated", "case.partner_refused", "case.owner_reminder", "case.client_reminder",
        "case.deadline_approaching", "case.priority_requested", "escalation.urgent", "handoff.created",
        "handoff.reminder", "cancellation.reminder", "notice.posted", "notice.reminder",
        "notification.unacknowledged", "notification.failed", "digest",
    ]

    @Test func everyEventHasItsOwnTitleInEachLanguage() {
        for language in ReportSettings.Language.allCases {
            let titles = Self.events.map { NotificationTitles.title(for: $0, language: language) }
            #expect(Set(titles).count == Self.events.count, "\(language): \(titles)")
            for (event, title) in zip(Self.events, titles) {
                #expect(!title.hasSuffix(": \(event)"), "\(event) has no \(language) title")
            }
        }
        let portuguese = Self.events.map { NotificationTitles.title(for: $0, language: .ptBR) }
        let english = Self.events.map { NotificationTitles.title(for: $0, language: .en) }
        #expect(zip(portuguese, english).allSatisfy { $0 != $1 })
        #expect(
            NotificationTitles.title(for: "case.report_generated", language: .ptBR) == "Relatório de tentativas gerado")
        #expect(NotificationTitles.title(for: "x.unknown", language: .ptBR) == "Notificação: x.unknown")
    }

    @Test func standardIsTheDocumentItself() throws {
        let document = Fixture.report(needsAck: true)
        let body = try WebhookBody.render(document, format: .standard, language: .ptBR)
        #expect(try JSONCoding.decoder().decode(NotificationDocument.self, from: body) == document)
        let json = try JSONValue(body)
        #expect(json.keys == ["type", "timestamp", "data"])
        #expect(json["type"].string == "case.report_generated")
        #expect(json["timestamp"].string == "2026-11-27T17:05:00Z")
        #expect(json["data"]["needs_ack"].bool == true)
        #expect(String(decoding: body, as: UTF8.self).hasPrefix(#"{"data":{"#), "sorted keys")
    }

    /// The texts of the TextBlocks, and the facts as `title: value`, of a Teams message.
    static func teamsCard(_ body: Data) throws -> (card: JSONValue, texts: [String], facts: [String]) {
        let message = try JSONValue(body)
        #expect(message["type"].string == "message")
        #expect(message["attachments"].array.count == 1)
        let attachment = message["attachments"][0]
        #expect(attachment["contentType"].string == "application/vnd.microsoft.card.adaptive")
        let card = attachment["content"]
        #expect(card["$schema"].string == "http://adaptivecards.io/schemas/adaptive-card.json")
        #expect(card["type"].string == "AdaptiveCard")
        #expect(card["version"].string == "1.4")
        let blocks = card["body"].array
        let texts = blocks.filter { $0["type"].string == "TextBlock" }.compactMap { $0["text"].string }
        let facts = blocks.filter { $0["type"].string == "FactSet" }.flatMap { $0["facts"].array }
            .map { "\($0["title"].string ?? ""): \($0["value"].string ?? "")" }
        #expect(blocks.allSatisfy { ["TextBlock", "FactSet"].contains($0["type"].string ?? "") })
        return (card, texts, facts)
    }

    @Test func teamsCarriesTheTitleFactsSummaryAndAck() throws {
        let document = Fixture.report(needsAck: true)
        let body = try WebhookBody.render(document, format: .teams, language: .ptBR, timeZone: Fixture.saoPaulo)
        let (card, texts, facts) = try Self.teamsCard(body)
        #expect(texts.first == "Relatório de tentativas gerado — FU-12")
        #expect(card["body"][0]["weight"].string == "Bolder")
        #expect(
            facts == [
                "Caso: FU-12", "Cliente: Padaria Pão Quente", "Chamado: SSC-4711", "Parceiro: SIEG",
                "Assunto: XML de NF-e não baixa", "Responsável: Joana", "Tentativas: 3", "Relatório: r0193c2d4",
                "Motivo: sem retorno do parceiro", "Prazo do cliente: 28/11/2026 às 14:05",
            ])
        #expect(texts.contains(document.data.summary))
        #expect(texts.contains("followupctl ack 01jd0000000000000000000000"))
        #expect(texts.contains { $0.contains("confirmar") })
    }

    @Test func urgentTitlesComeFirstAndOnlyPresentFactsAreShown() throws {
        let urgent = try Self.teamsCard(
            WebhookBody.render(Fixture.report(urgent: true), format: .teams, language: .ptBR))
        #expect(urgent.texts.first == "URGENTE: Relatório de tentativas gerado — FU-12")
        #expect(urgent.card["body"][0]["color"].string == "Attention")
        #expect(!urgent.texts.contains { $0.contains("followupctl ack") }, "no ack when none is needed")

        let escalation = try Self.teamsCard(
            WebhookBody.render(Fixture.escalation(), format: .teams, language: .ptBR))
        #expect(escalation.texts.first == "URGENTE: Escalonamento urgente")
        #expect(escalation.facts == ["Cliente: Padaria Pão Quente"])
        #expect(escalation.texts.contains("followupctl ack 01jdescalation0000000000000"))

        let english = try Self.teamsCard(WebhookBody.render(Fixture.escalation(), format: .teams, language: .en))
        #expect(english.texts.first == "URGENT: Urgent escalation")
        #expect(english.facts == ["Client: Padaria Pão Quente"])
    }

    @Test func aDigestListsItsItems() throws {
        let teams = try Self.teamsCard(
            WebhookBody.render(Fixture.digest(), format: .teams, language: .ptBR, timeZone: Fixture.saoPaulo))
        #expect(teams.texts.first == "Resumo de notificações")
        let items = teams.texts.filter { $0.hasPrefix("• ") }
        #expect(
            items == [
                "• 27/11/2026 às 14:05 — Solicitação reenviada ao parceiro: FU-1: solicitação reenviada",
                "• 27/11/2026 às 14:06 — Lembrete: o caso aguarda o próximo passo: FU-2: aguardando o próximo passo",
                "• 27/11/2026 às 14:07 — Relatório de tentativas gerado: FU-3: relatório gerado",
            ])

        let slack = try JSONValue(WebhookBody.render(Fixture.digest(), format: .slack, language: .ptBR))
        let sections = slack["blocks"].array.compactMap { $0["text"]["text"].string }
        #expect(sections.contains { $0.contains("• ") && $0.contains("FU-2: aguardando o próximo passo") })
    }

    @Test func slackHasAFallbackAHeaderFieldsAndContext() throws {
        var document = Fixture.report(urgent: true, needsAck: true)
        document.data.client = "Pão & Cia <Matriz>"
        let message = try JSONValue(
            WebhookBody.render(document, format: .slack, language: .ptBR, timeZone: Fixture.saoPaulo))
        #expect(message.keys == ["text", "blocks"])
        #expect(message["text"].string?.hasPrefix("URGENTE: Relatório de tentativas gerado — FU-12: ") == true)
        let blocks = message["blocks"].array
        #expect(blocks.first?["type"].string == "header")
        #expect(blocks.first?["text"]["type"].string == "plain_text")
        #expect(blocks.first?["text"]["text"].string == "URGENTE: Relatório de tentativas gerado — FU-12")
        #expect(blocks.last?["type"].string == "context")
        #expect(blocks.last?["elements"][0]["text"].string?.contains("case.report_generated") == true)
        let fields = blocks.flatMap { $0["fields"].array }.compactMap { $0["text"].string }
        #expect(fields.count == 10 && fields.allSatisfy { $0.hasPrefix("*") })
        #expect(fields.contains("*Cliente*\nPão &amp; Cia &lt;Matriz&gt;"), "mrkdwn control characters escaped")
        #expect(fields.contains("*Prazo do cliente*\n28/11/2026 às 14:05"))
        let texts = blocks.compactMap { $0["text"]["text"].string }
        #expect(texts.contains(document.data.summary))
        #expect(texts.contains { $0.contains("`followupctl ack 01jd0000000000000000000000`") })
        #expect(blocks.allSatisfy { ["header", "section", "context"].contains($0["type"].string ?? "") })
    }

    @Test func theTicketOpensFromTheCardAndSlackWhenTicketsHaveAnAddress() throws {
        let tickets = TicketSettings(url: "https://ssc.example/ssc/{ticket}", name: "SSC")
        let document = Fixture.report()
        let teams = try Self.teamsCard(
            WebhookBody.render(document, format: .teams, language: .ptBR, tickets: tickets))
        #expect(teams.card["actions"].array.count == 1)
        #expect(teams.card["actions"][0]["type"].string == "Action.OpenUrl")
        #expect(teams.card["actions"][0]["title"].string == "Abrir SSC")
        #expect(teams.card["actions"][0]["url"].string == "https://ssc.example/ssc/SSC-4711")
        #expect(teams.facts.contains("Chamado: SSC-4711"))
        let english = try Self.teamsCard(
            WebhookBody.render(document, format: .teams, language: .en, tickets: TicketSettings(url: tickets.url)))
        #expect(english.card["actions"][0]["title"].string == "Open ticket")

        let slack = try JSONValue(WebhookBody.render(document, format: .slack, language: .ptBR, tickets: tickets))
        let fields = slack["blocks"].array.flatMap { $0["fields"].array }.compactMap { $0["text"].string }
        #expect(fields.contains("*Chamado*\n<https://ssc.example/ssc/SSC-4711|SSC-4711>"))

        // Without an address, or without a ticket, there is no link.
        let plain = try Self.teamsCard(WebhookBody.render(document, format: .teams, language: .ptBR))
        #expect(plain.card["actions"].array.isEmpty)
        var noTicket = document
        noTicket.data.ticket = nil
        let without = try Self.teamsCard(
            WebhookBody.render(noTicket, format: .teams, language: .ptBR, tickets: tickets))
        #expect(without.card["actions"].array.isEmpty)
        let plainSlack = try JSONValue(WebhookBody.render(document, format: .slack, language: .ptBR))
        #expect(
            plainSlack["blocks"].array.flatMap { $0["fields"].array }.compactMap { $0["text"].string }
                .contains("*Chamado*\nSSC-4711"))
    }

    @Test func aFailedDeliveryNamesWhatFailedAndWhy() throws {
        var data = NotificationData(summary: "Uma notificação desistiu após 12 tentativas")
        data.failed = .init(
            id: "n9", type: "case.resent", channel: "webhook", recipient: "leaders-teams", attempts: 12,
            error: "HTTP 500")
        let document = NotificationDocument(type: "notification.failed", timestamp: Fixture.when, data: data)
        let card = try Self.teamsCard(WebhookBody.render(document, format: .teams, language: .en))
        #expect(card.texts.first == "A notification could not be delivered")
        #expect(
            card.facts == [
                "Notification: n9 (Request sent again to the partner)", "Channel: webhook",
                "Recipient: leaders-teams", "Delivery attempts: 12", "Error: HTTP 500",
            ])
    }
}
