import FollowupCore
import Foundation
import Testing

/// The bugs the time property test (issue 19) found, each as the example its shrinking left.
@Suite("Time findings")
struct TimeFindingsTests {
    let t0 = Fixture.t0
    let hour = Fixture.hour

    /// Seed 40, shrunk: open; reload to a policy of 4 h resends; flag the case priority. The
    /// flag re-armed the cycle with the reloaded policy (a resend 4 h after the start) instead
    /// of the policy in force when the cycle started.
    @Test("A priority flag after a reload keeps the durations of the cycle's own policy")
    func priorityAfterReloadKeepsTheCyclesPolicy() throws {
        let before = CasePolicy(resendAfter: .days(2), maxResends: 1, reportAfter: .days(3))
        let overrides = PriorityOverrides(
            resendAfter: .time(seconds: 24 * 3600), maxResends: 2, reportAfter: .time(seconds: 120 * 3600))
        let opening = CaseEnvironment(
            now: t0, by: "joana", policy: before, priority: overrides, mailHost: "desk.example")
        let opened = try CaseMachine.open(Fixture.newCase, id: CaseID(1), in: opening).case
        #expect(opened.timers.resends == [t0.addingTimeInterval(48 * hour)])

        // The reload: 4 h resends, no priority durations.
        let reloaded = CaseEnvironment(
            now: t0, by: "Ana",
            policy: CasePolicy(
                resendAfter: .time(seconds: 4 * 3600), maxResends: 3, reportAfter: .time(seconds: 120 * 3600)),
            priority: PriorityOverrides(), mailHost: "desk.example")
        let flagged = try CaseMachine.apply(.setFlag(.priority, on: true), to: opened, in: reloaded).case
        #expect(flagged.timers.resends == [t0.addingTimeInterval(24 * hour), t0.addingTimeInterval(48 * hour)])
        #expect(flagged.timers.report == t0.addingTimeInterval(120 * hour))

        // Cleared again: the cycle's ordinary durations, not the reloaded ones.
        let cleared = try CaseMachine.apply(.setFlag(.priority, on: false), to: flagged, in: reloaded).case
        #expect(cleared.timers.resends == [t0.addingTimeInterval(48 * hour)])
        #expect(cleared.timers.report == t0.addingTimeInterval(72 * hour))

        // The next cycle counts on the policy in force when it starts.
        let returned = try CaseMachine.apply(
            .partnerReplied(kind: .info, at: nil, note: nil), to: cleared, in: reloaded
        )
        .case
        let later = CaseEnvironment(
            now: t0.addingTimeInterval(hour), by: "joana", policy: reloaded.policy, priority: PriorityOverrides(),
            mailHost: "desk.example")
        let restarted = try CaseMachine.apply(.contactSent(ContactRecord()), to: returned, in: later).case
        #expect(restarted.cycle.number == 2)
        #expect(restarted.timers.resends.first == t0.addingTimeInterval(5 * hour))
    }

    /// Seed 111, shrunk: open; an informative return at t; a contact dated t − 1 s. The contact
    /// restarted the cycle from before the return, though the return had answered it.
    @Test("A contact dated before the latest informative return does not restart the cycle")
    func contactBeforeTheReturnDoesNotRestart() throws {
        let opened = try Fixture.opened()
        let answer = t0.addingTimeInterval(2 * hour)
        let returned = try CaseMachine.apply(
            .partnerReplied(kind: .info, at: answer, note: nil), to: opened, in: Fixture.env(answer)
        ).case
        #expect(returned.state == .awaitingUs)

        let late = try CaseMachine.apply(
            .contactSent(ContactRecord(at: answer.addingTimeInterval(-1))), to: returned,
            in: Fixture.env(answer.addingTimeInterval(3 * hour)))
        #expect(late.case.state == .awaitingUs)
        #expect(late.case.cycle.number == 1)
        #expect(late.case.timers.report == nil)
        #expect(late.case.attempts.count == 2, "the contact is still logged as an attempt")

        // Our next contact after the return starts the new cycle, from its own send time.
        let next = try CaseMachine.apply(
            .contactSent(ContactRecord(at: answer.addingTimeInterval(60))), to: late.case,
            in: Fixture.env(answer.addingTimeInterval(3 * hour)))
        #expect(next.case.state == .awaitingPartner)
        #expect(next.case.cycle.number == 2)
        #expect(next.case.timers.report == answer.addingTimeInterval(60 + 72 * hour))
    }
}
