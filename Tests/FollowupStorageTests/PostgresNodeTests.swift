import FollowupCore
import Foundation
import Logging
import Testing

@testable import FollowupStorage

/// What only the shared engine does: several nodes on one database claim disjoint work, wake
/// each other and beat; plus its URL and password handling, which need no server.
@Suite struct PostgresNodeTests {
    let t0 = StoreFixture.t0
    let logger = StoreEngine.quiet

    /// Two running stores ("nodes" a and b) on one new database.
    func withTwoNodes(_ body: (PostgresCaseStore, PostgresCaseStore) async throws -> Void) async throws {
        try await StoreEngine.withPostgresDatabase { url in
            try await PostgresCaseStore.withStore(url: url, nodeID: "node-a", logger: logger) { a in
                try await PostgresCaseStore.withStore(url: url, nodeID: "node-b", logger: logger) { b in
                    try await body(a, b)
                }
            }
        }
    }

    @Test func twoNodesFiringTheSameDueCasesCarryOutEachStageOnce() async throws {
        try await withTwoNodes { a, b in
            let t0 = self.t0
            let makes: [@Sendable (CaseID) throws -> StoredChange] = (1...500).map { n in
                let request = StoreFixture.request(n)
                return { id in
                    StoreFixture.change(try CaseMachine.open(request, id: id, in: StoreFixture.env(t0)), at: t0)
                }
            }
            let opened = try await a.openCases(makes)
            #expect(opened.allSatisfy { (try? $0.get()) != nil })
            let now = t0.addingTimeInterval(24 * 3600 + 60)
            async let byA = StoreFixture.fireAll(a, now: now, limit: 20)
            async let byB = StoreFixture.fireAll(b, now: now, limit: 20)
            let (firedByA, firedByB) = try await (byA, byB)
            #expect((firedByA.fired[.resend] ?? 0) + (firedByB.fired[.resend] ?? 0) == 500)
            #expect(firedByA.duplicates + firedByB.duplicates == 0, "no case was examined by both nodes")
            #expect(try await StoreFixture.fireAll(a, now: now).total == 0, "nothing is left to fire")
            #expect(try await b.counts().stages[.resend] == 500)
            let resends = try await b.outbox(state: .pending, limit: 5000).filter { $0.channel == .partnerMail }
            #expect(resends.count == 500)
            #expect(Set(resends.compactMap(\.caseID)).count == 500, "one resend per case")
            for id in [1, 250, 500] {
                #expect(try await a.timeline(of: CaseID(Int64(id))).filter { $0.kind == .resent }.count == 1)
            }
        }
    }

    @Test func twoNodesClaimDisjointNotificationsAndReleaseOnlyTheirOwn() async throws {
        try await withTwoNodes { a, b in
            let t0 = self.t0
            // 120 cases, each with a line of two notifications to one recipient and one to another.
            let makes: [@Sendable (CaseID) throws -> StoredChange] = (1...120).map { n in
                let request = StoreFixture.request(n)
                return { id in
                    var change = StoredChange(
                        case: try CaseMachine.open(request, id: id, in: StoreFixture.env(t0)).case)
                    change.outbox = [
                        OutboxStoreTests.row("\(id)-1", id, at: t0),
                        OutboxStoreTests.row("\(id)-2", id, at: t0.addingTimeInterval(1)),
                        OutboxStoreTests.row("\(id)-x", id, at: t0, to: "carlos@desk.example"),
                    ]
                    return change
                }
            }
            _ = try await a.openCases(makes)
            let now = t0.addingTimeInterval(10)
            let lease = now.addingTimeInterval(300)
            @Sendable func claimAll(_ store: PostgresCaseStore) async throws -> [String] {
                var claimed: [String] = []
                while true {
                    let batch = try await store.claimNotifications(now: now, limit: 7, leaseUntil: lease)
                    if batch.isEmpty { return claimed }
                    claimed += batch.map(\.id)
                }
            }
            async let byA = claimAll(a)
            async let byB = claimAll(b)
            let (claimedByA, claimedByB) = try await (byA, byB)
            #expect(Set(claimedByA).isDisjoint(with: claimedByB), "no notification claimed by both nodes")
            #expect(claimedByA.count + claimedByB.count == 240, "the head of every line, once")
            #expect((claimedByA + claimedByB).allSatisfy { !$0.hasSuffix("-2") }, "the second of a line waits")

            // Node a restarts: it takes back its own claims only; b's stay leased.
            #expect(try await a.releaseClaims(now: now) == claimedByA.count)
            let again = try await b.claimNotifications(now: now, limit: 1000, leaseUntil: lease)
            #expect(Set(again.map(\.id)) == Set(claimedByA))
            #expect(try await b.releaseClaims(now: now) == 240)
        }
    }

