import FollowupConfig
import FollowupCore
import FollowupEngine
import FollowupStorage
import Foundation
import Logging
import ServiceLifecycle
import Testing

/// The scheduler and the desk on a real SQLite file, with time driven by a manual clock.
@Suite struct SchedulerTests {
    static let t0 = Date(timeIntervalSince1970: 1_795_000_000)
    let hour: TimeInterval = 3600

    struct Rig {
        let directory: URL
        let store: SQLiteCaseStore
        let clock: ManualClock
        let doorbell = Doorbell()
        let rulebooks: RulebookHolder
        let desk: Desk
        let scheduler: Scheduler

        init(configuration: Configuration = Rig.configuration) throws {
            directory = FileManager.default.temporaryDirectory.appendingPathComponent(
                "followupd-engine-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            store = try SQLiteCaseStore(
                path: directory.appendingPathComponent("db.sqlite").path,
                logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
            clock = ManualClock(now: SchedulerTests.t0)
            rulebooks = RulebookHolder(Rulebook(configuration))
            desk = Desk(
                store: store, rulebooks: rulebooks, clock: clock, doorbell: doorbell,
                logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
            scheduler = Scheduler(
                store: store, rulebooks: rulebooks, clock: clock, doorbell: doorbell,
                logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }),
                batchSize: 50)
        }

        static var configuration: Configuration {
            var configuration = Configuration()
            configuration.leaders = [Leader(name: "Ana", email: "ana@desk.example", webhooks: [], ops: true)]
            configuration.owners = [
                Owner(name: "joana", email: "joana@desk.example", leader: "Ana", phone: false, webhooks: [])
            ]
            configuration.mail.from = "Suporte <suporte@desk.example>"
            return configuration
        }

        func open(_ n: Int, sentAt: Date? = nil) async throws -> Case {
            try await desk.open(
                NewCase(
                    client: Client(name: "Cliente \(n)"),
                    partner: PartnerContact(name: "SIEG", emails: ["suporte@sieg.example"]),
                    subject: "Assunto \(n)", verification: "Verificar \(n)", owner: "joana", sentAt: sentAt),
                by: "joana")
        }

        /// Runs the scheduler in a service group while `body` drives the clock.
        func running(_ body: (AsyncStream<Date>.AsyncIterator) async throws -> Void) async throws {
            let group = ServiceGroup(
                services: [scheduler], logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { try await group.run() }
                try await body(clock.sleeps.makeAsyncIterator())
                await group.triggerGracefulShutdown()
                try await tasks.waitForAll()
            }
        }

        func cleanUp() { try? FileManager.default.removeItem(at: directory) }
    }

    @Test func sleepsUntilTheEarliestDeadlineAndCarriesItOut() async throws {
        let rig = try Rig()
        defer { rig.cleanUp() }
        _ = try await rig.open(1)
        try await rig.running { sleeps in
            var sleeps = sleeps
            // With nothing due, the scheduler sleeps until the resend (or its re-check, if sooner).
            let first = await sleeps.next()
            #expect(first == Self.t0.addingTimeInterval(120), "re-checks within a few minutes")
            rig.clock.advance(to: Self.t0.addingTimeInterval(24 * hour))
            while let next = await sleeps.next() {
                if next > Self.t0.addingTimeInterval(24 * hour) { break }
            }
            let resent = try await rig.store.findCase(CaseID(1))
            #expect(resent?.cycle.resends == 1)
            #expect(resent?.attempts.count == 2)
        }
        let outbox = try await rig.store.outbox(state: .pending, limit: 100)
        #expect(outbox.contains { $0.channel == .partnerMail && $0.recipient == "suporte@sieg.example" })
        #expect(outbox.contains { $0.event == .resent && $0.channel == .mail && $0.recipient == "joana@desk.example" })
    }

    @Test func aNewEarlierDeadlineWakesTheScheduler() async throws {
        var configuration = Rig.configuration
        configuration.policy.resendAfter = .time(seconds: 10)
        configuration.policy.reportAfter = .time(seconds: 30)
        let rig = try Rig(configuration: configuration)
        defer { rig.cleanUp() }
        try await rig.running { sleeps in
            var sleeps = sleeps
            let idle = await sleeps.next()
            #expect(idle == Self.t0.addingTimeInterval(120))
            _ = try await rig.open(1)
            // The doorbell makes the scheduler look again and sleep until the new resend.
            let next = await sleeps.next()
            #expect(next == Self.t0.addingTimeInterval(10))
        }
    }

    @Test func catchUpAfterDowntimeFiresEachOverdueStageOnce() async throws {
        let rig = try Rig()
        defer { rig.cleanUp() }
        for n in 1...120 { _ = try await rig.open(n) }
        // The daemon was down for four days.
        rig.clock.advance(to: Self.t0.addingTimeInterval(96 * hour))
        try await rig.running { sleeps in
            var sleeps = sleeps
            _ = await sleeps.next()
        }
        let counts = try await rig.store.counts()
        #expect(counts.cases[.returnedToClient] == 120)
        #expect(counts.stages[.report] == 120)
        #expect(counts.stages[.resend] == 120, "each resend carried out once, as skipped")
        for id in [1, 60, 120] {
            let kinds = try await rig.store.timeline(of: CaseID(Int64(id))).map(\.kind)
            #expect(kinds == [.opened, .skipped, .reportGenerated])
        }
        let reports = try await rig.store.outbox(state: .pending, limit: 10_000).filter { $0.event == .reportGenerated }
        #expect(reports.count == 240, "owner and leader, once per case")
    }

    @Test func deskRecordsCommandsAndRefusesWhatTheStateForbids() async throws {
        let rig = try Rig()
        defer { rig.cleanUp() }
        let opened = try await rig.open(1)
        #expect(opened.leader == "Ana")
        let replied = try await rig.desk.apply(
            .partnerReplied(kind: .info, at: nil, note: "ok"), to: opened.id, by: "joana")
        #expect(replied.state == .awaitingUs)
        do {
            _ = try await rig.desk.apply(.reopen(reason: "x"), to: opened.id, by: "joana")
            Issue.record("reopen accepted on an open case")
        } catch let error as FollowupError {
            #expect(error.code == .conflict)
        }
        #expect(try await rig.store.findCase(opened.id) == replied)
    }
}
