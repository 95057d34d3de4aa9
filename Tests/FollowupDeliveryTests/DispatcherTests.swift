import FollowupConfig
import FollowupCore
import FollowupDelivery
import FollowupEngine
import FollowupStorage
import Foundation
import Logging
import Synchronization
import Testing

/// The delivery worker on a real SQLite file and an injected clock, with a carrier whose
/// answers the test scripts: retries with backoff, giving up into `failed` with a notice to
/// ops, digests of storms and catch-up passes, and reminders of what stays unacknowledged.
@Suite struct DispatcherTests {
    let t0 = Date(timeIntervalSince1970: 1_795_000_000)

    /// Answers per recipient, in order (the last one repeats), and remembers every carry.
    final class ScriptedCarrier: NotificationCarrier {
        let script: Mutex<[String: [DeliveryOutcome]]>
        let carried = Mutex<[OutboxMessage]>([])

        init(_ script: [String: [DeliveryOutcome]] = [:]) { self.script = Mutex(script) }

        func carry(_ message: OutboxMessage, rulebook: Rulebook) async -> DeliveryOutcome {
            carried.withLock { $0.append(message) }
            return script.withLock { script in
                guard var answers = script[message.recipient], !answers.isEmpty else {
                    return .delivered(DeliveryDetail(httpStatus: 200))
                }
                let answer = answers.removeFirst()
                script[message.recipient] = answers.isEmpty ? [answer] : answers
                return answer
            }
        }

        var log: [OutboxMessage] { carried.withLock { $0 } }
    }

    struct Bench {
        let store: SQLiteCaseStore
        let clock: ManualClock
        let carrier: ScriptedCarrier
        let dispatcher: Dispatcher
        let rulebooks: RulebookHolder
        let directory: URL

        func open(_ n: Int, deadline: Date? = nil) async throws -> Case {
            let desk = Desk(
                store: store, rulebooks: rulebooks, clock: clock, doorbell: Doorbell(),
                logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
            return try await desk.open(
                NewCase(
                    client: Client(name: "Cliente \(n)"),
                    partner: PartnerContact(name: "SIEG", emails: ["suporte@sieg.example"]), subject: "Assunto \(n)",
                    verification: "Verificar", owner: "joana", deadline: deadline, sentAt: clock.now()),
                by: "joana")
        }

        func remove() { try? FileManager.default.removeItem(at: directory) }
    }

