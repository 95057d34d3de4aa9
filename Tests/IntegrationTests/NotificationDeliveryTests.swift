import FollowupTestSupport
import Foundation
import Testing

/// Notifications end to end (§4.1, §6.6, §6.7): the real daemon, a real HTTP receiver that
/// checks every signature with the `standardwebhooks` package, and the mail spool read back
/// with Python's `email` package.
@Suite(.serialized) struct NotificationDeliveryTests {
    static let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

    func configure(_ workspace: Workspace, webhook url: String, ackWithin: String = "1h") throws {
        let yaml = """
            storage:
              path: followupd.sqlite
            control:
              socket: control.sock
            policy:
              resend_after: 1h
              max_resends: 1
              report_after: 3h
              owner_reminder_after: 0
              ack_within: \(ackWithin)
            notifications:
              max_attempts: 4
              retry_initial: 1s
              retry_max: 2s
              timeout: 2s
              digest_threshold: 50
              max_reminders: 1
            mail:
              from: "Suporte <suporte@desk.example>"
              maildir: outbox
            webhooks:
              hook: { url: "\(url)", format: standard, secret: "\(Self.secret)" }
            leaders:
              - { name: Ana, email: ana@desk.example, webhooks: [hook], ops: true }
            owners:
              - { name: joana, email: joana@desk.example, leader: Ana }
            reports:
              locale: pt-BR
            log:
              target: stderr
              level: info
            """
        try yaml.write(toFile: workspace.configPath, atomically: true, encoding: .utf8)
    }

    static func socket(_ workspace: Workspace) -> String {
        workspace.directory.appendingPathComponent("control.sock").path
    }

    static func json(_ socket: String, _ method: String, _ path: String, body: String? = nil) throws -> [String: Any] {
        let answer = try RawClient.request(socket, method, path, body: body)
        return (try? JSONSerialization.jsonObject(with: Data(answer.body.utf8)) as? [String: Any]) ?? [:]
    }

    static func notifications(_ socket: String) throws -> [[String: Any]] {
        try json(socket, "GET", "/v1/notifications")["notifications"] as? [[String: Any]] ?? []
    }

    static func openCase(_ socket: String, _ n: Int, deadline: Bool) throws {
        let due = deadline ? #","deadline":"2030-01-01T12:00:00Z""# : ""
        let answer = try RawClient.request(
            socket, "POST", "/v1/cases",
            body: """
                {"client":{"name":"Cliente \(n)"},"partner":{"name":"SIEG","emails":["suporte@sieg.example"]},\
                "subject":"Nota fiscal \(n)","verification":"Verificar a rejeição","owner":"joana"\(due)}
                """)
        #expect(answer.status == 201, "\(answer.body)")
    }

    /// An endpoint answering `Retry-After: 99999999999999999999` (or a century) is tried again
    /// after `retry_max` at most, and the outbox listing keeps answering (§6.6).
    @Test(arguments: ["99999999999999999999", "3153600000"])
    func anAbsurdRetryAfterIsHonouredUpToRetryMax(retryAfter: String) async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let receiver = try WebhookReceiver(
            in: workspace.directory.appendingPathComponent("receiver"), secret: Self.secret,
            answers: ["503 retry-after=\(retryAfter)"])
        defer { receiver.stop() }
        try configure(workspace, webhook: receiver.url)
        let daemon = try workspace.startDaemon()
        defer { _ = daemon.terminate() }
        let socket = Self.socket(workspace)
        #expect(try await eventually { (try? RawClient.request(socket, "GET", "/v1/status").status) == 200 })

