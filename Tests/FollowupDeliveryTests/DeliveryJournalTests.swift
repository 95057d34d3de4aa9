import FollowupConfig
import FollowupCore
import FollowupDelivery
import FollowupEngine
import FollowupStorage
import FollowupTestSupport
import Foundation
import Logging
import Testing

/// What the delivery worker logs (SPEC §6.8 correction): each notification delivered in a
/// small pass is one entry on its case; a pass of more than 100 logs its summary only.
@Suite struct DeliveryJournalTests {
    let t0 = Date(timeIntervalSince1970: 1_795_000_000)

    @Test func smallPassesTellEachDeliveryAndBulkPassesOnlyTheSummary() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("journal-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let quiet = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
        let store = try SQLiteCaseStore(path: directory.appendingPathComponent("db.sqlite").path, logger: quiet)
        let configuration = Configuration(
            notifications: NotificationSettings(
                maxAttempts: 3, retryInitial: .seconds(10), retryMax: .seconds(60), timeout: .seconds(5),
                digestThreshold: 10_000, maxReminders: 2),
            leaders: [Leader(name: "Ana", email: "ana@desk.example")],
            owners: [Owner(name: "joana", email: "joana@desk.example", leader: "Ana")])
        let rulebooks = RulebookHolder(Rulebook(configuration))
        let clock = ManualClock(now: t0)
        let desk = Desk(store: store, rulebooks: rulebooks, clock: clock, doorbell: Doorbell(), logger: quiet)
        let captured = CapturedLog()
        // A batch of 102: one full batch of priority requests is a bulk pass.
        let dispatcher = Dispatcher(
            store: store, rulebooks: rulebooks, carrier: DispatcherTests.ScriptedCarrier(), clock: clock,
            doorbell: Doorbell(), logger: captured.logger(),
            batchSize: 102)
        func open(_ n: Int) async throws {
            _ = try await desk.open(
                NewCase(
                    client: Client(name: "Cliente \(n)"),
                    partner: PartnerContact(name: "SIEG", emails: ["suporte@sieg.example"]), subject: "Assunto \(n)",
                    verification: "Verificar", owner: "joana", deadline: t0.addingTimeInterval(86_400 * 3),
                    sentAt: t0),
                by: "joana")
        }

        // One case: its notification (the priority request to the leader) is its own entry.
        try await open(1)
        while try await dispatcher.runDue(now: clock.now()) {}
        #expect(captured.delivered.map { $0["followup.case"] } == ["FU-1"])
        #expect(captured.delivered.first?["followup.type"] == "case.priority_requested")

        // 102 notifications at once: the summary only.
        for n in 2...103 { try await open(n) }
        while try await dispatcher.runDue(now: clock.now()) {}
        #expect(captured.delivered.count == 1, "no entry per notification in a bulk pass")
        let summaries = captured.all.map(\.metadata).filter { $0["followup.count"] != nil }
        #expect(summaries.compactMap { Int($0["followup.count"] ?? "") }.reduce(0, +) == 103)

        // Within the minute of the storm a small pass is still part of it; a minute later the
        // next one is small again.
        try await open(104)
        while try await dispatcher.runDue(now: clock.now()) {}
        #expect(captured.delivered.count == 1, "still the storm's minute")
        clock.advance(by: 61)
        try await open(105)
        while try await dispatcher.runDue(now: clock.now()) {}
        #expect(captured.delivered.map { $0["followup.case"] } == ["FU-1", "FU-105"])

        // A storm delivered in small passes (its stages still being committed): once more than
        // a hundred went out within a minute, only summaries.
        clock.advance(by: 61)
        for round in 0..<15 {
            for n in 0..<10 { try await open(200 + round * 10 + n) }
            while try await dispatcher.runDue(now: clock.now()) {}
            clock.advance(by: 1)
        }
        #expect(
            captured.delivered.count == 2 + 100,
            "a line each for the first hundred of the minute, then summaries: \(captured.delivered.count)")
    }
}

extension CapturedLog {
    /// The metadata of each entry telling one notification delivered.
    var delivered: [[String: String]] {
        all.map(\.metadata).filter {
            $0["followup.event"] == "notification_delivered" && $0["followup.notification"] != nil
        }
    }
}
