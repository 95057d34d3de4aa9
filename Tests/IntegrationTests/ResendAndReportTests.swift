import Foundation
import Testing

/// The resend and the attempts report end to end (§4.3, §4.4, §5 rule 2), with short
/// durations: the daemon's own first request and its resend in one thread (read back with
/// Python's `email`), the report in every format, as files and attached to the leaders'
/// mail, and a sensitive case whose secrets never leave the database.
@Suite(.serialized) struct ResendAndReportTests {
    static let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

    func configure(_ workspace: Workspace, webhook: String, reportToClient: String = "owner") throws {
        let yaml = """
            storage:
              path: followupd.sqlite
            control:
              socket: control.sock
            policy:
              resend_after: 2s
              max_resends: 1
              report_after: 5s
              owner_reminder_after: 0
              report_to_client: \(reportToClient)
            notifications:
              retry_initial: 1s
              retry_max: 2s
              timeout: 2s
            mail:
              from: "Suporte Domínio <suporte@desk.example>"
              maildir: outbox
            webhooks:
              hook: { url: "\(webhook)", format: teams, secret: "\(Self.secret)" }
            leaders:
              - { name: Ana, email: ana@desk.example, webhooks: [hook] }
            owners:
              - { name: joana, email: joana@desk.example, leader: Ana }
            reports:
              dir: reports
            log:
              target: stderr
              level: debug
            """
        try yaml.write(toFile: workspace.configPath, atomically: true, encoding: .utf8)
    }

    /// Every message of the spool, read by Python's `email` package.
    static func spool(_ workspace: Workspace) throws -> [[String: Any]] {
        let folder = workspace.directory.appendingPathComponent("outbox/new").path
        let output = try PythonCheck.run(
            """
            import email, email.policy, os, sys, json
            out = []
            for name in sorted(os.listdir(sys.argv[1])):
                with open(os.path.join(sys.argv[1], name), 'rb') as f:
                    raw = f.read()
                m = email.message_from_bytes(raw, policy=email.policy.default)
                body = m.get_body(preferencelist=('plain',))
                out.append({"name": name, "subject": str(m["subject"]), "to": str(m["to"]),
                            "cc": str(m["cc"] or ""), "reply_to": str(m["reply-to"] or ""),
                            "auto": m["auto-submitted"], "id": str(m["message-id"]),
                            "in_reply_to": str(m["in-reply-to"] or ""), "references": str(m["references"] or ""),
                            "text": body.get_content() if body else "", "raw": raw.decode('ascii', 'replace'),
                            "files": [p.get_filename() for p in m.iter_attachments()]})
            print(json.dumps(out))
            """, arguments: [folder])
        return try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [[String: Any]] ?? []
    }

    @Test func theDaemonsRequestItsResendInOneThreadAndTheReportEverywhere() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let receiver = try WebhookReceiver(
            in: workspace.directory.appendingPathComponent("receiver"), secret: Self.secret)
        defer { receiver.stop() }
        try configure(workspace, webhook: receiver.url)
        let daemon = try workspace.startDaemon()
        defer { _ = daemon.terminate() }
        let socket = workspace.directory.appendingPathComponent("control.sock").path
        #expect(try await eventually { (try? RawClient.request(socket, "GET", "/v1/status").status) == 200 })