    func bench(_ script: [String: [DeliveryOutcome]] = [:], configure: (inout Configuration) -> Void = { _ in })
        throws -> Bench
    {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("dispatch-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
        let store = try SQLiteCaseStore(path: directory.appendingPathComponent("db.sqlite").path, logger: logger)
        var configuration = Configuration(
            notifications: NotificationSettings(
                maxAttempts: 3, retryInitial: .seconds(10), retryMax: .seconds(60), timeout: .seconds(5),
                digestThreshold: 3, maxReminders: 2),
            webhooks: ["teams": WebhookSettings(url: "http://127.0.0.1:9/hook", format: .teams)],
            leaders: [
                Leader(name: "Ana", email: "ana@desk.example", webhooks: ["teams"], ops: true),
                Leader(name: "Bia", email: "bia@desk.example"),
            ],
            owners: [Owner(name: "joana", email: "joana@desk.example", leader: "Ana")])
        configure(&configuration)
        let rulebooks = RulebookHolder(Rulebook(configuration))
        let clock = ManualClock(now: t0)
        let carrier = ScriptedCarrier(script)
        let desk = Desk(store: store, rulebooks: rulebooks, clock: clock, doorbell: Doorbell(), logger: logger)
        let dispatcher = Dispatcher(
            store: store, rulebooks: rulebooks, carrier: carrier, clock: clock, doorbell: Doorbell(), logger: logger,
            cases: { command, id in _ = try await desk.apply(command, to: id, by: "followupd") })
        return Bench(
            store: store, clock: clock, carrier: carrier, dispatcher: dispatcher, rulebooks: rulebooks,
            directory: directory)
    }

    @Test func backoffGrowsWithJitterAndHonoursRetryAfter() {
        let low = Backoff.delay(attempt: 3, initial: .seconds(5), max: .seconds(3600), retryAfter: nil) {
            $0.lowerBound
        }
        let high = Backoff.delay(attempt: 3, initial: .seconds(5), max: .seconds(3600), retryAfter: nil) {
            $0.upperBound
        }
        #expect(low == 10 && high == 20, "the third retry waits between 10 s and 20 s")
        let capped = Backoff.delay(attempt: 30, initial: .seconds(5), max: .seconds(60), retryAfter: nil) {
            $0.upperBound
        }
        #expect(capped == 60)
        let told = Backoff.delay(attempt: 1, initial: .seconds(5), max: .seconds(60), retryAfter: .seconds(120)) {
            $0.upperBound
        }
        #expect(told == 60, "Retry-After is honoured up to retry_max")
        let floor = Backoff.delay(attempt: 1, initial: .seconds(5), max: .seconds(60), retryAfter: .seconds(30)) {
            $0.upperBound
        }
        #expect(floor == 30, "below retry_max, Retry-After is a floor")
        for absurd in [Duration.seconds(3_153_600_000), .seconds(Int64.max)] {
            let delay = Backoff.delay(attempt: 1, initial: .seconds(5), max: .seconds(7200), retryAfter: absurd) {
                $0.upperBound
            }
            #expect(delay == 7200, "\(absurd)")
        }
    }

    /// A webhook answering `Retry-After: 99999999999999999999` parks the notification for
    /// `retry_max` at most: the outbox lists it with a time anyone can read, and it is tried again.
    @Test func anAbsurdRetryAfterWaitsRetryMaxAtMost() async throws {
        let absurd = WebhookVerdict.delay("99999999999999999999", now: t0)
        let bench = try bench([
            "joana@desk.example": [
                .retry(after: absurd, DeliveryDetail(httpStatus: 503, error: "HTTP 503")),
                .delivered(DeliveryDetail(httpStatus: 200)),
            ]
        ])
        defer { bench.remove() }
        let opened = try await bench.open(1)
        let desk = Desk(
            store: bench.store, rulebooks: bench.rulebooks, clock: bench.clock, doorbell: Doorbell(),
            logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        _ = try await desk.apply(.partnerRefused(at: nil, note: "pediu contato direto"), to: opened.id, by: "joana")
        let id = try #require(
            try await bench.store.outbox(state: .pending, limit: 50).first { $0.recipient == "joana@desk.example" }?.id)

        try await bench.dispatcher.runDue(now: bench.clock.now())
        let row = try #require(try await bench.store.notification(id))
        #expect(row.state == .pending)
        #expect(row.nextAttemptAt <= t0.addingTimeInterval(60), "retry_max is 60 s here")
        let listed = try JSONCoding.encoder().encode(try await bench.store.outbox(state: .pending, limit: 50))
        #expect(!listed.isEmpty)

        bench.clock.advance(to: row.nextAttemptAt)
        try await bench.dispatcher.runDue(now: bench.clock.now())
        #expect(try await bench.store.notification(id)?.state == .delivered)
    }

    @Test func aPartnerMailThatNeverLeftMarksItsAttemptFailedAndTellsTheOwner() async throws {
        let bench = try bench([
            "suporte@sieg.example": [.refused(DeliveryDetail(error: "sendmail exited 75"))]
        ])
        defer { bench.remove() }
        let desk = Desk(
            store: bench.store, rulebooks: bench.rulebooks, clock: bench.clock, doorbell: Doorbell(),
            logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        let opened = try await desk.open(
            NewCase(
                client: Client(name: "Padaria"),
                partner: PartnerContact(name: "SIEG", emails: ["suporte@sieg.example"]),
                subject: "Notas", verification: "Verificar o CNPJ", owner: "joana", send: true),
            by: "joana")
        #expect(opened.attempts.count == 1 && opened.attempts[0].failed == false)

        try await bench.dispatcher.runDue(now: bench.clock.now())
        let after = try #require(try await bench.store.findCase(opened.id))
        #expect(after.attempts[0].failed, "the request that never left is not a contact that happened")
        let failed = try await bench.store.timeline(of: opened.id).filter { $0.kind == .resendFailed }
        #expect(failed.count == 1)
        #expect(failed.first?.note?.contains("sendmail exited 75") == true)
        let toOwner = try await bench.store.outbox(state: .pending, limit: 50).filter {
            $0.recipient == "joana@desk.example" && $0.event == .resendFailed
        }
        #expect(toOwner.count == 1, "the owner is told")
    }

    @Test func aTransientFailureWhileComposingIsRetriedNotRefused() {
        let unavailable = FollowupError(.storageUnavailable, "the database is locked")
        guard case .retry = OutboxCarrier.outcome(ofComposing: unavailable) else {
            Issue.record("storage unavailable while composing was refused")
            return
        }
        let undecodable = DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "bad"))
        guard case .refused = OutboxCarrier.outcome(ofComposing: undecodable) else {
            Issue.record("a stored document that does not decode was retried")
            return
        }
    }

