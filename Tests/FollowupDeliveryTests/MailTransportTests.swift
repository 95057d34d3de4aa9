import FollowupConfig
import FollowupDelivery
import FollowupMail
import FollowupTestSupport
import Foundation
import Glibc
import Testing

/// Mail handed to a real Maildir (read back by Python's `mailbox`), to a scripted fake
/// `sendmail`, and, as root with Exim installed, to the real MTA and a local mailbox.
struct MailTransportTests {
    static func message(id: String, subject: String = "[FU-12] Relatório de tentativas gerado") throws
        -> MailMessage
    {
        try MailComposer.desk(
            Fixture.report(), id: id, to: Fixture.owner, from: Fixture.desk, host: "desk.example", language: .ptBR,
            timeZone: Fixture.saoPaulo)
    }

    @Test func maildirDeliveryIsReadBackAndARedeliveryReplacesIt() async throws {
        try await withScratchFolder { folder in
            let box = folder.appendingPathComponent("outbox")
            let settings = MailSettings(transport: .maildir, maildir: box.path)
            let message = try Self.message(id: "01jdmaildir")
            let transport = MailTransport()
            #expect(
                await transport.deliver(message, id: "01jdmaildir", settings: settings, timeout: .seconds(5))
                    == .delivered(DeliveryDetail()))
            #expect(
                await transport.deliver(message, id: "01jdmaildir", settings: settings, timeout: .seconds(5))
                    == .delivered(DeliveryDetail()))
            let program = """
                import email, email.policy, json, mailbox, sys
                box = mailbox.Maildir(sys.argv[1], factory=None, create=False)
                out = []
                for key in sorted(box.keys()):
                    msg = email.message_from_bytes(box.get_bytes(key), policy=email.policy.default)
                    out.append([key, str(msg['subject']), str(msg['message-id'])])
                json.dump(out, sys.stdout)
                """
            let found = try JSONDecoder().decode([[String]].self, from: try await Python.run(program, [box.path]))
            #expect(
                found == [
                    [
                        "01jdmaildir", "[FU-12] Relatório de tentativas gerado",
                        "<FU-12.case.report_generated.01jdmaildir@desk.example>",
                    ]
                ])
        }
    }

    @Test func anUnwritableMaildirIsRetriedAndABadNameRefused() async throws {
        try await withScratchFolder { folder in
            let file = folder.appendingPathComponent("a-file")
            try Data("x".utf8).write(to: file)
            let message = try Self.message(id: "n1")
            let blocked = MailSettings(transport: .maildir, maildir: file.appendingPathComponent("outbox").path)
            let outcome = await MailTransport().deliver(message, id: "n1", settings: blocked, timeout: .seconds(5))
            guard case .retry(nil, let detail) = outcome else {
                Issue.record("an unwritable Maildir gave \(outcome)")
                return
            }
            #expect(detail.error?.contains("cannot make the folder") == true, "\(detail.error ?? "")")

            let fine = MailSettings(transport: .maildir, maildir: folder.appendingPathComponent("box").path)
            let badName = await MailTransport().deliver(message, id: "../escape", settings: fine, timeout: .seconds(5))
            guard case .refused = badName else {
                Issue.record("a bad file name gave \(badName)")
                return
            }
        }
    }

    /// A fake sendmail: keeps its input and arguments, prints on stderr, then exits with the
    /// status in the file `status` beside it (or sleeps when it says `sleep`).
    static func fakeSendmail(in folder: URL) throws -> String {
        let script = folder.appendingPathComponent("sendmail")
        let here = folder.path
        let body = """
            #!/bin/sh
            echo "$@" > '\(here)/arguments'
            cat > '\(here)/received'
            status=$(cat '\(here)/status')
            if [ "$status" = sleep ]; then sleep 30; fi
            echo "fake sendmail: status $status" >&2
            exit "$status"

            """
        try Data(body.utf8).write(to: script)
        chmod(script.path, 0o755)
        return script.path
    }

    static let endings: [(String, DeliveryOutcome)] = [
        ("0", .delivered(DeliveryDetail(exitStatus: 0))),
        (
            "75",
            .retry(after: nil, DeliveryDetail(exitStatus: 75, error: "fake sendmail: status 75 (sendmail exited 75)"))
        ),
        ("65", .refused(DeliveryDetail(exitStatus: 65, error: "fake sendmail: status 65 (sendmail exited 65)"))),
        ("64", .refused(DeliveryDetail(exitStatus: 64, error: "fake sendmail: status 64 (sendmail exited 64)"))),
        (
            "69",
            .retry(after: nil, DeliveryDetail(exitStatus: 69, error: "fake sendmail: status 69 (sendmail exited 69)"))
        ),
        ("sleep", .retry(after: nil, DeliveryDetail(error: "sendmail took over 1 s and was killed"))),
    ]

    @Test(arguments: endings)
    func sendmailEndingsAreMapped(status: String, expected: DeliveryOutcome) async throws {
        try await withScratchFolder { folder in
            let program = try Self.fakeSendmail(in: folder)
            try Data(status.utf8).write(to: folder.appendingPathComponent("status"))
            let message = try Self.message(id: "01jdsendmail")
            let settings = MailSettings(transport: .sendmail, sendmail: program)
            let outcome = await MailTransport().deliver(
                message, id: "01jdsendmail", settings: settings, timeout: .seconds(1))
            #expect(outcome == expected)
            #expect(try Data(contentsOf: folder.appendingPathComponent("received")) == message.rendered())
            let arguments = try String(contentsOf: folder.appendingPathComponent("arguments"), encoding: .utf8)
            #expect(arguments == "-t -oi\n")
        }
    }

    @Test func aMissingSendmailIsRetried() async throws {
        let settings = MailSettings(transport: .sendmail, sendmail: "/nonexistent/sendmail")
        let outcome = await SendmailTransport().send(Data("x".utf8), settings: settings, timeout: .seconds(1))
        #expect(
            outcome == .retry(after: nil, DeliveryDetail(error: "sendmail could not start: No such file or directory")))
    }

    @Test func sendmailRunsOffThePool() async throws {
        // More runs than the pool has threads, each waiting until this test, running on the
        // pool, lets them go. Were they holding pool threads, the test could never do so: they
        // would be killed at their time limit instead of delivering.
        try await withScratchFolder { folder in
            let script = folder.appendingPathComponent("sendmail")
            let here = folder.path
            let body = """
                #!/bin/sh
                cat >/dev/null
                touch '\(here)/started.'$$
                while [ ! -e '\(here)/go' ]; do sleep 0.05; done
                exit 0

                """
            try Data(body.utf8).write(to: script)
            chmod(script.path, 0o755)
            let settings = MailSettings(transport: .sendmail, sendmail: script.path)
            let runs = 2 * ProcessInfo.processInfo.activeProcessorCount + 2
            async let outcomes = withTaskGroup(of: DeliveryOutcome.self) { group in
                for _ in 0..<runs {
                    group.addTask {
                        await SendmailTransport().send(Data("x".utf8), settings: settings, timeout: .seconds(60))
                    }
                }
                return await group.reduce(into: []) { $0.append($1) }
            }
            var started = 0
            for _ in 0..<500 where started < runs {
                try await Task.sleep(for: .milliseconds(20))
                started = try FileManager.default.contentsOfDirectory(atPath: here).filter { $0.hasPrefix("started.") }
                    .count
            }
            #expect(started == runs, "every run was going at once")
            try Data().write(to: folder.appendingPathComponent("go"))
            #expect(await outcomes == Array(repeating: .delivered(DeliveryDetail(exitStatus: 0)), count: runs))
        }
    }

    static let mailUser = "fu-mailtest"

    /// Through Exim into `/var/mail/fu-mailtest`, read back by Python's `mailbox.mbox`.
    @Test(
        .enabled(
            if: FileManager.default.isExecutableFile(atPath: "/usr/sbin/sendmail"),
            "no /usr/sbin/sendmail: scripts/setup installs exim4-daemon-light"),
        .enabled(if: getuid() == 0, "needs root, to create the local user fu-mailtest with useradd"))
    func aRealLocalDelivery() async throws {
        if getpwnam(Self.mailUser) == nil {
            let made = try await Python.exit(
                "import subprocess, sys; sys.exit(subprocess.call(['/usr/sbin/useradd', '-m', sys.argv[1]]))",
                [Self.mailUser])
            #expect(made.status == 0 || getpwnam(Self.mailUser) != nil, "useradd: \(made.stderr)")
        }
        let id = "01jdexim" + UUID().uuidString.prefix(8).lowercased()
        var message = try Self.message(id: id)
        message.to = [try MailAddress("\(Self.mailUser)@localhost")]
        let settings = MailSettings(transport: .sendmail, sendmail: "/usr/sbin/sendmail")
        let outcome = await MailTransport().deliver(message, id: id, settings: settings, timeout: .seconds(20))
        #expect(outcome == .delivered(DeliveryDetail(exitStatus: 0)))

        let program = """
            import mailbox, os, sys
            path = '/var/mail/' + sys.argv[1]
            if os.path.exists(path):
                for m in mailbox.mbox(path):
                    print(m['message-id'])
            """
        var ids: [String] = []
        for _ in 0..<50 {
            let output = try await Python.run(program, [Self.mailUser])
            ids = String(decoding: output, as: UTF8.self).split(separator: "\n").map(String.init)
            if ids.contains(message.messageID.description) { break }
            try await Task.sleep(for: .milliseconds(200))
        }
        #expect(ids.contains(message.messageID.description), "Message-IDs in /var/mail/\(Self.mailUser): \(ids)")
    }
}
