import FollowupConfig
import FollowupCore
import FollowupEngine
import FollowupStorage
import Foundation

/// What the runner drives: the real desk and scheduler, or the state machine alone.
protocol DeskUnderTest: Sendable {
    func open(_ new: NewCase, by: String) async throws -> CaseID
    func apply(_ command: CaseCommand, to id: CaseID, by: String) async throws
    func reload(_ configuration: Configuration)
    /// One scheduler batch at `now`; true when more may be due.
    func runDue(now: Date) async throws -> Bool
    func nextDeadline() async throws -> Date?
    func timeline(of id: CaseID) async throws -> [TimelineEntry]
}

/// The real parts: `Desk`, `Scheduler` and SQLite storage.
final class RealDesk: DeskUnderTest {
    let store: SQLiteCaseStore
    let rulebooks: RulebookHolder
    let desk: Desk
    let scheduler: Scheduler

    init(store: SQLiteCaseStore, configuration: Configuration, clock: ManualClock) {
        let doorbell = Doorbell()
        self.store = store
        rulebooks = RulebookHolder(Rulebook(configuration))
        desk = Desk(store: store, rulebooks: rulebooks, clock: clock, doorbell: doorbell, logger: LifeRunner.logger)
        scheduler = Scheduler(
            store: store, rulebooks: rulebooks, clock: clock, doorbell: doorbell, logger: LifeRunner.logger,
            batchSize: 50)
    }

    func open(_ new: NewCase, by: String) async throws -> CaseID { try await desk.open(new, by: by).id }
    func apply(_ command: CaseCommand, to id: CaseID, by: String) async throws {
        _ = try await desk.apply(command, to: id, by: by)
    }
    func reload(_ configuration: Configuration) { rulebooks.replace(with: Rulebook(configuration)) }
    func runDue(now: Date) async throws -> Bool { try await scheduler.runDue(now: now) }
    func nextDeadline() async throws -> Date? { try await store.nextDeadline() }
    func timeline(of id: CaseID) async throws -> [TimelineEntry] { try await store.timeline(of: id) }
}

/// `CaseMachine` alone, as the scheduler drives it: each case's next stage while it is due.
final class MachineDesk: DeskUnderTest, @unchecked Sendable {
    // Used by one task at a time (the runner's).
    private var rulebook: Rulebook
    private var cases: [Case] = []
    private var timelines: [[TimelineEntry]] = []
    /// Stages carried out, by case: as storage does, a stage is carried out once.
    private var done: [Set<String>] = []
    private let clock: ManualClock

    init(_ configuration: Configuration, clock: ManualClock) {
        rulebook = Rulebook(configuration)
        self.clock = clock
    }

    private func environment(_ subject: Case?, partner: String?, now: Date, by: String) -> CaseEnvironment {
        rulebook.environment(forPartner: subject?.partner?.name ?? partner, now: now, by: by, makeID: { "id" })
    }

    func open(_ new: NewCase, by: String) async throws -> CaseID {
        let id = CaseID(Int64(cases.count + 1))
        let env = environment(nil, partner: new.partner?.name, now: clock.now(), by: by)
        let transition = try CaseMachine.open(new, id: id, in: env)
        cases.append(transition.case)
        timelines.append(transition.entries)
        done.append([])
        return id
    }

    func apply(_ command: CaseCommand, to id: CaseID, by: String) async throws {
        let index = cases.firstIndex { $0.id == id }!
        let env = environment(cases[index], partner: nil, now: clock.now(), by: by)
        let transition = try CaseMachine.apply(command, to: cases[index], in: env)
        cases[index] = transition.case
        timelines[index] += transition.entries
    }

    func reload(_ configuration: Configuration) { rulebook = Rulebook(configuration) }

    func runDue(now: Date) async throws -> Bool {
        for index in cases.indices {
            var fired = 0
            while let stage = cases[index].nextStage, stage.dueAt <= now, fired < 1000 {
                let env = environment(cases[index], partner: nil, now: now, by: CaseEnvironment.daemon)
                guard let transition = CaseMachine.fire(stage, on: cases[index], in: env) else { break }
                cases[index] = transition.case
                // Done before: keep the advanced timers, repeat nothing (storage's idempotency key).
                if done[index].insert("\(stage.kind) \(stage.series) \(stage.ordinal)").inserted {
                    timelines[index] += transition.entries
                }
                fired += 1
            }
        }
        return false
    }

    func nextDeadline() async throws -> Date? { cases.compactMap(\.nextStage?.dueAt).min() }

    func timeline(of id: CaseID) async throws -> [TimelineEntry] {
        timelines[cases.firstIndex { $0.id == id }!]
    }
}
