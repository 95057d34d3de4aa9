import FollowupCore
import FollowupStorage
import Foundation
import Testing

/// The capped owner reminders and the closing of cases left with the client, carried out by
/// each storage engine: the stage recorded once, the case's state counted, nothing left armed.
@Suite struct PolicyStageStoreTests {
    static let t0 = StoreFixture.t0
    static let day: TimeInterval = 86_400

    static var policy: CasePolicy {
        var policy = CasePolicy.standard
        policy.ownerReminderAfter = .time(seconds: 3600)
        policy.maxOwnerReminders = 2
        policy.closeReturnedAfter = .days(14)
        return policy
    }

    static func env(_ now: Date, by: String = "joana") -> CaseEnvironment {
        CaseEnvironment(now: now, by: by, policy: policy, mailHost: "desk.example")
    }

    /// Fires everything due at `now` under ``policy``.
    static func fire(_ store: any CaseStore, now: Date) async throws -> FiringBatch {
        try await store.fireDueStages(now: now, limit: 100) { subject, stage in
            guard let transition = CaseMachine.fire(stage, on: subject, in: env(now, by: CaseEnvironment.daemon))
            else { return nil }
            return StoreFixture.change(transition, at: now)
        }
    }

    static func apply(_ command: CaseCommand, _ id: CaseID, _ store: any CaseStore, at now: Date) async throws {
        _ = try await store.updateCase(id) { current in
            StoreFixture.change(try CaseMachine.apply(command, to: current, in: env(now)), at: now)
        }
    }

    @Test(arguments: StoreEngine.allCases)
    func ownerRemindersStopAtTheCap(engine: StoreEngine) async throws {
        try await engine.withStore { store, _ in
            let opened = try await StoreFixture.open(store)
            try await Self.apply(.partnerReplied(kind: .info, at: nil, note: "retorno"), opened.id, store, at: Self.t0)
            var carried = 0
            for hour in 1...6 {
                carried += try await Self.fire(store, now: Self.t0.addingTimeInterval(Double(hour) * 3600)).total
            }
            #expect(carried == 2)
            let reminders = try await store.timeline(of: opened.id).filter { $0.kind == .ownerReminded }
            #expect(reminders.map(\.ordinal) == [1, 2])
            #expect(reminders.last?.note?.contains("max_owner_reminders: 2") == true)
            #expect(try await store.nextDeadline() == nil, "nothing left armed")
            #expect(try await store.counts().stages[.ownerReminder] == 2)
        }
    }

    @Test(arguments: StoreEngine.allCases)
    func aCaseLeftWithTheClientIsClosedOnce(engine: StoreEngine) async throws {
        try await engine.withStore { store, _ in
            let opened = try await StoreFixture.open(store)
            try await Self.apply(.partnerRefused(at: nil, note: "não"), opened.id, store, at: Self.t0)
            #expect(try await store.counts().cases[.returnedToClient] == 1)
            #expect(try await store.nextDeadline() == Self.t0.addingTimeInterval(14 * Self.day))
            #expect(try await Self.fire(store, now: Self.t0.addingTimeInterval(14 * Self.day - 1)).total == 0)
            let batch = try await Self.fire(store, now: Self.t0.addingTimeInterval(14 * Self.day))
            #expect(batch.fired == [.closeReturned: 1])
            let closed = try #require(try await store.findCase(opened.id))
            #expect(closed.state == .closed)
            let last = try #require(try await store.timeline(of: opened.id).last)
            #expect(last.kind == .closed && last.by == CaseEnvironment.daemon && last.stage == "close_returned")
            let counts = try await store.counts()
            #expect(counts.cases[.closed] == 1)
            #expect((counts.cases[.returnedToClient] ?? 0) == 0)
            #expect(counts.stages[.closeReturned] == 1)
            #expect(try await Self.fire(store, now: Self.t0.addingTimeInterval(30 * Self.day)).total == 0)
            #expect(try await store.nextDeadline() == nil)
        }
    }
}
