import FollowupCore
import FollowupStorage
import FollowupTestSupport
import Foundation
import Logging
import Testing

/// The storage engines every storage test runs against (one suite, every engine).
///
/// The PostgreSQL cases run on a throw-away cluster of the test process
/// (``PostgresTestCluster``), one database per test; where none can run (not root, no server
/// binaries) they are skipped with the reason.
enum StoreEngine: String, CaseIterable, CustomStringConvertible, Sendable {
    case sqlite
    case postgres

    var description: String { rawValue }

    static let quiet = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })

    /// A new, empty store of this engine, removed when `body` returns; `body` also gets where
    /// it is (the SQLite file's path, the database's URL).
    func withStore<T: Sendable>(_ body: (any CaseStore, String) async throws -> T) async throws -> T {
        switch self {
        case .sqlite:
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
                "followupd-store-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let path = directory.appendingPathComponent("followupd.sqlite").path
            let store = try SQLiteCaseStore(path: path, logger: Self.quiet)
            return try await body(store, path)
        case .postgres:
            return try await Self.withPostgresDatabase { url in
                try await PostgresCaseStore.withStore(url: url, nodeID: "node-a", logger: Self.quiet) { store in
                    try await body(store, url)
                }
            }
        }
    }

    /// A new, empty PostgreSQL database on the test cluster, dropped when `body` returns (the
    /// test case is skipped where no cluster can run).
    static func withPostgresDatabase<T: Sendable>(_ body: (String) async throws -> T) async throws -> T {
        let cluster = try PostgresTestCluster.require { reason in try Test.cancel(Comment(rawValue: reason)) }
        let database = try cluster.createDatabase()
        defer { cluster.dropDatabase(database.name) }
        return try await body(database.url)
    }
}

enum StoreFixture {
    static let t0 = Date(timeIntervalSince1970: 1_795_000_000)

    static func env(_ now: Date, by: String = "joana") -> CaseEnvironment {
        CaseEnvironment(now: now, by: by, mailHost: "desk.example")
    }

    static func request(_ n: Int = 1, sentAt: Date = t0) -> NewCase {
        NewCase(
            client: Client(name: "Cliente \(n)", ticket: "SSC-\(n)"),
            partner: PartnerContact(name: n % 2 == 0 ? "SIEG" : "Fiscosoft", emails: ["suporte@parceiro.example"]),
            subject: "Assunto \(n)", verification: "Verificar \(n)", owner: n % 3 == 0 ? "carlos" : "joana",
            sentAt: sentAt)
    }

    /// The stored change of a transition, with one outbox row per notification and the reports.
    static func change(_ transition: Transition, at now: Date) -> StoredChange {
        var change = StoredChange(case: transition.case, entries: transition.entries)
        for action in transition.actions {
            switch action {
            case .notify(let intent):
                change.outbox.append(
                    OutboxMessage(
                        id: UUID().uuidString, caseID: transition.case.id, event: intent.event, channel: .mail,
                        recipient: "joana@desk.example", needsAck: intent.needsAck, createdAt: now, nextAttemptAt: now,
                        payload: Data(intent.summary.utf8)))
            case .mailPartner(let mail):
                change.outbox.append(
                    OutboxMessage(
                        id: mail.notificationID, caseID: transition.case.id, event: .resent, channel: .partnerMail,
                        recipient: mail.to.joined(separator: ", "), needsAck: false, createdAt: now, nextAttemptAt: now,
                        payload: Data()))
            case .issueReport(let id, let reason):
                change.reports.append(
                    StoredReport(
                        id: id, caseID: transition.case.id, reason: reason, generatedAt: now, document: Data("{}".utf8))
                )
            }
        }
        return change
    }

    @discardableResult
    static func open(_ store: any CaseStore, _ n: Int = 1, sentAt: Date = t0) async throws -> Case {
        let request = request(n, sentAt: sentAt)
        return try await store.openCase { id in
            change(try CaseMachine.open(request, id: id, in: env(sentAt)), at: sentAt)
        }
    }

    /// Fires everything due at `now` in batches of `limit`.
    static func fireAll(_ store: any CaseStore, now: Date, limit: Int = 100) async throws -> FiringBatch {
        var total = FiringBatch()
        while true {
            let batch = try await store.fireDueStages(now: now, limit: limit) { subject, stage in
                guard let transition = CaseMachine.fire(stage, on: subject, in: env(now, by: CaseEnvironment.daemon))
                else { return nil }
                return change(transition, at: now)
            }
            for (kind, count) in batch.fired { total.fired[kind, default: 0] += count }
            total.duplicates += batch.duplicates
            total.examined += batch.examined
            if batch.examined < limit { return total }
        }
    }
}
