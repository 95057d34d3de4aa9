import FollowupCore
import FollowupStorage
import Foundation
import Logging
import Testing

/// The storage contract, run against every engine.
@Suite struct CaseStoreTests {
    let t0 = StoreFixture.t0
    let hour: TimeInterval = 3600

    @Test(arguments: StoreEngine.allCases)
    func opensCasesWithSequentialIDsAndReadsThemBack(engine: StoreEngine) async throws {
        try await engine.withStore { store, _ in
            let first = try await StoreFixture.open(store, 1)
            let second = try await StoreFixture.open(store, 2)
            #expect(first.id == CaseID(1))
            #expect(second.id == CaseID(2))
            let read = try await store.findCase(CaseID(2))
            #expect(read == second)
            #expect(try await store.findCase(CaseID(99)) == nil)
            let timeline = try await store.timeline(of: CaseID(1))
            #expect(timeline.map(\.kind) == [.opened])
            #expect(timeline.first?.seq == 1)
        }
    }

    @Test(arguments: StoreEngine.allCases)
    func concurrentOpensGetDistinctIDs(engine: StoreEngine) async throws {
        try await engine.withStore { store, _ in
            let ids = try await withThrowingTaskGroup(of: CaseID.self) { group in
                for n in 1...40 { group.addTask { try await StoreFixture.open(store, n).id } }
                return try await group.reduce(into: Set<CaseID>()) { $0.insert($1) }
            }
            #expect(ids.count == 40)
            #expect(ids.map(\.number).max() == 40)
            #expect(try await store.counts().cases[.awaitingPartner] == 40)
        }
    }

