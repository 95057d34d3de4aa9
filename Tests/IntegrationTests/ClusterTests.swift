import FollowupAPI
import FollowupCore
import FollowupTestSupport
import Foundation
import Testing

/// Several `followupd` nodes on one PostgreSQL database (§7): each stage carried out once
/// across the nodes, a node killed in the middle of a storm leaving nothing undone, every
/// notification delivered under one id, and the database unreachable for a while.
@Suite(.serialized) struct ClusterTests {
    static let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

    /// One node: its own folder and control socket, the shared database.
    struct Node {
        let workspace: Workspace
        var daemon: DaemonProcess
        var socket: String { workspace.directory.appendingPathComponent("control.sock").path }
    }

    func withCluster(
        nodes count: Int, webhook: String, _ body: (String, PostgresTestCluster, inout [Node]) async throws -> Void
    ) async throws {
        let cluster = try PostgresTestCluster.require { reason in try Test.cancel(Comment(rawValue: reason)) }
        let database = try cluster.createDatabase()
        defer { cluster.dropDatabase(database.name) }
        var nodes: [Node] = []
        defer {
            for node in nodes {
                _ = node.daemon.terminate()
                node.workspace.remove()
            }
        }
        for n in 1...count {
            let workspace = try Workspace()
            let yaml = """
                storage:
                  url: "\(database.url)"
                control:
                  socket: control.sock
                policy:
                  resend_after: 5s
                  max_resends: 1
                  report_after: 9s
                  owner_reminder_after: 0
                notifications:
                  retry_initial: 1s
                  retry_max: 2s
                  timeout: 3s
                  digest_threshold: 100000
                mail:
                  from: "Suporte <suporte@desk.example>"
                  maildir: outbox
                webhooks:
                  hook: { url: "\(webhook)", format: standard, secret: "\(Self.secret)" }
                leaders:
                  - { name: Ana, webhooks: [hook] }
                owners:
                  - { name: joana, leader: Ana }
                log:
                  target: stderr
                  level: info
                """
            try yaml.write(toFile: workspace.configPath, atomically: true, encoding: .utf8)
            // Each node its own id, as two nodes on one host need.
            let daemon = try DaemonProcess(
                arguments: ["--config", workspace.configPath], directory: workspace.directory,
                environment: ["FOLLOWUPD_NODE_ID": "node-\(n)"])
            nodes.append(Node(workspace: workspace, daemon: daemon))
        }
        for node in nodes {
            let socket = node.socket
            let ready = try await eventually(timeout: 60) {
                (try? RawClient.request(socket, "GET", "/v1/status").status) == 200
            }
            try #require(ready, "node did not answer: \(node.daemon.stderr)")
        }
        try await body(database.name, cluster, &nodes)
    }

    /// `GET /v1/status`, asked again (for up to 30 s) while a busy node answers 503.
    static func status(_ socket: String) throws -> StatusJSON {
        var last: (any Error)?
        for _ in 0..<60 {
            let answer = try RawClient.request(socket, "GET", "/v1/status")
            do {
                return try APICoding.decoder().decode(StatusJSON.self, from: Data(answer.body.utf8))
            } catch {
                last = error
                Thread.sleep(forTimeInterval: 0.5)
            }
        }
        throw last ?? CocoaError(.coderReadCorrupt)
    }

    static func open(_ socket: String, _ n: Int, sentAt: String) throws -> Int {
        try RawClient.request(
            socket, "POST", "/v1/cases",
            body: """
                {"client":{"name":"Cliente \(n)"},"partner":{"name":"SIEG","emails":["suporte@sieg.example"]},\
                "subject":"Nota \(n)","verification":"Verificar","owner":"joana","sent_at":"\(sentAt)"}
                """
        ).status
    }

