import FollowupCore
import Foundation
import Testing

/// A reminder series never fires one reminder per elapsed period: after downtime, or when it
/// counts from a return long ago, one reminder stands for all that elapsed and the series
/// resumes from then (SPEC §3 "Catch-up without storms").
@Suite struct ReminderCatchUpTests {
    let t0 = Fixture.t0
    let hour = Fixture.hour
    let day: TimeInterval = 86_400

    /// Fires every stage due at `now`, as the scheduler does at one instant (at most `limit`).
    private func fireDue(_ subject: inout Case, at now: Date, limit: Int = 10_000) -> [Transition] {
        var fired: [Transition] = []
        while fired.count < limit, let stage = subject.nextStage, stage.dueAt <= now,
            let transition = CaseMachine.fire(stage, on: subject, in: Fixture.env(now, by: CaseEnvironment.daemon))
        {
            subject = transition.case
            fired.append(transition)
        }
        return fired
    }

    @Test func aReturnFromLongAgoRemindsOnceThenResumesFromNow() throws {
        // A request sent 400 days ago, recorded now; its return came back the next day.
        let opened = try Fixture.opened { $0.sentAt = Fixture.t0.addingTimeInterval(-400 * 86_400) }
        var subject = try CaseMachine.apply(
            .partnerReplied(kind: .info, at: t0.addingTimeInterval(-399 * day), note: "retorno"), to: opened,
            in: Fixture.env(t0)
        ).case
        let caughtUp = fireDue(&subject, at: t0)
        #expect(caughtUp.map(\.entryKinds) == [[.ownerReminded]])
        #expect(subject.nextStage?.kind == .ownerReminder)
        #expect(subject.nextStage?.dueAt == t0.addingTimeInterval(24 * hour))
        #expect(fireDue(&subject, at: t0.addingTimeInterval(24 * hour - 1)).isEmpty)
        let next = fireDue(&subject, at: t0.addingTimeInterval(24 * hour))
        #expect(next.count == 1)
        #expect(subject.nextStage?.dueAt == t0.addingTimeInterval(48 * hour))
    }

    @Test func downtimeGivesOneOwnerReminderThenTheSeriesResumes() throws {
        var subject = try CaseMachine.apply(
            .partnerReplied(kind: .info, at: nil, note: "retorno"), to: Fixture.opened(), in: Fixture.env(t0)
        ).case
        #expect(fireDue(&subject, at: t0.addingTimeInterval(24 * hour)).count == 1)
        // Down for ten days.
        let back = t0.addingTimeInterval(24 * hour + 10 * day + 600)
        let caughtUp = fireDue(&subject, at: back)
        #expect(caughtUp.count == 1)
        #expect(subject.timers.ownerReminder?.sent == 2)
        #expect(subject.nextStage?.dueAt == back.addingTimeInterval(24 * hour))
        // The stage keys go on: the next reminder is ordinal 3 of the same series.
        #expect(subject.nextStage?.ordinal == 3)
        #expect(fireDue(&subject, at: back.addingTimeInterval(24 * hour)).count == 1)
    }

    @Test func downtimeGivesOneClientReminderToo() throws {
        var policy = CasePolicy.standard
        policy.clientReminderAfter = .time(seconds: 48 * 3600)
        var subject = try CaseMachine.apply(
            .partnerRefused(at: nil, note: "não"), to: Fixture.opened(policy: policy),
            in: Fixture.env(t0, policy: policy)
        ).case
        let back = t0.addingTimeInterval(30 * day)
        var fired: [Transition] = []
        while let stage = subject.nextStage, stage.dueAt <= back, fired.count < 1000,
            let transition = CaseMachine.fire(
                stage, on: subject, in: Fixture.env(back, by: CaseEnvironment.daemon, policy: policy))
        {
            subject = transition.case
            fired.append(transition)
        }
        #expect(fired.map(\.entryKinds) == [[.clientReminded]])
        #expect(subject.nextStage?.dueAt == back.addingTimeInterval(48 * hour))
    }

    /// A series stored before `resumed_after` existed reads as one that never resumed.
    @Test func storedSeriesWithoutTheNewKeyStillReads() throws {
        let json = Data(
            #"{"series":2,"base":0,"every":"24h","sent":1,"nextAt":172800}"#.utf8)
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        let series = try decoder.decode(ReminderSeries.self, from: json)
        #expect(series.sent == 1)
        #expect(series.resumedAfter == 0)
    }
}
