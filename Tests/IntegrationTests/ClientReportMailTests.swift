import Foundation
import Testing

/// The attempts report as each reader receives it, end to end through the real daemon with
/// `report_to_client: auto` (§4.4, issue 22): the client's mail carries the client's version
/// (notes, the desk's identity; no Message-ID, login name, id or internal note), the owner's
/// ready-to-send request the same, the leaders' mail the desk's. Mail is read back with Python's
/// `email` package; `reports.dir` gets both.
@Suite(.serialized) struct ClientReportMailTests {
    static let phoneNote = "Liguei para o suporte da SIEG; pediram para aguardar"
    static let returnNote = "Estão verificando a liberação do CNPJ"
    static let internalNote = "Cliente irritado: não prometer prazo"
    static let clientNote = "Cliente avisado de que seguimos aguardando a SIEG"
    static let messageID = "<pedido-42@mail.desk.example>"

    func configure(_ workspace: Workspace) throws {
        let login = ProcessInfo.processInfo.environment["USER"] ?? "root"
        let yaml = """
            storage:
              path: followupd.sqlite
            control:
              socket: control.sock
            policy:
              resend_after: 7s
              report_after: 8s
              owner_reminder_after: 0
              report_to_client: auto
            notifications:
              retry_initial: 1s
              retry_max: 2s
              timeout: 2s
            mail:
              from: "Suporte Domínio <suporte@desk.example>"
              maildir: outbox
            desk:
              company: Domínio Sistemas
              phone: "+55 11 4004-0000"
            leaders:
              - { name: Ana Lima, login: ana, email: lider@desk.example }
            owners:
              - { name: Joana Prado, login: \(login), email: joana@desk.example, leader: Ana Lima, phone_number: "+55 11 4004-0012" }
            reports:
              dir: reports
            log:
              target: stderr
              level: debug
            """
        try yaml.write(toFile: workspace.configPath, atomically: true, encoding: .utf8)
    }

    /// Every message of the spool with its attachments' names and texts, read by Python's `email`.
    static func spool(_ workspace: Workspace) throws -> [[String: Any]] {
        let folder = workspace.directory.appendingPathComponent("outbox/new").path
        let output = try PythonCheck.run(
            """
            import email, email.policy, os, sys, json
            out = []
            folder = sys.argv[1]
            for name in sorted(os.listdir(folder)) if os.path.isdir(folder) else []:
                with open(os.path.join(sys.argv[1], name), 'rb') as f:
                    m = email.message_from_bytes(f.read(), policy=email.policy.default)
                body = m.get_body(preferencelist=('plain',))
                files = {p.get_filename(): p.get_content() for p in m.iter_attachments()}
                out.append({"to": str(m["to"]), "subject": str(m["subject"]),
                            "text": body.get_content() if body else "", "files": files})
            print(json.dumps(out))
            """, arguments: [folder])
        return try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [[String: Any]] ?? []
    }

    @Test func theClientReadsTheClientsReportAndTheLeadersTheDesks() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        try configure(workspace)
        let daemon = try workspace.startDaemon()
        defer { _ = daemon.terminate() }
        let socket = workspace.directory.appendingPathComponent("control.sock").path
        #expect(try await eventually { (try? RawClient.request(socket, "GET", "/v1/status").status) == 200 })
        let login = ProcessInfo.processInfo.environment["USER"] ?? "root"

