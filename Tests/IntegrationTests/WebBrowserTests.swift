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
        try await WebSignInTests.withWebDaemon { workspace, ctl, port in
            try WebSignInTests.addUser(ctl, "joana", role: "technician", password: "senha-da-joana-1")
            #expect(
                try ctl("escalate", "--service", "Portal fora", "--client", "Mercado Sol", "--note", "x").status == 0)
            let notification = try #require(try PlaybookTests.outbox(ctl).first { $0.event == "escalation.urgent" })
            let base = "http://127.0.0.1:\(port)"
            _ = try WebClient(port: port, directory: workspace.directory).get("/a/x.y")
            let key = try await WebAcknowledgementTests.key(workspace)
            let links = AckLinks(key: key, baseURL: base, lifetime: .seconds(3600))
            let ack = links.url(notification: notification.id, person: "Ana", now: Date())
            let expired = AckLinks(key: key, baseURL: base, lifetime: .seconds(60))
                .url(notification: notification.id, person: "Ana", now: Date().addingTimeInterval(-3600))
            let tampered = ack.replacingOccurrences(of: "/a/", with: "/a/A")

            let run = try await PythonRun.runAsync(
                [Self.script, base, "joana", "senha-da-joana-1", ack, expired, tampered], environment: [:])
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
            #expect(seen["ack_page_button"] as? String == "Confirmar ciência")
            #expect(seen["ack_page_for"] as? String == "Ana")
            #expect((seen["ack_done"] as? String)?.hasPrefix("Ciência confirmada por Ana") == true, "\(seen)")
            #expect((seen["expired_message"] as? String)?.contains("venceu") == true)
            #expect(seen["expired_has_button"] as? Bool == false)
            #expect((seen["tampered_message"] as? String)?.contains("não é válido") == true)
            #expect(try PlaybookTests.outbox(ctl).first { $0.id == notification.id }?.acknowledgedBy == "Ana")
        }
    }
}
