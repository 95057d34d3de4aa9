import FollowupAPI
import FollowupDelivery
import Foundation
import Testing

/// The web pages in a real browser (Debian's chromium driven by Selenium): a technician signs
/// in, sees their account and signs out; a leader opens a one-click acknowledgement link,
/// presses its button, and sees who acknowledged; expired and altered links show the refusal.
@Suite struct WebBrowserTests {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Support/web_browser.py").path

    static var available: Bool {
        FileManager.default.isExecutableFile(atPath: "/usr/bin/chromedriver")
            && (try? PythonRun.run(["-c", "import selenium"]).status) == 0
    }

    @Test(.enabled(if: available, "needs chromium-driver and selenium (scripts/setup installs them)"))
    func signInAccountSignOutAndAcknowledgeInABrowser() async throws {
        let receiver = try WebhookReceiver(
            in: FileManager.default.temporaryDirectory.appendingPathComponent("teams-\(UUID().uuidString)"),
            secret: JournalStoryTests.secret)
        defer { receiver.stop() }
        // Ana is reached by mail and on the leaders' Teams channel.
        let extra = """
            webhooks:
              teams: { url: "\(receiver.url)", format: teams, secret: "\(JournalStoryTests.secret)" }
            """
        try await WebSignInTests.withWebDaemon(extra: extra, leaderWebhooks: ["teams"]) { workspace, ctl, port in
            try WebSignInTests.addUser(ctl, "joana", role: "technician", password: "senha-da-joana-1")
            let base = "http://127.0.0.1:\(port)"
            // One escalation acknowledged from the link in the delivered mail, one from the Teams card.
            #expect(
                try ctl("escalate", "--service", "Portal fora", "--client", "Mercado Sol", "--note", "x").status == 0)
            let mailed = try #require(try PlaybookTests.outbox(ctl).first { $0.channel == "mail" })
            let file = workspace.directory.appendingPathComponent("outbox/new/\(mailed.id)")
            #expect(try await eventually { FileManager.default.fileExists(atPath: file.path) }, "the mail was spooled")
            let mailText = try String(contentsOf: file, encoding: .utf8)
                .replacingOccurrences(of: "=\r\n", with: "").replacingOccurrences(of: "=\n", with: "")
            let mailLink = try #require(Self.link(in: mailText, base: base), "the mail carries a link")
            #expect(try ctl("escalate", "--service", "Busca NF-e", "--client", "Padaria", "--note", "y").status == 0)
            #expect(try await eventually { receiver.delivered().count == 2 }, "both cards reached Teams")
            let cards = try String(contentsOfFile: receiver.logPath, encoding: .utf8)
            #expect(cards.contains("Confirmar ciência"), "the card has the button")
            let teamsLinks = Self.links(in: cards, base: base)
            let teamsLink = try #require(teamsLinks.last, "the second card carries a link")
            #expect(teamsLinks.count == 2 && teamsLink != mailLink)

            _ = try WebClient(port: port, directory: workspace.directory).get("/a/x.y")
            let key = try await WebAcknowledgementTests.key(workspace)
            let expired = AckLinks(key: key, baseURL: base, lifetime: .seconds(60))
                .url(notification: mailed.id, person: "Ana", now: Date().addingTimeInterval(-3600))
            let tampered = mailLink.replacingOccurrences(of: "/a/", with: "/a/A")

            let run = try await PythonRun.runAsync(
                [Self.script, base, "joana", "senha-da-joana-1", mailLink, teamsLink, expired, tampered],
                environment: [:])
            #expect(run.status == 0, "\(run.output.suffix(3000))")
            let line = run.output.split(separator: "\n").last { $0.hasPrefix("{") } ?? "{}"
            let seen = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            #expect(seen["unsigned_account_lands_on"] as? String == "/sign-in?next=%2Faccount")
            #expect(seen["after_sign_in"] as? String == "/account", "next= brought the browser back")
            #expect(seen["person"] as? String == "joana")
            #expect(seen["role"] as? String == "técnico")
            #expect(seen["session_cookie_http_only"] as? Bool == true)
            #expect(seen["script_sees_cookies"] as? String == "", "no cookie is readable by a script")
            #expect(seen["after_sign_out"] as? String == "/sign-in")
            #expect((seen["account_after_sign_out"] as? String)?.hasPrefix("/sign-in") == true)
            for source in ["mail", "teams"] {
                #expect(seen["\(source)_button"] as? String == "Confirmar ciência", "\(source): \(seen)")
                #expect(seen["\(source)_for"] as? String == "Ana")
                #expect((seen["\(source)_done"] as? String)?.hasPrefix("Ciência confirmada por Ana") == true)
            }
            #expect((seen["expired_message"] as? String)?.contains("venceu") == true)
            #expect(seen["expired_has_button"] as? Bool == false)
            #expect((seen["tampered_message"] as? String)?.contains("não é válido") == true)
            let rows = try PlaybookTests.outbox(ctl).filter { $0.event == "escalation.urgent" }
            #expect(rows.count == 4 && rows.allSatisfy { $0.acknowledgedBy == "Ana" }, "both events, every channel")
        }
    }

    /// The acknowledgement links to `base` in `text`, in order.
    static func links(in text: String, base: String) -> [String] {
        var found: [String] = []
        var rest = text[...]
        while let start = rest.range(of: base + "/a/") {
            let token = rest[start.upperBound...].prefix { $0.isLetter || $0.isNumber || "-_.".contains($0) }
            if !token.isEmpty, !found.contains(base + "/a/" + token) { found.append(base + "/a/" + token) }
            rest = rest[start.upperBound...]
        }
        return found
    }

    static func link(in text: String, base: String) -> String? { links(in: text, base: base).first }
}
