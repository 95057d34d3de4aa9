import FollowupCore
import FollowupEngine
import FollowupStorage
import Foundation
import Testing

/// The real scheduler loop while the wall clock is set under it (issue 19): it sleeps on the
/// monotonic clock and re-reads the wall clock when it wakes, so a step forward fires what came
/// due no later than the periodic re-check (120 s), and a step back fires nothing early.
@Suite struct WallClockStepTests {
    static let t0 = SchedulerTests.t0
    let hour: TimeInterval = 3600

    /// The case's resends and reports as the daemon carried them out: (stage, wall-clock reading).
    func stages(_ rig: SchedulerTests.Rig) async throws -> [(String, Date)] {
        try await rig.store.timeline(of: CaseID(1)).filter { $0.by == CaseEnvironment.daemon }.compactMap {
            switch $0.kind {
            case .resent: ("resend", $0.at)
            case .reportGenerated: ("report", $0.at)
            default: nil
            }
        }
    }

    /// Lets the scheduler task run what it was woken for, without moving the manual clock.
    func settle() async throws { try await Task.sleep(for: .milliseconds(200)) }

    @Test func aStepForwardFiresWhatCameDueAtTheNextRecheck() async throws {
        let rig = try SchedulerTests.Rig()
        defer { rig.cleanUp() }
        try await rig.running { sleeps in
            var sleeps = sleeps
            #expect(await sleeps.next() == Self.t0.addingTimeInterval(120))
            // Opened while the loop sleeps: it looks again and sleeps until the re-check, 120 s
            // on the monotonic clock (the length is fixed when the sleep starts).
            _ = try await rig.open(1)
            #expect(await sleeps.next() == Self.t0.addingTimeInterval(120))
            // The wall clock jumps 30 h: the resend (due at 24 h) is now overdue.
            rig.clock.step(by: 30 * hour)
            rig.clock.advance(by: 119)
            try await settle()
            #expect(try await stages(rig).isEmpty, "the loop sleeps on: nothing happens before the re-check")
            rig.clock.advance(by: 1)
            // Awake at the re-check: it reads the stepped wall clock and carries the resend out.
            let next = await sleeps.next()
            let fired = try await stages(rig)
            #expect(fired.map(\.0) == ["resend"])
            #expect(fired.first?.1 == Self.t0.addingTimeInterval(30 * hour + 120))
            // The report (72 h) is still ahead: the loop goes back to its re-checks.
            #expect(next == Self.t0.addingTimeInterval(30 * hour + 240))
        }
    }

    @Test func aStepBackFiresNothingEarly() async throws {
        let rig = try SchedulerTests.Rig()
        defer { rig.cleanUp() }
        let due = Self.t0.addingTimeInterval(24 * hour)
        try await rig.running { sleeps in
            var sleeps = sleeps
            #expect(await sleeps.next() == Self.t0.addingTimeInterval(120))
            _ = try await rig.open(1)
            #expect(await sleeps.next() == Self.t0.addingTimeInterval(120))
            // A minute before the resend the loop sleeps until it.
            rig.clock.advance(to: due.addingTimeInterval(-60))
            while let next = await sleeps.next(), next < due {}
            // The wall clock is set ten hours back; the loop's monotonic minute runs out.
            rig.clock.step(by: -10 * hour)
            rig.clock.advance(by: 60)
            // It wakes, reads a wall clock ten hours short of the resend and sleeps again.
            #expect(await sleeps.next() == due.addingTimeInterval(-10 * hour + 120))
            #expect(try await stages(rig).isEmpty, "nothing fires before its deadline on the wall clock")
            // Re-check after re-check until the wall clock reaches the deadline again.
            while rig.clock.now() < due {
                rig.clock.advance(by: 120)
                _ = await sleeps.next()
            }
            let fired = try await stages(rig)
            #expect(fired.map(\.0) == ["resend"])
            #expect(fired.first.map { $0.1 >= due && $0.1 < due.addingTimeInterval(120) } == true)
        }
    }
}
