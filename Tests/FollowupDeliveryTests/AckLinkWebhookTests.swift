import FollowupConfig
import FollowupCore
import FollowupDelivery
import FollowupStorage
import Foundation
import Testing

/// One-click acknowledgement buttons (§6.9) on Teams cards and Slack messages, posted by the
/// real carrier to the real test receiver, each button's address verified with the key.
@Suite struct AckLinkWebhookTests {
    /// The Teams card of the only request the receiver got.
    static func card(_ receiver: WebhookReceiver) throws -> JSONValue {
        let requests = try receiver.requests()
        try #require(requests.count == 1)
        return try JSONValue(Data(requests[0].body.utf8))["attachments"][0]["content"]
    }

    @Test func aTeamsChannelSharedByLeadersGetsAButtonPerPerson() async throws {
        try await WebhookReceiver.with(secret: nil, script: ["202"]) { receiver in
            try await AckLinkBench.with(receiver: receiver.url) { bench in
                try await bench.deliver(
                    AckLinkBench.row("01jdteams", Fixture.escalation(), channel: .webhook, to: "teams"))
                let actions = try Self.card(receiver)["actions"].array
                #expect(actions.map { $0["type"].string } == ["Action.OpenUrl", "Action.OpenUrl"])
                #expect(actions.map { $0["title"].string } == ["Confirmar ciência — Ana", "Confirmar ciência — Bia"])
                let claims = actions.compactMap { action in
                    action["url"].string.flatMap { AckLinkBench.tokens(in: $0).first }.flatMap { bench.claim($0) }
                }
                #expect(claims.map(\.person) == ["Ana", "Bia"], "Joana shares the channel but does not acknowledge")
                #expect(claims.allSatisfy { $0.notification == "01jdteams" })
                #expect(actions.allSatisfy { $0["url"].string?.hasPrefix(AckLinkBench.publicURL + "/a/") == true })
            }
        }
    }

    @Test func theCasesLeaderAloneGetsOneButtonBeforeTheTicket() async throws {
        try await WebhookReceiver.with(secret: nil, script: ["202"]) { receiver in
            try await AckLinkBench.with(
                receiver: receiver.url, language: .en,
                configure: { $0.tickets = TicketSettings(url: "https://ssc.example/{ticket}", name: "SSC") }
            ) { bench in
                var document = AckLinkBench.priorityRequest(leader: "Bia")
                document.data.ticket = "SSC-4711"
                try await bench.deliver(AckLinkBench.row("01jdbia", document, channel: .webhook, to: "teams"))
                let actions = try Self.card(receiver)["actions"].array
                #expect(actions.map { $0["title"].string } == ["Acknowledge", "Open SSC"])
                let token = try #require(actions.first?["url"].string.flatMap { AckLinkBench.tokens(in: $0).first })
                #expect(bench.claim(token)?.person == "Bia")
                #expect(actions.last?["url"].string == "https://ssc.example/SSC-4711")
            }
        }
    }

    @Test func aNoticeOnASharedChannelCarriesOnlyItsTechniciansButton() async throws {
        try await WebhookReceiver.with(secret: nil, script: ["202"]) { receiver in
            try await AckLinkBench.with(receiver: receiver.url) { bench in
                var data = NotificationData(summary: "Aviso importante de Ana: Novo fluxo de SSC")
                data.needsAck = true
                data.notice = "01jdnotice"
                data.title = "Novo fluxo de SSC"
                data.text = "Leiam o manual."
                data.owner = "Joana"
                data.acknowledge = "01jdnoticejoana"
                data.reminder = 1
                let document = NotificationDocument(type: "notice.reminder", timestamp: AckLinkBench.t0, data: data)
                try await bench.deliver(AckLinkBench.row("01jdnoticeteams", document, channel: .webhook, to: "teams"))
                let actions = try Self.card(receiver)["actions"].array
                #expect(actions.map { $0["title"].string } == ["Confirmar ciência"])
                let token = try #require(actions.first?["url"].string.flatMap { AckLinkBench.tokens(in: $0).first })
                #expect(bench.claim(token)?.person == "Joana")
                #expect(bench.claim(token)?.notification == "01jdnoticeteams")
            }
        }
    }

    @Test func slackGetsALinkButton() async throws {
        try await WebhookReceiver.with(secret: nil, script: ["200"]) { receiver in
            try await AckLinkBench.with(receiver: receiver.url) { bench in
                try await bench.deliver(
                    AckLinkBench.row("01jdslack", Fixture.escalation(), channel: .webhook, to: "slack"))
                let requests = try receiver.requests()
                try #require(requests.count == 1)
                let blocks = try JSONValue(Data(requests[0].body.utf8))["blocks"].array
                let actions = blocks.filter { $0["type"].string == "actions" }
                try #require(actions.count == 1)
                let buttons = actions[0]["elements"].array
                #expect(buttons.map { $0["type"].string } == ["button"])
                #expect(buttons.first?["text"]["text"].string == "Confirmar ciência")
                let token = try #require(buttons.first?["url"].string.flatMap { AckLinkBench.tokens(in: $0).first })
                #expect(bench.claim(token)?.person == "Ana", "only Ana lists the Slack webhook")
                #expect(bench.claim(token)?.notification == "01jdslack")
                #expect(blocks.last?["type"].string == "context")
            }
        }
    }

    /// More people on one channel than buttons fit: the first five, and a line for the rest.
    @Test(arguments: [WebhookSettings.Format.teams, .slack])
    func aCrowdedChannelShowsFiveButtonsAndSaysHowManyMore(format: WebhookSettings.Format) throws {
        let links = (1...7).map { AckLink(person: "Pessoa \($0)", url: "https://followup.example.com/a/t\($0)") }
        let body = try JSONValue(
            WebhookBody.render(Fixture.escalation(), format: format, language: .ptBR, ackLinks: links))
        let note = "Mais 2 pessoas deste canal podem confirmar pelo comando acima."
        switch format {
        case .teams:
            let card = body["attachments"][0]["content"]
            let actions = card["actions"].array
            #expect(actions.map { $0["title"].string } == (1...5).map { "Confirmar ciência — Pessoa \($0)" })
            #expect(actions.map { $0["url"].string } == links.prefix(5).map(\.url))
            #expect(card["body"].array.contains { $0["text"].string == note })
        default:
            let blocks = body["blocks"].array
            let buttons = blocks.filter { $0["type"].string == "actions" }.flatMap { $0["elements"].array }
            #expect(buttons.map { $0["url"].string } == links.prefix(5).map(\.url))
            #expect(Set(buttons.compactMap { $0["action_id"].string }).count == 5, "action ids are unique")
            #expect(blocks.contains { $0["elements"][0]["text"].string == note })
        }
    }

    @Test func withoutWebTheCardHasNoButton() async throws {
        try await WebhookReceiver.with(secret: nil, script: ["202"]) { receiver in
            try await AckLinkBench.with(receiver: receiver.url, web: false) { bench in
                try await bench.deliver(
                    AckLinkBench.row("01jdplain", Fixture.escalation(), channel: .webhook, to: "teams"))
                let card = try Self.card(receiver)
                #expect(card["actions"].array.isEmpty)
                #expect(
                    card["body"].array.contains { $0["text"].string == "followupctl ack 01jdescalation0000000000000" })
            }
        }
    }
}
