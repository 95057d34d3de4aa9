import FollowupConfig
import FollowupCore
import FollowupDelivery
import FollowupEngine
import FollowupStorage
import Foundation
import Logging
import Testing

/// One-click acknowledgement links (§6.9) in delivered mail: written by the real carrier into
/// a real Maildir, read back by Python's `email` package, the token verified with the key.
@Suite struct AckLinkMailTests {
    @Test(arguments: [ReportSettings.Language.ptBR, .en])
    func aLeadersMailCarriesTheirOwnLink(language: ReportSettings.Language) async throws {
        try await AckLinkBench.with(language: language) { bench in
            try await bench.deliver(
                AckLinkBench.row("01jdescalmail", Fixture.escalation(), channel: .mail, to: "ana@desk.example"))
            let mail = try await bench.mail("01jdescalmail")
            #expect(mail.defects.isEmpty, "\(mail.defects)")
            let text = try #require(mail.text("text/plain"))
            let label = language == .en ? "Acknowledge: " : "Confirmar ciência: "
            let lines = text.split(separator: "\n").filter { $0.hasPrefix(label) }
            #expect(lines.count == 1, "one link, Ana's: \(text)")
            let tokens = AckLinkBench.tokens(in: text)
            let token = try #require(tokens.first)
            #expect(tokens == [token])
            #expect(lines.first.map(String.init) == "\(label)\(AckLinkBench.publicURL)/a/\(token)")
            let claim = try #require(bench.claim(token), "the token verifies")
            #expect(claim.notification == "01jdescalmail")
            #expect(claim.person == "Ana")
            #expect(claim.expires == AckLinkBench.t0.addingTimeInterval(7 * 86_400), "compose time + ack_links_ttl")
            // The command stays for those on the server.
            #expect(text.contains("followupctl ack 01jdescalation0000000000000"))
            let html = try #require(mail.text("text/html"))
            #expect(html.contains("<a href=\"\(AckLinkBench.publicURL)/a/\(token)\">"))
        }
    }

