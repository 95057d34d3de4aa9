import FollowupConfig
import FollowupCore
import FollowupEngine
import FollowupStorage
import FollowupTestSupport
import Foundation
import Logging
import Testing

/// What the scheduler logs of the stages it carries out (SPEC §6.8 correction): each stage of
/// a small pass is one entry on its case, with its event; a pass of more than 100 stages (a
/// storm) logs only batch summaries. Over a real SQLite file, on the injected clock.
@Suite struct StageJournalTests {
    static let t0 = SchedulerTests.t0

    struct Rig {
        let base: SchedulerTests.Rig
        let captured = CapturedLog()
        let scheduler: Scheduler

        init(configuration: Configuration = SchedulerTests.Rig.configuration) throws {
            base = try SchedulerTests.Rig(configuration: configuration)
            scheduler = Scheduler(
                store: base.store, rulebooks: base.rulebooks, clock: base.clock, doorbell: base.doorbell,
                logger: captured.logger(), batchSize: 50)
        }

        func pass(to instant: Date) async throws {
            base.clock.advance(to: instant)
            var rounds = 0
            while try await scheduler.runDue(now: base.clock.now()), rounds < 100 { rounds += 1 }
        }

        /// The entries logged on a case (with `followup.case`).
        var perCase: [CapturedLog.Entry] { captured.all.filter { $0.metadata["followup.case"] != nil } }
    }

    @Test func eachStageOfASmallPassIsOneEntryOnItsCase() async throws {
        let rig = try Rig()
        defer { rig.base.cleanUp() }
        for n in 1...3 { _ = try await rig.base.open(n) }
        // The resends (24 h), then the reports (72 h).
        try await rig.pass(to: Self.t0.addingTimeInterval(24 * 3600))
        let resent = rig.perCase
        #expect(resent.count == 3)
        #expect(Set(resent.compactMap { $0.metadata["followup.case"] }) == ["FU-1", "FU-2", "FU-3"])
        #expect(resent.allSatisfy { $0.metadata["followup.event"] == "resent" && $0.level == .info })
        #expect(
            resent.allSatisfy { $0.metadata["followup.attempt"] == "2" && $0.metadata["followup.partner"] == "SIEG" })
        try await rig.pass(to: Self.t0.addingTimeInterval(72 * 3600))
        let reports = rig.perCase.dropFirst(3)
        #expect(reports.count == 3)
        #expect(reports.allSatisfy { $0.metadata["followup.event"] == "report_generated" })
        #expect(reports.allSatisfy { $0.metadata["followup.reason"] == "no_reply" })
        // The summaries are still there, on no case.
        #expect(rig.captured.all.filter { $0.metadata["followup.event"] == "stages" }.count == 2)
    }

    @Test func remindersWarningsSkipsAndClosingAreTold() async throws {
        var configuration = SchedulerTests.Rig.configuration
        configuration.policy.closeReturnedAfter = .days(1)
        let rig = try Rig(configuration: configuration)
        defer { rig.base.cleanUp() }
        let first = try await rig.base.open(1)
        _ = try await rig.base.desk.apply(
            .partnerReplied(kind: .info, at: nil, note: "segredo do cliente"), to: first.id, by: "joana")
        let second = try await rig.base.open(2)
        _ = try await rig.base.desk.apply(.partnerRefused(at: nil, note: "não"), to: second.id, by: "joana")
        // A third, down for four days: its resend is skipped, its report goes out.
        _ = try await rig.base.open(3)
        try await rig.pass(to: Self.t0.addingTimeInterval(96 * 3600))
        let events = rig.perCase.map { "\($0.metadata["followup.case"]!) \($0.metadata["followup.event"]!)" }
        #expect(events.contains("FU-1 reminded"))
        #expect(events.contains("FU-2 closed_returned"))
        #expect(events.contains("FU-3 skipped"))
        #expect(events.contains("FU-3 report_generated"))
        #expect(!rig.captured.all.contains { $0.message.contains("segredo") || $0.metadata.values.contains("segredo") })
    }

    @Test func aStormLogsSummariesOnly() async throws {
        let rig = try Rig()
        defer { rig.base.cleanUp() }
        for n in 1...150 { _ = try await rig.base.open(n) }
        try await rig.pass(to: Self.t0.addingTimeInterval(24 * 3600))
        #expect(rig.perCase.isEmpty, "150 stages in one pass: no line per case")
        let summaries = rig.captured.all.filter { $0.metadata["followup.event"] == "stages" }
        #expect(summaries.count == 3, "one per batch of 50")
        #expect(summaries.compactMap { Int($0.metadata["followup.count"] ?? "") }.reduce(0, +) == 150)
        // The next pass is small again: told case by case.
        _ = try await rig.base.open(151)
        try await rig.pass(to: Self.t0.addingTimeInterval(48 * 3600))
        #expect(rig.perCase.map { $0.metadata["followup.case"] } == ["FU-151"])
    }
}
