import FollowupConfig
import FollowupCore
import FollowupEngine
import FollowupStorage
import Foundation
import Testing

/// The scheduler carries out `policy.max_owner_reminders` and `policy.close_returned_after`
/// on its injected clock, over a real SQLite file: days pass in a few calls.
@Suite struct PolicyStageSchedulingTests {
    typealias Rig = SchedulerTests.Rig
    static let t0 = SchedulerTests.t0
    static let hour: TimeInterval = 3600

    /// Moves the clock to `instant` and runs the scheduler until nothing more is due.
    static func pass(_ rig: Rig, to instant: Date) async throws {
        rig.clock.advance(to: instant)
        var rounds = 0
        while try await rig.scheduler.runDue(now: rig.clock.now()), rounds < 100 { rounds += 1 }
    }

    @Test func ownerRemindersStopAfterFiveOnTheSchedulersClock() async throws {
        let rig = try Rig()
        defer { rig.cleanUp() }
        let opened = try await rig.open(1)
        _ = try await rig.desk.apply(
            .partnerReplied(kind: .info, at: nil, note: "retorno"), to: opened.id, by: "joana")
        for day in 1...10 {
            try await Self.pass(rig, to: Self.t0.addingTimeInterval(Double(day) * 24 * Self.hour))
        }
        let timeline = try await rig.store.timeline(of: opened.id)
        #expect(timeline.filter { $0.kind == .ownerReminded }.map(\.ordinal) == [1, 2, 3, 4, 5])
        #expect(try await rig.store.nextDeadline() == nil, "no sixth reminder armed")
        let reminders = try await rig.store.outbox(state: nil, limit: 1000).filter { $0.event == .ownerReminder }
        #expect(reminders.filter { $0.recipient == "joana@desk.example" }.count == 5)
        #expect(reminders.filter { $0.recipient == "ana@desk.example" }.count == 4, "leaders from the second on")
    }

    /// On the business calendar the duration counts working hours: 20 h are two working days
    /// of 08:00–18:00, not the 20 wall-clock hours of the continuous calendar.
    @Test func aReturnedCaseClosesAfterWorkingHoursOnTheBusinessCalendar() async throws {
        var configuration = Rig.configuration
        configuration.calendar.kind = .business
        configuration.calendar.timeZone = TimeZone(identifier: "UTC")!
        configuration.calendar.hours = WorkingHours(start: 8 * 60, end: 18 * 60)
        configuration.calendar.days = [.mon, .tue, .wed, .thu, .fri]
        configuration.calendar.holidays = []
        configuration.policy.closeReturnedAfter = .time(seconds: 20 * 3600)
        let rig = try Rig(configuration: configuration)
        defer { rig.cleanUp() }
        // t0 is Wednesday 2026-11-18 11:06:40 UTC: 6 h 53 m 20 s of work left that day, 10 h on
        // Thursday, and the rest on Friday at 11:06:40, two days later; the continuous calendar
        // would close it on Thursday at 07:06:40.
        let opened = try await rig.open(1)
        _ = try await rig.desk.apply(.partnerRefused(at: nil, note: "não"), to: opened.id, by: "joana")
        let thursdayNoon = Date(timeIntervalSince1970: 1_795_046_400 + 12 * Self.hour)  // 2026-11-19 12:00 UTC
        try await Self.pass(rig, to: thursdayNoon)
        #expect(
            try await rig.store.findCase(opened.id)?.state == .returnedToClient, "20 wall-clock hours are not enough")
        let fridayMorning = Self.t0.addingTimeInterval(48 * Self.hour)
        #expect(try await rig.store.nextDeadline() == fridayMorning)
        try await Self.pass(rig, to: fridayMorning)
        #expect(try await rig.store.findCase(opened.id)?.state == .closed)
        let last = try #require(try await rig.store.timeline(of: opened.id).last)
        #expect(last.kind == .closed && last.by == CaseEnvironment.daemon && last.stage == "close_returned")
        #expect(try await rig.store.counts().cases[.closed] == 1)
    }
}
