import Foundation
import Testing

/// `followupctl notify test` through the real transports (§6.10): a webhook receiver that
/// answers 200, then 410, a webhook nobody answers, and the mail spool.
@Suite(.serialized) struct NotifyTestTests {
    static let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

    @Test func aTestNotificationGoesOutNowAndSaysHowItWent() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let receiver = try WebhookReceiver(
            in: workspace.directory.appendingPathComponent("receiver"), secret: Self.secret, answers: ["200", "410"])
        defer { receiver.stop() }
        try workspace.writeConfiguration(
            resendAfter: "1h", reportAfter: "3h",
            extra: """
                notifications:
                  timeout: 3s
                webhooks:
                  teams: { url: "\(receiver.url)", format: standard, secret: "\(Self.secret)" }
                  gone: { url: "http://127.0.0.1:9/nobody", format: teams }
                """)
        let daemon = try workspace.startDaemon()
        defer { _ = daemon.terminate() }
        let ctl = FollowupctlProcess(workspace)
        try #require(try await ctl.waitForDaemon(), "followupd did not answer: \(daemon.stderr)")

        let through = try ctl("notify", "test", "--webhook", "teams")
        #expect(through.status == 0, "\(through.stderr)")
        #expect(through.stdout.contains("webhook teams: delivered — HTTP 200"), "\(through.stdout)")
        let received = receiver.requests()
        #expect(received.count == 1)
        #expect(received.first?["verified"] as? Bool == true, "signed like any notification")

        let refused = try ctl("notify", "test", "--webhook", "teams")
        #expect(refused.status == 1)
        #expect(refused.stdout.contains("refused — HTTP 410"), "\(refused.stdout)")

        let unreachable = try ctl("--json", "notify", "test", "--webhook", "gone")
        #expect(unreachable.status == 1)
        #expect(
            unreachable.stdout.contains(#""delivered" : false"#) || unreachable.stdout.contains(#""delivered": false"#))
        #expect(unreachable.stdout.contains(#""error""#), "the transport's error is shown: \(unreachable.stdout)")

        let mailed = try ctl("notify", "test", "--mail", "ops@desk.example")
        #expect(mailed.status == 0, "\(mailed.stderr)")
        let spool = workspace.directory.appendingPathComponent("outbox/new")
        let files = try FileManager.default.contentsOfDirectory(atPath: spool.path)
        #expect(files.count == 1)
        let text = try String(contentsOf: spool.appendingPathComponent(files[0]), encoding: .utf8)
        #expect(text.contains("To: ops@desk.example"))

        let unknown = try ctl("notify", "test", "--webhook", "nenhum")
        #expect(unknown.status == 1)
        #expect(unknown.stderr.contains("no webhook named nenhum"))
        let badAddress = try ctl("notify", "test", "--mail", "a..b@desk.example")
        #expect(badAddress.status == 1)
        #expect(try ctl("notify", "test").status == 64, "one of --webhook or --mail")
        #expect(daemon.process.isRunning)
    }
}
