import FollowupConfig
import FollowupCore
import FollowupEngine
import FollowupStorage
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// Carries one notification to its recipient channel; every failure is an outcome, never a throw.
public protocol NotificationCarrier: Sendable {
    func carry(_ message: OutboxMessage, rulebook: Rulebook) async -> DeliveryOutcome
}

/// The delivery worker (§4.1): claims due notifications from the outbox, folds storms into
/// digests, delivers, and records every attempt with what follows (delivered, retried with
/// exponential backoff and jitter, or failed and reported to ops). It also sends again, to
/// all leaders, what stays unacknowledged past `ack_within`.
///
/// Like the scheduler it never polls: it sleeps until the earliest pending attempt or
/// acknowledgement reminder, and a doorbell wakes it when something is queued. Delivery is
/// at-least-once under the notification's id: a claim is a lease, and a crash before the
/// attempt is recorded leaves the row to be claimed again when the lease ends.
public final class Dispatcher: Service {
    let store: any CaseStore
    let rulebooks: RulebookHolder
    let carrier: any NotificationCarrier
    let clock: any WallClock
    let doorbell: Doorbell
    let logger: Logger
    let batchSize: Int
    let parallelism: Int
    let recheckInterval: TimeInterval
    let makeID: @Sendable () -> String
    /// True while due stages are being committed in bulk: deliveries wait (at most
    /// ``longestHold``) so the storm's commits get the cores first.
    let hold: @Sendable () -> Bool
    /// Applies a command to a case (the desk): how a partner mail that never left marks its
    /// attempt failed and tells the owner. Nil in tests of delivery alone.
    let cases: (@Sendable (CaseCommand, CaseID) async throws -> Void)?
    private let recent = Mutex(RecentDeliveries())
    /// Whether the last batch was full, so the next one belongs to the same (bulk) pass.
    private let passGoesOn = Mutex(false)

    /// More notifications than this in one pass, or going out within a minute, make the
    /// deliveries bulk: only the summaries are logged (§6.8). Judged on the flow as well as the
    /// pass, since a storm delivered while its stages are still being committed (a busy
    /// machine) comes in many small passes, and each would otherwise log a line per
    /// notification into journald's rate limit.
    public static let bulkThreshold = 100

    /// The longest a delivery pass waits for the scheduler's bulk work.
    public static let longestHold: TimeInterval = 30

    public init(
        store: any CaseStore, rulebooks: RulebookHolder, carrier: any NotificationCarrier, clock: any WallClock,
        doorbell: Doorbell, logger: Logger, batchSize: Int = 200, parallelism: Int = 16,
        recheckInterval: TimeInterval = 120, makeID: @escaping @Sendable () -> String = Rulebook.newID,
        hold: @escaping @Sendable () -> Bool = { false },
        cases: (@Sendable (CaseCommand, CaseID) async throws -> Void)? = nil
    ) {
        self.hold = hold
        self.cases = cases
        self.store = store
        self.rulebooks = rulebooks
        self.carrier = carrier
        self.clock = clock
        self.doorbell = doorbell
        self.logger = logger
        self.batchSize = batchSize
        self.parallelism = parallelism
        self.recheckInterval = recheckInterval
        self.makeID = makeID
    }

    public func run() async throws {
        do {
            let released = try await store.releaseClaims(now: clock.now())
            if released > 0 {
                logger.notice(
                    "notifications being delivered when followupd stopped are delivered again under their id",
                    metadata: ["followup.event": "notification_delivered", "followup.count": "\(released)"])
            }
        } catch {
            logger.error("could not release earlier claims; they are delivered when their lease ends")
        }
        do {
            try await cancelWhenGracefulShutdown { try await self.loop() }
        } catch is CancellationError {
            // Stopping: what was not delivered stays queued.
        }
        logger.info("delivery worker stopped")
    }

