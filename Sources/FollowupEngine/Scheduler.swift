import FollowupCore
import FollowupStorage
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// The durable scheduler (§3): sleeps until the earliest stored deadline, wakes early on a
/// doorbell ring, claims due stages in batches through storage, and commits what the state
/// machine makes of each in the same transaction.
///
/// It never polls: between deadlines it sleeps, re-checking at most `recheckInterval` later
/// to notice wall-clock jumps. Catch-up after downtime needs nothing special: every overdue
/// stage is due, and batches take them in deadline order.
public final class Scheduler: Service {
    let store: any CaseStore
    let rulebooks: RulebookHolder
    let clock: any WallClock
    let doorbell: Doorbell
    /// Wakes the delivery worker when stages queued notifications.
    let outboxBell: Doorbell
    let logger: Logger
    let batchSize: Int
    let recheckInterval: TimeInterval
    private let heartbeat: Mutex<Heartbeat>
    private let catchingUp = Mutex(false)
    /// The current pass's stages, told to the journal one by one when it ends small.
    private let pass = Mutex(StagePass())
    let stallForTesting: Bool

    /// What the loop is doing: working on due stages since an instant, or asleep until one,
    /// both on the monotonic clock (a wall-clock step must not make a sleeping loop look stuck).
    public enum Heartbeat: Sendable, Equatable {
        case working(since: ContinuousClock.Instant)
        case sleeping(until: ContinuousClock.Instant)
    }

    public init(
        store: any CaseStore, rulebooks: RulebookHolder, clock: any WallClock, doorbell: Doorbell,
        outboxBell: Doorbell = Doorbell(), logger: Logger, batchSize: Int = 500, recheckInterval: TimeInterval = 120,
        stallForTesting: Bool = false
    ) {
        self.stallForTesting = stallForTesting
        self.store = store
        self.rulebooks = rulebooks
        self.clock = clock
        self.doorbell = doorbell
        self.outboxBell = outboxBell
        self.logger = logger
        self.batchSize = batchSize
        self.recheckInterval = recheckInterval
        heartbeat = Mutex(.working(since: clock.monotonicNow()))
    }

    /// Whether the scheduler is working through more due stages than one batch (a storm, a
    /// catch-up): the delivery worker lets it commit them first.
    public var isCatchingUp: Bool { catchingUp.withLock { $0 } }

    /// Whether the loop is alive at the monotonic instant `now` (for the watchdog): it went
    /// round less than `tolerance` ago, or it sleeps until a wake-up not more than `tolerance` past.
    ///
    /// Measured on the monotonic clock the loop sleeps on: a wall clock set forward while the
    /// loop sleeps changes nothing here (the loop notices the jump at its next re-check).
    public func isHealthy(at now: ContinuousClock.Instant, tolerance: Duration) -> Bool {
        switch heartbeat.withLock({ $0 }) {
        case .working(let since): now - since < tolerance
        case .sleeping(let until): now - until < tolerance
        }
    }

    /// Whether the loop is alive now, on the scheduler's own clock (see ``isHealthy(at:tolerance:)``).
    public func isHealthy(tolerance: Duration) -> Bool {
        isHealthy(at: clock.monotonicNow(), tolerance: tolerance)
    }

    public func run() async throws {
        do {
            try await cancelWhenGracefulShutdown { try await self.loop() }
        } catch is CancellationError {
            // Stopping.
        }
        logger.info("scheduler stopped")
    }

    private func loop() async throws {
        var failures = 0
        while !Task.isCancelled {
            let now = clock.now()
            let started = clock.monotonicNow()
            heartbeat.withLock { $0 = .working(since: started) }
            let wakeAt: Date
            do {
                let busy = try await runDue(now: now)
                catchingUp.withLock { $0 = busy }
                failures = 0
                if busy { continue }
                let next = try await store.nextDeadline() ?? .distantFuture
                // A deadline still in the past here is one the machine would not carry out:
                // look again a little later instead of spinning.
                wakeAt = min(next > now ? next : now.addingTimeInterval(1), now.addingTimeInterval(recheckInterval))
            } catch {
                failures += 1
                let backoff = min(60, pow(2, Double(min(failures, 6))) / 2)
                logger.error(
                    "scheduler could not reach storage; retrying",
                    metadata: [
                        "followup.error": "\(error)", "followup.retry_in": "\(backoff)s",
                        "followup.event": "storage_unavailable",
                    ])
                wakeAt = now.addingTimeInterval(backoff)
            }
            if stallForTesting {
                logger.warning("scheduler stalled on purpose (--test-stall-scheduler)")
                try await Task.sleep(for: .seconds(86_400 * 365))
            }
            if wakeAt > now {
                // The sleep lasts `wakeAt - now` on the monotonic clock, whatever the wall clock does.
                let wake = clock.monotonicNow().advanced(by: .seconds(wakeAt.timeIntervalSince(now)))
                heartbeat.withLock { $0 = .sleeping(until: wake) }
                await doorbell.wait(until: wakeAt, on: clock)
            }
        }
    }

    /// How late a stage must be for its notifications to count as catch-up.
    public static let catchUpLateness: TimeInterval = 60

    /// Carries out one batch of stages due at `now`; true when more may be due at once: the
    /// batch was full, or stages were carried out (a case's next stage, such as the report
    /// after a skipped resend, may be due as well).
    @discardableResult
    public func runDue(now: Date) async throws -> Bool {
        let rulebook = rulebooks.current
        let courier = Courier(rulebook: rulebook)
        let logger = self.logger
        let batch = try await store.fireDueStages(now: now, limit: batchSize) { subject, stage in
            let env = rulebook.environment(forPartner: subject.partner?.name, now: now, by: CaseEnvironment.daemon)
            guard let transition = CaseMachine.fire(stage, on: subject, in: env) else { return nil }
            do {
                // A stage overdue by more than a minute is catch-up after downtime: its
                // notifications reach each channel folded into a digest.
                let catchUp = now.timeIntervalSince(stage.dueAt) > Self.catchUpLateness
                return try courier.change(for: transition, at: now, catchUp: catchUp)
            } catch {
                logger.error(
                    "stage could not be prepared",
                    metadata: [
                        "followup.event": "stage_failed", "followup.case": "\(subject.id)",
                        "followup.stage": "\(stage.kind.rawValue)",
                    ])
                return nil
            }
        }
        if batch.total > 0 { outboxBell.ring() }
        if batch.total > 0 || batch.duplicates > 0 {
            let kinds = batch.fired.sorted { $0.key.rawValue < $1.key.rawValue }
                .map { "\($0.key.rawValue)=\($0.value)" }.joined(separator: " ")
            logger.info(
                "stages carried out",
                metadata: [
                    "followup.event": "stages", "followup.count": "\(batch.total)", "followup.kinds": "\(kinds)",
                    "followup.duplicates": "\(batch.duplicates)",
                ])
        }
        let goesOn = batch.examined >= batchSize || batch.total > 0
        let told = pass.withLock { $0.note(batch, goesOn: goesOn) }
        for carried in told { StagePass.tell(carried, to: logger) }
        return goesOn
    }
}