    @Test func onlyTheNodeHoldingTheLeaseDecidesWhatFollowsADelivery() async throws {
        try await withTwoNodes { a, b in
            let t0 = self.t0
            let make: @Sendable (CaseID) throws -> StoredChange = { id in
                var change = StoredChange(
                    case: try CaseMachine.open(StoreFixture.request(1), id: id, in: StoreFixture.env(t0)).case)
                change.outbox = [OutboxStoreTests.row("\(id)-1", id, at: t0)]
                return change
            }
            let id = try #require(try await a.openCases([make]).first?.get().id)
            let row = "\(id)-1"
            // Node a claims with a short lease and is slow; when the lease ends, b claims.
            let claimedByA = try await a.claimNotifications(now: t0, limit: 10, leaseUntil: t0.addingTimeInterval(60))
            #expect(claimedByA.map(\.id) == [row])
            let later = t0.addingTimeInterval(61)
            let claimedByB = try await b.claimNotifications(
                now: later, limit: 10, leaseUntil: later.addingTimeInterval(600))
            #expect(claimedByB.map(\.id) == [row])
            func delivered(at time: Date) -> DeliveryRecord {
                DeliveryRecord(
                    id: row, attempt: DeliveryAttempt(number: 0, at: time, result: "delivered"), next: .delivered)
            }
            // a's late answer is kept in the history but leaves b's claim alone.
            try await a.recordDeliveries([delivered(at: later.addingTimeInterval(1))])
            var stored = try #require(try await b.notification(row))
            #expect(stored.state == .pending, "the row is still b's to finish")
            #expect(try await a.releaseClaims(now: later) == 0, "a holds nothing")
            try await b.recordDeliveries([delivered(at: later.addingTimeInterval(2))])
            stored = try #require(try await b.notification(row))
            #expect(stored.state == .delivered)
            #expect(try await b.deliveryAttempts(of: row).map(\.result) == ["delivered", "delivered"])
        }
    }

    @Test func aWriteOnOneNodeWakesTheOther() async throws {
        try await StoreEngine.withPostgresDatabase { url in
            let b = try PostgresCaseStore(url: url, password: nil, nodeID: "node-b", logger: logger)
            let wakeUps = b.wakeUps()
            try await b.withRunning {
                #expect(await Self.next(of: wakeUps), "b listens")
                _ = try await PostgresCaseStore.withStore(url: url, nodeID: "node-a", logger: logger) { a in
                    try await StoreFixture.open(a, 1)
                }
                #expect(await Self.next(of: wakeUps), "b is woken by a's new case")
            }
            let ended: Void? = await Self.within(.seconds(10)) { for await _ in wakeUps {} }
            #expect(ended != nil, "the stream ends with the store")
        }
    }

    /// Whether `stream` gives an element within ten seconds (false on time-out or its end).
    static func next(of stream: AsyncStream<Void>) async -> Bool {
        await within(.seconds(10)) {
            var iterator = stream.makeAsyncIterator()
            return await iterator.next() != nil
        } ?? false
    }