    @Test func threeNodesCarryOutAStormOnceEvenWhenOneIsKilled() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("recv-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let receiver = try WebhookReceiver(in: folder, secret: Self.secret)
        defer { receiver.stop() }
        try await withCluster(nodes: 3, webhook: receiver.url) { _, _, nodes in
            let total = 300
            // Every case sent at the same instant: the resends all come due at once.
            let sentAt = Timestamp.format(Date())
            for n in 1...total {
                let status = try Self.open(nodes[n % 3].socket, n, sentAt: sentAt)
                try #require(status == 201)
            }
            // Any node shows the whole cluster, with the live nodes.
            let seen = try Self.status(nodes[1].socket)
            #expect(seen.openCases == total)
            #expect(seen.storage.engine == "postgresql")
            #expect(!seen.storage.location.contains("password"))
            // Kill one node as the resends begin.
            let socket = nodes[0].socket
            _ = try await eventually(timeout: 20, every: .milliseconds(20)) {
                (try Self.status(socket).stages["resend"] ?? 0) > 0
            }
            nodes[1].daemon.kill9()
            #expect(
                try await eventually(timeout: 60) {
                    let stages = try Self.status(socket).stages
                    return stages["resend"] == total && stages["report"] == total
                }, "every resend and report carried out: \((try? Self.status(socket).stages) ?? [:])")
            let final = try Self.status(socket)
            #expect(final.stages["resend"] == total, "once each")
            #expect(final.stages["report"] == total, "once each")
            #expect((final.nodes ?? []).count >= 2, "the nodes seen alive: \(final.nodes ?? [])")

            // Every case's two stages exactly once on its timeline.
            // Read in one `followupctl list`, as a person would (it follows the daemon's pages).
            let listed = try FollowupctlProcess(nodes[0].workspace)("--json", "list")
            #expect(listed.status == 0, "\(listed.stderr)")
            let ids = try APICoding.decoder().decode(CaseList.self, from: Data(listed.stdout.utf8)).cases.map(\.id)
            #expect(ids.count == total)
            for id in ids.prefix(30) {
                let shown = try APICoding.decoder().decode(
                    CaseJSON.self, from: Data(try RawClient.request(socket, "GET", "/v1/cases/\(id)").body.utf8))
                #expect(shown.events?.filter { $0.kind == .resent }.count == 1, "\(id)")
                #expect(shown.events?.filter { $0.kind == .reportGenerated }.count == 1, "\(id)")
            }
            // The leader's webhook gets each report notification, only ever under its own id.
            #expect(
                try await eventually(timeout: 60) {
                    Set(receiver.delivered()).count >= total
                })
            let delivered = receiver.delivered()
            #expect(Set(delivered).count == total, "one notification per report")
            #expect(receiver.requests().allSatisfy { $0["verified"] as? Bool == true })
        }
    }

    @Test func theNodesRideOutTheDatabaseBeingUnreachable() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("recv-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let receiver = try WebhookReceiver(in: folder, secret: Self.secret)
        defer { receiver.stop() }
        try await withCluster(nodes: 2, webhook: receiver.url) { name, cluster, nodes in
            let sockets = nodes.map(\.socket)
            let sentAt = Timestamp.format(Date())
            for n in 1...20 { #expect(try Self.open(sockets[n % 2], n, sentAt: sentAt) == 201) }
            // The database refuses every connection for a few seconds.
            try cluster.sql("ALTER DATABASE \(name) WITH ALLOW_CONNECTIONS false")
            try cluster.sql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '\(name)'")
            let answers = Answers()
            let writer = Thread {
                for n in 21...30 { answers.add((try? Self.open(sockets[n % 2], n, sentAt: sentAt)) ?? 0) }
            }
            writer.start()
            try await Task.sleep(for: .seconds(4))
            try cluster.sql("ALTER DATABASE \(name) WITH ALLOW_CONNECTIONS true")
            #expect(try await eventually(timeout: 120) { answers.count == 10 }, "every request answered")
            let accepted = answers.all.filter { $0 == 201 }.count
            #expect(answers.all.allSatisfy { $0 == 201 || $0 == 503 }, "\(answers.all)")
            // Nothing acknowledged is lost, and the nodes carry on by themselves.
            #expect(
                try await eventually(timeout: 60) {
                    let status = try Self.status(sockets[0])
                    return status.openCases == 20 + accepted && status.stages["report"] == 20 + accepted
                }, "\((try? Self.status(sockets[0]).stages) ?? [:])")
        }
    }

    /// Status codes gathered by a thread.
    final class Answers: @unchecked Sendable {
        private let lock = NSLock()
        private var values: [Int] = []
        func add(_ value: Int) { lock.withLock { values.append(value) } }
        var all: [Int] { lock.withLock { values } }
        var count: Int { all.count }
    }
}