    @Test(arguments: StoreEngine.allCases)
    func updateAppliesAtomicallyAndRefusalsChangeNothing(engine: StoreEngine) async throws {
        try await engine.withStore { store, _ in
            try await StoreFixture.open(store)
            let now = t0.addingTimeInterval(hour)
            let replied = try await store.updateCase(CaseID(1)) { current in
                StoreFixture.change(
                    try CaseMachine.apply(
                        .partnerReplied(kind: .info, at: nil, note: "ok"), to: current, in: StoreFixture.env(now)),
                    at: now)
            }
            #expect(replied.state == .awaitingUs)
            await #expect(throws: FollowupError.self) {
                _ = try await store.updateCase(CaseID(1)) { current in
                    StoreFixture.change(
                        try CaseMachine.apply(.reopen(reason: "x"), to: current, in: StoreFixture.env(now)), at: now)
                }
            }
            #expect(try await store.findCase(CaseID(1)) == replied)
            #expect(try await store.timeline(of: CaseID(1)).map(\.kind) == [.opened, .partnerReplied])
            let counts = try await store.counts()
            #expect(counts.cases[.awaitingUs] == 1)
            #expect(counts.cases[.awaitingPartner] == 0)
            do {
                _ = try await store.updateCase(CaseID(7)) { StoredChange(case: $0) }
                Issue.record("an unknown case was updated")
            } catch let error as FollowupError {
                #expect(error.code == .notFound)
                #expect(error.message.contains("FU-7"))
            }
        }
    }

    @Test(arguments: StoreEngine.allCases)
    func firesDueStagesOnceInDeadlineOrder(engine: StoreEngine) async throws {
        try await engine.withStore { store, _ in
            for n in 1...30 {
                try await StoreFixture.open(store, n, sentAt: t0.addingTimeInterval(Double(30 - n) * 60))
            }
            #expect(try await store.nextDeadline() == t0.addingTimeInterval(24 * hour))
            let early = try await StoreFixture.fireAll(store, now: t0.addingTimeInterval(23 * hour))
            #expect(early.total == 0)

            let at24 = t0.addingTimeInterval(24 * hour + 30 * 60)
            let batch = try await StoreFixture.fireAll(store, now: at24, limit: 7)
            #expect(batch.fired[.resend] == 30)
            #expect(try await StoreFixture.fireAll(store, now: at24).total == 0, "nothing fires twice")
            let outbox = try await store.outbox(state: .pending, limit: 1000)
            #expect(outbox.filter { $0.channel == .partnerMail }.count == 30)
            let counts = try await store.counts()
            #expect(counts.stages[.resend] == 30)
            #expect(counts.outbox[.pending] == outbox.count)

            let at72 = t0.addingTimeInterval(73 * hour)
            #expect(try await StoreFixture.fireAll(store, now: at72).fired[.report] == 30)
            #expect(try await store.counts().cases[.returnedToClient] == 30)
            #expect(try await store.nextDeadline() == nil)
            let report = try #require(try await store.latestReport(of: CaseID(5)))
            #expect(report.reason == .noReply)
            #expect(try await store.report(id: report.id)?.caseID == CaseID(5))
        }
    }

    @Test(arguments: StoreEngine.allCases)
    func aStageAlreadyRecordedIsNotRepeated(engine: StoreEngine) async throws {
        try await engine.withStore { store, _ in
            let opened = try await StoreFixture.open(store)
            let stage = try #require(opened.nextStage)
            let now = stage.dueAt
            // Fire once, then put the case back as it was (as a node that crashed before
            // saving its copy would see it) and fire again.
            _ = try await StoreFixture.fireAll(store, now: now)
            _ = try await store.updateCase(opened.id) { _ in StoredChange(case: opened) }
            let again = try await StoreFixture.fireAll(store, now: now)
            #expect(again.duplicates == 1)
            #expect(again.total == 0)
            #expect(try await store.timeline(of: opened.id).filter { $0.kind == .resent }.count == 1)
            #expect(try await store.outbox(state: nil, limit: 100).filter { $0.channel == .partnerMail }.count == 1)
        }
    }

    @Test(arguments: StoreEngine.allCases)
    func filtersListCases(engine: StoreEngine) async throws {
        try await engine.withStore { store, _ in
            for n in 1...9 { try await StoreFixture.open(store, n) }
            #expect(try await store.cases(matching: CaseFilter(owner: "carlos")).map(\.id.number) == [3, 6, 9])
            #expect(try await store.cases(matching: CaseFilter(partner: "sieg")).count == 4)
            #expect(try await store.cases(matching: CaseFilter(ticket: "SSC-5")).map(\.id.number) == [5])
            #expect(try await store.cases(matching: CaseFilter(client: "cliente 2")).map(\.id.number) == [2])
            #expect(try await store.cases(matching: CaseFilter(state: .closed)).isEmpty)
            #expect(
                try await store.cases(matching: CaseFilter(limit: 4, afterID: CaseID(4))).map(\.id.number) == [
                    5, 6, 7, 8,
                ])
            #expect(try await store.cases(matching: CaseFilter(dueBefore: t0.addingTimeInterval(25 * 3600))).count == 9)
            let upcoming = try await store.upcomingStages(before: t0.addingTimeInterval(80 * 3600), max: 5)
            #expect(upcoming.count == 5)
            #expect(upcoming.allSatisfy { $0.stage.kind == .resend })
        }
    }

    @Test func sqliteKeepsEverythingAcrossReopening() async throws {
        try await StoreEngine.sqlite.withStore { store, path in
            try await StoreFixture.open(store, 1)
            try await StoreFixture.open(store, 2)
            let reopened = try SQLiteCaseStore(
                path: path, logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
            #expect(try await reopened.findCase(CaseID(2))?.client.name == "Cliente 2")
            #expect(try await reopened.counts().cases[.awaitingPartner] == 2)
            #expect(try await StoreFixture.open(reopened, 3).id == CaseID(3))
        }
    }

    @Test func sqliteRefusesAnUnwritablePathClearly() {
        do {
            _ = try SQLiteCaseStore(
                path: "/proc/followupd/none.sqlite",
                logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
            Issue.record("opened a database under /proc")
        } catch {
            #expect(error.code == .storageUnavailable)
            #expect(error.message.contains("/proc/followupd/none.sqlite"))
        }
    }
}

/// Group commit: many opens in one transaction, each in its own savepoint.
@Suite struct GroupCommitTests {
    @Test(arguments: StoreEngine.allCases)
    func aRepeatedIdempotencyKeyFailsOnlyItsOwnCase(engine: StoreEngine) async throws {
        try await engine.withStore { store, _ in
            let t0 = StoreFixture.t0
            let first = StoredAnswer(key: "peer:POST:/v1/cases:k1", status: 201, body: Data("{\"id\":1}".utf8))
            var makes: [@Sendable (CaseID) throws -> StoredChange] = []
            for n in 1...4 {
                let request = StoreFixture.request(n)
                let answer = n == 1 || n == 3 ? first : StoredAnswer(key: "k\(n)", status: 201, body: Data())
                makes.append { id in
                    var change = StoreFixture.change(
                        try CaseMachine.open(request, id: id, in: StoreFixture.env(t0)), at: t0)
                    change.answer = answer
                    return change
                }
            }
            let results = try await store.openCases(makes)
            #expect(results.map { (try? $0.get())?.id.number } == [1, 2, nil, 4])
            if case .failure(let error as FollowupError) = results[2] {
                #expect(error.code == .duplicateRequest)
            } else {
                Issue.record("the repeated key was not refused")
            }
            #expect(try await store.storedAnswer(for: first.key) == first, "the first answer stands")
            #expect(try await store.storedAnswer(for: "k4")?.status == 201)
            #expect(try await store.storedAnswer(for: "nope") == nil)
            #expect(try await store.counts().cases[.awaitingPartner] == 3)
            #expect(try await store.findCase(CaseID(3)) == nil)
        }
    }

    @Test(arguments: StoreEngine.allCases)
    func oneRefusalDoesNotUndoTheOthers(engine: StoreEngine) async throws {
        try await engine.withStore { store, _ in
            let t0 = StoreFixture.t0
            var makes: [@Sendable (CaseID) throws -> StoredChange] = []
            for n in 1...5 {
                var request = StoreFixture.request(n)
                if n == 3 { request.subject = " " }
                let frozen = request
                makes.append { id in
                    StoreFixture.change(try CaseMachine.open(frozen, id: id, in: StoreFixture.env(t0)), at: t0)
                }
            }
            let results = try await store.openCases(makes)
            let ids = results.map { try? $0.get().id.number }
            #expect(ids == [1, 2, nil, 4, 5], "a refused case leaves its id unused")
            if case .failure(let error as FollowupError) = results[2] {
                #expect(error.field == "subject")
            } else {
                Issue.record("the invalid case was not refused")
            }
            #expect(try await store.counts().cases[.awaitingPartner] == 4)
            #expect(try await store.findCase(CaseID(5))?.subject == "Assunto 5")
            #expect(try await store.findCase(CaseID(3)) == nil)
            #expect(try await store.timeline(of: CaseID(4)).map(\.kind) == [.opened])
        }
    }
}

/// Cancellations counted by the database on both engines (§5 rule 1).
@Suite struct CancellationCountTests {
    let t0 = StoreFixture.t0

    @Test(arguments: StoreEngine.allCases)
    func closedCancellationsAreCountedByReasonAndSystem(engine: StoreEngine) async throws {
        try await engine.withStore { store, _ in
            let t0 = self.t0
            let closes: [(CancellationReason, String?)] = [
                (.price, nil), (.partnerSystem, "SIEG"), (.partnerSystem, "SIEG"), (.partnerSystem, "Omie"),
            ]
            for (n, (reason, system)) in closes.enumerated() {
                let opened = try await store.openCase { id in
                    StoreFixture.change(
                        try CaseMachine.open(
                            NewCase(
                                kind: .cancellation, client: Client(name: "Cliente \(n)"), partner: nil, subject: "",
                                verification: "", owner: "joana"), id: id,
                            in: StoreFixture.env(t0)),
                        at: t0)
                }
                // Closed one day apart: the first on t0 + 1 day, the last on t0 + 4 days.
                let closedAt = t0.addingTimeInterval(Double(n + 1) * 86_400)
                _ = try await store.updateCase(opened.id) { current in
                    let contacted = try CaseMachine.apply(
                        .clientContact(summary: "liguei"), to: current, in: StoreFixture.env(closedAt))
                    let closed = try CaseMachine.apply(
                        .closeCancellation(reason: reason, partnerSystem: system, text: "motivo"), to: contacted.case,
                        in: StoreFixture.env(closedAt))
                    var change = StoreFixture.change(closed, at: closedAt)
                    change.entries = contacted.entries + closed.entries
                    return change
                }
            }
            _ = try await store.openCase { id in
                StoreFixture.change(
                    try CaseMachine.open(
                        NewCase(
                            kind: .cancellation, client: Client(name: "Aberto"), partner: nil, subject: "",
                            verification: "", owner: "joana"), id: id,
                        in: StoreFixture.env(t0)),
                    at: t0)
            }
            let all = try await store.cancellationCounts(closedSince: nil)
            #expect(all.total == 4)
            #expect(all.open == 1)
            #expect(all.byReason == ["price": 1, "partner_system": 3])
            #expect(all.byPartnerSystem == ["SIEG": 2, "Omie": 1])
            let recent = try await store.cancellationCounts(closedSince: t0.addingTimeInterval(2.5 * 86_400))
            #expect(recent.total == 2)
            #expect(recent.byReason == ["partner_system": 2])
            #expect(recent.open == 1, "open ones whatever the day")
        }
    }
}