        let opened = try RawClient.request(
            socket, "POST", "/v1/cases",
            body: """
                {"client":{"name":"Padaria Pão Quente","ticket":"SSC-1234"},\
                "partner":{"name":"SIEG","emails":["suporte@sieg.example"]},"subject":"Notas não baixadas",\
                "verification":"Verificar a integração de download de NF-e","owner":"joana","send":true}
                """)
        #expect(opened.status == 201, "\(opened.body)")
        let reportsFolder = workspace.directory.appendingPathComponent("reports/FU-1").path
        #expect(
            try await eventually(timeout: 60) {
                let files = (try? FileManager.default.contentsOfDirectory(atPath: reportsFolder)) ?? []
                return files.filter { !$0.hasPrefix(".") }.count == 8
            }, "the report written as text, md, html and json, for the desk and for the client")
        let files = try FileManager.default.contentsOfDirectory(atPath: reportsFolder).filter { !$0.hasPrefix(".") }
        #expect(Set(files.map { ($0 as NSString).pathExtension }) == ["txt", "md", "html", "json"])
        #expect(files.filter { $0.contains(".client.") }.count == 4)

        // The partner's mail: the request, then the resend in its thread.
        #expect(try await eventually(timeout: 30) { try Self.spool(workspace).count >= 5 })
        let messages = try Self.spool(workspace)
        let toPartner = messages.filter { ($0["to"] as? String)?.contains("suporte@sieg.example") == true }
            .sorted { ($0["references"] as? String ?? "").count < ($1["references"] as? String ?? "").count }
        #expect(toPartner.count == 2, "the first request and one resend")
        let request = try #require(toPartner.first)
        let resend = try #require(toPartner.last)
        let requestID = try #require(request["id"] as? String)
        #expect(requestID.hasPrefix("<FU-1.request."))
        #expect(resend["in_reply_to"] as? String == requestID, "the resend answers the request")
        #expect((resend["references"] as? String)?.contains(requestID) == true)
        #expect((resend["subject"] as? String)?.hasPrefix("Re: Notas não baixadas [FU-1]") == true)
        #expect(request["subject"] as? String == "Notas não baixadas [FU-1]")
        for mail in toPartner {
            #expect(mail["auto"] is NSNull, "mail to partners is ordinary correspondence")
            #expect((mail["cc"] as? String)?.contains("joana@desk.example") == true)
            #expect((mail["reply_to"] as? String)?.contains("joana@desk.example") == true)
        }
        let resendText = resend["text"] as? String ?? ""
        #expect(resendText.contains("tentativa nº 2"))
        #expect(resendText.contains("Verificar a integração de download de NF-e"))
        #expect(resendText.contains("joana"))

        // The desk's report: every attempt with its message id, served in each format.
        let text = try RawClient.request(socket, "GET", "/v1/cases/FU-1/report?format=text&audience=desk")
        #expect(text.status == 200)
        let resendID = (resend["id"] as? String ?? "").trimmingCharacters(in: CharacterSet(charactersIn: "<>"))
        #expect(text.body.contains(requestID.trimmingCharacters(in: CharacterSet(charactersIn: "<>"))))
        #expect(text.body.contains(resendID))
        #expect(text.body.contains("SSC-1234"))
        let html = try RawClient.request(socket, "GET", "/v1/cases/FU-1/report?format=html")
        #expect(html.headers.lowercased().contains("content-type: text/html"))
        #expect(try RawClient.request(socket, "GET", "/v1/cases/FU-1/report?format=pdf").status == 400)
        let onDisk = try String(
            contentsOfFile: reportsFolder + "/"
                + (files.first { $0.hasSuffix(".txt") && !$0.contains(".client.") } ?? ""),
            encoding: .utf8)
        #expect(onDisk == text.body, "the file is the report the API serves")
        // The client's, the default: no Message-ID.
        let forClient = try RawClient.request(socket, "GET", "/v1/cases/FU-1/report?format=text")
        #expect(forClient.status == 200)
        #expect(!forClient.body.contains(resendID) && forClient.body.contains("Verificar a integração de download"))
        #expect(try RawClient.request(socket, "GET", "/v1/cases/FU-1/report?audience=leaders").status == 400)

        // The owner gets the request to the client ready to send (report_to_client: owner).
        let toOwner = messages.filter { ($0["to"] as? String)?.contains("joana@desk.example") == true }
        #expect(
            toOwner.contains { ($0["text"] as? String)?.contains("Mensagem pronta para o cliente") == true },
            "\(toOwner.map { $0["subject"] ?? "" })")

        // The leaders' mail carries the report; the Teams card summarises it.
        let toLeader = messages.filter { ($0["to"] as? String)?.contains("ana@desk.example") == true }
        #expect(
            toLeader.contains { ($0["files"] as? [String])?.contains { $0.hasSuffix(".html") } == true },
            "\(toLeader.map { $0["files"] ?? [] })")
        #expect(
            receiver.requests().contains {
                ($0["body"] as? String)?.contains("AdaptiveCard") == true
                    && ($0["body"] as? String)?.contains("FU-1") == true
            })
    }

    @Test func aRefusedCasesReportSaysItWasThePartnersOwnRequest() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let receiver = try WebhookReceiver(in: workspace.directory.appendingPathComponent("receiver"), secret: nil)
        defer { receiver.stop() }
        try configure(workspace, webhook: receiver.url)
        let daemon = try workspace.startDaemon()
        defer { _ = daemon.terminate() }
        let socket = workspace.directory.appendingPathComponent("control.sock").path
        #expect(try await eventually { (try? RawClient.request(socket, "GET", "/v1/status").status) == 200 })
        _ = try RawClient.request(
            socket, "POST", "/v1/cases",
            body:
                #"{"client":{"name":"C"},"partner":{"name":"Fiscosoft","emails":["s@f.example"]},"subject":"s","verification":"v","owner":"joana"}"#
        )
        _ = try RawClient.request(socket, "POST", "/v1/cases/FU-1/refusal", body: #"{"note":"só com o cliente"}"#)
        let text = try RawClient.request(socket, "GET", "/v1/cases/FU-1/report?format=text").body
        let firstLines = text.split(separator: "\n").prefix(6).joined(separator: "\n")
        #expect(firstLines.contains("Fiscosoft") && firstLines.lowercased().contains("pediu"), "\(firstLines)")
        let json = try RawClient.request(socket, "GET", "/v1/cases/FU-1/report").body
        #expect(json.contains("\"reason\":\"partner_refused\""))
        #expect(json.contains("contact_partner_directly"))
    }

    @Test func aSensitiveCasesSecretsStayInTheDatabase() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let receiver = try WebhookReceiver(
            in: workspace.directory.appendingPathComponent("receiver"), secret: Self.secret)
        defer { receiver.stop() }
        try configure(workspace, webhook: receiver.url, reportToClient: "auto")
        let daemon = try workspace.startDaemon()
        defer { _ = daemon.terminate() }
        let socket = workspace.directory.appendingPathComponent("control.sock").path
        #expect(try await eventually { (try? RawClient.request(socket, "GET", "/v1/status").status) == 200 })
        let password = "Senha-Xy9#segredo-2026"
        let opened = try RawClient.request(
            socket, "POST", "/v1/cases",
            body: """
                {"client":{"name":"Contábil Silva","email":"contato@silva.example"},\
                "partner":{"name":"SIEG","emails":["suporte@sieg.example"]},"subject":"Acesso ao portal",\
                "verification":"Validar o certificado","owner":"joana","sensitive":["password","certificate"],\
                "send":true}
                """)
        #expect(opened.status == 201)
        _ = try RawClient.request(
            socket, "POST", "/v1/cases/FU-1/notes", body: "{\"note\":\"cliente passou a senha \(password)\"}")
        _ = try RawClient.request(
            socket, "POST", "/v1/cases/FU-1/returns", body: "{\"kind\":\"ack\",\"note\":\"recebido: \(password)\"}")
        let reportsFolder = workspace.directory.appendingPathComponent("reports/FU-1").path
        #expect(
            try await eventually(timeout: 60) {
                ((try? FileManager.default.contentsOfDirectory(atPath: reportsFolder)) ?? []).count == 8
            })
        #expect(
            try await eventually(timeout: 30) {
                try Self.spool(workspace).contains { ($0["to"] as? String)?.contains("contato@silva.example") == true }
            }, "report_to_client auto: the client is asked for another route")

        // Nowhere but the database: logs, report files, webhook bodies, mail.
        #expect(!daemon.stderr.contains(password), "not in the log")
        for file in try FileManager.default.contentsOfDirectory(atPath: reportsFolder) {
            let content = try String(contentsOfFile: reportsFolder + "/" + file, encoding: .utf8)
            #expect(!content.contains(password), "not in \(file)")
            if file.hasSuffix(".txt") && !file.contains(".client.") {
                #expect(content.contains("followupctl show FU-1"))
            }
        }
        let bodies = receiver.requests().compactMap { $0["body"] as? String }
        #expect(!bodies.isEmpty)
        #expect(bodies.allSatisfy { !$0.contains(password) }, "not in webhooks")
        let spool = try Self.spool(workspace)
        #expect(spool.allSatisfy { !($0["raw"] as? String ?? "").contains(password) }, "not in mail")
        // The client's mail ends with the OBS note for access data and certificate; the partner's does not.
        let toClient = try #require(spool.first { ($0["to"] as? String)?.contains("contato@silva.example") == true })
        let clientText = (toClient["text"] as? String ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(clientText.contains("OBS: Os dados de acesso serão utilizados apenas"), "\(clientText)")
        #expect(clientText.contains("certificado digital"))
        #expect(toClient["auto"] is NSNull)
        for mail in spool where (mail["to"] as? String)?.contains("sieg.example") == true {
            #expect(!(mail["text"] as? String ?? "").contains("OBS:"), "never on mail to partners")
        }
        // The technician still reads it.
        let shown = try RawClient.request(socket, "GET", "/v1/cases/FU-1").body
        #expect(shown.contains(password))
    }
}