        try Self.openCase(socket, 1, deadline: true)
        #expect(try await eventually(timeout: 20) { receiver.requests().count >= 1 })
        let listing = try RawClient.request(socket, "GET", "/v1/notifications")
        #expect(listing.status == 200, "\(listing.body)")
        let ctl = FollowupctlProcess(workspace)
        let outbox = try ctl("outbox")
        #expect(outbox.status == 0, "\(outbox.stderr)")
        // retry_max is 2 s: the second attempt comes soon and is delivered.
        #expect(
            try await eventually(timeout: 20) { !receiver.delivered().isEmpty },
            "\((try? Self.notifications(socket)) ?? [])")
        #expect(daemon.process.isRunning, "\(daemon.stderr)")
        #expect(try RawClient.request(socket, "GET", "/v1/notifications").status == 200)
    }

    @Test func everyNotificationArrivesSignedRetriedUnderItsIDAndMailIsSpooled() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let receiver = try WebhookReceiver(
            in: workspace.directory.appendingPathComponent("receiver"), secret: Self.secret,
            answers: ["500", "429 retry-after=1"])
        defer { receiver.stop() }
        try configure(workspace, webhook: receiver.url, ackWithin: "2s")
        let daemon = try workspace.startDaemon()
        defer { _ = daemon.terminate() }
        let socket = Self.socket(workspace)
        #expect(try await eventually { (try? RawClient.request(socket, "GET", "/v1/status").status) == 200 })

        // A deadline asks the leader for priority (needs acknowledgement); a refusal issues the
        // report at once (leader and owner).
        try Self.openCase(socket, 1, deadline: true)
        let refused = try RawClient.request(
            socket, "POST", "/v1/cases/FU-1/refusal", body: #"{"note":"Pediu contato direto com o cliente"}"#)
        #expect(refused.status == 200)

        // Unacknowledged past ack_within (2 s): sent again to all leaders.
        #expect(
            try await eventually(timeout: 30) {
                receiver.requests().contains {
                    ($0["body"] as? String)?.contains("notification.unacknowledged") == true
                }
            })
        let all = try Self.notifications(socket)
        let priority = try #require(all.first { $0["event"] as? String == "case.priority_requested" })
        let ackID = try #require(priority["acknowledge"] as? String)
        let acked = try Self.json(socket, "POST", "/v1/notifications/\(ackID)/ack")
        #expect(acked["acknowledged_by"] as? String == NSUserName())
        let timeline = try Self.json(socket, "GET", "/v1/cases/FU-1")["events"] as? [[String: Any]] ?? []
        #expect(timeline.contains { $0["kind"] as? String == "acknowledged" })

        #expect(
            try await eventually(timeout: 30) {
                try Self.notifications(socket).allSatisfy { $0["state"] as? String == "delivered" }
            }, "every notification delivered: \((try? Self.notifications(socket)) ?? [])")
        let rows = try Self.notifications(socket)
        let webhookIDs = Set(rows.filter { $0["channel"] as? String == "webhook" }.compactMap { $0["id"] as? String })
        #expect(webhookIDs.count >= 3, "priority request, refusal, reminder")
        let requests = receiver.requests()
        #expect(requests.allSatisfy { $0["verified"] as? Bool == true }, "every signature checks out")
        #expect(Set(requests.compactMap { $0["webhook_id"] as? String }) == webhookIDs, "no id but the outbox's")
        #expect(Set(receiver.delivered()) == webhookIDs)
        #expect(requests.count == receiver.delivered().count + 2, "the 500 and the 429 were retried under their id")
        let retried = try rows.filter { $0["channel"] as? String == "webhook" }.flatMap { row in
            try Self.json(socket, "GET", "/v1/notifications/\(row["id"] as? String ?? "")")["history"]
                as? [[String: Any]] ?? []
        }
        #expect(
            retried.filter { $0["result"] as? String == "retry" }.compactMap { $0["http_status"] as? Int }.sorted() == [
                429, 500,
            ])

        // The desk's mail: one file per mail notification, named after its id, read by Python.
        let mailIDs = rows.filter { $0["channel"] as? String == "mail" }.compactMap { $0["id"] as? String }
        let spool = workspace.directory.appendingPathComponent("outbox/new").path
        let files = Set(try FileManager.default.contentsOfDirectory(atPath: spool))
        #expect(files == Set(mailIDs))
        let check = try PythonCheck.run(
            """
            import email, email.policy, os, sys, json
            spool = sys.argv[1]
            out = []
            for name in sorted(os.listdir(spool)):
                with open(os.path.join(spool, name), 'rb') as f:
                    m = email.message_from_bytes(f.read(), policy=email.policy.default)
                parts = [p.get_content_type() for p in m.walk()]
                out.append({"name": name, "subject": str(m["subject"]), "auto": m["auto-submitted"],
                            "id": m["message-id"], "to": str(m["to"]), "parts": parts,
                            "files": [p.get_filename() for p in m.iter_attachments()]})
            print(json.dumps(out))
            """, arguments: [spool])
        let messages = try #require(try JSONSerialization.jsonObject(with: Data(check.utf8)) as? [[String: Any]])
        #expect(messages.count == mailIDs.count)
        for message in messages {
            let name = message["name"] as? String ?? ""
            #expect((message["subject"] as? String)?.hasPrefix("[FU-1]") == true, "\(message)")
            #expect(message["auto"] as? String == "auto-generated", "desk mail is automatic")
            #expect((message["id"] as? String)?.contains(name) == true, "the Message-ID carries the id")
            #expect((message["parts"] as? [String])?.contains("text/html") == true)
        }
        #expect(
            messages.contains {
                ($0["subject"] as? String)?.contains("Relatório") == true
                    || ($0["subject"] as? String)?.contains("recusou") == true
            },
            "Portuguese subjects decoded: \(messages.map { $0["subject"] ?? "" })")
        #expect(
            messages.contains { ($0["files"] as? [String])?.contains { $0.hasPrefix("relatorio-FU-1") } == true },
            "the report attached to the leaders' mail")
    }

    @Test func receiverDownThenBackAndAKillDashNineLoseNothingAndKeepEachCasesOrder() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let receiverFolder = workspace.directory.appendingPathComponent("receiver")
        // Learn a free port, then close it: the endpoint is down.
        let probe = try WebhookReceiver(in: receiverFolder, secret: Self.secret)
        let port = probe.port
        probe.stop()
        try configure(workspace, webhook: "http://127.0.0.1:\(port)/hook")
        var daemon = try workspace.startDaemon()
        let socket = Self.socket(workspace)
        #expect(try await eventually { (try? RawClient.request(socket, "GET", "/v1/status").status) == 200 })
        for n in 1...8 {
            try Self.openCase(socket, n, deadline: true)
            _ = try RawClient.request(socket, "POST", "/v1/cases/FU-\(n)/refusal", body: #"{"note":"recusou"}"#)
        }
        #expect(
            try await eventually(timeout: 30) {
                try Self.notifications(socket).contains { ($0["attempts"] as? Int ?? 0) >= 1 }
            }, "deliveries are being retried while the endpoint is down")
        daemon.kill9()

        let receiver = try WebhookReceiver(in: receiverFolder, secret: Self.secret, port: port)
        defer { receiver.stop() }
        daemon = try workspace.startDaemon()
        defer { _ = daemon.terminate() }
        #expect(try await eventually { (try? RawClient.request(socket, "GET", "/v1/status").status) == 200 })
        #expect(
            try await eventually(timeout: 60) {
                try Self.notifications(socket).allSatisfy { $0["state"] as? String == "delivered" }
            })
        let rows = try Self.notifications(socket).filter { $0["channel"] as? String == "webhook" }
        #expect(rows.count == 16, "a priority request and a refusal per case")
        let delivered = receiver.delivered()
        #expect(Set(delivered) == Set(rows.compactMap { $0["id"] as? String }), "every notification arrived")
        #expect(receiver.requests().allSatisfy { $0["verified"] as? Bool == true })
        // In order per case: the priority request before the refusal.
        for n in 1...8 {
            let ofCase = rows.filter { $0["case"] as? String == "FU-\(n)" }
            let first = ofCase.first { $0["event"] as? String == "case.priority_requested" }?["id"] as? String
            let second = ofCase.first { $0["event"] as? String == "case.partner_refused" }?["id"] as? String
            let firstAt = delivered.firstIndex { $0 == first }
            let secondAt = delivered.firstIndex { $0 == second }
            #expect(firstAt != nil && secondAt != nil && firstAt! < secondAt!, "FU-\(n) in order")
        }
    }

    @Test func aGoneEndpointFailsVisiblyAndIsQueuedAgainByHand() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let receiver = try WebhookReceiver(
            in: workspace.directory.appendingPathComponent("receiver"), secret: Self.secret, answers: ["410"])
        defer { receiver.stop() }
        try configure(workspace, webhook: receiver.url)
        let daemon = try workspace.startDaemon()
        defer { _ = daemon.terminate() }
        let socket = Self.socket(workspace)
        #expect(try await eventually { (try? RawClient.request(socket, "GET", "/v1/status").status) == 200 })
        try Self.openCase(socket, 1, deadline: true)

        func failedRows() throws -> [[String: Any]] {
            try Self.json(socket, "GET", "/v1/notifications?state=failed")["notifications"] as? [[String: Any]] ?? []
        }
        #expect(try await eventually(timeout: 30) { try !failedRows().isEmpty })
        let failed = try #require(try failedRows().first)
        let id = try #require(failed["id"] as? String)
        #expect(failed["attempts"] as? Int == 1, "410: no retry")
        #expect((failed["last_error"] as? String)?.contains("410") == true)
        let status = try RawClient.request(socket, "GET", "/v1/status").body
        #expect(status.contains("\"failed\":1"), "\(status)")
        #expect(try await eventually { daemon.stderr.contains("notification gave up") })
        // Ops (Ana, ops: true) are told, by webhook and mail.
        #expect(
            try await eventually(timeout: 30) {
                try Self.notifications(socket).filter { $0["event"] as? String == "notification.failed" }
                    .allSatisfy { $0["state"] as? String == "delivered" }
                    && (try Self.notifications(socket).contains { $0["event"] as? String == "notification.failed" })
            })

        let retried = try RawClient.request(socket, "POST", "/v1/notifications/\(id)/retry")
        #expect(retried.status == 200)
        let again = try RawClient.request(socket, "POST", "/v1/notifications/\(id)/retry")
        #expect(again.status == 409, "only a failed notification is queued again")
        #expect(
            try await eventually(timeout: 30) {
                try Self.json(socket, "GET", "/v1/notifications/\(id)")["state"] as? String == "delivered"
            })
        #expect(receiver.delivered().contains(id), "delivered under the same id")
        #expect(try RawClient.request(socket, "POST", "/v1/notifications/nope/ack").status == 404)
    }
}

/// Runs a Python program (an independent reader of what we wrote) and returns its output.
enum PythonCheck {
    static func run(_ program: String, arguments: [String] = []) throws -> String {
        let outcome = try PythonProgram.runBlocking(program, arguments)
        try #require(outcome.status == 0, "python3 failed: \(outcome.stderr)")
        return outcome.text
    }
}