        let opened = try RawClient.request(
            socket, "POST", "/v1/cases",
            body: """
                {"client":{"name":"Padaria Pão Quente","email":"dono@paoquente.example","ticket":"SSC-4821"},\
                "partner":{"name":"SIEG","emails":["suporte@sieg.example"]},"subject":"NF-e não baixadas",\
                "verification":"Liberar o CNPJ do cliente na integração SIEG","message_id":"\(Self.messageID)"}
                """)
        #expect(opened.status == 201, "\(opened.body)")
        let steps = [
            ("/v1/cases/FU-1/contacts", #"{"channel":"phone","note":"\#(Self.phoneNote)"}"#),
            ("/v1/cases/FU-1/returns", #"{"kind":"ack","note":"\#(Self.returnNote)"}"#),
            ("/v1/cases/FU-1/notes", #"{"note":"\#(Self.internalNote)","internal":true}"#),
            ("/v1/cases/FU-1/notes", #"{"note":"\#(Self.clientNote)"}"#),
        ]
        for (path, body) in steps {
            let answer = try RawClient.request(socket, "POST", path, body: body)
            #expect(answer.status == 200 || answer.status == 201, "\(path): \(answer.status) \(answer.body)")
        }

        // The report at its deadline, mailed to the client, the owner and the leader.
        func mail(to address: String, in spool: [[String: Any]]) -> [String: Any]? {
            // The whole address: joana@… also ends with ana@….
            spool.first {
                let to = ($0["to"] as? String) ?? ""
                return (to == address || to.hasSuffix("<\(address)>"))
                    && !(($0["files"] as? [String: Any]) ?? [:]).isEmpty
            }
        }
        #expect(
            try await eventually(timeout: 60) {
                let spool = try Self.spool(workspace)
                return ["dono@paoquente.example", "joana@desk.example", "lider@desk.example"].allSatisfy {
                    mail(to: $0, in: spool) != nil
                }
            }, "the report mailed to the client, the owner and the leader")
        let spool = try Self.spool(workspace)
        let toClient = try #require(mail(to: "dono@paoquente.example", in: spool))
        let toOwner = try #require(mail(to: "joana@desk.example", in: spool))
        let toLeader = try #require(mail(to: "lider@desk.example", in: spool))

        // The client's version: what was said, who the desk is; none of the desk's internals.
        let clientFiles = try #require(toClient["files"] as? [String: String])
        #expect(Set(clientFiles.keys) == ["relatorio-FU-1.html", "relatorio-FU-1.txt"])
        for (name, content) in clientFiles {
            for expected in [
                Self.phoneNote, Self.returnNote, Self.clientNote, "Domínio Sistemas", "Joana Prado",
                "joana@desk.example", "+55 11 4004-0012", "Liberar o CNPJ do cliente na integração SIEG",
            ] {
                #expect(content.contains(expected), "\(name) lacks \(expected)")
            }
            #expect(!content.contains(Self.internalNote), "\(name): the internal note reached the client")
            #expect(!content.contains("pedido-42@mail.desk.example"), "\(name): a Message-ID")
            #expect(
                content.range(of: #"(?<![\w.@])\#(login)(?![\w@])"#, options: .regularExpression) == nil,
                "\(name): the login name \(login)")
            #expect(!content.contains("FU-1") && !content.contains("followupd"), "\(name): an internal id")
        }
        // The owner's ready-to-send request carries the client's version too.
        #expect((toOwner["text"] as? String)?.contains("Mensagem pronta para o cliente") == true)
        #expect(Set((toOwner["files"] as? [String: String] ?? [:]).keys) == Set(clientFiles.keys))
        #expect((toOwner["files"] as? [String: String])?["relatorio-FU-1.txt"] == clientFiles["relatorio-FU-1.txt"])

        // The leaders' mail: the desk's version, every detail and every note.
        let leaderFiles = try #require(toLeader["files"] as? [String: String])
        let deskText = try #require(
            leaderFiles.first { $0.key.hasSuffix("-equipe.txt") }?.value,
            "\(spool.map { ($0["to"] ?? "", $0["subject"] ?? "", ($0["files"] as? [String: Any])?.keys.sorted() ?? []) })"
        )
        for expected in [
            Self.phoneNote, Self.returnNote, Self.clientNote, Self.internalNote, "pedido-42@mail.desk.example", "FU-1",
        ] {
            #expect(deskText.contains(expected), "the desk's report lacks \(expected)")
        }
        #expect(!(toLeader["text"] as? String ?? "").contains("Mensagem pronta para o cliente"))

        // Both versions under reports.dir; the API gives the client's unless asked for the desk's.
        let folder = workspace.directory.appendingPathComponent("reports/FU-1").path
        let files = try FileManager.default.contentsOfDirectory(atPath: folder).filter { !$0.hasPrefix(".") }
        #expect(files.count == 8, "\(files)")
        let served = try RawClient.request(socket, "GET", "/v1/cases/FU-1/report?format=text").body
        #expect(served == clientFiles["relatorio-FU-1.txt"])
        let desk = try RawClient.request(socket, "GET", "/v1/cases/FU-1/report?format=text&audience=desk").body
        #expect(desk == deskText)
    }
}