    private func loop() async throws {
        var failures = 0
        while !Task.isCancelled {
            let held = clock.now()
            while hold(), clock.now().timeIntervalSince(held) < Self.longestHold {
                try await clock.sleep(until: clock.now().addingTimeInterval(0.25))
            }
            let now = clock.now()
            let wakeAt: Date
            do {
                let busy = try await runDue(now: now)
                failures = 0
                if busy { continue }
                let next = try await store.nextNotificationDue() ?? .distantFuture
                wakeAt = min(next > now ? next : now.addingTimeInterval(1), now.addingTimeInterval(recheckInterval))
            } catch is CancellationError {
                return
            } catch {
                failures += 1
                let backoff = min(60, pow(2, Double(min(failures, 6))) / 2)
                logger.error(
                    "delivery worker could not reach storage; retrying",
                    metadata: [
                        "followup.error": "\(error)", "followup.retry_in": "\(backoff)s",
                        "followup.event": "storage_unavailable",
                    ])
                wakeAt = now.addingTimeInterval(backoff)
            }
            if wakeAt > now { await doorbell.wait(until: wakeAt, on: clock) }
        }
    }

    /// One pass at `now`: reminders of overdue acknowledgements are queued, then one batch of
    /// due notifications is delivered; true when the batch was full (more may be due).
    @discardableResult
    public func runDue(now: Date) async throws -> Bool {
        try await remindUnacknowledged(now: now)
        return try await deliverDue(now: now)
    }

    /// Delivers one batch of notifications due at `now`; true when the batch was full.
    @discardableResult
    func deliverDue(now: Date) async throws -> Bool {
        let rulebook = rulebooks.current
        let settings = rulebook.configuration.notifications
        let timeout = TimeInterval(settings.timeout.components.seconds)
        // The lease covers the whole batch: at worst every round of `parallelism` deliveries
        // takes the full timeout (with time to compose and record). A lease shorter than the
        // work let another node claim the same rows and send partner mail twice.
        let rounds = (batchSize + parallelism - 1) / parallelism
        let leaseUntil = now.addingTimeInterval(Double(rounds + 1) * (timeout + 5) + 30)
        let claimed = try await store.claimNotifications(now: now, limit: batchSize, leaseUntil: leaseUntil)
        guard !claimed.isEmpty else {
            // Nothing more: the pass ended, and the next one is judged on its own size.
            passGoesOn.withLock { $0 = false }
            return false
        }
        let batch = try await foldStorms(claimed, now: now, leaseUntil: leaseUntil, rulebook: rulebook)
        let outcomes = await deliver(batch, rulebook: rulebook)
        let finished = clock.now()
        var records: [DeliveryRecord] = []
        var tally: [String: Int] = [:]
        for (message, outcome) in zip(batch, outcomes) {
            let record = record(of: outcome, for: message, at: finished, rulebook: rulebook)
            records.append(record)
            switch record.next {
            case .delivered: tally["delivered", default: 0] += 1
            case .retry: tally["retried", default: 0] += 1
            case .failed:
                tally["failed", default: 0] += 1
                logFailure(message, record.attempt)
            }
        }
        try await store.recordDeliveries(records)
        let full = claimed.count >= batchSize
        // Judged on what the pass took, before a storm's notifications to one recipient were
        // folded into a digest: 200 claimed and folded into 100 messages are still a storm
        // (the fold made a thousand-case storm log 99 lines on cases).
        let flowing = recentTotal(now: finished) + claimed.count > Self.bulkThreshold
        let bulk = passGoesOn.withLock { previous in
            defer { previous = full }
            return previous || flowing || claimed.count > Self.bulkThreshold
        }
        if !bulk {
            for (message, record) in zip(batch, records) where record.next == .delivered {
                logDelivery(message, record.attempt)
            }
        }
        await markUnsent(batch, records)
        recent.withLock { $0.note(batch, at: finished) }
        if records.contains(where: { !$0.also.isEmpty }) { doorbell.ring() }
        logger.info(
            "notifications delivered",
            metadata: [
                "followup.event": "notification_delivered", "followup.count": "\(tally["delivered", default: 0])",
                "followup.retried": "\(tally["retried", default: 0])",
                "followup.failed": "\(tally["failed", default: 0])",
            ])
        return claimed.count >= batchSize
    }

