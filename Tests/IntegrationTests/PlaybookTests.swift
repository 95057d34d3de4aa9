import FollowupAPI
import FollowupCore
import Foundation
import Testing

/// The rest of the desk's playbook (§5 rules 1, 3, 4, 5, 6, 7), walked through `followupctl`
/// against the running daemon as technicians and leaders do, refusals included.
@Suite(.serialized) struct PlaybookTests {
    func withDaemon(_ body: (Workspace, FollowupctlProcess) async throws -> Void) async throws {
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
              cancellation_contact_within: 1s
              ack_within: 2s
            notifications:
              retry_initial: 1s
              retry_max: 2s
              timeout: 2s
              max_reminders: 2
            mail:
              from: "Suporte <suporte@desk.example>"
              maildir: outbox
            leaders:
              - { name: Ana, email: ana@desk.example }
            owners:
              - { name: joana, email: joana@desk.example, leader: Ana }
              - { name: carlos, email: carlos@desk.example, leader: Ana }
            log:
              target: stderr
              level: info
            """
        try yaml.write(toFile: workspace.configPath, atomically: true, encoding: .utf8)
        let daemon = try workspace.startDaemon()
        defer { _ = daemon.terminate() }
        let ctl = FollowupctlProcess(workspace)
        try #require(try await ctl.waitForDaemon(), "followupd did not answer: \(daemon.stderr)")
        try await body(workspace, ctl)
    }

    static func outbox(_ ctl: FollowupctlProcess) throws -> [NotificationJSON] {
        let run = try ctl("--json", "outbox")
        return (try? APICoding.decoder().decode(NotificationList.self, from: Data(run.stdout.utf8)).notifications) ?? []
    }

    @Test func aCancellationNeedsTheClientContactAndTheRealReason() async throws {
        try await withDaemon { _, ctl in
            let opened = try ctl(
                "cancellation", "open", "--client", "Contábil Alfa", "--ticket", "SSC-77", "--owner", "joana")
            #expect(opened.status == 0, "\(opened.stderr)")
            let id = opened.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(id == "FU-1")
            #expect(
                try await eventually(timeout: 20) {
                    try Self.outbox(ctl).contains {
                        $0.event == "cancellation.reminder" && $0.recipient == "joana@desk.example"
                    }
                }, "the owner is reminded until the contact is recorded")

            let early = try ctl("cancellation", "close", id, "--reason", "price", "--text", "achou caro")
            #expect(early.status == 1)
            #expect(early.stderr.contains("record the contact with the client first"), "\(early.stderr)")
            let plain = try ctl("close", id, "--resolution", "cancelado")
            #expect(plain.status == 1)
            #expect(plain.stderr.contains("real reason"), "\(plain.stderr)")

            #expect(try ctl("cancellation", "contact", id, "--summary", "liguei; contratou outro sistema").status == 0)
            let reminders = try Self.outbox(ctl).filter { $0.event == "cancellation.reminder" }.count
            let noSystem = try ctl("cancellation", "close", id, "--reason", "partner_system", "--text", "x")
            #expect(noSystem.status == 64, "the partner system is required with partner_system")
            let closed = try ctl(
                "cancellation", "close", id, "--reason", "partner_system", "--partner-system", "SIEG", "--text",
                "migrou para o SIEG pelo preço")
            #expect(closed.status == 0, "\(closed.stderr)")
            #expect(closed.stdout.contains("ANÁLISE TÉCNICA — CANCELAMENTO FU-1"))
            #expect(closed.stdout.contains("Motivo real: contratou sistema parceiro (SIEG)"))
            #expect(closed.stdout.contains("Como foi o contato: liguei; contratou outro sistema"))
            #expect(try ctl.show(id).state == .closed)
            // The same block, later, for the ticket.
            let forTicket = try ctl("report", id, "--for-ticket")
            #expect(forTicket.status == 0, "\(forTicket.stderr)")
            #expect(forTicket.stdout == closed.stdout)

            let counts = try ctl("cancellations", "--since", "2020-01-01")
            #expect(counts.stdout.contains("1 cancellation(s) closed"))
            #expect(counts.stdout.contains("partner_system: 1"))
            #expect(counts.stdout.contains("SIEG: 1"))
            try await Task.sleep(for: .seconds(2))
            #expect(
                try Self.outbox(ctl).filter { $0.event == "cancellation.reminder" }.count == reminders,
                "no reminder after the contact")
        }
    }

    @Test func urgentEscalationReachesTheLeadersAndIsAcknowledged() async throws {
        try await withDaemon { _, ctl in
            let sent = try ctl(
                "escalate", "--service", "Busca NF-e não iniciou", "--client", "Mercado Sol", "--note", "cliente parado"
            )
            #expect(sent.status == 0, "\(sent.stderr)")
            let rows = try Self.outbox(ctl).filter { $0.event == "escalation.urgent" }
            #expect(rows.map(\.recipient) == ["ana@desk.example"])
            #expect(rows.allSatisfy { $0.needsAck })
            let ackID = try #require(rows.first?.acknowledge)
            #expect(sent.stdout.contains("followupctl ack \(ackID)"))
            let acked = try ctl("ack", ackID)
            #expect(acked.status == 0)
            #expect(acked.stdout.contains("acknowledged by"))
        }
    }

    @Test func theWorkOrderAndWhoMayTakeNewWork() async throws {
        try await withDaemon { _, ctl in
            for _ in 1...3 {
                let id = try ctl.open()
                #expect(try ctl("reply", id, "--kind", "info", "--note", "segue a informação").status == 0)
            }
            func order() throws -> [String] {
                let run = try ctl("--json", "queue", "--owner", "joana")
                return try APICoding.decoder().decode(QueueJSON.self, from: Data(run.stdout.utf8)).items.map(\.case)
            }
            #expect(try order() == ["FU-1", "FU-2", "FU-3"], "oldest first")
            #expect(try ctl("flag", "FU-3", "client-contacted").status == 0)
            #expect(try order() == ["FU-3", "FU-1", "FU-2"], "the client got in touch")
            #expect(try ctl("flag", "FU-2", "urgent").status == 0)
            #expect(try order() == ["FU-2", "FU-3", "FU-1"], "urgent first")
            let table = try ctl("queue", "--owner", "joana").stdout
            #expect(table.contains("urgent"), "the reason to skip is shown")
            let skips = try APICoding.decoder().decode(
                QueueJSON.self, from: Data(try ctl("--json", "queue", "--owner", "joana").stdout.utf8)
            ).items.map(\.skip)
            #expect(skips == ["urgent", "client_contacted", nil])

            let busy = try ctl("can-take", "--owner", "joana")
            #expect(busy.status == 1)
            #expect(busy.stdout.contains("FU-1") && busy.stdout.contains("FU-2") && busy.stdout.contains("FU-3"))
            let free = try ctl("can-take", "--owner", "carlos")
            #expect(free.status == 0, "\(free.stdout)")

            // A cancellation without the client contact is pending too; a waiting partner is not.
            _ = try ctl("cancellation", "open", "--client", "Beta", "--owner", "carlos")
            #expect(try ctl("can-take", "--owner", "carlos").status == 1)
            _ = try ctl.open(client: "Gama")
            let carlosQueue = try ctl("--json", "queue", "--owner", "carlos")
            #expect(!carlosQueue.stdout.contains("Gama"))
        }
    }

    @Test func aHandoffTellsTheClientAndWaitsForTheLeader() async throws {
        try await withDaemon { workspace, ctl in
            let run = try ctl(
                "handoff", "--client", "Padaria Pão Quente", "--partner", "SIEG", "--client-email",
                "contato@padaria.example", "--ticket", "SSC-9", "--note", "ajustado o XML no produto SIEG",
                "--owner", "joana")
            #expect(run.status == 0, "\(run.stderr)")
            #expect(run.stdout.hasPrefix("FU-1"))
            let pending = try ctl("can-take", "--owner", "joana")
            #expect(pending.status == 1 && pending.stdout.contains("FU-1"))
            #expect(
                try await eventually(timeout: 20) {
                    let spool = workspace.directory.appendingPathComponent("outbox/new").path
                    return ((try? FileManager.default.contentsOfDirectory(atPath: spool)) ?? []).contains { name in
                        let text = (try? String(contentsOfFile: spool + "/" + name, encoding: .utf8)) ?? ""
                        return text.contains("contato@padaria.example")
                    }
                }, "the client is told by mail")
            let request = try #require(
                try Self.outbox(ctl).first { $0.event == "handoff.created" && $0.needsAck })
            #expect(request.recipient == "ana@desk.example")
            #expect(
                try await eventually(timeout: 20) {
                    try Self.outbox(ctl).contains { $0.event == "handoff.reminder" }
                }, "the leader is reminded until she acknowledges")
            #expect(try ctl("ack", request.acknowledge ?? request.id).status == 0)
            #expect(try ctl.show("FU-1").state == .closed)
            #expect(try ctl("can-take", "--owner", "joana").status == 0)
        }
    }

    @Test func noticesAreAcknowledgedByEachTechnicianAndTheMissingAreReminded() async throws {
        try await withDaemon { _, ctl in
            let posted = try ctl("notice", "post", "--title", "Nova versão", "--text", "Atualizar o Domínio WEB hoje")
            #expect(posted.status == 0, "\(posted.stderr)")
            let id = try #require(posted.stdout.split(separator: ":").first.map(String.init))
            var shown = try ctl("notice", "show", id).stdout
            #expect(shown.contains("NOT SEEN  joana") && shown.contains("NOT SEEN  carlos"))
            let acked = try ctl("notice", "ack", id, "--owner", "joana")
            #expect(acked.status == 0)
            #expect(acked.stdout.contains("still missing: carlos"))
            shown = try ctl("notice", "show", id).stdout
            #expect(shown.contains("seen      joana") && shown.contains("NOT SEEN  carlos"))
            #expect(
                try await eventually(timeout: 20) {
                    try Self.outbox(ctl).contains {
                        $0.event == "notice.reminder" && $0.recipient == "carlos@desk.example"
                    }
                })
            #expect(
                !(try Self.outbox(ctl).contains {
                    $0.event == "notice.reminder" && $0.recipient == "joana@desk.example"
                }))
            let stranger = try ctl("notice", "ack", id, "--owner", "zeca")
            #expect(stranger.status == 1 && stranger.stderr.contains("not one of the technicians"))
        }
    }

    @Test func thePremiumSiteRuleOnItsBoundary() async throws {
        try await withDaemon { _, ctl in
            let last = try ctl("entitlement", "premium-site", "--contracted-on", "2021-12-31")
            #expect(last.status == 0)
            #expect(last.stdout.hasPrefix("yes"))
            let first = try ctl("entitlement", "premium-site", "--contracted-on", "2022-01-01")
            #expect(first.status == 1)
            #expect(first.stdout.hasPrefix("no") && first.stdout.contains("2022"))
            #expect(try ctl("entitlement", "premium-site", "--contracted-on", "31/12/2021").status == 64)
        }
    }
}
