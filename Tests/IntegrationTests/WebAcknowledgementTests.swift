import FollowupAPI
import FollowupDelivery
import FollowupStorage
import Foundation
import Logging
import Testing

/// One-click acknowledgement (§6.9) on the real daemon: the page a link opens, the POST that
/// acknowledges as the link's person, and what a forged, altered or expired link gets.
@Suite struct WebAcknowledgementTests {
    @Test func aLinkShowsThePageAndOnlyItsButtonAcknowledges() async throws {
        try await WebSignInTests.withWebDaemon { workspace, ctl, port in
            let sent = try ctl("escalate", "--service", "Busca NF-e parada", "--client", "Mercado Sol", "--note", "x")
            #expect(sent.status == 0, "\(sent.stderr)")
            let notification = try #require(
                try PlaybookTests.outbox(ctl).first { $0.event == "escalation.urgent" })
            let browser = WebClient(port: port, directory: workspace.directory)

            // Any token at all makes the daemon keep its signing key; a stranger's is refused.
            let forged = try browser.get("/a/bm90LW91cnM.c2lnbmF0dXJl")
            #expect(forged.status == 403)
            #expect(forged.body.contains("não é válido"))
            let links = try await Self.links(workspace, port: port)
            let url = links.url(notification: notification.id, person: "Ana", now: Date())
            let path = String(url.dropFirst("http://127.0.0.1:\(port)".count))

            let page = try browser.get(path)
            #expect(page.status == 200, "\(page.body)")
            #expect(page.body.contains(#"<button type="submit" id="acknowledge">Confirmar ciência</button>"#))
            #expect(page.body.contains("Mercado Sol"))
            #expect(page.body.contains(#"<dd id="for">Ana</dd>"#))
            #expect(try browser.get(path).status == 200)
            #expect(
                try PlaybookTests.outbox(ctl).first { $0.id == notification.id }?.acknowledgedBy == nil,
                "opening the link (as a mail scanner would) acknowledges nothing")

            let done = try browser.send("POST", path)
            #expect(done.status == 200)
            #expect(done.body.contains("Ciência confirmada por Ana"), "\(done.body)")
            #expect(!done.body.contains(#"id="acknowledge""#), "no second button")
            let row = try #require(try PlaybookTests.outbox(ctl).first { $0.id == notification.id })
            #expect(row.acknowledgedBy == "Ana")
            let again = try browser.send("POST", path)
            #expect(again.status == 200 && again.body.contains("Ciência confirmada por Ana"))
            #expect(
                try PlaybookTests.outbox(ctl).first { $0.id == notification.id }?.acknowledgedAt == row.acknowledgedAt)

            // Altered or expired: 403, nothing recorded.
            let second = try ctl("escalate", "--service", "Portal fora", "--client", "Padaria", "--note", "y")
            #expect(second.status == 0)
            let other = try #require(
                try PlaybookTests.outbox(ctl).first { $0.event == "escalation.urgent" && $0.acknowledgedBy == nil })
            let good = links.token(notification: other.id, person: "Ana", now: Date())
            var altered = Array(good)
            altered[4] = altered[4] == "A" ? "B" : "A"
            let tampered = try browser.send("POST", "/a/" + String(altered))
            #expect(tampered.status == 403)
            let stale = AckLinks(key: try await Self.key(workspace), baseURL: "", lifetime: .seconds(60))
                .token(notification: other.id, person: "Ana", now: Date().addingTimeInterval(-120))
            let expired = try browser.send("POST", "/a/" + stale)
            #expect(expired.status == 403)
            #expect(expired.body.contains("venceu"))
            #expect(try PlaybookTests.outbox(ctl).first { $0.id == other.id }?.acknowledgedBy == nil)
        }
    }

    /// The daemon's signing key, read from its database as another process would.
    static func key(_ workspace: Workspace) async throws -> Data {
        let store = try SQLiteCaseStore(path: workspace.databasePath, logger: Logger(label: "test"))
        return try await store.secret("ack-links") { Data() }
    }

    static func links(_ workspace: Workspace, port: Int) async throws -> AckLinks {
        AckLinks(key: try await key(workspace), baseURL: "http://127.0.0.1:\(port)", lifetime: .seconds(3600))
    }
}
