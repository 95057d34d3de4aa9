import FollowupConfig
import FollowupCore
import FollowupEngine
import FollowupStorage
import Foundation
import Logging
import Testing

/// Generated desk life through the real desk, scheduler and SQLite storage on a manual clock,
/// checked against ``ReferenceModel`` (issue 19).
///
/// The budget is `FOLLOWUP_PROPTEST_SECONDS` (default 45 s of generating and checking); the
/// first life's seed is `FOLLOWUP_PROPTEST_SEED` (default: from the clock, printed), the next
/// ones count up from it; `FOLLOWUP_PROPTEST_STEPS` caps the steps of a life (default 60).
/// A failure prints its seed and the shrunk history. `scripts/proptest SECONDS` runs longer.
@Suite("Time properties") struct TimePropertyTests {
    @Test("Generated desk life fires each stage once, on time, as the reference model says")
    func generatedDeskLife() async throws {
        let environment = ProcessInfo.processInfo.environment
        let budget = environment["FOLLOWUP_PROPTEST_SECONDS"].flatMap(Double.init) ?? 45
        let maxSteps = environment["FOLLOWUP_PROPTEST_STEPS"].flatMap(Int.init) ?? 60
        let firstSeed =
            environment["FOLLOWUP_PROPTEST_SEED"].flatMap(UInt64.init)
            ?? UInt64(Date().timeIntervalSince1970 * 1000)
        #expect(HolidayTable.shared.national.count > 1000, "the holiday table fixture is readable")
        let started = Date()
        var runs = 0
        var realRuns = 0
        var steps = 0
        var longest = 0
        var longestEvents = 0
        var fired: [String: Int] = [:]
        var seed = firstSeed
        while Date().timeIntervalSince(started) < budget || runs == 0 {
            let life = DeskLife.generate(seed: seed, maxSteps: maxSteps)
            // Every tenth life through the real desk, scheduler and SQLite; the others through
            // the state machine alone (many times faster).
            let machineOnly = runs % 10 != 0
            let outcome = try await LifeRunner.run(life, machineOnly: machineOnly)
            if !machineOnly { realRuns += 1 }
            runs += 1
            steps += life.steps.count
            longest = max(longest, life.steps.count)
            longestEvents = max(longestEvents, outcome.events)
            fired.merge(outcome.fired, uniquingKeysWith: +)
            if let failure = outcome.failure {
                let (shrunk, why) = try await Self.shrink(life, failure: failure, machineOnly: machineOnly)
                Issue.record(
                    """
                    Time property failed for seed \(life.seed) (rerun: FOLLOWUP_PROPTEST_SEED=\(life.seed)), \
                    \(machineOnly ? "state machine alone" : "real desk, scheduler and SQLite").
                    \(why)
                    Shrunk history (\(shrunk.steps.count) of \(life.steps.count) steps):
                    \(shrunk)
                    """)
                break
            }
            seed &+= 1
        }
        let elapsed = Date().timeIntervalSince(started)
        print(
            "time properties: \(runs) lives (\(realRuns) through the real desk, scheduler and SQLite; seeds "
                + "\(firstSeed)…\(seed)), \(steps) steps in all, longest history "
                + "\(longest) steps (\(longestEvents) events with scheduler runs), "
                + String(format: "%.1f s", elapsed) + "; stages checked: "
                + fired.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
    }

    /// Shrinks a failing life: keeps trying smaller candidates, taking the first that still fails.
    static func shrink(_ life: DeskLife, failure: String, machineOnly: Bool) async throws -> (DeskLife, String) {
        var current = life
        var why = failure
        var attempts = 0
        let deadline = Date().addingTimeInterval(90)
        var progress = true
        while progress, attempts < 2000, Date() < deadline {
            progress = false
            for candidate in current.shrinkCandidates() {
                attempts += 1
                if let failure = try await LifeRunner.run(candidate, machineOnly: machineOnly).failure {
                    current = candidate
                    why = failure
                    progress = true
                    break
                }
                if attempts >= 2000 || Date() >= deadline { break }
            }
        }
        return (current, why)
    }
}

/// Runs one life through the real parts and compares them with the model.
enum LifeRunner {
    struct Outcome {
        /// What went wrong, or nil.
        var failure: String?
        /// Events in the recorded history (actions and scheduler runs).
        var events: Int
        /// Stages the model expected, by outcome (what the lives exercised).
        var fired: [String: Int] = [:]
    }