    /// Partner mails the outbox gave up on never left: each marks its attempt failed on the
    /// case and tells the owner (`case.resend_failed`). A case that cannot be changed now is
    /// logged; the failed notification stays listed for ops.
    func markUnsent(_ batch: [OutboxMessage], _ records: [DeliveryRecord]) async {
        guard let cases else { return }
        for (message, record) in zip(batch, records) where message.channel == .partnerMail {
            guard case .failed = record.next, let caseID = message.caseID,
                let document = try? JSONCoding.decoder().decode(PartnerMailDocument.self, from: message.payload)
            else { continue }
            let command = CaseCommand.mailNotSent(
                messageID: document.messageID, to: document.to, error: record.attempt.error ?? "falha no envio")
            do {
                try await cases(command, caseID)
            } catch {
                logger.error(
                    "a partner mail that never left could not be marked on its case",
                    metadata: [
                        "followup.event": "unsent_not_marked", "followup.case": "\(caseID)",
                        "followup.notification": "\(message.id)", "followup.error": "\(error)",
                    ])
            }
        }
    }

    /// Runs the carrier over the batch, at most `parallelism` at a time; outcomes in batch order.
    func deliver(_ batch: [OutboxMessage], rulebook: Rulebook) async -> [DeliveryOutcome] {
        let carrier = self.carrier
        return await withTaskGroup(of: (Int, DeliveryOutcome).self) { group in
            var outcomes = [DeliveryOutcome?](repeating: nil, count: batch.count)
            var next = 0
            func start() {
                let index = next
                let message = batch[index]
                group.addTask { (index, await carrier.carry(message, rulebook: rulebook)) }
                next += 1
            }
            while next < min(parallelism, batch.count) { start() }
            for await (index, outcome) in group {
                outcomes[index] = outcome
                if next < batch.count { start() }
            }
            return outcomes.map { $0 ?? .retry(after: nil, DeliveryDetail(error: "not attempted")) }
        }
    }

    /// What an attempt's outcome makes of the notification (§4.1 retries).
    func record(of outcome: DeliveryOutcome, for message: OutboxMessage, at now: Date, rulebook: Rulebook)
        -> DeliveryRecord
    {
        let settings = rulebook.configuration.notifications
        let detail = outcome.detail
        let attempts = message.attempts + 1
        func attempt(_ result: String) -> DeliveryAttempt {
            DeliveryAttempt(
                number: attempts, at: now, result: result, httpStatus: detail.httpStatus,
                exitStatus: detail.exitStatus.map(Int.init), error: detail.error)
        }
        switch outcome {
        case .delivered:
            return DeliveryRecord(id: message.id, attempt: attempt("delivered"), next: .delivered)
        case .retry(let after, _) where attempts < settings.maxAttempts:
            let delay = Backoff.delay(
                attempt: attempts, initial: settings.retryInitial, max: settings.retryMax, retryAfter: after)
            return DeliveryRecord(
                id: message.id, attempt: attempt("retry"), next: .retry(at: now.addingTimeInterval(delay)))
        case .retry, .refused:
            let failure = attempt("failed")
            return DeliveryRecord(
                id: message.id, attempt: failure, next: .failed,
                also: failureNotices(
                    for: message, attempts: attempts, error: detail.error, now: now, rulebook: rulebook))
        }
    }

    /// `notification.failed` to ops (leaders with `ops: true`); never about a failure notice itself.
    func failureNotices(
        for message: OutboxMessage, attempts: Int, error: String?, now: Date, rulebook: Rulebook
    ) -> [OutboxMessage] {
        guard message.event != .deliveryFailed else { return [] }
        var data = NotificationData(
            summary: "A notificação \(message.id) (\(message.event.rawValue)) para \(message.recipient) "
                + "desistiu após \(attempts) tentativa(s): followupctl outbox retry \(message.id)")
        data.case = message.caseID?.description
        data.failed = NotificationData.FailedDelivery(
            id: message.id, type: message.event.rawValue, channel: message.channel.rawValue,
            recipient: message.recipient, attempts: attempts, error: error ?? "")
        let document = NotificationDocument(type: NotificationEvent.deliveryFailed.rawValue, timestamp: now, data: data)
        guard let payload = try? JSONCoding.encoder().encode(document) else { return [] }
        let configuration = rulebook.configuration
        return rulebook.leaderChannels(configuration.leaders.filter(\.ops)).map { channel in
            OutboxMessage(
                id: makeID(), caseID: message.caseID, event: .deliveryFailed, channel: channel.kind,
                recipient: channel.recipient, needsAck: false, createdAt: now, nextAttemptAt: now, payload: payload)
        }
    }