    @Test func retriesThenFailsAndTellsOps() async throws {
        let bench = try bench([
            "joana@desk.example": [.retry(after: nil, DeliveryDetail(httpStatus: 500, error: "HTTP 500"))]
        ])
        defer { bench.remove() }
        // A priority request (deadline) goes to the leader; the owner gets nothing at open,
        // so queue an owner notification through a refusal.
        let opened = try await bench.open(1)
        let desk = Desk(
            store: bench.store, rulebooks: bench.rulebooks, clock: bench.clock, doorbell: Doorbell(),
            logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        _ = try await desk.apply(.partnerRefused(at: nil, note: "pediu contato direto"), to: opened.id, by: "joana")
        let toOwner = try await bench.store.outbox(state: .pending, limit: 50).filter {
            $0.recipient == "joana@desk.example"
        }
        #expect(toOwner.count == 1)
        let id = try #require(toOwner.first?.id)

        try await bench.dispatcher.runDue(now: bench.clock.now())
        var row = try #require(try await bench.store.notification(id))
        #expect(row.state == .pending && row.attempts == 1)
        #expect(row.nextAttemptAt >= t0.addingTimeInterval(5) && row.nextAttemptAt <= t0.addingTimeInterval(10))

        for _ in 0..<2 {
            bench.clock.advance(to: try #require(try await bench.store.nextNotificationDue()))
            try await bench.dispatcher.runDue(now: bench.clock.now())
        }
        row = try #require(try await bench.store.notification(id))
        #expect(row.state == .failed && row.attempts == 3)
        #expect(row.lastError == "HTTP 500")
        let history = try await bench.store.deliveryAttempts(of: id)
        #expect(history.map(\.result) == ["retry", "retry", "failed"])
        let notices = try await bench.store.outbox(state: nil, limit: 100).filter { $0.event == .deliveryFailed }
        #expect(Set(notices.map(\.recipient)) == ["teams", "ana@desk.example"], "ops: leaders with ops: true")
        let document = try JSONCoding.decoder().decode(NotificationDocument.self, from: notices[0].payload)
        #expect(document.data.failed?.id == id)
        #expect(document.data.failed?.attempts == 3)
    }

    @Test func refusedFailsAtOnce() async throws {
        let bench = try bench(["teams": [.refused(DeliveryDetail(httpStatus: 410, error: "HTTP 410: endpoint gone"))]])
        defer { bench.remove() }
        _ = try await bench.open(1, deadline: t0.addingTimeInterval(86_400 * 3))
        try await bench.dispatcher.runDue(now: bench.clock.now())
        let failed = try await bench.store.outbox(state: .failed, limit: 10)
        #expect(failed.map(\.recipient) == ["teams"])
        #expect(failed.first?.attempts == 1)
    }

    @Test func aStormToOneChannelIsFoldedButAcknowledgementsAreNot() async throws {
        let bench = try bench()
        defer { bench.remove() }
        let desk = Desk(
            store: bench.store, rulebooks: bench.rulebooks, clock: bench.clock, doorbell: Doorbell(),
            logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        for n in 1...5 {
            let opened = try await bench.open(n)
            _ = try await desk.apply(.partnerRefused(at: nil, note: "pediu contato direto"), to: opened.id, by: "joana")
        }
        _ = try await bench.open(6, deadline: t0.addingTimeInterval(86_400 * 3))
        try await bench.dispatcher.runDue(now: bench.clock.now())
        let carried = bench.carrier.log
        let toOwner = carried.filter { $0.recipient == "joana@desk.example" }
        #expect(toOwner.count == 1, "five refusals to the owner's mail: more than the threshold of 3, one digest")
        #expect(toOwner.first?.event == .digest)
        let digest = try JSONCoding.decoder().decode(NotificationDocument.self, from: toOwner[0].payload)
        #expect(digest.data.items?.count == 5)
        #expect(digest.data.items?.map(\.case) == ["FU-1", "FU-2", "FU-3", "FU-4", "FU-5"])
        let priority = carried.filter { $0.event == .priorityRequested }
        #expect(!priority.isEmpty, "needing acknowledgement, never folded")
        let counts = try await bench.store.counts()
        #expect(counts.outbox[.digested] == 15, "five each to the owner's mail, the leader's webhook and mail")
        #expect(carried.filter { $0.event == .digest }.count == 3)
    }

    @Test func catchUpNotificationsAreFoldedEvenBelowTheThreshold() async throws {
        let bench = try bench()
        defer { bench.remove() }
        let opened = [try await bench.open(1), try await bench.open(2)]
        let scheduler = Scheduler(
            store: bench.store, rulebooks: bench.rulebooks, clock: bench.clock, doorbell: Doorbell(),
            logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        // Back after three days down: resends and reports are all overdue.
        bench.clock.advance(by: 3 * 86_400 + 3600)
        while try await scheduler.runDue(now: bench.clock.now()) {}
        let queued = try await bench.store.outbox(state: nil, limit: 100)
        #expect(queued.contains { $0.catchUp })
        try await bench.dispatcher.runDue(now: bench.clock.now())
        let toOwner = bench.carrier.log.filter { $0.recipient == "joana@desk.example" }
        #expect(toOwner.map(\.event) == [.digest])
        let partnerMail = bench.carrier.log.filter { $0.channel == .partnerMail }
        #expect(partnerMail.isEmpty, "the resends were skipped: the reports were due too")
        let story = try await bench.store.timeline(of: opened[0].id).map(\.kind)
        #expect(story == [.opened, .skipped, .reportGenerated])
    }

    @Test func unacknowledgedGoesToAllLeadersAtMostMaxRemindersTimes() async throws {
        let bench = try bench()
        defer { bench.remove() }
        let opened = try await bench.open(1, deadline: t0.addingTimeInterval(86_400 * 5))
        try await bench.dispatcher.runDue(now: bench.clock.now())
        let first = try await bench.store.outbox(state: nil, limit: 10).filter { $0.event == .priorityRequested }
        #expect(Set(first.map(\.recipient)) == ["teams", "ana@desk.example"], "the case's leader: Ana")
        let group = try #require(first.first?.ackGroup)

        // Three ack_within periods pass (4 h by default); only max_reminders (2) reminders go out.
        for _ in 1...3 {
            bench.clock.advance(by: 4 * 3600 + 1)
            try await bench.dispatcher.runDue(now: bench.clock.now())
        }
        let reminders = try await bench.store.outbox(state: nil, limit: 50).filter { $0.event == .unacknowledged }
        #expect(reminders.count == 2 * 3, "twice, to Ana's webhook and mail and to Bia's mail")
        #expect(Set(reminders.map(\.recipient)) == ["teams", "ana@desk.example", "bia@desk.example"])
        #expect(reminders.allSatisfy { $0.ackGroup == group && $0.needsAck })

        let desk = Desk(
            store: bench.store, rulebooks: bench.rulebooks, clock: bench.clock, doorbell: Doorbell(),
            logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        let acknowledged = try await desk.acknowledge(notification: reminders[0].id, by: "bia")
        #expect(acknowledged.acknowledgedBy == "bia")
        let timeline = try await bench.store.timeline(of: opened.id)
        #expect(timeline.last?.kind == .acknowledged && timeline.last?.by == "bia")
        #expect(try await bench.store.notification(group)?.acknowledgedBy == "bia")
    }
}