    @Test func aSharedAddressGetsALinkPerPersonAndTheCasesLeaderAlone() async throws {
        try await AckLinkBench.with(configure: { configuration in
            configuration.leaders[0].email = "lideres@desk.example"
            configuration.leaders[1].email = "Lideres@desk.example"
        }) { bench in
            // All leaders (no case leader): one line per person, named.
            try await bench.deliver(
                AckLinkBench.row(
                    "01jdshared", AckLinkBench.priorityRequest(), channel: .mail, to: "lideres@desk.example"))
            let text = try #require(try await bench.mail("01jdshared").text("text/plain"))
            let tokens = AckLinkBench.tokens(in: text)
            #expect(tokens.compactMap { bench.claim($0)?.person } == ["Ana", "Bia"])
            #expect(tokens.allSatisfy { bench.claim($0)?.notification == "01jdshared" })
            #expect(text.contains("Confirmar ciência — Ana: \(AckLinkBench.publicURL)/a/\(tokens[0])"))
            #expect(text.contains("Confirmar ciência — Bia: \(AckLinkBench.publicURL)/a/\(tokens[1])"))

            // Sent to the case's leader only: only Bia's link, though Ana reads the same box.
            try await bench.deliver(
                AckLinkBench.row(
                    "01jdforbia", AckLinkBench.priorityRequest(leader: "Bia"), channel: .mail,
                    to: "lideres@desk.example"))
            let forBia = AckLinkBench.tokens(in: try #require(try await bench.mail("01jdforbia").text("text/plain")))
            #expect(forBia.compactMap { bench.claim($0)?.person } == ["Bia"])

            // A reminder goes to all leaders: both links again.
            try await bench.deliver(
                AckLinkBench.row(
                    "01jdreminded", AckLinkBench.priorityRequest(leader: "Bia", reminder: 1), channel: .mail,
                    to: "lideres@desk.example"))
            let reminded = AckLinkBench.tokens(
                in: try #require(try await bench.mail("01jdreminded").text("text/plain")))
            #expect(reminded.compactMap { bench.claim($0)?.person } == ["Ana", "Bia"])
        }
    }

    @Test func withoutWebOrWithoutAcknowledgementThereIsNoLink() async throws {
        try await AckLinkBench.with(web: false) { bench in
            try await bench.deliver(
                AckLinkBench.row("01jdnoweb", Fixture.escalation(), channel: .mail, to: "ana@desk.example"))
            let mail = try await bench.mail("01jdnoweb")
            let text = try #require(mail.text("text/plain"))
            #expect(text.contains("followupctl ack 01jdescalation0000000000000"), "the command is still there")
            #expect(!text.contains("Confirmar ciência"))
            #expect(!text.contains("/a/"))
            #expect(mail.text("text/html")?.contains("/a/") == false)
        }
        try await AckLinkBench.with { bench in
            try await bench.deliver(
                AckLinkBench.row("01jdnoack", Fixture.report(), channel: .mail, to: "ana@desk.example"))
            let text = try #require(try await bench.mail("01jdnoack").text("text/plain"))
            #expect(!text.contains("Confirmar ciência"))
            #expect(AckLinkBench.tokens(in: text).isEmpty)
        }
    }

    @Test func aTamperedTokenIsForgedAndAnOldOneExpired() async throws {
        try await AckLinkBench.with { bench in
            try await bench.deliver(
                AckLinkBench.row("01jdtamper", Fixture.escalation(), channel: .mail, to: "bia@desk.example"))
            let text = try #require(try await bench.mail("01jdtamper").text("text/plain"))
            let token = try #require(AckLinkBench.tokens(in: text).first)
            #expect(bench.claim(token)?.person == "Bia")

            // Naming Ana instead of Bia, with Bia's signature.
            let parts = token.split(separator: ".").map(String.init)
            let payload = try #require(Data(base64Encoded: Self.padded(parts[0])))
            let swapped = String(decoding: payload, as: UTF8.self).replacingOccurrences(of: "\nBia\n", with: "\nAna\n")
            #expect(swapped != String(decoding: payload, as: UTF8.self))
            let altered = Self.base64URL(Data(swapped.utf8)) + "." + parts[1]
            #expect(bench.verifier.verify(altered, now: AckLinkBench.t0) == .failure(.forged))
            // One character of the signature changed.
            var signature = Array(parts[1])
            signature[0] = signature[0] == "A" ? "B" : "A"
            #expect(
                bench.verifier.verify(parts[0] + "." + String(signature), now: AckLinkBench.t0) == .failure(.forged))
            // Another key's verifier.
            let stranger = AckLinks(key: Data(repeating: 7, count: 32), baseURL: "", lifetime: .seconds(60))
            #expect(stranger.verify(token, now: AckLinkBench.t0) == .failure(.forged))

            let expiry = AckLinkBench.t0.addingTimeInterval(7 * 86_400)
            #expect(bench.claim(token, now: expiry.addingTimeInterval(-1)) != nil, "valid until its expiry")
            #expect(bench.verifier.verify(token, now: expiry) == .failure(.expired(expiry)))
            #expect(bench.verifier.verify(token, now: expiry.addingTimeInterval(86_400)) == .failure(.expired(expiry)))
        }
    }

    /// A notice is each technician's own (§5 rule 5): posted through the desk, reminded by the
    /// delivery worker past `ack_within`, every mail carries only its technician's link.
    @Test func eachTechniciansNoticeAndReminderCarryTheirOwnLink() async throws {
        // Joana's notice goes to her mail alone here (a webhook first would take her reminder).
        try await AckLinkBench.with(configure: { $0.owners[0].webhooks = [] }) { bench in
            let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
            let desk = Desk(
                store: bench.store, rulebooks: bench.rulebooks, clock: bench.clock, doorbell: Doorbell(),
                logger: logger)
            let dispatcher = Dispatcher(
                store: bench.store, rulebooks: bench.rulebooks, carrier: bench.carrier, clock: bench.clock,
                doorbell: Doorbell(), logger: logger)
            let notice = try await desk.postNotice(title: "Novo fluxo de SSC", text: "Leiam o manual.", by: "Ana")
            try await dispatcher.runDue(now: bench.clock.now())
            bench.clock.step(by: 86_400)
            try await dispatcher.runDue(now: bench.clock.now())

            var seen: [String: Set<String>] = [:]
            let files = try FileManager.default.contentsOfDirectory(
                atPath: bench.maildir.appendingPathComponent("new").path)
            #expect(files.count == 4, "\(files)")
            for id in files {
                let mail = try await bench.mail(id)
                let messageID = try #require(mail.value("Message-ID"))
                let stage = messageID.contains("notice.reminder") ? "reminder" : "posted"
                let to = try #require(mail.addresses["to"]?.first?.address)
                let tokens = AckLinkBench.tokens(in: try #require(mail.text("text/plain")))
                #expect(tokens.count == 1, "\(stage) to \(to): one link")
                let claim = try #require(tokens.first.flatMap { bench.claim($0, now: bench.clock.now()) })
                #expect(claim.notification == id, "the link names the notification it came in")
                let composed = stage == "posted" ? AckLinkBench.t0 : bench.clock.now()
                #expect(claim.expires == composed.addingTimeInterval(7 * 86_400), "signed when composed")
                seen[stage, default: []].insert("\(to) \(claim.person)")
            }
            let expected: Set = ["joana@desk.example Joana", "caio@desk.example Caio"]
            #expect(seen["posted"] == expected)
            #expect(seen["reminder"] == expected, "\(notice.id): each technician reminded with their own link")
        }
    }

    static func padded(_ base64URL: String) -> String {
        var text = base64URL.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while text.count % 4 != 0 { text += "=" }
        return text
    }

    static func base64URL(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
