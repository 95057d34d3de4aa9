import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

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

    /// `--mail` through a real MTA (a private Exim): the test mail lands in the mailbox, read
    /// back by Python's `email`; a sendmail that cannot run is reported, with exit status 1.
    @Test(.enabled(if: getuid() == 0 && InboundMailTests.exim, "needs root and exim4 (scripts/setup installs it)"))
    func aTestMailGoesThroughARealMTA() async throws {
        let base = "/var/tmp/followupd-notify-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: base) }
        let sendmail = try PrivateMTA.start(base: base)
        let workspace = try Workspace()
        defer { workspace.remove() }
        try workspace.writeConfiguration(resendAfter: "1h", reportAfter: "3h")
        let text = try String(contentsOfFile: workspace.configPath, encoding: .utf8)
            .replacingOccurrences(
                of: "  maildir: outbox\n", with: "  transport: sendmail\n  sendmail: \(sendmail)\n")
        try text.write(toFile: workspace.configPath, atomically: true, encoding: .utf8)
        let daemon = try workspace.startDaemon()
        defer { _ = daemon.terminate() }
        let ctl = FollowupctlProcess(workspace)
        try #require(try await ctl.waitForDaemon(), "followupd did not answer: \(daemon.stderr)")

        let mailed = try ctl("notify", "test", "--mail", "ops@desk.example")
        #expect(mailed.status == 0, "\(mailed.stdout) \(mailed.stderr)")
        #expect(mailed.stdout.contains("delivered"), "\(mailed.stdout)")
        let box = base + "/mail/ops"
        let arrived = try await eventually(timeout: 30) {
            !(try FileManager.default.contentsOfDirectory(atPath: box + "/new")).isEmpty
        }
        try #require(arrived, "the test mail reached the mailbox")
        let name = try #require(try FileManager.default.contentsOfDirectory(atPath: box + "/new").first)
        let headers = try PythonCheck.run(
            """
            import sys, email, email.policy
            with open(sys.argv[1], "rb") as f:
                m = email.message_from_binary_file(f, policy=email.policy.default)
            print(m["To"]); print(m["From"]); print(m["Subject"])
            """, arguments: [box + "/new/" + name])
        #expect(headers.contains("ops@desk.example"))
        #expect(headers.contains("suporte@desk.example"))

        // A sendmail that cannot run: the outcome says so and the exit status is 1.
        try text.replacingOccurrences(of: "sendmail: \(sendmail)", with: "sendmail: \(base)/none")
            .write(toFile: workspace.configPath, atomically: true, encoding: .utf8)
        #expect(try ctl("reload").status == 0)
        let failed = try ctl("notify", "test", "--mail", "ops@desk.example")
        #expect(failed.status == 1)
        #expect(failed.stdout.contains("could not start"), "\(failed.stdout)")
        #expect(daemon.process.isRunning)
    }
}
