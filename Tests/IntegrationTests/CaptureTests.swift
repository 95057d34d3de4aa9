import FollowupAPI
import FollowupCore
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Requests captured by Bcc (issue 21): a technician writes to the partner from their own mail
/// client through a real MTA (Exim), with the desk's capture address in Bcc; the copy Exim files
/// into the daemon's inbound Maildir opens the case, the daemon's resend reaches the partner's
/// own mailbox in the technician's thread (read back with Python's `email`), and the partner's
/// reply to that thread moves the case.
@Suite(.serialized) struct CaptureTests {
    /// Sends `lines` (a whole message) through `sendmail`, as a mail client does.
    static func send(_ sendmail: String, _ lines: [String]) throws {
        let status = try InboundMailTests.run(
            [sendmail, "-odi", "-t", "-oi"], input: lines.joined(separator: "\n") + "\n")
        #expect(status == 0, "sendmail took the message")
    }

    static func cases(_ ctl: FollowupctlProcess) throws -> [CaseJSON] {
        let run = try ctl("--json", "list")
        return (try? APICoding.decoder().decode(CaseList.self, from: Data(run.stdout.utf8)).cases) ?? []
    }

    /// The `In-Reply-To`, `References` and `Subject` of each message in `folder`'s `new/` and
    /// `cur/`, read by Python's `email`.
    static func threading(in folder: String) throws -> [[String: String]] {
        let output = try PythonCheck.run(
            """
            import json, os, sys, email, email.policy
            out = []
            for sub in ("new", "cur"):
                d = os.path.join(sys.argv[1], sub)
                for name in sorted(os.listdir(d)):
                    with open(os.path.join(d, name), "rb") as f:
                        m = email.message_from_binary_file(f, policy=email.policy.default)
                    out.append({"subject": str(m["Subject"] or ""), "in_reply_to": str(m["In-Reply-To"] or ""),
                                "references": str(m["References"] or ""), "from": str(m["From"] or "")})
            print(json.dumps(out))
            """, arguments: [folder])
        return (try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [[String: String]]) ?? []
    }

    @Test(.enabled(if: getuid() == 0 && InboundMailTests.exim, "needs root and exim4 (scripts/setup installs it)"))
    func aRequestSentWithTheCaptureAddressInBccOpensItsCaseAndThreadsTheResends() async throws {
        let base = "/var/tmp/followupd-capture-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: base) }
        #expect(try InboundMailTests.run(["/bin/chmod", "755", base]) == 0)
        let sendmail = try PrivateMTA.start(base: base)
        let inbox = base + "/mail/captura"
        let partnerBox = base + "/mail/suporte"

        let workspace = try Workspace()
        defer { workspace.remove() }
        try """
        storage:
          path: followupd.sqlite
        control:
          socket: control.sock
        policy:
          resend_after: 3s
          report_after: 1h
          owner_reminder_after: 0
        mail:
          transport: sendmail
          sendmail: \(sendmail)
          from: "Suporte <suporte@desk.example>"
        owners:
          - { name: Joana Lima, email: joana@desk.example }
        partners:
          - { name: SIEG, emails: [suporte@partner.example] }
        inbound:
          maildir: \(inbox)
          rescan: 2s
          capture_address: captura@desk.example
        log:
          target: stderr
          level: info
        """.write(toFile: workspace.configPath, atomically: true, encoding: .utf8)
        let daemon = try workspace.startDaemon()
        defer { _ = daemon.terminate() }
        let ctl = FollowupctlProcess(workspace)
        try #require(try await ctl.waitForDaemon(), "followupd did not answer: \(daemon.stderr)")

        // The technician's own request: To the partner, Bcc the capture address.
        let original = "<pedido-\(UUID().uuidString)@desk.example>"
        let request = [
            "From: Joana Lima <joana@desk.example>", "To: Suporte SIEG <suporte@partner.example>",
            "Bcc: captura@desk.example", "Subject: Certificado A1 rejeitado [SSC-1234 Padaria Pão Quente]",
            "Message-ID: \(original)", "MIME-Version: 1.0", "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: 8bit", "",
            "Olá,", "",
            "Sou a Joana, do suporte. Precisamos que verifiquem a liberação do CNPJ para o certificado A1.", "",
            "Obrigada,", "Joana",
        ]
        try Self.send(sendmail, request)
        let opened = try await eventually(timeout: 30, every: .seconds(1)) {
            return try Self.cases(ctl).count == 1
        }
        try #require(opened, "the captured request opened a case: \(daemon.stderr)")
        let captured = try #require(try Self.cases(ctl).first)
        #expect(captured.client.name == "Padaria Pão Quente")
        #expect(captured.client.ticket == "SSC-1234")
        #expect(captured.partner?.name == "SIEG")
        #expect(captured.partner?.emails == ["suporte@partner.example"])
        #expect(captured.owner == "Joana Lima")
        #expect(captured.subject == "Certificado A1 rejeitado")
        #expect(captured.verification.hasPrefix("Sou a Joana, do suporte."))
        #expect(captured.firstMessageID.map { "<\($0)>" } == original || captured.firstMessageID == original)

        // The same mail delivered again is the same contact, not a second case.
        try Self.send(sendmail, request)
        let seenTwice = try await eventually(timeout: 30, every: .seconds(1)) {
            try FileManager.default.contentsOfDirectory(atPath: inbox + "/new").isEmpty
                && (try FileManager.default.contentsOfDirectory(atPath: inbox + "/cur").count) == 2
        }
        #expect(seenTwice, "both copies were read")
        #expect(try Self.cases(ctl).count == 1)
        #expect(try InboundMailTests.inbox(ctl).filter { $0.kind == "capture" }.count == 1)

        // The daemon's resend reaches the partner in the technician's thread.
        let resent = try await eventually(timeout: 40, every: .seconds(1)) {
            return try Self.threading(in: partnerBox).contains { $0["subject"]?.contains("[\(captured.id)]") == true }
        }
        try #require(resent, "the resend reached the partner's mailbox: \(daemon.stderr)")
        let resend = try #require(
            try Self.threading(in: partnerBox).first { $0["subject"]?.contains(captured.id) == true })
        #expect(resend["in_reply_to"] == original)
        #expect(resend["references"]?.contains(original) == true)

