import FollowupCore
import FollowupEngine
import Foundation
import Testing

/// The watchdog's health source: the scheduler loop is alive while idle, whatever the wall
/// clock does (it sleeps on the monotonic clock, so health is measured there too). Time is
/// the manual clock's: nothing here sleeps on the wall clock.
@Suite struct SchedulerHealthTests {
    @Test func aWallClockStepWhileIdleLeavesTheLoopHealthy() async throws {
        let rig = try SchedulerTests.Rig()
        defer { rig.cleanUp() }
        try await rig.running { sleeps in
            var sleeps = sleeps
            let idle = await sleeps.next()
            #expect(idle == SchedulerTests.t0.addingTimeInterval(120))
            #expect(rig.scheduler.isHealthy(tolerance: .seconds(60)))
            // The wall clock steps an hour forward, then a day back; the monotonic sleep goes on.
            rig.clock.step(by: 3600)
            #expect(rig.scheduler.isHealthy(tolerance: .seconds(60)), "killed by systemd after a clock step")
            rig.clock.step(by: -86_400)
            #expect(rig.scheduler.isHealthy(tolerance: .seconds(60)))
        }
    }

    /// A loop that overslept its wake-up (120 s re-check) by more than the tolerance is stuck.
    @Test func aLoopPastItsWakeUpIsNotHealthy() async throws {
        let rig = try SchedulerTests.Rig()
        defer { rig.cleanUp() }
        try await rig.running { sleeps in
            var sleeps = sleeps
            _ = await sleeps.next()
            let asleep = rig.clock.monotonicNow()
            #expect(rig.scheduler.isHealthy(at: asleep.advanced(by: .seconds(179)), tolerance: .seconds(60)))
            #expect(!rig.scheduler.isHealthy(at: asleep.advanced(by: .seconds(181)), tolerance: .seconds(60)))
        }
    }

    /// The manual clock's two readings: `advance` moves both, `step` only the wall clock.
    @Test func manualClockStepsTheWallClockAlone() {
        let clock = ManualClock(now: SchedulerTests.t0)
        let start = clock.monotonicNow()
        clock.advance(by: 90)
        #expect(clock.monotonicNow() - start == .seconds(90))
        clock.step(by: 600)
        #expect(clock.now() == SchedulerTests.t0.addingTimeInterval(690))
        #expect(clock.monotonicNow() - start == .seconds(90))
    }
}