    static let logger = Logger(label: "proptest", factory: { _ in SwiftLogNoOpLogHandler() })

    /// Runs `life` on the real desk, scheduler and SQLite storage, or (`machineOnly`) on the
    /// state machine alone, many times faster: the same checks, fewer parts.
    static func run(_ life: DeskLife, machineOnly: Bool = false) async throws -> Outcome {
        let clock = ManualClock(now: life.start)
        if machineOnly {
            var runner = Runner(life: life, clock: clock, desk: MachineDesk(life.configurations[0], clock: clock))
            let failure = try await runner.live()
            return Outcome(failure: failure, events: runner.history.count, fired: runner.exercised())
        }
        let base = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
        let directory = URL(fileURLWithPath: base).appendingPathComponent("followupd-proptest-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try SQLiteCaseStore(path: directory.appendingPathComponent("db.sqlite").path, logger: logger)
        let desk = RealDesk(store: store, configuration: life.configurations[0], clock: clock)
        var runner = Runner(life: life, clock: clock, desk: desk)
        let failure = try await runner.live()
        return Outcome(failure: failure, events: runner.history.count, fired: runner.exercised())
    }

    struct Runner {
        let life: DeskLife
        let clock: ManualClock
        let desk: any DeskUnderTest
        var history: [ReferenceModel.Event] = []
        var model: ReferenceModel
        var cases: [CaseID] = []

        init(life: DeskLife, clock: ManualClock, desk: any DeskUnderTest) {
            self.life = life
            self.clock = clock
            self.desk = desk
            model = ReferenceModel(configurations: life.configurations, holidays: .shared)
        }

        /// Lives the steps, then quiet days until every resend and report came due; the first problem found.
        mutating func live() async throws -> String? {
            for (index, step) in life.steps.enumerated() {
                if let problem = try await pass(seconds: step.gap) { return "step \(index): \(problem)" }
                if let problem = try await act(step.action) { return "step \(index) \(step.action): \(problem)" }
            }
            // Then quiet days until no resend or report is armed (three at least, 90 at most).
            for day in 1...90 {
                if let problem = try await pass(seconds: 86_400) { return "at the end: \(problem)" }
                if day >= 3, !model.cases.contains(where: { model.nextStage(of: $0) != nil }) { break }
            }
            return try await compare()
        }

        /// Lets `seconds` pass with the daemon up: a scheduler run at every instant that the
        /// product or the model has a stage due (at once for what is overdue).
        mutating func pass(seconds: Int64) async throws -> String? {
            let target = clock.now().addingTimeInterval(Double(seconds))
            var lastRun: Date?
            while true {
                let productNext = try await desk.nextDeadline()
                let next = [model.nextDue, productNext].compactMap { $0 }.min()
                guard let next, next <= target else { break }
                let now = max(next, clock.now())
                if let lastRun, now <= lastRun {
                    return
                        "after a scheduler run at \(Timestamp.format(lastRun)) a stage is still due at "
                        + "\(Timestamp.format(next)) (product \(productNext.map(Timestamp.format) ?? "none"), "
                        + "model \(model.nextDue.map(Timestamp.format) ?? "none"))"
                }
                clock.advance(to: now)
                var rounds = 0
                while try await desk.runDue(now: now) {
                    rounds += 1
                    if rounds > 100 { return "the scheduler keeps finding work at \(Timestamp.format(now))" }
                }
                model.run(now: now)
                history.append(.run(now: now))
                lastRun = now
            }
            clock.advance(to: target)
            return nil
        }

        /// Carries out one step's action on the product and the model.
        mutating func act(_ action: DeskLife.Action) async throws -> String? {
            let now = clock.now()
            switch action {
            case .downtime(let seconds):
                clock.advance(by: Double(seconds))
                return nil
            case .clockStep(let seconds):
                clock.step(by: Double(seconds))
                return nil
            default:
                break
            }
            let expected = model.apply(action, now: now)
            history.append(.action(action, now: now))
            let accepted: Bool
            do {
                accepted = try await perform(action, now: now)
            } catch let error as FollowupError {
                if expected { return "refused by the product, accepted by the model: \(error)" }
                return nil
            }
            if accepted != expected {
                return
                    "the product \(accepted ? "accepted" : "refused"), the model \(expected ? "accepted" : "refused")"
            }
            return nil
        }

        /// Performs an action on the product; false when there is no case to act on.
        mutating func perform(_ action: DeskLife.Action, now: Date) async throws -> Bool {
            func at(_ lag: Int64) -> Date { now.addingTimeInterval(-Double(lag)) }
            func target(_ index: Int) -> CaseID? { cases.isEmpty ? nil : cases[index % cases.count] }
            let by = "joana"
            switch action {
            case .open(let partner, let lag, let deadline):
                let name = DeskLife.partners[partner]
                let opened = try await desk.open(
                    NewCase(
                        client: Client(name: "Cliente \(cases.count + 1)"),
                        partner: PartnerContact(name: name, emails: ["suporte@\(name.lowercased()).example"]),
                        subject: "Assunto", verification: "Verificar", owner: by,
                        deadline: deadline > 0 ? now.addingTimeInterval(Double(deadline)) : nil, sentAt: at(lag)),
                    by: by)
                cases.append(opened)
            case .contact(let index, let lag):
                guard let id = target(index) else { return false }
                try await desk.apply(.contactSent(ContactRecord(at: at(lag))), to: id, by: by)
            case .reply(let index, let kind, let lag):
                guard let id = target(index) else { return false }
                try await desk.apply(.partnerReplied(kind: kind, at: at(lag), note: nil), to: id, by: by)
            case .refuse(let index, let lag):
                guard let id = target(index) else { return false }
                try await desk.apply(.partnerRefused(at: at(lag), note: "contate o parceiro"), to: id, by: by)
            case .close(let index):
                guard let id = target(index) else { return false }
                try await desk.apply(.close(resolution: "resolvido"), to: id, by: by)
            case .reopen(let index):
                guard let id = target(index) else { return false }
                try await desk.apply(.reopen(reason: "voltou"), to: id, by: by)
            case .priority(let index, let on):
                guard let id = target(index) else { return false }
                try await desk.apply(.setFlag(.priority, on: on), to: id, by: "Ana")
            case .reload(let index):
                desk.reload(life.configurations[index])
            case .downtime, .clockStep:
                break
            }
            return true
        }

        /// The product's stages from the timelines against the plain function's, and the model's own checks.
        /// What the model fired, by outcome, plus the stages fired late (catch-up after
        /// downtime or a clock step) and those due on a business calendar.
        func exercised() -> [String: Int] {
            var counts: [String: Int] = [:]
            for due in model.dues {
                counts[due.firing.outcome.rawValue, default: 0] += 1
                if due.firing.at > due.due { counts["late (catch-up)", default: 0] += 1 }
                if due.calendar.settings.kind == .business { counts["on a business calendar", default: 0] += 1 }
            }
            return counts
        }

        func compare() async throws -> String? {
            var actual: [ReferenceModel.Firing] = []
            for (index, id) in cases.enumerated() {
                for entry in try await desk.timeline(of: id)
                where entry.by == CaseEnvironment.daemon {
                    let outcome: ReferenceModel.Firing.Outcome
                    var kind = Stage.Kind.resend
                    switch entry.kind {
                    case .resent, .manualResendRequested: outcome = .resent
                    case .skipped: outcome = .skipped
                    case .reportGenerated:
                        outcome = .report
                        kind = .report
                    case .ownerReminded:
                        outcome = .reminded
                        kind = .ownerReminder
                    case .clientReminded:
                        outcome = .reminded
                        kind = .clientReminder
                    case .deadlineWarned:
                        outcome = .warned
                        kind = .deadlineWarning
                    default: continue
                    }
                    actual.append(
                        ReferenceModel.Firing(
                            caseNumber: index + 1, cycle: kind == .resend || kind == .report ? entry.cycle ?? 0 : 0,
                            kind: kind,
                            ordinal: entry.ordinal ?? 1, at: entry.at, outcome: outcome))
                }
            }
            actual.sort()
            let (expected, _, replayed) = ReferenceModel.expected(
                history, configurations: life.configurations, holidays: .shared)
            if let problem = replayed.selfCheck().first { return "the model breaks its own rule: \(problem)" }
            guard actual != expected else { return nil }
            let index = zip(actual, expected).prefix { $0 == $1 }.count
            let product = index < actual.count ? actual[index].description : "nothing more"
            let model = index < expected.count ? expected[index].description : "nothing more"
            var dueNote = ""
            if index < expected.count, let due = replayed.dues.first(where: { $0.firing == expected[index] }) {
                dueNote = " (due \(Timestamp.format(due.due)))"
            }
            return
                "stages differ at #\(index + 1): product \(product); model \(model)\(dueNote). "
                + "Product fired \(actual.count), model \(expected.count)."
        }
    }
}