    /// One delivered notification as its own entry, on its case when it has one (ids only).
    private func logDelivery(_ message: OutboxMessage, _ attempt: DeliveryAttempt) {
        var metadata: Logger.Metadata = [
            "followup.event": "notification_delivered", "followup.notification": "\(message.id)",
            "followup.channel": "\(message.channel.rawValue)", "followup.type": "\(message.event.rawValue)",
            "followup.attempts": "\(attempt.number)",
        ]
        if let caseID = message.caseID { metadata["followup.case"] = "\(caseID)" }
        logger.info("notification \(message.id) (\(message.event.rawValue)) delivered", metadata: metadata)
    }

    private func logFailure(_ message: OutboxMessage, _ attempt: DeliveryAttempt) {
        var metadata: Logger.Metadata = [
            "followup.event": "notification_failed", "followup.notification": "\(message.id)",
            "followup.channel": "\(message.channel.rawValue)", "followup.recipient": "\(message.recipient)",
            "followup.type": "\(message.event.rawValue)", "followup.attempts": "\(attempt.number)",
            "followup.error": "\(attempt.error ?? "")",
        ]
        if let caseID = message.caseID { metadata["followup.case"] = "\(caseID)" }
        logger.warning("notification gave up: followupctl outbox retry \(message.id)", metadata: metadata)
    }

    /// Notes recent deliveries per channel, for the digest threshold.
    struct RecentDeliveries {
        var perChannel: [String: [Date]] = [:]

        mutating func note(_ messages: [OutboxMessage], at now: Date) {
            for message in messages { perChannel[Self.key(message), default: []].append(now) }
            prune(before: now.addingTimeInterval(-60))
        }

        mutating func prune(before limit: Date) {
            perChannel = perChannel.compactMapValues { times in
                let kept = times.filter { $0 > limit }
                return kept.isEmpty ? nil : kept
            }
        }

        func count(_ key: String, since limit: Date) -> Int {
            perChannel[key]?.count { $0 > limit } ?? 0
        }

        static func key(_ message: OutboxMessage) -> String { "\(message.channel.rawValue) \(message.recipient)" }
    }

    func recentCount(_ key: String, now: Date) -> Int {
        recent.withLock { $0.count(key, since: now.addingTimeInterval(-60)) }
    }

    /// Notifications of every channel that went out in the minute before `now`.
    func recentTotal(now: Date) -> Int {
        recent.withLock { recent in
            recent.perChannel.keys.reduce(0) { $0 + recent.count($1, since: now.addingTimeInterval(-60)) }
        }
    }
}

/// Exponential backoff with jitter (§4.1): the n-th retry waits between half and all of
/// `initial × 2^(n-1)`, never more than `max`.
///
/// A recipient's `Retry-After` is a floor honoured up to `max` (§6.3 "Correction (times)"):
/// an endpoint cannot park a notification for a century, which would also hold back every
/// later notification of its case on that channel.
public enum Backoff {
    public static func delay(
        attempt: Int, initial: Duration, max: Duration, retryAfter: Duration?,
        random: (ClosedRange<Double>) -> Double = { Double.random(in: $0) }
    ) -> TimeInterval {
        let first = initial.seconds
        let ceiling = Swift.max(max.seconds, first)
        let full = Swift.min(ceiling, first * pow(2, Double(Swift.max(0, attempt - 1))))
        let jittered = random((full / 2)...full)
        return Swift.max(jittered, Swift.min(retryAfter?.seconds ?? 0, ceiling))
    }
}

extension Duration {
    /// The duration in seconds, fractions included.
    var seconds: TimeInterval {
        let parts = components
        return TimeInterval(parts.seconds) + TimeInterval(parts.attoseconds) / 1e18
    }
}