    /// What `body` returns if it does so before `limit`, else nil (it is cancelled then).
    static func within<T: Sendable>(_ limit: Duration, _ body: @escaping @Sendable () async -> T) async -> T? {
        await withTaskGroup(of: T?.self) { group in
            group.addTask { await body() }
            group.addTask {
                try? await Task.sleep(for: limit)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
    }

    @Test func nodesBeatAndTheLiveOnesAreListed() async throws {
        try await withTwoNodes { a, b in
            try await a.heartbeat(now: t0)
            try await b.heartbeat(now: t0.addingTimeInterval(5))
            try await a.heartbeat(now: t0.addingTimeInterval(30))
            let all = try await b.liveNodes(since: t0)
            #expect(all.map(\.nodeID) == ["node-a", "node-b"])
            #expect(all.first?.startedAt == t0, "the first beat of a run is its start")
            #expect(all.first?.seenAt == t0.addingTimeInterval(30))
            #expect(try await a.liveNodes(since: t0.addingTimeInterval(10)).map(\.nodeID) == ["node-a"])
        }
    }

    @Test func keepsEverythingAcrossReopeningAndIDsGoOn() async throws {
        try await StoreEngine.withPostgresDatabase { url in
            try await PostgresCaseStore.withStore(url: url, nodeID: "node-a", logger: logger) { store in
                try await StoreFixture.open(store, 1)
                try await StoreFixture.open(store, 2)
            }
            try await PostgresCaseStore.withStore(url: url, nodeID: "node-a", logger: logger) { reopened in
                // (Values first: `try` inside #expect does not compile in this closure.)
                let applied = try await reopened.migrate()
                let second = try await reopened.findCase(CaseID(2))
                let counts = try await reopened.counts()
                let third = try await StoreFixture.open(reopened, 3)
                #expect(applied.isEmpty, "the schema is current")
                #expect(second?.client.name == "Cliente 2")
                #expect(counts.cases[.awaitingPartner] == 2)
                #expect(third.id == CaseID(3), "ids go on from the sequence")
            }
        }
    }

    @Test func migratingNodesWaitForTheFirst() async throws {
        try await StoreEngine.withPostgresDatabase { url in
            let stores = try (1...4).map { n in
                try PostgresCaseStore(url: url, password: nil, nodeID: "node-\(n)", logger: logger)
            }
            let applied = try await withThrowingTaskGroup(of: [Int64].self) { group in
                for store in stores { group.addTask { try await store.migrate() } }
                return try await group.reduce(into: [[Int64]]()) { $0.append($1) }
            }
            #expect(applied.filter { !$0.isEmpty }.count == 1, "one node migrated")
            #expect(applied.flatMap { $0 } == PostgresCaseStore.migrations.map(\.version), "every version, once")
        }
    }

    // MARK: No server needed

    @Test func anUnreachableServerIsStorageUnavailableAndThePasswordIsNeverShown() async throws {
        let store = try PostgresCaseStore(
            url: "postgres://desk:s3cr3t-in-url@127.0.0.1:1/followupd?sslmode=disable", password: "s3cr3t-file",
            nodeID: "node-a", logger: logger)
        #expect(store.description == "postgres://desk@127.0.0.1:1/followupd?sslmode=disable")
        do {
            try await store.migrate()
            Issue.record("connected to port 1")
        } catch let error as FollowupError {
            #expect(error.code == .storageUnavailable)
            #expect(error.message.contains("postgres://desk@127.0.0.1:1/followupd"))
            #expect(!error.message.contains("s3cr3t"))
            #expect(!"\(error)".contains("s3cr3t"))
        }
    }

    @Test(arguments: [
        ("postgres://desk@db.example/cases", PostgresLocation.TLSMode.verifyFull),
        ("postgres://desk@10.1.2.3:5433/cases", .verifyFull),
        ("postgres://desk@localhost/cases", .prefer),
        ("postgres://desk@127.0.0.1/cases", .prefer),
        ("postgres://desk@/cases?host=/run/postgresql", .prefer),
        ("postgres://desk@db.example/cases?sslmode=require", .require),
        ("postgres://desk@db.example/cases?sslmode=require&sslrootcert=/etc/ssl/certs/ca-certificates.crt", .verifyCA),
        ("postgres://desk@db.example/cases?sslmode=disable", .disable),
    ])
    func aServerOnAnotherMachineIsVerifiedUnlessTheURLSaysOtherwise(url: String, mode: PostgresLocation.TLSMode) throws
    {
        #expect(try PostgresLocation(url: url).tlsMode == mode)
    }

    @Test func anUnreadableCAFileIsRefusedNamingIt() {
        #expect(throws: FollowupError.self) {
            _ = try PostgresLocation(url: "postgres://desk@db.example/cases?sslrootcert=/nonexistent/ca.pem")
        }
    }

    @Test func urlsAreReadLikeLibpqAndRefusedClearly() throws {
        let inQuery = try PostgresCaseStore(
            url: "postgresql://desk@db.example/cases?password=hidden&sslmode=require", password: nil, logger: logger)
        #expect(inQuery.description == "postgresql://desk@db.example/cases?sslmode=require")
        do {
            _ = try PostgresCaseStore(url: "postgres://desk@db/cases?sslmode=sometimes", password: nil, logger: logger)
            Issue.record("accepted an unknown sslmode")
        } catch {
            #expect(error.code == .invalidConfiguration)
            #expect(error.message.contains("verify-full"))
        }
        do {
            _ = try PostgresCaseStore(url: "mysql://desk@db/cases", password: nil, logger: logger)
            Issue.record("accepted a MySQL URL")
        } catch {
            #expect(error.code == .invalidConfiguration)
        }
    }

    @Test func aPasswordFileIsReadWithoutItsLineEnd() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("pw-\(UUID().uuidString)").path
        try "s3cret\n".write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(try PostgresCaseStore.password(fromFile: path) == "s3cret")
        do {
            _ = try PostgresCaseStore.password(fromFile: path + ".missing")
            Issue.record("read a missing file")
        } catch {
            #expect(error.code == .invalidConfiguration)
            #expect(error.message.contains(path + ".missing"))
        }
    }
}