        // The partner answers the technician's original mail: the case moves.
        try Self.send(
            sendmail,
            [
                "From: Suporte SIEG <suporte@partner.example>", "To: Joana Lima <joana@desk.example>",
                "Cc: captura@desk.example", "Subject: Re: Certificado A1 rejeitado", "In-Reply-To: \(original)",
                "References: \(original)", "Message-ID: <resposta-\(UUID().uuidString)@localhost>",
                "Content-Type: text/plain; charset=utf-8", "", "O CNPJ foi liberado.",
            ])
        let moved = try await eventually(timeout: 30, every: .seconds(1)) {
            return try ctl.show(captured.id).state == .awaitingUs
        }
        #expect(moved, "the partner's reply in the technician's thread was recorded")

        // A second mail of the technician's with the case's tag is a contact on it, by her.
        try Self.send(
            sendmail,
            [
                "From: Joana Lima <joana@desk.example>", "To: suporte@partner.example", "Bcc: captura@desk.example",
                "Subject: [\(captured.id)] Complemento", "Message-ID: <complemento-\(UUID().uuidString)@desk.example>",
                "Content-Type: text/plain; charset=utf-8", "", "Segue o número do pedido.",
            ])
        let contacted = try await eventually(timeout: 30, every: .seconds(1)) {
            return try ctl.show(captured.id).attempts.contains {
                $0.by == "Joana Lima" && $0.to == ["suporte@partner.example"]
            }
        }
        #expect(contacted, "the tagged mail was recorded as the technician's contact")
        #expect(try ctl.show(captured.id).state == .awaitingPartner)

        // What cannot be a case waits, with its reason: a stranger, no partner, no client.
        try Self.send(
            sendmail,
            [
                "From: Estranho <estranho@else.example>", "To: suporte@partner.example", "Bcc: captura@desk.example",
                "Subject: Pedido [SSC-9 Outra Loja]", "Message-ID: <estranho-\(UUID().uuidString)@else.example>", "",
                "Olá.",
            ])
        try Self.send(
            sendmail,
            [
                "From: Joana Lima <joana@desk.example>", "To: alguem@outro.example", "Bcc: captura@desk.example",
                "Subject: Pedido [SSC-10 Mercado Central]",
                "Message-ID: <sem-parceiro-\(UUID().uuidString)@desk.example>",
                "", "Olá.",
            ])
        try Self.send(
            sendmail,
            [
                "From: Joana Lima <joana@desk.example>", "To: suporte@partner.example", "Bcc: captura@desk.example",
                "Subject: Nota rejeitada", "Message-ID: <sem-cliente-\(UUID().uuidString)@desk.example>", "",
                "Precisamos verificar a nota 123.",
            ])
        let waiting = try await eventually(timeout: 30, every: .seconds(1)) {
            return try InboundMailTests.inbox(ctl, unmatched: true).count == 3
        }
        try #require(waiting, "the three mails wait")
        let unmatched = try InboundMailTests.inbox(ctl, unmatched: true)
        let stranger = try #require(unmatched.first { $0.from == "estranho@else.example" })
        #expect(stranger.kind == "reply", "a stranger's mail is never our contact")
        #expect(unmatched.contains { $0.reason.contains("no recipient is a configured partner's address") })
        let noClient = try #require(unmatched.first { $0.reason.contains("no client marker") })
        #expect(try Self.cases(ctl).count == 1)

        // One of them is turned into a case from the inbox.
        let open = try ctl("inbox", "open", noClient.id, "--client", "Mercado Central", "--ticket", "SSC-77")
        #expect(open.status == 0, "\(open.stderr)")
        let newID = open.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let fromInbox = try ctl.show(newID)
        #expect(fromInbox.client.name == "Mercado Central")
        #expect(fromInbox.client.ticket == "SSC-77")
        #expect(fromInbox.partner?.name == "SIEG")
        #expect(fromInbox.verification == "Precisamos verificar a nota 123.")
        #expect(try InboundMailTests.inbox(ctl).first { $0.id == noClient.id }?.case == newID)
        // Opening it again is refused: it is recorded now.
        #expect(try ctl("inbox", "open", noClient.id, "--client", "Mercado Central").status != 0)
    }
}
