import FollowupCore
import FollowupTestSupport
import Foundation
import Testing

@testable import FollowupStorage

/// What `retention.closed_cases` reads, in each engine: the closed cases not yet erased whose
/// last change is past the cutoff, a page at a time, through the index of closed cases by
/// their last change (`cases_closed`, schema v7 / PostgreSQL 5) rather than a scan of every case.
@Suite struct RetentionStoreTests {
    static let t0 = StoreFixture.t0
    static let day: TimeInterval = 86_400

    /// Closes case `id` at `at`.
    static func close(_ store: any CaseStore, _ id: CaseID, at: Date) async throws {
        _ = try await store.updateCase(id) { current in
            StoreFixture.change(
                try CaseMachine.apply(.close(resolution: "resolvido"), to: current, in: StoreFixture.env(at)), at: at)
        }
    }

    @Test(arguments: StoreEngine.allCases)
    func closedCasesPastTheCutoffComeOldestFirstAPageAtATime(engine: StoreEngine) async throws {
        try await engine.withStore { store, _ in
            for n in 1...5 { try await StoreFixture.open(store, n) }
            // Closed 30, 20 and 10 days after t0 (in the order 3, 1, 2); 4 and 5 stay open.
            for (n, days) in [(3, 10.0), (1, 20.0), (2, 30.0)] {
                try await Self.close(store, CaseID(Int64(n)), at: Self.t0.addingTimeInterval(days * Self.day))
            }
            let eraser = try #require(store as? any CaseErasure)
            let cutoff = Self.t0.addingTimeInterval(25 * Self.day)
            let first = try await eraser.closedCases(changedBefore: cutoff, after: nil, limit: 1)
            #expect(first.map(\.id) == [CaseID(3)])
            #expect(first.first?.changedAt == Self.t0.addingTimeInterval(10 * Self.day))
            let second = try await eraser.closedCases(changedBefore: cutoff, after: first.last, limit: 1)
            #expect(second.map(\.id) == [CaseID(1)])
            #expect(try await eraser.closedCases(changedBefore: cutoff, after: second.last, limit: 1).isEmpty)

            // An erased case leaves the index: the next pass does not read it again.
            let subject = try #require(try await store.findCase(CaseID(3)))
            let transition = CaseMachine.erase(subject, in: StoreFixture.env(cutoff, by: CaseEnvironment.daemon))
            _ = try await eraser.erase(
                StoredChange(case: transition.case, entries: transition.entries), previousState: subject.state,
                patterns: ["Cliente 3"])
            let left = try await eraser.closedCases(changedBefore: .distantFuture, after: nil, limit: 10)
            #expect(left.map(\.id) == [CaseID(1), CaseID(2)])
        }
    }

    /// SQLite searches `cases_closed` for retention's query: no scan of the cases, no sort.
    /// (Left to itself, without statistics, it read `cases_state` — every closed case — and
    /// sorted them: the query names its index.)
    @Test func sqliteSearchesTheIndexOfClosedCases() async throws {
        try await StoreEngine.sqlite.withStore { store, _ in
            let sqlite = try #require(store as? SQLiteCaseStore)
            try await BulkCases.open(store, 3_000, closedAt: Self.closedAt)
            let plan = try await sqlite.closedCasesPlan(cutoff: Self.cutoff)
            #expect(plan.contains { $0.hasPrefix("SEARCH cases USING INDEX cases_closed") }, "\(plan)")
            #expect(!plan.contains { $0.hasPrefix("SCAN") || $0.contains("TEMP B-TREE") }, "\(plan)")
            let due = try await sqlite.closedCases(changedBefore: Self.cutoff, after: nil, limit: 500)
            #expect(due.map(\.id) == [1000, 2000, 3000].map { CaseID($0) })
        }
    }

    /// PostgreSQL can serve retention's query from `cases_closed` in its order (sequential
    /// scans priced out: on an empty table the planner scans whatever the indexes), and over
    /// 3,000 closed cases of which three are due, with statistics, it chooses that index itself
    /// rather than `cases_state` (every closed case) or a scan of the table.
    @Test func postgresReadsTheIndexOfClosedCases() async throws {
        try await StoreEngine.postgres.withStore { store, url in
            let postgres = try #require(store as? PostgresCaseStore)
            let plan = try await postgres.closedCasesPlan(cutoff: Self.cutoff, indexOnly: true)
            #expect(plan.contains { $0.contains("cases_closed") }, "\(plan)")
            #expect(!plan.contains { $0.contains("Seq Scan") || $0.contains("Sort") }, "\(plan)")

            try await BulkCases.open(store, 3_000, closedAt: Self.closedAt)
            let cluster = try PostgresTestCluster.require { reason in try Test.cancel(Comment(rawValue: reason)) }
            let database = String(url.split(separator: "/").last?.prefix { $0 != "?" } ?? "")
            try cluster.sql("ANALYZE cases", database: database)
            let chosen = try await postgres.closedCasesPlan(cutoff: Self.cutoff)
            #expect(chosen.contains { $0.contains("cases_closed") }, "\(chosen)")
            #expect(!chosen.contains { $0.contains("Seq Scan") || $0.contains("cases_state") }, "\(chosen)")
        }
    }

    /// Every thousandth case closed 99 days before the cutoff, the others 100 days after it.
    static let cutoff = t0.addingTimeInterval(100 * day)
    @Sendable static func closedAt(_ n: Int) -> Date {
        n % 1000 == 0 ? t0.addingTimeInterval(day) : t0.addingTimeInterval(200 * day)
    }
}

/// Many cases at once, for plans that depend on the table's size.
enum BulkCases {
    /// Opens `count` cases, 5,000 per transaction, each closed at `closedAt(n)`.
    static func open(_ store: any CaseStore, _ count: Int, closedAt: @escaping @Sendable (Int) -> Date) async throws {
        var opened = 0
        while opened < count {
            let size = min(5_000, count - opened)
            let makes: [@Sendable (CaseID) throws -> StoredChange] = (0..<size).map { offset in
                let n = opened + offset + 1
                let request = StoreFixture.request(n)
                return { id in
                    let open = try CaseMachine.open(request, id: id, in: StoreFixture.env(StoreFixture.t0))
                    let close = try CaseMachine.apply(
                        .close(resolution: "resolvido"), to: open.case, in: StoreFixture.env(closedAt(n)))
                    return StoredChange(case: close.case, entries: open.entries + close.entries)
                }
            }
            for result in try await store.openCases(makes) { _ = try result.get() }
            opened += size
        }
    }
}
