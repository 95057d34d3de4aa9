import FollowupAPI
import FollowupCore
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Partners' replies read from the inbound Maildir by the running daemon (§4.5). The mail is
/// written by Python's `email` package (an independent writer) and delivered the way an MTA
/// does: written in `tmp/`, renamed into `new/`.
@Suite(.serialized) struct InboundMailTests {
    func withDaemon(
        inbound: String = "inbox",
        _ body: (Workspace, FollowupctlProcess, () throws -> DaemonProcess) async throws -> Void
    ) async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let yaml = """
            storage:
              path: followupd.sqlite
            control:
              socket: control.sock
            policy:
              resend_after: 1h
              report_after: 3h
              owner_reminder_after: 0
            mail:
              from: "Suporte <suporte@desk.example>"
              maildir: outbox
            owners:
              - { name: joana, email: joana@desk.example }
            partners:
              - { name: SIEG, domains: [sieg.example] }
            inbound:
              maildir: \(inbound)
              rescan: 2s
            log:
              target: stderr
              level: info
            """
        try yaml.write(toFile: workspace.configPath, atomically: true, encoding: .utf8)
        var daemon = try workspace.startDaemon()
        defer { _ = daemon.terminate() }
        let ctl = FollowupctlProcess(workspace)
        try #require(try await ctl.waitForDaemon(), "followupd did not answer: \(daemon.stderr)")
        try await body(workspace, ctl) {
            daemon.kill9()
            daemon = try workspace.startDaemon()
            return daemon
        }
    }

    /// Writes one message with Python's `email` into `inbox/tmp`, then renames it into `inbox/new`.
    static func deliver(
        _ workspace: Workspace, name: String, from: String, subject: String, inReplyTo: String? = nil,
        body: String, messageID: String? = nil, headers: [String: String] = [:], raw: String? = nil
    ) throws {
        let folder = workspace.directory.appendingPathComponent("inbox").path
        let spec: [String: Any] = [
            "folder": folder, "name": name, "from": from, "subject": subject, "body": body,
            "in_reply_to": inReplyTo ?? "", "message_id": messageID ?? "", "headers": headers, "raw": raw ?? "",
        ]
        let json = String(decoding: try JSONSerialization.data(withJSONObject: spec), as: UTF8.self)
        let output = try PythonCheck.run(
            """
            import json, os, sys, email.policy
            from email.message import EmailMessage
            from email.utils import make_msgid, formatdate
            s = json.loads(sys.argv[1])
            for sub in ("tmp", "new", "cur"):
                os.makedirs(os.path.join(s["folder"], sub), exist_ok=True)
            if s["raw"]:
                data = s["raw"].encode("latin-1")
            else:
                m = EmailMessage(policy=email.policy.SMTP)
                m["From"] = s["from"]
                m["To"] = "Suporte <suporte@desk.example>"
                m["Subject"] = s["subject"]
                m["Date"] = formatdate(localtime=False)
                m["Message-ID"] = s["message_id"] or make_msgid(domain="mail.example")
                if s["in_reply_to"]:
                    m["In-Reply-To"] = s["in_reply_to"]
                    m["References"] = s["in_reply_to"]
                for k, v in s["headers"].items():
                    m[k] = v
                m.set_content(s["body"])
                data = m.as_bytes()
            tmp = os.path.join(s["folder"], "tmp", s["name"])
            with open(tmp, "wb") as f:
                f.write(data)
            os.rename(tmp, os.path.join(s["folder"], "new", s["name"]))
            print("ok")
            """, arguments: [json])
        try #require(output.contains("ok"), "the message was delivered")
    }

    static func inbox(_ ctl: FollowupctlProcess, unmatched: Bool = false) throws -> [InboxMessageJSON] {
        let run = try unmatched ? ctl("--json", "inbox", "--unmatched") : ctl("--json", "inbox")
        return (try? APICoding.decoder().decode(InboxList.self, from: Data(run.stdout.utf8)).messages) ?? []
    }

    static func openSent(_ ctl: FollowupctlProcess, client: String) throws -> String {
        let run = try ctl(
            "open", "--client", client, "--partner", "SIEG", "--partner-email", "suporte@sieg.example",
            "--subject", "Nota fiscal rejeitada", "--verification", "Confirmar o certificado", "--owner", "joana",
            "--send")
        guard run.status == 0 else { throw CtlFailure(run: run) }
        return run.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test func repliesAutoRepliesAndBouncesReachTheirCases() async throws {
        try await withDaemon { workspace, ctl, _ in
            // A reply in the thread of the daemon's own request, with quoted history.
            let first = try Self.openSent(ctl, client: "Padaria")
            let thread = try #require(try ctl.show(first).firstMessageID)
            try Self.deliver(
                workspace, name: "1.reply", from: "João da Silva <joao@sieg.example>",
                subject: "Re: Nota fiscal rejeitada [\(first)] — situação", inReplyTo: thread,
                body: "Bom dia, o certificado foi reinstalado e a nota já pode ser reenviada.\n\n"
                    + "Em 27/11/2026 14:05, Suporte escreveu:\n> Precisamos que verifiquem o certificado.\n")
            #expect(try await eventually(timeout: 20) { try ctl.show(first).state == .awaitingUs })
            let shown = try ctl.show(first)
            let entry = try #require(shown.events?.last { $0.kind == .partnerReplied })
            #expect(entry.returnKind == .info)
            #expect(entry.note?.contains("o certificado foi reinstalado") == true)
            #expect(entry.note?.contains("Precisamos que verifiquem") == false, "the quoted history is left out")
            let outbox = try ctl("--json", "outbox").stdout
            #expect(outbox.contains("case.partner_replied"), "the owner is told")

            // Reclassified as a mere acknowledgement: back to waiting on the partner.
            let fix = try ctl("reply", first, "--reclassify", "\(entry.seq)", "--kind", "ack")
            #expect(fix.status == 0, "\(fix.stderr)")
            #expect(try ctl.show(first).state == .awaitingPartner)

            // An out-of-office with only the tag: an automatic return, nothing else changes.
            let second = try Self.openSent(ctl, client: "Mercado")
            try Self.deliver(
                workspace, name: "2.ooo", from: "suporte@sieg.example",
                subject: "Resposta automática: [\(second)] Nota fiscal rejeitada", body: "Estou ausente até segunda.",
                headers: ["Auto-Submitted": "auto-replied", "X-Auto-Response-Suppress": "All"])
            // A reply in ISO-8859-1 words, tag only, from the partner's domain.
            try Self.deliver(
                workspace, name: "3.latin", from: "=?iso-8859-1?q?Jos=E9?= <jose@sieg.example>",
                subject: "=?iso-8859-1?q?Re:_[\(second)]_Verifica=E7=E3o?=", body: "Verificado: o XML está correto.")
            #expect(try await eventually(timeout: 20) { try ctl.show(second).state == .awaitingUs })
            let kinds = try ctl.show(second).events?.compactMap(\.returnKind)
            #expect(kinds == [.auto, .info])

            // A bounce of the daemon's request: the attempt failed, the owner is told.
            let third = try Self.openSent(ctl, client: "Farmácia")
            let bounced = try #require(try ctl.show(third).firstMessageID)
            let bare = bounced.trimmingCharacters(in: CharacterSet(charactersIn: "<>"))
            let dsn = [
                "From: Mail Delivery System <MAILER-DAEMON@mx.sieg.example>",
                "To: suporte@desk.example", "Subject: Undelivered Mail Returned to Sender",
                "Message-ID: <bounce-1@mx.sieg.example>", "MIME-Version: 1.0",
                "Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"", "",
                "--B", "Content-Type: text/plain", "", "Your message could not be delivered.", "",
                "--B", "Content-Type: message/delivery-status", "", "Reporting-MTA: dns; mx.sieg.example", "",
                "Final-Recipient: rfc822; suporte@sieg.example", "Action: failed", "Status: 5.1.1",
                "Diagnostic-Code: smtp; 550 5.1.1 User unknown", "",
                "--B", "Content-Type: text/rfc822-headers", "", "Message-ID: <\(bare)>",
                "Subject: Nota fiscal rejeitada [\(third)]", "", "--B--", "",
            ].joined(separator: "\r\n")
            try Self.deliver(workspace, name: "4.bounce", from: "", subject: "", body: "", raw: dsn)
            #expect(
                try await eventually(timeout: 20) { try ctl.show(third).attempts.first?.failed == true },
                "the bounced attempt is marked failed")
            #expect(try ctl("--json", "outbox").stdout.contains("case.resend_failed"))

            // Mail for no case, for a closed case, from a stranger, and mail that is not mail.
            try Self.deliver(workspace, name: "5.nocase", from: "x@elsewhere.example", subject: "Olá", body: "?")
            let closed = try Self.openSent(ctl, client: "Loja")
            #expect(try ctl("close", closed, "--resolution", "resolvido por telefone").status == 0)
            try Self.deliver(
                workspace, name: "6.closed", from: "suporte@sieg.example", subject: "Re: [\(closed)] ok", body: "ok")
            try Self.deliver(
                workspace, name: "7.stranger", from: "cliente@padaria.example", subject: "Re: [\(second)] e aí?",
                body: "alguma novidade?")
            try Self.deliver(workspace, name: "8.garbage", from: "", subject: "", body: "", raw: "\u{1}\u{2}not mail")
            #expect(try await eventually(timeout: 20) { try Self.inbox(ctl, unmatched: true).count == 3 })
            let unmatched = try Self.inbox(ctl, unmatched: true)
            #expect(unmatched.contains { $0.reason.contains("no thread header") })
            #expect(unmatched.contains { $0.case == closed && $0.reason.contains("did not take it") })
            let stranger = try #require(unmatched.first { $0.from == "cliente@padaria.example" })
            #expect(stranger.reason.contains("not one of SIEG's addresses"))
            let failed = workspace.directory.appendingPathComponent("inbox/failed").path
            #expect(try FileManager.default.contentsOfDirectory(atPath: failed) == ["8.garbage"])

            // A person assigns one and dismisses the others.
            let assigned = try ctl("inbox", "assign", stranger.id, second)
            #expect(assigned.status == 0, "\(assigned.stderr)")
            #expect(try ctl.show(second).events?.compactMap(\.returnKind).count == 3)
            for message in try Self.inbox(ctl, unmatched: true) {
                #expect(try ctl("inbox", "dismiss", message.id).status == 0)
            }
            #expect(try Self.inbox(ctl, unmatched: true).isEmpty)
            #expect(try ctl("inbox", "dismiss", stranger.id).status == 1, "only unmatched ones are dismissed")
            let new = workspace.directory.appendingPathComponent("inbox/new").path
            #expect(try FileManager.default.contentsOfDirectory(atPath: new).isEmpty, "every file moved on")
        }
    }

    @Test func aSensitiveCasesReplyTextStaysInTheDatabase() async throws {
        try await withDaemon { workspace, ctl, _ in
            let run = try ctl(
                "open", "--client", "Contábil", "--partner", "SIEG", "--partner-email", "suporte@sieg.example",
                "--subject", "Acesso", "--verification", "Validar o acesso", "--owner", "joana", "--sensitive",
                "password", "--send")
            #expect(run.status == 0, "\(run.stderr)")
            let id = run.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            let secret = "Senha-Parceiro-\(UUID().uuidString.prefix(8))"
            try Self.deliver(
                workspace, name: "s.reply", from: "suporte@sieg.example", subject: "Re: [\(id)] Acesso",
                body: "A senha provisória é \(secret).")
            #expect(try await eventually(timeout: 20) { try ctl.show(id).state == .awaitingUs })
            #expect(try ctl.show(id).events?.contains { $0.note?.contains(secret) == true } == true, "show has it")
            // The owner's notification is delivered to the spool: without the text.
            let spool = workspace.directory.appendingPathComponent("outbox/new").path
            #expect(
                try await eventually(timeout: 20) {
                    try Self.files(spool).contains { $0.contains("case.partner_replied") }
                })
            #expect(try Self.files(spool).allSatisfy { !$0.contains(secret) }, "not in any mail")
            let kept = try Self.inbox(ctl)
            #expect(kept.count == 1)
            #expect(kept.allSatisfy { $0.excerpt == nil }, "no excerpt kept for a sensitive case")
        }
    }

    /// The contents of every file in a folder.
    static func files(_ folder: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder).map {
            (try? String(contentsOfFile: folder + "/" + $0, encoding: .utf8)) ?? ""
        }
    }

    @Test func aKillDashNineWhileReadingRecordsEachReplyOnce() async throws {
        try await withDaemon { workspace, ctl, restart in
            var cases: [String] = []
            for n in 1...6 { cases.append(try Self.openSent(ctl, client: "Cliente \(n)")) }
            for (index, id) in cases.enumerated() {
                for k in 1...4 {
                    try Self.deliver(
                        workspace, name: "\(index)-\(k).mail", from: "suporte@sieg.example",
                        subject: "Resposta automática: [\(id)]", body: "ausente \(k)",
                        messageID: "<auto-\(index)-\(k)@sieg.example>", headers: ["Auto-Submitted": "auto-replied"])
                }
            }
            try await Task.sleep(for: .milliseconds(150))
            _ = try restart()
            #expect(try await ctl.waitForDaemon())
            let new = workspace.directory.appendingPathComponent("inbox/new").path
            #expect(
                try await eventually(timeout: 30) {
                    ((try? FileManager.default.contentsOfDirectory(atPath: new)) ?? []).isEmpty
                })
            for id in cases {
                #expect(try ctl.show(id).events?.filter { $0.kind == .partnerReplied }.count == 4, "\(id)")
            }
            #expect(try Self.inbox(ctl).count == 24)
        }
    }

    /// Runs a program to completion; its exit status.
    @discardableResult
    static func run(_ arguments: [String], input: String? = nil) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: arguments[0])
        process.arguments = Array(arguments.dropFirst())
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        let pipe = Pipe()
        if input != nil { process.standardInput = pipe }
        try process.run()
        if let input {
            pipe.fileHandleForWriting.write(Data(input.utf8))
            try pipe.fileHandleForWriting.close()
        }
        process.waitUntilExit()
        return process.terminationStatus
    }

    static var exim: Bool {
        FileManager.default.isExecutableFile(atPath: "/usr/sbin/exim4")
            && FileManager.default.isExecutableFile(atPath: "/usr/sbin/sendmail")
    }

    @Test(.enabled(if: getuid() == 0 && exim, "needs root and exim4 (scripts/setup installs it)"))
    func aReplyDeliveredByARealMTAMovesTheCase() async throws {
        // A local user whose .forward files its mail into the daemon's inbound Maildir, as an
        // alias for the desk's follow-up address would. The Maildir is the user's own, made
        // before the daemon starts, in a folder every user may cross.
        if try Self.run(["/usr/bin/id", "fu-inbox"]) != 0 {
            try Self.run(["/usr/sbin/useradd", "--create-home", "fu-inbox"])
        }
        let base = "/var/tmp/followupd-mta-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: base) }
        let inbox = base + "/inbox"
        for folder in ["tmp", "new", "cur", "failed"] {
            try FileManager.default.createDirectory(atPath: inbox + "/" + folder, withIntermediateDirectories: true)
        }
        #expect(try Self.run(["/bin/chmod", "755", base]) == 0)
        #expect(try Self.run(["/bin/chown", "-R", "fu-inbox", inbox]) == 0)
        #expect(try Self.run(["/bin/chmod", "-R", "u+rwX", inbox]) == 0)
        let forward = "/home/fu-inbox/.forward"
        try (inbox + "/\n").write(toFile: forward, atomically: true, encoding: .utf8)
        try Self.run(["/bin/chown", "fu-inbox", forward])
        try Self.run(["/bin/chmod", "644", forward])
        try await withDaemon(inbound: inbox) { _, ctl, _ in
            // Mail queued for this user by an earlier run is dropped: only this run's reply counts.
            try Self.run(["/bin/sh", "-c", "exiqgrep -i -r fu-inbox@ | xargs -r exim4 -Mrm"])
            let id = try Self.openSent(ctl, client: "Padaria")
            let thread = try #require(try ctl.show(id).firstMessageID)
            let token = UUID().uuidString
            let mail = [
                "From: Suporte SIEG <suporte@sieg.example>", "To: fu-inbox@localhost",
                "Subject: Re: Nota fiscal rejeitada [\(id)]", "In-Reply-To: \(thread)", "References: \(thread)",
                "Message-ID: <mta-\(UUID().uuidString)@sieg.example>", "Content-Type: text/plain; charset=utf-8", "",
                "O certificado foi validado; podem reenviar a nota (\(token)).", "",
            ].joined(separator: "\n")
            #expect(try Self.run(["/usr/sbin/sendmail", "-odi", "-t", "-oi"], input: mail) == 0)
            #expect(
                try await eventually(timeout: 30, every: .seconds(1)) {
                    // A delivery deferred by an earlier run's retry hints is forced through.
                    try Self.run(["/usr/sbin/exim4", "-qff"])
                    return try ctl.show(id).state == .awaitingUs
                }, "the MTA delivered the reply and the daemon recorded it")
            #expect(
                try ctl.show(id).events?.last { $0.kind == .partnerReplied }?.note?.contains(token) == true)
        }
    }
}
